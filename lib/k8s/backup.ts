import { DeploymentDescription } from '../shared/description';
import { CockroachConfigError, ErrorScope } from '../shared/errors';
import { checkGcsBucketName, checkObjectPath } from '../shared/validate';
import { SqlPart, SqlSecret } from './sql';

/**
 * Where backups go: a folder of a Google Cloud Storage bucket, reached with the nodes' ambient
 * credentials (`AUTH=implicit`: Workload Identity or a key file, see `GcsCredentials`), or with a key
 * read from a Secret at run time (`AUTH=specified`).
 */
export class BackupDestination {
  /**
   * A bucket folder with the nodes' ambient credentials (`AUTH=implicit`).
   * @param bucket bucket name
   * @param path folder inside the bucket, e.g. `cluster`
   */
  public static gcs(bucket: string, path: string): BackupDestination {
    return new BackupDestination(bucket, path, undefined);
  }

  /**
   * The bucket of the shared deployment description, with ambient credentials.
   * @param description the deployment description
   * @param path folder inside the bucket; give each cluster its own (a cluster restored from another
   *   cluster's backups must not write into that cluster's collection)
   * @default path - the description's `backupPath`
   */
  public static fromDeployment(description: DeploymentDescription, path?: string): BackupDestination {
    return new BackupDestination(description.bucketName, path ?? description.backupPath, undefined);
  }

  /**
   * A bucket folder with a service account key taken from a Secret at run time
   * (`AUTH=specified&CREDENTIALS=<base64 key>`). The key never appears in the manifests.
   */
  public static gcsWithKey(bucket: string, path: string, key: SqlSecret): BackupDestination {
    return new BackupDestination(bucket, path, key);
  }

  private constructor(
    /** Bucket name. */
    public readonly bucket: string,
    /** Folder inside the bucket. */
    public readonly path: string,
    /** The key Secret for `AUTH=specified`; undefined for `AUTH=implicit`. */
    public readonly credentials: SqlSecret | undefined,
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
   * @param ambientCredentials whether the cluster's nodes have credentials of their own (`gcsCredentials`),
   *   which `AUTH=implicit` needs: BACKUP and RESTORE run on the nodes.
   * @internal
   */
  public _validate(scope: ErrorScope, prop: string, ambientCredentials: boolean): void {
    checkGcsBucketName(scope, `${prop} (bucket)`, this.bucket);
    checkObjectPath(scope, `${prop} (path)`, this.path);
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
