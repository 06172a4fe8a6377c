export * from '../shared';
export * from './gke-cluster';
export * from './backup-bucket';
export * from './backup-identity';
export * from './stacks';
