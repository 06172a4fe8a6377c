// The Google Cloud constructs without the shared module, for the package root (which exports the shared
// module once, through ./k8s).
import './peers';
export * from './gke-cluster';
export * from './network';
export * from './multi-region-network';
export * from './control-plane-access';
export * from './maintenance-window';
export * from './customer-managed-key';
export * from './binary-authorization';
export * from './data-access-logs';
export * from './backup-bucket';
export * from './backup-identity';
export * from './db-console-iap';
export * from './cloud-monitoring';
export * from './stacks';
export * from './certificate-authority';
export * from './multi-region';
export * from './state-backend';
export * from './project-apis';
export { gkeAllocatable, machineTypeSize } from './machine-types';
export type { MachineSize, NodeAllocatable } from './machine-types';
