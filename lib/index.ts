// The package root: both halves. A Kubernetes-only user imports `cdk-cockroachdb/k8s` instead and never
// loads cdktf or the Google provider; a Google-Cloud-only user imports `cdk-cockroachdb/gcp`.
export * from './k8s';
export * from './gcp/constructs';
