import { DeploymentDescription } from '../shared/description';
import { CockroachConfigError, ErrorScope } from '../shared/errors';
import { checkGcsBucketName, checkObjectPath, reject } from '../shared/validate';
import { SqlPart, SqlSecret } from './sql';

const KMS_KEY_ID = /^projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/locations\/[a-z0-9-]+\/keyRings\/[a-zA-Z0-9_-]{1,63}\/cryptoKeys\/[a-zA-Z0-9_-]{1,63}$/;

/**
 * How CockroachDB encrypts the backups it writes to a destination, and decrypts them to restore: with a
 * Cloud KMS key (`WITH kms = …`) or with a passphrase kept in a Secret (`WITH encryption_passphrase = …`).
 * Every backup of a collection must be readable with what the restore gives, so the encryption belongs
 * to the destination: its schedules and its restores use the same. Cloud Storage encrypts every object
 * at rest anyway; this adds that reading a backup needs the key (or the passphrase) as well as the bucket.
 * Lose the key, or access to it, and every backup encrypted with it is unreadable.
 */
export class BackupEncryption {
  /**
   * A symmetric Cloud KMS key, by its full name (never a key version: Cloud KMS finds the version from
   * the ciphertext). The key is reached like the bucket: with the nodes' own credentials for an
   * `AUTH=implicit` destination, with the destination's key for `gcsWithKey`. That identity needs
   * `roles/cloudkms.cryptoKeyEncrypterDecrypter` on the key (the Google Cloud half grants it for the
   * description's `backupEncryptionKey`).
   * @param keyId `projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>`
   */
  public static cloudKms(keyId: string): BackupEncryption {
    return new BackupEncryption(keyId, undefined);
  }

  /**
   * A passphrase read from a Secret at run time; it never appears in the manifests. Losing it makes the
   * backups unreadable: keep a copy outside the cluster.
   */
  public static passphrase(secret: SqlSecret): BackupEncryption {
    return new BackupEncryption(undefined, secret);
  }

  private constructor(
    /** The Cloud KMS key's full name; undefined for a passphrase. */
    public readonly kmsKeyId: string | undefined,
    /** The passphrase's Secret; undefined for a Cloud KMS key. */
    public readonly passphraseSecret: SqlSecret | undefined,
  ) {}

  /** `kms <key>` or `passphrase <secret/key>`, for messages. */
  public toString(): string {
    return this.kmsKeyId !== undefined ? `kms ${this.kmsKeyId}` : `passphrase <${this.passphraseSecret}>`;
  }

  /** @internal */
  public _validate(scope: ErrorScope, prop: string): void {
    if (this.passphraseSecret !== undefined) {
      SqlSecret._check(scope, `${prop} (passphrase)`, this.passphraseSecret);
    } else if (!KMS_KEY_ID.test(String(this.kmsKeyId))) {
      reject(scope, `${prop} (Cloud KMS key)`, this.kmsKeyId,
        'expected a key\'s full name, projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key> (not a key version)');
    }
  }

  /**
   * The backup option, its Cloud KMS URI authenticated as the destination is (`credentials` or implicit).
   * @internal
   */
  public _optionParts(credentials: SqlSecret | undefined): SqlPart[] {
    if (this.passphraseSecret !== undefined) return [{ sql: 'encryption_passphrase = ' }, { secretLiteral: this.passphraseSecret }];
    const uri = `gs:///${this.kmsKeyId}`;
    if (!credentials) return [{ sql: `kms = '${uri}?AUTH=implicit'` }];
    return [{ sql: `kms = '${uri}?AUTH=specified&CREDENTIALS=` }, { secretUriCredentials: credentials }, { sql: "'" }];
  }
}

/** Options of a {@link BackupDestination}. */
export interface BackupDestinationOptions {
  /**
   * How CockroachDB encrypts the backups written there (and decrypts them to restore).
   * @default - not encrypted by CockroachDB (Cloud Storage encrypts at rest); `fromDeployment` uses the
   *   description's `backupEncryptionKey` when it has one
   */
  readonly encryption?: BackupEncryption;
}

/**
 * Where backups go: a folder of a Google Cloud Storage bucket, reached with the nodes' ambient
 * credentials (`AUTH=implicit`: Workload Identity or a key file, see `GcsCredentials`), or with a key
 * read from a Secret at run time (`AUTH=specified`); optionally encrypted by CockroachDB.
 */
