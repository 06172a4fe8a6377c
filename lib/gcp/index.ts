/**
 * The Google Cloud half (cdktf): the GKE cluster, the backup bucket, the backup service account and its
 * Workload Identity binding, the Cloud Monitoring dashboard and alert policies, and the stacks that group
 * them, with their state backends and the APIs they enable; for several regions, the shared VPC, a GKE
 * cluster per region and the Certificate Authority Service CA they all issue from. Loads neither cdk8s nor
 * cdk8s-plus.
 *
 * @module cdk-cockroachdb/gcp
 */
export * from '../shared';
export * from './constructs';
