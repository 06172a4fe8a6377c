// cdktf and @cdktf/provider-google are optional peer dependencies: a Kubernetes-only user installs neither.
// Without them, loading the Google Cloud half says what to install or import instead of failing on a module
// Node cannot find. ./constructs imports this module first, so it runs before any provider resource loads.
const missing = ['cdktf', '@cdktf/provider-google'].filter((name) => {
  try {
    require.resolve(name);
    return false;
  } catch {
    return true;
  }
});
if (missing.length > 0) {
  throw new Error(
    `cdk-cockroachdb: the Google Cloud half ('cdk-cockroachdb/gcp') needs ${missing.join(' and ')} (optional peer ` +
      `dependencies, not installed). Install them: npm install cdktf @cdktf/provider-google. For the Kubernetes ` +
      `half alone, import 'cdk-cockroachdb/k8s', which needs neither.`,
  );
}

export {};
