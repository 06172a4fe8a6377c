/**
 * The Kubernetes half (cdk8s): the CockroachDB cluster and everything that runs in Kubernetes around it.
 * Loads neither cdktf nor the Google provider.
 *
 * @module cdk-cockroachdb/k8s
 */
export * from '../shared';
export * from './version';
export * from './release-series';
export * from './upgrade';
export * from './security';
export * from './tls';
export * from './client-certificate';
export * from './memory';
export * from './storage';
export * from './wal-failover';
export * from './storage-expansion';
export * from './placement';
export * from './locality';
export * from './logging';
export * from './network-policy';
export * from './digest-named-job';
export * from './init-job';
export * from './sql-client';
export * from './helm-release';
export * from './cluster-ref';
export * from './google-cas-issuer';
export * from './multi-region';
export * from './cluster-props';
export * from './cluster';
// The SQL text builders in ./sql stay internal: only the types a user passes in are public.
export { DatabasePrivilege, SqlSecret, TablePrivilege } from './sql';
export * from './database-regions';
export * from './backup';
export * from './gcs-credentials';
export * from './sql-provisioner';
export * from './books-load';
export * from './workload';
export * from './scale-down';
export * from './rollout';
export * from './monitoring';
export * from './grafana-dashboard';
export * from './managed-prometheus';
export * from './identity-aware-proxy';
export * from './db-console-ingress';
export * from './prune';
