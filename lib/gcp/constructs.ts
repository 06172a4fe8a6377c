// The Google Cloud constructs without the shared module, for the package root (which exports the shared
// module once, through ./k8s).
export * from './gke-cluster';
export * from './backup-bucket';
export * from './backup-identity';
export * from './stacks';
