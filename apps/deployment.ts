import type { LibraryImageDigests } from '../lib/gcp/binary-authorization';
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
  // CockroachDB encrypts every backup with a Cloud KMS key of the backups stack (default names).
  backupEncryptionKey: {},
  // A database pod of the GKE app (4 CPU and 16 GiB for CockroachDB, plus its small sidecar) fits in this;
  // the GKE app refuses a larger pod and the GKE stack a node too small for it.
  databasePod: { cpuCores: 4.1, memoryGib: 16.5 },
  // Cloud Monitoring's dashboard and alert policies (GCP app) and Managed Service for Prometheus' scraping
  // and Rules (GKE app), with the default alert thresholds. Replace the address with your team's.
  monitoring: { notificationEmails: ['dba@example.com'] },
});

/**
 * One CockroachDB cluster across three regions (the README's chapter "One cluster across three regions"):
 * a GKE cluster per region (`crdb-global-<region>`), one VPC, one CA in Certificate Authority Service, one
 * backup bucket in a multi-region location. Read by the multi-region GCP stacks (apps/gcp.ts) and the
 * region charts (apps/multi-region.ts). Its databases survive the loss of a whole region.
 */
export const MULTI_REGION_DEPLOYMENT = DeploymentDescription.of({
  projectId: 'crdb-book-demo',
  gkeClusterName: 'crdb-global',
  namespace: 'cockroachdb-global',
  cockroachClusterName: 'crdb',
  bucketName: 'crdb-book-demo-global-backups',
  // Not DEPLOYMENT's crdb-backup: both deployments may share the project, and a service account is the project's.
  backupServiceAccountId: 'crdb-global-backup',
  // The primary region first: the databases' PRIMARY REGION, and where the one init Job and the SQL Job run.
  regions: [
    { region: 'europe-west1', zones: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'] },
    { region: 'us-east1', zones: ['us-east1-b', 'us-east1-c', 'us-east1-d'] },
    { region: 'asia-southeast1', zones: ['asia-southeast1-a', 'asia-southeast1-b', 'asia-southeast1-c'] },
  ],
  // backupLocation: EU by default (the primary region's continent): the bucket outlives any one region.
  databasePod: { cpuCores: 4.1, memoryGib: 16.5 },
  monitoring: { notificationEmails: ['dba@example.com'] },
});

/**
 * The networks allowed to reach the GKE control plane (kubectl, cdk8s apply) through its public endpoint,
 * on top of IAM. Replace with your office or VPN egress range; with `ControlPlaneAccess.privateEndpoint()`
 * in apps/gcp.ts instead, kubectl runs from inside the VPC.
 */
export const CONTROL_PLANE_NETWORKS = [{ cidrBlock: '203.0.113.0/24', displayName: 'admins (replace with your range)' }];

/** The organization the enterprise license was issued to (the GKE app applies the license). */
export const LICENSE_ORGANIZATION = 'Acme Books';

/** Secrets the apps read at run time; create them before applying (see the README). */
export const SECRETS = {
  /** The backup service account's key for the minikube chapter, key `key.json`. */
  gcsKey: 'gcs-key',
  /** The enterprise license key, key `license`. */
  license: 'crdb-license',
};

/**
 * The digests of the images the production apps run, as `docker buildx imagetools inspect <image>` prints
 * them (its "Digest:" line): CockroachDB (`cockroachdb/cockroach:v26.2.1`) and the books load's Node image
 * (`node:22.22.0-alpine3.23`, only with `GKE_BOOKS_LOAD=1`). Both halves read them: with both set, the GKE
 * app runs the images by digest and the GCP app's Binary Authorization policy enforces (images not allowed
 * are refused); with either missing, the images run by their pinned tags and the policy only logs what it
 * would refuse (dry run). Empty here: this repository's CI reaches no image registry to read them, and a
 * digest nobody checked must never look real.
 */
export const IMAGE_DIGESTS: ImageDigests = {};

/**
 * Digests of the production images (`sha256:<64 hex>`): `cockroach` for `cockroachdb/cockroach:v26.2.1`,
 * `booksLoad` for the books load's Node image. The Google Cloud half's type: both halves read these.
 */
export type ImageDigests = LibraryImageDigests;

/** True when every production image runs by digest: then Binary Authorization can enforce. */
export function pinnedByDigest(digests: ImageDigests): boolean {
  return Boolean(digests.cockroach && digests.booksLoad);
}

