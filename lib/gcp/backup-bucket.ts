import { DataGoogleStorageProjectServiceAccount } from '@cdktf/provider-google/lib/data-google-storage-project-service-account';
import { StorageBucket, StorageBucketLifecycleRule } from '@cdktf/provider-google/lib/storage-bucket';
import { Construct } from 'constructs';
import { DeploymentDescription } from '../shared/description';
import { checkInteger, checkRules, reject } from '../shared/validate';
import { BoundKey, CustomerManagedKey } from './customer-managed-key';
import { checkGcpLabels } from './labels';
import { terraformId } from './terraform-id';

/** Cloud Storage classes a lifecycle rule can move backups to. */
export enum BackupStorageClass {
  /** Read about once a month or less; 30-day minimum storage duration. */
  NEARLINE = 'NEARLINE',
  /** Read about once a quarter or less; 90-day minimum storage duration. */
  COLDLINE = 'COLDLINE',
  /** Read less than once a year; 365-day minimum storage duration. */
  ARCHIVE = 'ARCHIVE',
}

/** Move objects to a colder storage class once they reach an age. */
export interface StorageClassTransition {
  /** Age in days. */
  readonly ageDays: number;
  /** The storage class to move to. */
  readonly storageClass: BackupStorageClass;
}

/** Properties of {@link BackupBucket}. */
export interface BackupBucketProps {
  /** The deployment: bucket name, project and region come from it. */
  readonly description: DeploymentDescription;
  /**
   * Location: a region, or a multi-region such as `EU` for backups that survive a regional outage.
   * @default - the description's backupLocation (its region unless stated)
   */
  readonly location?: string;
  /**
   * Object Versioning: a replaced or deleted backup file stays, noncurrent, for
   * `noncurrentVersionRetentionDays`. Cloud Storage refuses it together with a retention policy: turn it
   * off to use `retentionDays`, which then protects every object instead.
   * @default true
   * @see https://cloud.google.com/storage/docs/bucket-lock
   */
  readonly versioning?: boolean;
  /**
   * Days a replaced or deleted object version is kept before it is deleted.
   * @default 30
   */
  readonly noncurrentVersionRetentionDays?: number;
  /**
   * Storage class transitions by age, e.g. NEARLINE after 30 days.
   * @default - none
   */
  readonly storageClassTransitions?: StorageClassTransition[];
  /**
   * A retention policy: objects cannot be deleted or replaced before this many days (not locked).
   * Requires `versioning: false`: Cloud Storage does not allow both on one bucket.
   * @default - none
   */
  readonly retentionDays?: number;
  /**
   * Let `terraform destroy` delete a bucket that still holds backups.
   * @default false
   */
  readonly forceDestroy?: boolean;
  /**
   * Customer-managed encryption (CMEK): new objects are encrypted with this Cloud KMS key by default. The
   * project's Cloud Storage service agent (`google_storage_project_service_account`) gets
   * `roles/cloudkms.cryptoKeyEncrypterDecrypter` on that key only. The key must be in the bucket's
   * location, so it needs a bucket in the description's region. A created key is never destroyed by
   * Terraform (`prevent_destroy`): without it no backup could be read.
   * @default - Google-managed encryption keys
   * @see https://cloud.google.com/storage/docs/encryption/customer-managed-keys
   */
  readonly encryptionKey?: CustomerManagedKey;
  /**
   * Labels of the bucket.
   * @default - none
   */
  readonly labels?: { readonly [key: string]: string };
}

const LOCATION = /^([a-z]+(-[a-z]+)+[0-9]+|[A-Z]{2,4}[0-9]?|[a-z]{2,4}[0-9]?)$/;
const CLASS_ORDER = [BackupStorageClass.NEARLINE, BackupStorageClass.COLDLINE, BackupStorageClass.ARCHIVE];

/**
 * The GCS bucket for CockroachDB backups: uniform bucket-level access, public access prevention enforced,
 * versioning with noncurrent versions expired (or, instead, a retention policy), optional storage class
 * transitions, and `force_destroy` off.
 */
export class BackupBucket extends Construct {
  /** The bucket (escape hatch). */
  public readonly bucket: StorageBucket;
  /** Its name. */
  public readonly bucketName: string;
  /** `gs://<bucket>` */
  public readonly bucketUrl: string;
  /** The encryption key and its grant; undefined without `encryptionKey`. */
  public readonly encryptionKey: BoundKey | undefined;

