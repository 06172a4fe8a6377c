import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { DeploymentDescription } from '../shared/description';
import { BackupBucket, BackupBucketProps } from './backup-bucket';
import { BackupServiceAccount, BackupServiceAccountKey, BackupWorkloadIdentity } from './backup-identity';
import { GkeCluster, GkeClusterProps } from './gke-cluster';
import { namedOutput } from './outputs';

/** Properties shared by the stacks. */
export interface CockroachStackProps {
  /** The deployment, shared with the Kubernetes apps. */
  readonly description: DeploymentDescription;
}

function provider(stack: TerraformStack, d: DeploymentDescription): GoogleProvider {
  return new GoogleProvider(stack, 'google', { project: d.projectId, region: d.region });
}

/** Properties of {@link BackupsStack}. */
export interface BackupsStackProps extends CockroachStackProps {
  /**
   * The bucket's options.
   * @default - versioned, noncurrent versions kept 30 days, in the description's region
   */
  readonly bucket?: Omit<BackupBucketProps, 'description'>;
}

/**
 * The book's "create a bucket" and "give CockroachDB access to the bucket": the backup bucket and the
 * backup service account with its roles on that bucket. Needed by every Kubernetes cluster that backs up,
 * minikube or GKE. Outputs `backup_bucket_url` and `backup_service_account_email`.
 */
export class BackupsStack extends TerraformStack {
  /** The backup bucket. */
  public readonly bucket: BackupBucket;
  /** The backup service account, with its roles on the bucket. */
  public readonly serviceAccount: BackupServiceAccount;

  constructor(scope: Construct, id: string, props: BackupsStackProps) {
    super(scope, id);
    const d = props.description;
    provider(this, d);
    this.bucket = new BackupBucket(this, 'BackupBucket', { ...props.bucket, description: d });
    this.serviceAccount = new BackupServiceAccount(this, 'BackupServiceAccount', { description: d, dependsOn: [this.bucket.bucket] });
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
}

/**
 * The GKE cluster, and the Workload Identity binding that lets the CockroachDB pods use the backup
 * service account without a key. Deploy after {@link BackupsStack}. Outputs `gke_cluster_name`,
 * `gke_endpoint` and `get_credentials_command`.
 */
export class GkeStack extends TerraformStack {
  /** The GKE cluster and its node pool. */
  public readonly gke: GkeCluster;
  /** The Workload Identity binding of the CockroachDB pods' ServiceAccount to the backup service account. */
  public readonly workloadIdentity: BackupWorkloadIdentity;

  constructor(scope: Construct, id: string, props: GkeStackProps) {
    super(scope, id);
    const d = props.description;
    provider(this, d);
    this.gke = new GkeCluster(this, 'Gke', { ...props.gke, description: d });
    // The project's identity pool exists once a cluster with Workload Identity does.
    this.workloadIdentity = new BackupWorkloadIdentity(this, 'BackupWorkloadIdentity', { description: d, dependsOn: [this.gke.cluster] });
    namedOutput(this, 'gke_cluster_name', this.gke.cluster.name, 'GKE cluster name');
    namedOutput(this, 'gke_endpoint', this.gke.cluster.endpoint, 'GKE control plane endpoint');
    namedOutput(this, 'get_credentials_command',
      `gcloud container clusters get-credentials ${d.gkeClusterName} ${this.gke.gcloudLocationFlag} --project ${d.projectId}`,
      'Configures kubectl for the cluster');
  }
}

/**
 * A key of the backup service account for minikube and other clusters without Workload Identity
 * (sensitive output `backup_service_account_key`, base64-encoded JSON). A stack of its own so that it
 * can be destroyed once backups move to GKE. Deploy after {@link BackupsStack}.
 */
export class BackupKeyStack extends TerraformStack {
  /** The key of the backup service account. */
  public readonly key: BackupServiceAccountKey;

  constructor(scope: Construct, id: string, props: CockroachStackProps) {
    super(scope, id);
    provider(this, props.description);
    this.key = new BackupServiceAccountKey(this, 'BackupServiceAccountKey', { description: props.description });
    namedOutput(this, 'backup_service_account_key', this.key.key.privateKey,
      'Base64-encoded JSON key of the backup service account (for clusters without Workload Identity)', true);
  }
}
