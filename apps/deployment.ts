import { DeploymentDescription } from '../lib/shared';

/**
 * The one description of this deployment, read by the cdktf app (apps/gcp.ts) and the GKE cdk8s app
 * (apps/gke.ts). Edit the values here — project, region, bucket — and nowhere else.
 */
export const DEPLOYMENT = DeploymentDescription.of({
  projectId: 'crdb-book-demo',
  region: 'europe-west1',
  zones: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'],
  gkeClusterName: 'cockroachdb',
  namespace: 'cockroachdb',
  cockroachClusterName: 'crdb',
  bucketName: 'crdb-book-demo-backups',
  backupPath: 'cluster',
  backupServiceAccountId: 'crdb-backup',
});
