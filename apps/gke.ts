import { App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  BackupDestination, ClientCertificate, CockroachCluster, CockroachDbVersion, DatabasePrivilege, GcsCredentials, Locality,
  ManagedPrometheus, PodAntiAffinity, SqlSecret, TopologySpread,
} from '../lib/k8s';
import { DEPLOYMENT, IMAGE_DIGESTS, ImageDigests, LICENSE_ORGANIZATION, SECRETS } from './deployment';

/** Options of the GKE app. */
export interface GkeOptions {
  /**
   * The book's disaster-recovery drill: restore the whole cluster from the latest backup in the bucket
   * (taken from minikube) before anything else, into this new, empty cluster (`GKE_RESTORE=1 npm run synth`).
   * @default false
   */
  readonly restore?: boolean;
  /**
   * The books load Job, as on minikube (`GKE_BOOKS_LOAD=1 npm run synth`).
   * @default false
   */
  readonly booksLoad?: boolean;
  /**
   * The images' digests.
   * @default IMAGE_DIGESTS (apps/deployment.ts)
   */
  readonly imageDigests?: ImageDigests;
}

/**
 * The book's production path on GKE: TLS and mTLS through cert-manager, three nodes on three hosts spread
 * across zones with each pod's own locality, premium SSDs, production-sized pods, a NetworkPolicy, a
 * client certificate for the application user and a SQL client pod. Its ServiceAccount is bound to the
 * backup service account through Workload Identity.
 */
export class GkeChart extends Chart {
  public readonly cluster: CockroachCluster;
  /** The application user's client certificate (CN `app`). */
  public readonly appCertificate: ClientCertificate;

  constructor(app: App, options: GkeOptions = {}, id = 'cockroachdb') {
    // Namespace, cluster name and the Workload Identity annotation come from the shared description, so
    // they match the IAM binding that the cdktf app creates.
    super(app, id, { namespace: DEPLOYMENT.namespace, disableResourceNameHashes: true });
    const digests = options.imageDigests ?? IMAGE_DIGESTS;

    this.cluster = new CockroachCluster(this, 'crdb', {
      name: DEPLOYMENT.cockroachClusterName,
      // By content once IMAGE_DIGESTS has the digest (a re-pushed tag cannot change what the nodes run);
      // by its pinned tag until then.
      version: digests.cockroach ? CockroachDbVersion.V26_2_1.withDigest(digests.cockroach) : CockroachDbVersion.V26_2_1,
      // Backups and restores reach the bucket through Workload Identity: no key anywhere.
      gcsCredentials: GcsCredentials.fromDeployment(DEPLOYMENT),
      // security: TLS with cert-manager is the default.
      replicas: 3,
      resources: {
        cpu: { limit: Cpu.units(4) },
        memory: { limit: Size.gibibytes(16) },
      },
      storage: { size: Size.gibibytes(100), storageClassName: 'premium-rwo' },
      placement: {
        antiAffinity: PodAntiAffinity.required(),
        topologySpread: TopologySpread.acrossZones({ required: true }),
      },
      locality: Locality.fromNode(),
      // Nothing in or out of the namespace but what each of the library's pods needs: DNS, the database
      // pods, the control plane on 443 (the SQL Job's Lease, the locality init container; its address is
      // GKE's to choose, so any address on 443), Cloud Storage on the public internet and the metadata server
      // (Workload Identity). Any other workload of this namespace needs allow rules of its own.
      networkPolicy: { namespaceDefaultDeny: true },
      // Managed Service for Prometheus scrapes the nodes and evaluates the alerts, with the thresholds of the
      // description, which the GCP app's Cloud Monitoring dashboard and alert policies read too.
      managedPrometheus: ManagedPrometheus.fromDeployment(DEPLOYMENT),
    });
    // The book's collection (minikube's backups) is what a restore reads; this cluster backs up into a
    // collection of its own: two clusters never write into one, and CockroachDB pauses the schedules that
    // a restore brings onto another cluster.
    const minikubeBackups = BackupDestination.fromDeployment(DEPLOYMENT);
    const backups = BackupDestination.fromDeployment(DEPLOYMENT, 'gke');
    if (options.restore) {
      this.cluster.restoreFrom(minikubeBackups);
      this.cluster.addBackupInspection(minikubeBackups);
    }

    this.cluster.setLicense({ organization: LICENSE_ORGANIZATION, key: SqlSecret.fromSecret(SECRETS.license, 'license') });
    const shop = this.cluster.addDatabase('shop');
    // The application user authenticates with its client certificate only: no password exists.
    const appUser = this.cluster.addUser('app', { clientCertificate: true });
    shop.grant(appUser, DatabasePrivilege.ALL);
    this.appCertificate = appUser.clientCertificate!;
    this.cluster.addBackupSchedule('backup_cluster', { destination: backups });
    this.cluster.addBackupInspection(backups);
    this.cluster.addSqlClient();
    if (options.booksLoad) this.cluster.addBooksLoad({ imageDigest: digests.booksLoad });
  }
}
