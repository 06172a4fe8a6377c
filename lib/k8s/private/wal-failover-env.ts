import type * as k8s from 'cdk8s-plus-28/lib/imports/k8s';

/**
 * With WAL failover on, CockroachDB's guide raises both stall limits from 20 s to 40 s: the failover
 * absorbs shorter stalls, and a node stalled longer is still killed so its leases move.
 */
export const WAL_FAILOVER_ENV: readonly k8s.EnvVar[] = [
  { name: 'COCKROACH_ENGINE_MAX_SYNC_DURATION_DEFAULT', value: '40s' },
  { name: 'COCKROACH_LOG_MAX_SYNC_DURATION', value: '40s' },
];
