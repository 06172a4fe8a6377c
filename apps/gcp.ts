/**
 * The Google Cloud app (cdktf.json's entry point): three stacks from the shared deployment description,
 * their states in the project's state bucket (`gs://<project>-tfstate`, created once beforehand).
 *
 *   cdktf deploy crdb-backups crdb-gke         GKE path: bucket, service account, cluster, Workload Identity
 *   cdktf deploy crdb-backups crdb-backup-key  minikube path: bucket, service account and a key
 */
import { App } from 'cdktf';
import {
  BackupKeyStack, BackupsStack, BinaryAuthorization, ControlPlaneAccess, CustomerManagedKey, DeploymentDescription, GkeStack, GkeStackProps,
  libraryImagePatterns, multiRegionStacks, MultiRegionStacks, StateBackend,
} from '../lib/gcp';
import { CONTROL_PLANE_NETWORKS, DEPLOYMENT, IMAGE_DIGESTS, ImageDigests, MULTI_REGION_DEPLOYMENT, pinnedByDigest } from './deployment';

/** Options of the Google Cloud app (tests and other entry points). */
export interface GcpAppOptions {
  /**
   * The deployment.
   * @default DEPLOYMENT (apps/deployment.ts)
   */
  readonly description?: DeploymentDescription;
  /**
   * Where the stacks keep their state.
   * @default StateBackend.gcs() - the description's project state bucket
   */
  readonly stateBackend?: StateBackend;
  /**
   * The GKE cluster's options.
   * @default - the library's defaults, the control plane reachable from CONTROL_PLANE_NETWORKS, Secrets
   * encrypted with a Cloud KMS key of the stack, Binary Authorization admitting allowedImages(imageDigests)
   */
  readonly gke?: GkeStackProps['gke'];
  /**
   * The production images' digests: Binary Authorization enforces only when every one is known (the GKE
   * app then runs them by digest), and logs what it would refuse until then.
   * @default IMAGE_DIGESTS (apps/deployment.ts)
   */
  readonly imageDigests?: ImageDigests;
}

/** cert-manager's images, by digest only (install its chart with the digests, see the README). */
const CERT_MANAGER_IMAGES = ['controller', 'webhook', 'cainjector', 'startupapicheck'].map((c) => `quay.io/jetstack/cert-manager-${c}@sha256:*`);

/**
 * Images the cluster admits besides GKE's own: the library's (CockroachDB, the books-load helper) and
 * cert-manager's, each by digest only; the library's by exactly the digests the GKE app runs once they are
 * all known (`imageDigests`), by any digest of their repository before.
 */
export function allowedImages(digests: ImageDigests = IMAGE_DIGESTS): string[] {
  return [...libraryImagePatterns(pinnedByDigest(digests) ? digests : {}), ...CERT_MANAGER_IMAGES];
}

export function buildGcpApp(app: App, options: GcpAppOptions = {}): { backups: BackupsStack; gke: GkeStack; key: BackupKeyStack } {
  const description = options.description ?? DEPLOYMENT;
  const stateBackend = options.stateBackend ?? StateBackend.gcs();
  const digests = options.imageDigests ?? IMAGE_DIGESTS;
  // Backups encrypted with a key of the stack; every read and write of them in the audit logs.
  const backups = new BackupsStack(app, 'crdb-backups', {
    description, stateBackend, bucket: { encryptionKey: CustomerManagedKey.create() }, dataAccessLogs: true,
  });
  const gke = new GkeStack(app, 'crdb-gke', {
    description,
    stateBackend,
    gke: {
      controlPlaneAccess: ControlPlaneAccess.authorizedNetworks(CONTROL_PLANE_NETWORKS),
      secretsEncryption: CustomerManagedKey.create(),
      // Enforced once the GKE app runs its images by digest (IMAGE_DIGESTS); a dry run (logged, not refused) until then.
      binaryAuthorization: BinaryAuthorization.projectPolicy({ allowedImages: allowedImages(digests), dryRun: !pinnedByDigest(digests) }),
      ...options.gke,
    },
  });
  gke.addDependency(backups);
  const key = new BackupKeyStack(app, 'crdb-backup-key', { description, stateBackend });
  key.addDependency(backups);
  return { backups, gke, key };
}

/**
 * The stacks of the three-region cluster (MULTI_REGION_DEPLOYMENT): `crdb-global-backups` (the bucket in a
 * multi-region location, the backup service account) and `crdb-global-gke` (one VPC, a GKE cluster per
 * region, the CA, Workload Identity, monitoring).
 */
export function buildMultiRegionGcpApp(app: App, stateBackend: StateBackend = StateBackend.gcs()): MultiRegionStacks {
  return multiRegionStacks(app, { backups: 'crdb-global-backups', gke: 'crdb-global-gke' }, {
    description: MULTI_REGION_DEPLOYMENT,
    stateBackend,
    gke: { controlPlaneAccess: ControlPlaneAccess.authorizedNetworks(CONTROL_PLANE_NETWORKS) },
  });
}

if (require.main === module) {
  const app = new App();
  buildGcpApp(app);
  buildMultiRegionGcpApp(app);
  app.synth();
}
