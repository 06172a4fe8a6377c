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

/** The organization the enterprise license was issued to (the GKE app applies the license). */
export const LICENSE_ORGANIZATION = 'Acme Books';

/** Secrets the apps read at run time; create them before applying (see the README). */
export const SECRETS = {
  /** The backup service account's key for the minikube chapter, key `key.json`. */
  gcsKey: 'gcs-key',
  /** The enterprise license key, key `license`. */
  license: 'crdb-license',
};