export class BackupDestination {
  /**
   * A bucket folder with the nodes' ambient credentials (`AUTH=implicit`).
   * @param bucket bucket name
   * @param path folder inside the bucket, e.g. `cluster`
   */
  public static gcs(bucket: string, path: string, options: BackupDestinationOptions = {}): BackupDestination {
    return new BackupDestination(bucket, path, undefined, options.encryption);
  }

  /**
   * The bucket of the shared deployment description, with ambient credentials, encrypted with the
   * description's `backupEncryptionKey` when it has one.
   * @param description the deployment description
   * @param path folder inside the bucket; give each cluster its own (a cluster restored from another
   *   cluster's backups must not write into that cluster's collection)
   * @default path - the description's `backupPath`
   */
  public static fromDeployment(description: DeploymentDescription, path?: string): BackupDestination {
    const key = description.backupEncryptionKeyId;
    return new BackupDestination(description.bucketName, path ?? description.backupPath, undefined,
      key === undefined ? undefined : BackupEncryption.cloudKms(key));
  }

  /**
   * A bucket folder with a service account key taken from a Secret at run time
   * (`AUTH=specified&CREDENTIALS=<base64 key>`). The key never appears in the manifests.
   */
  public static gcsWithKey(bucket: string, path: string, key: SqlSecret, options: BackupDestinationOptions = {}): BackupDestination {
    return new BackupDestination(bucket, path, key, options.encryption);
  }

  private constructor(
    /** Bucket name. */
    public readonly bucket: string,
    /** Folder inside the bucket. */
    public readonly path: string,
    /** The key Secret for `AUTH=specified`; undefined for `AUTH=implicit`. */
    public readonly credentials: SqlSecret | undefined,
    /** How CockroachDB encrypts the backups; undefined when it does not. */
    public readonly encryption: BackupEncryption | undefined,
  ) {}

  /** `gs://<bucket>/<path>`, without the query string. */
  public get location(): string {
    return `gs://${this.bucket}/${this.path}`;
  }

  /** The URI as text, the key (if any) shown as a placeholder. */
  public toString(): string {
    return this.credentials ? `${this.location}?AUTH=specified&CREDENTIALS=<${this.credentials}>` : `${this.location}?AUTH=implicit`;
  }

  /**
   * Checks that `destination` is a valid BackupDestination that the cluster can use. `AUTH=implicit` needs
   * the nodes' own credentials (the cluster's `gcsCredentials`): BACKUP and RESTORE run on the nodes.
   * @internal
   */
  public static _check(cluster: ErrorScope & { readonly gcsCredentials?: unknown }, prop: string, destination: unknown): asserts destination is BackupDestination {
    if (!(destination instanceof BackupDestination)) {
      reject(cluster, prop, destination, 'expected a BackupDestination, e.g. BackupDestination.fromDeployment(DEPLOYMENT)');
    }
    destination.validate(cluster, prop, cluster.gcsCredentials !== undefined);
  }

  private validate(scope: ErrorScope, prop: string, ambientCredentials: boolean): void {
    checkGcsBucketName(scope, `${prop} (bucket)`, this.bucket);
    checkObjectPath(scope, `${prop} (path)`, this.path);
    if (this.encryption !== undefined) {
      if (!(this.encryption instanceof BackupEncryption)) {
        reject(scope, `${prop} (encryption)`, this.encryption, 'expected BackupEncryption.cloudKms(keyId) or BackupEncryption.passphrase(secret)');
      }
      this.encryption._validate(scope, `${prop} (encryption)`);
    }
    if (this.credentials !== undefined) {
      SqlSecret._check(scope, `${prop} (credentials)`, this.credentials);
    } else if (!ambientCredentials) {
      throw new CockroachConfigError(scope, `gcsCredentials, ${prop}`, `received ${JSON.stringify(this.toString())} on a cluster without gcsCredentials; `
        + 'AUTH=implicit authenticates with the nodes\' own credentials, so the cluster needs them: gcsCredentials: GcsCredentials.fromDeployment(description) '
        + '(GKE Workload Identity) or GcsCredentials.keyFromSecret(\'gcs-key\') (a key file), or a destination with its own key, BackupDestination.gcsWithKey(…)');
    }
  }

