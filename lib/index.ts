// The package root: both halves. A Kubernetes-only user imports `cdk-cockroachdb/k8s` instead and never
// loads cdktf or the Google provider; a Google-Cloud-only user imports `cdk-cockroachdb/gcp`. Without
// cdktf and @cdktf/provider-google (optional peers), loading the root fails with lib/gcp/peers.ts's
// error, which says what to install, or to import `cdk-cockroachdb/k8s` instead.
export * from './k8s';
export * from './gcp/constructs';