  constructor(scope: Construct, id: string, props: BackupBucketProps) {
    super(scope, id);
    const d = props.description;
    const location = props.location ?? d.backupLocation;
    if (!LOCATION.test(location)) reject(this, 'location', location, 'expected a region such as "europe-west1" or a multi-region such as "EU"');
    const noncurrentDays = props.noncurrentVersionRetentionDays ?? 30;
    checkInteger(this, 'noncurrentVersionRetentionDays', noncurrentDays, 1, 36500);
    if (props.retentionDays !== undefined) checkInteger(this, 'retentionDays', props.retentionDays, 1, 36500);
    const transitions = props.storageClassTransitions ?? [];
    transitions.forEach((t, i) => {
      checkInteger(this, `storageClassTransitions[${i}].ageDays`, t.ageDays, 1, 36500);
      if (!CLASS_ORDER.includes(t.storageClass)) {
        reject(this, `storageClassTransitions[${i}].storageClass`, t.storageClass, 'expected BackupStorageClass.NEARLINE, COLDLINE or ARCHIVE');
      }
      const prev = transitions[i - 1];
      if (prev && (t.ageDays <= prev.ageDays || CLASS_ORDER.indexOf(t.storageClass) <= CLASS_ORDER.indexOf(prev.storageClass))) {
        reject(this, `storageClassTransitions[${i}]`, t, 'expected transitions in increasing age, each to a colder class than the previous one');
      }
    });
    checkGcpLabels(this, 'labels', props.labels ?? {});
    const versioning = props.versioning ?? true;
    checkRules(this, [{
      props: 'retentionDays, versioning',
      violated: versioning && props.retentionDays !== undefined,
      message: `received retentionDays ${props.retentionDays} with versioning on; Cloud Storage does not allow a retention policy on a bucket with Object Versioning. Set versioning: false (the retention policy then keeps every object for ${props.retentionDays} days), or leave retentionDays out`,
    }, {
      props: 'encryptionKey, location',
      violated: props.encryptionKey !== undefined && location !== d.region,
      message: `received location ${JSON.stringify(location)} with an encryption key; a Cloud KMS key must be in the bucket's location, and the library's keys are in the description's region ${d.region}: leave location out or use no encryptionKey`,
    }]);

    let key: BoundKey | undefined;
    if (props.encryptionKey) {
      const agent = new DataGoogleStorageProjectServiceAccount(this, 'StorageServiceAgent', { project: d.projectId });
      agent.overrideLogicalId(terraformId('storage_agent', d.projectId));
      key = props.encryptionKey._bind(this, 'Encryption', 'encryptionKey', d,
        { keyRingName: `${d.bucketName.slice(0, 58)}-cmek`, keyName: 'backups' }, `serviceAccount:${agent.emailAddress}`);
    }
    this.encryptionKey = key;

    // The noncurrent-version rule stays without versioning: it clears the versions left from before.
    const lifecycleRule: StorageBucketLifecycleRule[] = [
      { action: { type: 'Delete' }, condition: { daysSinceNoncurrentTime: noncurrentDays, withState: 'ARCHIVED' } },
      ...transitions.map((t) => ({ action: { type: 'SetStorageClass', storageClass: t.storageClass }, condition: { age: t.ageDays, withState: 'LIVE' } })),
    ];

    this.bucketName = d.bucketName;
    this.bucketUrl = d.bucketUrl;
    this.bucket = new StorageBucket(this, 'Bucket', {
      name: d.bucketName,
      project: d.projectId,
      location,
      storageClass: 'STANDARD',
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      versioning: { enabled: versioning },
      lifecycleRule,
      retentionPolicy: props.retentionDays ? { retentionPeriod: props.retentionDays * 86400, isLocked: false } : undefined,
      forceDestroy: props.forceDestroy ?? false,
      labels: { ...(props.labels ?? {}) },
      encryption: key ? { defaultKmsKeyName: key.keyId } : undefined,
      // The service agent must hold the key before the bucket names it.
      dependsOn: key ? [key.grant] : undefined,
    });
    this.bucket.overrideLogicalId(terraformId('backup_bucket', d.bucketName));
  }
}
