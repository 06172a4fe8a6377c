export * from './k8s';
