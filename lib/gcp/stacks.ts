import { KmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { DeploymentDescription } from '../shared/description';
import { checkRules, reject } from '../shared/validate';
import { BackupBucket, BackupBucketProps } from './backup-bucket';
import { BackupServiceAccount, BackupServiceAccountKey, BackupWorkloadIdentity } from './backup-identity';
import { CockroachCloudMonitoring } from './cloud-monitoring';
import { BoundKey, CustomerManagedKey } from './customer-managed-key';
import { GkeCluster, GkeClusterProps } from './gke-cluster';
import { StorageDataAccessLogs } from './data-access-logs';
import { DbConsoleIap } from './db-console-iap';
import { GkeNetwork, GkeNetworkProps } from './network';
import { namedOutput } from './outputs';
import { BACKUP_KEY_STACK_APIS, BACKUPS_STACK_APIS, BINARY_AUTHORIZATION_API, GKE_STACK_APIS, IAP_API, KMS_API, ProjectApis } from './project-apis';
import { credentialsOutput, setUpStack } from './private/stack-setup';
import { StateBackend } from './state-backend';

/** Properties shared by the stacks. */
export interface CockroachStackProps {
  /** The deployment, shared with the Kubernetes apps. */
  readonly description: DeploymentDescription;
  /**
   * Where Terraform keeps the stack's state. A team uses `StateBackend.gcs()`; the local files suit one
   * person trying things out.
   * @default StateBackend.local() - `terraform.<stack>.tfstate` in the project folder (git-ignored)
   */
  readonly stateBackend?: StateBackend;
  /**
   * Enable the Google Cloud APIs the stack uses (`google_project_service`, never disabled on destroy) and
   * make its resources wait for them. Turn it off when the deployer may not enable APIs
   * (`serviceusage.services.enable`) and an administrator enables them instead.
   * @default true
   */
  readonly enableApis?: boolean;
}

/** Properties of {@link BackupsStack}. */
export interface BackupsStackProps extends CockroachStackProps {
  /**
   * The bucket's options.
   * @default - versioned, noncurrent versions kept 30 days, in the description's region
   */
  readonly bucket?: Omit<BackupBucketProps, 'description'>;
  /**
   * Data Access audit logs for Cloud Storage in the project ({@link StorageDataAccessLogs}): every read
   * and write of a backup object, with who did it. Project-wide for Cloud Storage.
   * @default false
   */
  readonly dataAccessLogs?: boolean;
}

/**
 * The book's "create a bucket" and "give CockroachDB access to the bucket": the backup bucket and the
 * backup service account with its roles on that bucket. Needed by every Kubernetes cluster that backs up,
 * minikube or GKE. Outputs `backup_bucket_url` and `backup_service_account_email`.
 *
 * With the description's `backupEncryptionKey`, also the Cloud KMS key CockroachDB encrypts backups with
 * (`BACKUP ... WITH kms = ...`), which the backup service account, and only it, may encrypt and decrypt
 * with.
 */
export class BackupsStack extends TerraformStack {
  /** The backup bucket. */
  public readonly bucket: BackupBucket;
  /** The backup service account, with its roles on the bucket. */
  public readonly serviceAccount: BackupServiceAccount;
  /** The APIs the stack enables ({@link BACKUPS_STACK_APIS}); undefined with `enableApis: false`. */
  public readonly apis: ProjectApis | undefined;
  /** The Data Access audit logs of Cloud Storage; undefined without `dataAccessLogs`. */
  public readonly dataAccessLogs: StorageDataAccessLogs | undefined;
  /**
   * The key CockroachDB encrypts backups with (escape hatch: `key`, and `grant`, the backup service
   * account's `roles/cloudkms.cryptoKeyEncrypterDecrypter` on it); undefined without the description's
   * `backupEncryptionKey`.
   */
  public readonly backupEncryptionKey: BoundKey | undefined;

  constructor(scope: Construct, id: string, props: BackupsStackProps) {
    super(scope, id);
    const d = props.description;
    const backupKey = d.backupEncryptionKey;
    checkRules(this, [{
      props: 'bucket.location, description.regions',
      violated: d.isMultiRegion && props.bucket?.location !== undefined,
      message: `received ${JSON.stringify(props.bucket?.location)}; with regions the bucket is in the description's backupLocation (${d.backupLocation}), a multi-region that outlives any one region: state backupLocation in the description instead`,
    }, {
      props: 'bucket.encryptionKey, description.regions',
      violated: d.isMultiRegion && props.bucket?.encryptionKey !== undefined,
      message: `received a key; with regions the bucket is in the multi-region ${d.backupLocation}, and the library's keys are in one region, whose loss would leave every backup unreadable: leave bucket.encryptionKey out`,
    }]);
    this.apis = setUpStack(this, props, [...BACKUPS_STACK_APIS, ...(props.bucket?.encryptionKey || backupKey ? [KMS_API] : [])]);
    this.bucket = new BackupBucket(this, 'BackupBucket', { ...props.bucket, description: d });
    this.serviceAccount = new BackupServiceAccount(this, 'BackupServiceAccount', { description: d, dependsOn: [this.bucket.bucket] });
    const bucketRings = this.bucket.node.findAll().filter((c): c is KmsKeyRing => c instanceof KmsKeyRing).map((r) => r.nameInput);
    checkRules(this, [{
      props: 'bucket.encryptionKey, description.backupEncryptionKey',
      violated: backupKey !== undefined && bucketRings.includes(backupKey.keyRingName),
      message: `received the key ring ${JSON.stringify(backupKey?.keyRingName)} for both; the bucket's key and CockroachDB's backup key each need a key ring of their own: name one of the two differently`,
    }]);
    // The member is the service account's Terraform reference: the grant waits for the account.
    this.backupEncryptionKey = backupKey && CustomerManagedKey.create(backupKey)._bind(this, 'BackupEncryptionKey',
      'description.backupEncryptionKey', d, backupKey, `serviceAccount:${this.serviceAccount.serviceAccount.email}`);
    this.dataAccessLogs = props.dataAccessLogs ? new StorageDataAccessLogs(this, 'DataAccessLogs', { description: d }) : undefined;
    namedOutput(this, 'backup_bucket_url', this.bucket.bucketUrl, 'Backup bucket');
    namedOutput(this, 'backup_service_account_email', this.serviceAccount.serviceAccount.email, 'Backup service account');
  }
}

/** Properties of {@link GkeStack}. */
export interface GkeStackProps extends CockroachStackProps {
  /**
   * The GKE cluster's options.
   * @default - regional, safer-cluster defaults
   */
  readonly gke?: Omit<GkeClusterProps, 'description'>;
  /**
   * The dedicated VPC's ranges (unused when `gke.network` is given).
   * @default - nodes 10.10.0.0/20, pods 10.16.0.0/14, Services 10.20.0.0/20
   */
  readonly network?: Omit<GkeNetworkProps, 'description' | 'controlPlaneCidr'>;
}

/**
 * The GKE cluster, and the Workload Identity binding that lets the CockroachDB pods use the backup
 * service account without a key. Deploy after {@link BackupsStack}. Outputs `gke_cluster_name`,
 * `gke_endpoint` and `get_credentials_command`.
 *
 * With the description's `dbConsoleIap`, also the DB Console's global address and who may pass
 * Identity-Aware Proxy to it ({@link DbConsoleIap}), and the output `db_console_ip_address` (what the
 * DB Console's DNS name points at).
 *
 * With the description's `monitoring`, also managed collection in the cluster, the Cloud Monitoring
 * dashboard, the alert policies and their e-mail channels ({@link CockroachCloudMonitoring}), and the
 * output `monitoring_dashboard_id`. The Cloud Monitoring API is among {@link GKE_STACK_APIS} already.
 */
export class GkeStack extends TerraformStack {
  /** The GKE cluster and its node pool. */
  public readonly gke: GkeCluster;
  /** The dedicated VPC; undefined when `gke.network` is a network of one's own. */
  public readonly network: GkeNetwork | undefined;
  /** The Workload Identity binding of the CockroachDB pods' ServiceAccount to the backup service account. */
  public readonly workloadIdentity: BackupWorkloadIdentity;
  /** The APIs the stack enables ({@link GKE_STACK_APIS}); undefined with `enableApis: false`. */
  public readonly apis: ProjectApis | undefined;
  /** The DB Console's address and IAP grants; undefined without the description's `dbConsoleIap`. */
  public readonly dbConsoleIap: DbConsoleIap | undefined;
  /** The dashboard, alert policies and notification channels; undefined without the description's `monitoring`. */
  public readonly monitoring: CockroachCloudMonitoring | undefined;

  constructor(scope: Construct, id: string, props: GkeStackProps) {
    super(scope, id);
    const d = props.description;
    if (d.isMultiRegion) {
      reject(this, 'description.regions', d.regions.map((r) => r.region), 'expected a one-region description: MultiRegionGkeStack deploys the clusters of several regions');
    }
    this.apis = setUpStack(this, props, [
      ...GKE_STACK_APIS,
      ...(props.gke?.secretsEncryption ? [KMS_API] : []),
      ...(props.gke?.binaryAuthorization ? [BINARY_AUTHORIZATION_API] : []),
      ...(d.dbConsoleIap ? [IAP_API] : []),
    ]);
    if (props.gke?.network && props.network) {
      reject(this, 'network', props.network, 'expected no network options with gke.network: the ranges are those of the network given there');
    }
    this.network = props.gke?.network ? undefined : new GkeNetwork(this, 'Network', {
      ...props.network, description: d, controlPlaneCidr: props.gke?.controlPlaneCidr,
    });
    this.gke = new GkeCluster(this, 'Gke', { ...props.gke, network: props.gke?.network ?? this.network, description: d });
    // The project's identity pool exists once a cluster with Workload Identity does.
    this.workloadIdentity = new BackupWorkloadIdentity(this, 'BackupWorkloadIdentity', { description: d, dependsOn: [this.gke.cluster] });
    namedOutput(this, 'gke_cluster_name', this.gke.cluster.name, 'GKE cluster name');
    namedOutput(this, 'gke_endpoint', this.gke.cluster.endpoint, 'GKE control plane endpoint');
    credentialsOutput(this, 'get_credentials_command', this.gke, d.projectId);
    // Like every resource of the stack, the address and the grants wait for the APIs (ProjectApis' aspect).
    this.dbConsoleIap = d.dbConsoleIap ? new DbConsoleIap(this, 'DbConsoleIap', { description: d }) : undefined;
    if (this.dbConsoleIap) {
      namedOutput(this, 'db_console_ip_address', this.dbConsoleIap.ipAddress, 'Global address of the DB Console behind IAP (point its DNS name here)');
    }
    // No dependency on the cluster: the policies skip metric validation and stay quiet until series arrive.
    this.monitoring = d.monitoring ? new CockroachCloudMonitoring(this, 'Monitoring', { description: d }) : undefined;
    if (this.monitoring) {
      namedOutput(this, 'monitoring_dashboard_id', this.monitoring.dashboard.id, 'Cloud Monitoring dashboard of the CockroachDB cluster');
    }
  }
}

/** Properties of {@link BackupKeyStack}. */
export interface BackupKeyStackProps extends CockroachStackProps {
  /**
   * The key's rotation label, e.g. `'2026-11'` (1 to 63 letters, digits, '.', '_' or '-'): changing it
   * replaces the key on the next deploy, the new key first, then the old one
   * (`BackupServiceAccountKeyProps.rotation`).
   * @default - never replaced: the key lives until the stack is destroyed
   */
  readonly keyRotation?: string;
}

/**
 * A key of the backup service account for minikube and other clusters without Workload Identity
 * (sensitive output `backup_service_account_key`, base64-encoded JSON). A stack of its own so that it
 * can be destroyed once backups move to GKE. Deploy after {@link BackupsStack}.
 *
 * Its Terraform state holds the private key in clear: keep it in a state bucket only the deployers can
 * read ({@link StateBackend.gcs}, optionally with a Cloud KMS key), never in a file that could be shared.
 */
export class BackupKeyStack extends TerraformStack {
  /** The key of the backup service account. */
  public readonly key: BackupServiceAccountKey;
  /** The API the stack enables ({@link BACKUP_KEY_STACK_APIS}); undefined with `enableApis: false`. */
  public readonly apis: ProjectApis | undefined;

  constructor(scope: Construct, id: string, props: BackupKeyStackProps) {
    super(scope, id);
    this.apis = setUpStack(this, props, BACKUP_KEY_STACK_APIS);
    this.key = new BackupServiceAccountKey(this, 'BackupServiceAccountKey', { description: props.description, rotation: props.keyRotation });
    namedOutput(this, 'backup_service_account_key', this.key.key.privateKey,
      'Base64-encoded JSON key of the backup service account (for clusters without Workload Identity)', true);
  }
}