  /**
   * The quoted URI as statement parts.
   * @internal
   */
  public _uriParts(): SqlPart[] {
    if (!this.credentials) return [{ sql: `'${this.location}?AUTH=implicit'` }];
    return [{ sql: `'${this.location}?AUTH=specified&CREDENTIALS=` }, { secretUriCredentials: this.credentials }, { sql: "'" }];
  }

  /**
   * The encryption option of BACKUP and RESTORE as statement parts; undefined without encryption.
   * @internal
   */
  public _encryptionParts(): SqlPart[] | undefined {
    return this.encryption?._optionParts(this.credentials);
  }
}

/** How often full backups run besides the incremental ones. */
export class FullBackup {
  /** A full backup on this cron schedule; the schedule's recurrence takes incremental backups in between. */
  public static every(cron: string): FullBackup {
    return new FullBackup(cron);
  }

  /** Every backup is a full backup. */
  public static always(): FullBackup {
    return new FullBackup(undefined);
  }

  private constructor(
    /** Cron of the full backups; undefined for ALWAYS. */
    public readonly cron: string | undefined,
  ) {}
}

/** What a schedule does when a backup fails (`on_execution_failure`). */
export enum ScheduleFailurePolicy {
  /** Retry at once. */
  RETRY = 'retry',
  /** Skip to the next scheduled time. */
  RESCHEDULE = 'reschedule',
  /** Pause the schedule until someone resumes it. */
  PAUSE = 'pause',
}

/** What a schedule does when the previous backup is still running (`on_previous_running`). */
export enum PreviousRunPolicy {
  /** Start the new backup anyway. */
  START = 'start',
  /** Skip this run. */
  SKIP = 'skip',
  /** Wait for the previous one. */
  WAIT = 'wait',
}

/** Options of {@link CockroachCluster.addBackupSchedule}. */
export interface BackupScheduleOptions {
  /** Where the backups go. */
  readonly destination: BackupDestination;
  /**
   * Databases to back up.
   * @default - the whole cluster
   */
  readonly databases?: string[];
  /**
   * How often a backup runs (incremental ones when `fullBackup` is a cron): a five-field cron expression
   * or a descriptor such as `@hourly`.
   * @default '@hourly'
   */
  readonly recurrence?: string;
  /**
   * Full backups: on their own cron, or every time.
   * @default FullBackup.every('@daily')
   */
  readonly fullBackup?: FullBackup;
  /**
   * Keep every revision between backups, for point-in-time restore (`WITH revision_history`).
   * @default true
   */
  readonly revisionHistory?: boolean;
  /**
   * Take the first backup as soon as the schedule exists (`first_run = 'now'`).
   * @default true
   */
  readonly runNow?: boolean;
  /**
   * On a failed backup.
   * @default ScheduleFailurePolicy.RESCHEDULE
   */
  readonly onExecutionFailure?: ScheduleFailurePolicy;
  /**
   * When the previous backup is still running.
   * @default PreviousRunPolicy.WAIT
   */
  readonly onPreviousRunning?: PreviousRunPolicy;
}

/** What to restore. */
export class RestoreTarget {
  /** The whole cluster, into an empty cluster (the book's disaster-recovery drill). */
  public static cluster(): RestoreTarget {
    return new RestoreTarget('cluster', undefined, undefined, undefined, undefined);
  }

  /** One database, optionally under a new name (`new_db_name`). */
  public static database(name: string, options: { readonly newName?: string } = {}): RestoreTarget {
    return new RestoreTarget('database', name, undefined, undefined, options.newName);
  }

  /** One table, optionally into another existing database (`into_db`). */
  public static table(database: string, table: string, options: { readonly schema?: string; readonly intoDatabase?: string } = {}): RestoreTarget {
    return new RestoreTarget('table', database, table, options.schema ?? 'public', options.intoDatabase);
  }

  private constructor(
    /** cluster, database or table. */
    public readonly kind: 'cluster' | 'database' | 'table',
    /** The database (database and table kinds). */
    public readonly database: string | undefined,
    /** The table (table kind). */
    public readonly table: string | undefined,
    /** The table's schema (table kind). */
    public readonly schema: string | undefined,
    /** `new_db_name` (database) or `into_db` (table). */
    public readonly renameTo: string | undefined,
  ) {}
}
