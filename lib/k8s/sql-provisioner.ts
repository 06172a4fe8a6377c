import { Duration, Lazy, Size } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { renderServiceAccount } from './private/service-account';
import { CockroachConfigError } from '../shared/errors';
import { reject } from '../shared/validate';
import { BackupDestination, BackupEncryption, BackupScheduleOptions, FullBackup, PreviousRunPolicy, RestoreTarget, ScheduleFailurePolicy } from './backup';
import type { ClientCertificate } from './client-certificate';
import { DatabaseRegions, TableLocality } from './database-regions';
import type { ISqlClientTarget } from './cluster-ref';
import type { GcsCredentials } from './gcs-credentials';
import type { ClusterSecurity } from './security';
import { shortHash } from './private/hash';
import { DigestNamedJob } from './digest-named-job';
import { renderClusterJob } from './private/job';
import { RESTORE_MARKER_DATABASE } from './private/restore-marker';
import { fieldRefEnv } from './private/apply-stable';
import { kubeApiAccessMount, kubeApiAccessVolume } from './private/kube-api';
import { escapeKubernetesExpansion, JOB_NAME_ENV, POD_NAME_ENV, renderSqlScript, ScriptLease, ScriptRestore } from './private/sql-script';
import { durationSeconds } from './private/units';
import { helperResources } from './private/pod-security';
import {
  CLUSTER_SETTING_PATTERN, createBackupScheduleSql, createDatabaseSql, createRoleSql, createUserSql, cronProblem,
  DatabasePrivilege, dropOutdatedSchedulesSql, grantOnAllTablesSql, grantOnDatabaseSql, grantOnTableSql, grantRoleSql,
  licenseSql, literal, renderForDisplay, restoreSql, setClusterSettingSql, showBackupsSql, SQL_NAME_PATTERN,
  SQL_ROLE_PATTERN, SqlSecret, SqlStatement, TablePrivilege,
} from './sql';

/** A cluster setting: typed factories for common ones, `of()` for any other. */
export class ClusterSetting {
  /**
   * Whether the cluster sends diagnostics to Cockroach Labs (`diagnostics.reporting.enabled`). With an
   * Enterprise Free or Enterprise Trial license, telemetry is required and CockroachDB ignores this
   * setting; `false` takes effect only under a paid Enterprise license. (The library cannot tell which
   * license the key Secret holds, so it cannot refuse the combination.)
   * @see https://www.cockroachlabs.com/docs/stable/diagnostics-reporting
   */
  public static diagnosticsReporting(enabled: boolean): ClusterSetting {
    return new ClusterSetting('diagnostics.reporting.enabled', enabled);
  }

  /** Rangefeeds, needed by changefeeds (`kv.rangefeed.enabled`). */
  public static rangefeed(enabled: boolean): ClusterSetting {
    return new ClusterSetting('kv.rangefeed.enabled', enabled);
  }

  /** How long finished jobs are kept (`jobs.retention_time`). */
  public static jobsRetention(duration: Duration): ClusterSetting {
    return new ClusterSetting('jobs.retention_time', `${durationSeconds(duration)}s`);
  }

  /** How long a node may be unreachable before its replicas are moved (`server.time_until_store_dead`). */
  public static timeUntilStoreDead(duration: Duration): ClusterSetting {
    return new ClusterSetting('server.time_until_store_dead', `${durationSeconds(duration)}s`);
  }

  /** Rebalancing and recovery snapshot rate (`kv.snapshot_rebalance.max_rate`). */
  public static snapshotRebalanceRate(perSecond: Size): ClusterSetting {
    return new ClusterSetting('kv.snapshot_rebalance.max_rate', `${perSecond.toMebibytes()} MiB`);
  }

  /** Any setting by name. `cluster.organization` and `enterprise.license` go through `setLicense()`. */
  public static of(name: string, value: string | number | boolean): ClusterSetting {
    return new ClusterSetting(name, value);
  }

  private constructor(
    /** The setting's name. */
    public readonly name: string,
    /** Its value. */
    public readonly value: string | number | boolean,
  ) {}
}

/** The enterprise license (the book's free Enterprise license for small companies included). */
export interface LicenseOptions {
  /** The organization the license was issued to (`cluster.organization`). */
  readonly organization: string;
  /** The license key, in a Secret (`enterprise.license`). */
  readonly key: SqlSecret;
}

/** Options of {@link CockroachCluster.addUser}. */
export interface SqlUserOptions {
  /**
   * A password, from a Secret. Re-applied on every run, so a changed Secret takes effect.
   * @default - no password: the user authenticates with a client certificate
   */
  readonly password?: SqlSecret;
  /**
   * Also issue a client certificate for the user (secure clusters), for password-less mTLS.
   * @default false
   */
  readonly clientCertificate?: boolean;
}

/** Options of {@link CockroachCluster.addDatabase}. */
export interface SqlDatabaseOptions {
  /**
   * The database's regions and survival goal, in a multi-region cluster: applied after the database is
   * created, regions only ever added (see {@link DatabaseRegions}).
   * @default - none: the database is not multi-region
   */
  readonly regions?: DatabaseRegions;
}

/** Options of the SQL Job. */
export interface SqlJobOptions {
  /**
   * How long the Job may run (`activeDeadlineSeconds`).
   * @default - 30 minutes, 6 hours when a restore is declared
   */
  readonly timeout?: Duration;
  /**
   * Deletes the finished Job after this long. The next `kubectl apply` of the same manifests then runs
   * it again: every statement is idempotent (IF NOT EXISTS, passwords set again, schedules kept by their
   * label, a recorded restore never repeated), so a re-run changes nothing that was declared.
   * @default - kept until pruned: re-applying the same manifests, however much later, is a no-op
   */
  readonly ttlAfterFinished?: Duration;
}

/** A role or user that privileges can be granted to. */
export interface ISqlGrantee {
  /** The role's name. */
  readonly name: string;
}

/** A database declared with `addDatabase()`. */
export class SqlDatabase implements ISqlGrantee {
  /** @internal */
  constructor(
    private readonly provisioner: SqlProvisioner,
    public readonly name: string,
    /** The database's regions, when declared. */
    public readonly regions?: DatabaseRegions,
  ) {}

  /**
   * Sets the locality of a table of this multi-region database (`ALTER TABLE IF EXISTS … SET LOCALITY …`),
   * after its regions. One locality per table.
   */
  public setTableLocality(table: string, locality: TableLocality, schema = 'public'): void {
    this.provisioner._setTableLocality(this, table, locality, schema);
  }

  /** `GRANT <privileges> ON DATABASE <db> TO <grantee>` */
  public grant(grantee: ISqlGrantee | string, ...privileges: DatabasePrivilege[]): void {
    const to = this.provisioner._grantee(grantee, 'grant(grantee)');
    this.provisioner._checkPrivileges('grant(privileges)', privileges, Object.values(DatabasePrivilege));
    this.provisioner._add('grants', grantOnDatabaseSql(this.name, privileges, to));
  }

  /** `GRANT <privileges> ON ALL TABLES IN SCHEMA <db>.<schema> TO <grantee>` (tables that exist when the Job runs). */
  public grantOnAllTables(grantee: ISqlGrantee | string, privileges: TablePrivilege[], schema = 'public'): void {
    const to = this.provisioner._grantee(grantee, 'grantOnAllTables(grantee)');
    this.provisioner._name('grantOnAllTables(schema)', schema);
    this.provisioner._checkPrivileges('grantOnAllTables(privileges)', privileges, Object.values(TablePrivilege));
    this.provisioner._add('grants', grantOnAllTablesSql(this.name, schema, privileges, to));
  }

  /** `GRANT <privileges> ON TABLE <db>.<schema>.<table> TO <grantee>` (the table must exist when the Job runs). */
  public grantOnTable(table: string, grantee: ISqlGrantee | string, privileges: TablePrivilege[], schema = 'public'): void {
    const to = this.provisioner._grantee(grantee, 'grantOnTable(grantee)');
    this.provisioner._name('grantOnTable(table)', table);
    this.provisioner._name('grantOnTable(schema)', schema);
    this.provisioner._checkPrivileges('grantOnTable(privileges)', privileges, Object.values(TablePrivilege));
    this.provisioner._add('grants', grantOnTableSql(this.name, schema, table, privileges, to));
  }
}

/** A role declared with `addRole()`, or a user declared with `addUser()`. */
export class SqlRole implements ISqlGrantee {
  /** @internal */
  constructor(private readonly provisioner: SqlProvisioner, public readonly name: string) {}

  /** Makes `member` a member of this role (`GRANT <role> TO <member>`). */
  public grantTo(member: ISqlGrantee | string): void {
    const to = this.provisioner._grantee(member, 'grantTo(member)');
    this.provisioner._add('memberships', grantRoleSql(this.name, to));
  }
}

/** A user declared with `addUser()`: a role that can log in. */
export class SqlUser extends SqlRole {
  /** The user's client certificate, when `clientCertificate: true` was given. */
  public clientCertificate?: ClientCertificate;
}

/** A backup schedule declared with `addBackupSchedule()`. */
export class BackupSchedule {
  /** @internal */
  constructor(
    /** The name given to `addBackupSchedule`. */
    public readonly name: string,
    /** The schedule's label in CockroachDB: `<name>_<digest of its definition>`. */
    public readonly label: string,
    /** The CREATE SCHEDULE statement, secrets shown as placeholders. */
    public readonly statement: string,
  ) {}
}

type Bucket = 'settings' | 'roles' | 'databases' | 'regions' | 'localities' | 'users' | 'memberships' | 'grants' | 'schedules';
/**
 * The SQL Job's groups, in order. A failed statement skips the rest of its group only, so a bad grant or
 * setting never keeps the backup schedules from being created; and the schedules come before users and
 * grants, right after the databases they may name.
 */
const GROUPS: ReadonlyArray<{ readonly name: string; readonly buckets: readonly Bucket[] }> = [
  { name: 'cluster settings and license', buckets: ['settings'] },
  { name: 'databases', buckets: ['databases'] },
  // A table's locality needs its database's regions; a region not live yet fails this group alone.
  { name: 'database regions and table localities', buckets: ['regions', 'localities'] },
  { name: 'backup schedules', buckets: ['schedules'] },
  { name: 'roles, users, memberships and grants', buckets: ['roles', 'users', 'memberships', 'grants'] },
];
const ORDER: Bucket[] = GROUPS.flatMap((g) => g.buckets);
const RESERVED_SETTINGS = ['cluster.organization', 'enterprise.license'];
/** Roles every cluster has, which grants may name without declaring them. */
const BUILT_IN_ROLES = ['admin', 'public'];
/** CockroachDB's own roles: never granted anything by this library, never declared. */
const SYSTEM_ROLES = ['root', 'node', 'none'];
const isRoleName = (name: unknown): name is string => typeof name === 'string' && SQL_ROLE_PATTERN.test(name);
const RESERVED_NAMES = ['root', 'admin', 'public', 'node', 'none', 'system', RESTORE_MARKER_DATABASE];
/** The Lease annotation that names the SQL Job the manifests declare. */
export const SQL_JOB_ANNOTATION = 'cockroachdb/sql-job';
/** A holder that stopped renewing (its pod was killed) keeps the Lease this long, by the waiter's clock. */
const LEASE_SECONDS = 300;
/** The longest one statement may run under the Lease (the holder renews between statements). */
const STATEMENT_SECONDS = 240;
/** How long a new Job waits for the apply to name it in the Lease (objects applied out of order). */
const DECLARE_WAIT_SECONDS = 60;

/** What the SQL Job needs from its cluster (see {@link SqlProvisioner}). */
export interface ISqlProvisionerTarget extends IBackupInspectionTarget {
  /** How the cluster secures connections: passwords need TLS. */
  readonly security: ClusterSecurity;
  /**
   * The regions of a multi-region cluster, which database regions must be among.
   * @default - none: a one-region cluster, whose databases have no regions
   */
  readonly clusterRegions?: readonly string[];
}

/** Properties of {@link SqlProvisioner}. */
export interface SqlProvisionerProps extends SqlJobOptions {
  /** The cluster. */
  readonly cluster: ISqlProvisionerTarget;
}

/**
 * The SQL Job of a cluster: everything declared with `addDatabase`, `addUser`, `addRole`, grants,
 * `setClusterSetting`, `setLicense`, `addBackupSchedule` and `restoreFrom`, applied idempotently by one
 * Job whose name is a digest of its content. Unchanged manifests re-applied are a no-op; a change runs
 * a new Job. Secret values are read at run time by the Job's script, from the Secret keys mounted as files.
 */
export class SqlProvisioner extends Construct {
  /** The Job (escape hatch). */
  public readonly job: DigestNamedJob;
  /**
   * The Lease `<name>-sql` (escape hatch). Its annotation `cockroachdb/sql-job`, written by every apply,
   * names the SQL Job the manifests declare; the Job acts only while it holds the Lease and is that Job.
   * An older copy still running when a changed one is applied stops at its next statement, and the new
   * one waits for it. A holder whose pod died keeps the Lease 5 minutes; no statement may run longer
   * than 4 (it is cut), so a newer Job never acts beside an older one's statement.
   */
  public readonly lease: k8s.KubeLease;
  private readonly cluster: ISqlProvisionerTarget;
  private readonly timeout?: Duration;
  private readonly statements = new Map<Bucket, SqlStatement[]>(ORDER.map((b) => [b, []]));
  private readonly restores: ScriptRestore[] = [];
  private readonly names = new Set<string>();
  /** Users and roles created outside this library, declared with `existingRole()`. */
  private readonly existingRoles = new Set<string>();
  /** Each backup schedule's name → where it writes (`gs://bucket/path`). */
  private readonly schedules = new Map<string, string>();
  /**
   * Each backup collection (`gs://bucket/path`) a schedule writes or a restore reads → the encryption its
   * first declaration gives it, and that declaration (for messages).
   */
  private readonly collectionEncryption = new Map<string, { readonly encryption: string; readonly by: string }>();
  private readonly settings = new Set<string>();
  /** The tables given a locality, `<db>.<schema>.<table>`. */
  private readonly tableLocalities = new Set<string>();
  private clusterRestore = false;
  private hasLicense = false;
  /** The rendered script, kept until a declaration changes it (the script and its Secret volumes come from one render). */
  private renderCache?: ReturnType<typeof renderSqlScript>;
  private readonly scriptLease: ScriptLease;

  constructor(scope: Construct, id: string, props: SqlProvisionerProps) {
    super(scope, id);
    const cluster = props.cluster;
    this.cluster = cluster;
    this.timeout = props.timeout;
    const ttl = props.ttlAfterFinished;
    if (props.timeout) this.checkSeconds('sqlJob.timeout (seconds)', props.timeout, 60, 7 * 86400);
    if (ttl) this.checkSeconds('sqlJob.ttlAfterFinished (seconds)', ttl, 0, 30 * 86400);
    const connection = cluster._clientConnection();

    // Its own ServiceAccount: get and patch this one Lease, nothing else (no cloud identity either).
    const access = `${cluster.name}-sql`;
    const labels = cluster._componentLabels('sql');
    renderServiceAccount(this, 'ServiceAccount', { name: access, namespace: cluster.namespace, labels, imagePullSecrets: cluster.imagePullSecrets });
    new k8s.KubeRole(this, 'Role', {
      metadata: { name: access, namespace: cluster.namespace, labels },
      rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [access], verbs: ['get', 'patch'] }],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name: access, namespace: cluster.namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: access },
      subjects: [{ kind: 'ServiceAccount', name: access, namespace: cluster.namespace }],
    });
    this.scriptLease = {
      name: access,
      namespace: cluster.namespace,
      annotation: SQL_JOB_ANNOTATION,
      seconds: LEASE_SECONDS,
      declareWaitSeconds: DECLARE_WAIT_SECONDS,
      statementSeconds: STATEMENT_SECONDS,
    };
    // Before the Job in the output, so that `kubectl apply` names the new Job before it exists.
    this.lease = new k8s.KubeLease(this, 'Lease', {
      metadata: {
        name: access,
        namespace: cluster.namespace,
        labels,
        annotations: { [SQL_JOB_ANNOTATION]: Lazy.any({ produce: () => this.job.jobName }) as unknown as string },
      },
      spec: { leaseDurationSeconds: LEASE_SECONDS },
    });

    this.job = renderClusterJob(this, 'Resource', {
      baseName: `${cluster.name}-sql`,
      namespace: cluster.namespace,
      labels: cluster._jobLabels('sql'),
      image: cluster.image,
      script: Lazy.any({ produce: () => escapeKubernetesExpansion(this.rendered().script) }) as unknown as string,
      env: Lazy.any({
        produce: () => [
          { name: 'COCKROACH_HOST', value: `${cluster.publicHost}:${cluster.sqlPort}` },
          // The Job controller labels its pods with the Job's name.
          fieldRefEnv(JOB_NAME_ENV, "metadata.labels['batch.kubernetes.io/job-name']"),
          fieldRefEnv(POD_NAME_ENV, 'metadata.name'),
          ...connection.env,
        ],
      }) as unknown as k8s.EnvVar[],
      serviceAccountName: access,
      ttlAfterFinished: ttl,
      deadlineSeconds: Lazy.any({ produce: () => this.deadlineSeconds() }) as unknown as number,
      backoffLimit: 6,
      resources: helperResources('100m', '256Mi'),
      // The Secrets the statements read, as files (known once every statement has been declared).
      volumes: Lazy.any({ produce: () => [...connection.volumes, kubeApiAccessVolume(), ...this.rendered().volumes] }) as unknown as k8s.Volume[],
      volumeMounts: Lazy.any({ produce: () => [...connection.volumeMounts, kubeApiAccessMount(), ...this.rendered().volumeMounts] }) as unknown as k8s.VolumeMount[],
    });
  }

  /** Every statement the Job applies, in order, secrets as placeholders. */
  public get statementsForDisplay(): string[] {
    return [
      ...this.restores.map((r) => renderForDisplay(r.statement)),
      ...ORDER.flatMap((b) => this.statements.get(b)!.map(renderForDisplay)),
    ];
  }

  /** @internal */
  public _addDatabase(name: string, options: SqlDatabaseOptions): SqlDatabase {
    this._name('addDatabase(name)', name);
    this.checkReserved('addDatabase(name)', name);
    const regions = options.regions;
    if (regions !== undefined) DatabaseRegions._check(this.cluster, 'addDatabase(regions)', regions, this.cluster.clusterRegions ?? []);
    this.claim('addDatabase(name)', 'database', name);
    this._add('databases', createDatabaseSql(name));
    for (const s of regions?._statements(name) ?? []) this._add('regions', s);
    return new SqlDatabase(this, name, regions);
  }

  /** @internal */
  public _setTableLocality(database: SqlDatabase, table: string, locality: TableLocality, schema: string): void {
    this._name('setTableLocality(table)', table);
    this._name('setTableLocality(schema)', schema);
    TableLocality._check(this.cluster, 'setTableLocality(locality)', locality, database.name, database.regions);
    const key = `${database.name}.${schema}.${table}`;
    if (this.tableLocalities.has(key)) reject(this.cluster, 'setTableLocality(table)', key, 'expected one locality per table');
    this.tableLocalities.add(key);
    this._add('localities', locality._statement(database.name, schema, table));
  }

  /** @internal */
  public _addRole(name: string): SqlRole {
    this._name('addRole(name)', name);
    this.checkReserved('addRole(name)', name);
    this.claim('addRole(name)', 'role', name);
    this._add('roles', createRoleSql(name));
    return new SqlRole(this, name);
  }

  /** @internal */
  public _addUser(name: string, options: SqlUserOptions): SqlUser {
    if (typeof name !== 'string' || !SQL_ROLE_PATTERN.test(name)) {
      reject(this.cluster, 'addUser(name)', name, 'expected a SQL user name of 1 to 63 lowercase ASCII letters, digits, \'_\' or \'-\', starting with a letter or \'_\'');
    }
    this.checkReserved('addUser(name)', name);
    this.claim('addUser(name)', 'user', name);
    if (options.password) {
      SqlSecret._check(this.cluster, 'addUser(password)', options.password);
      if (!this.cluster.security.isSecure) {
        throw new CockroachConfigError(this.cluster, 'security, addUser(password)', `received a password (Secret ${options.password}) for user ${JSON.stringify(name)} on an insecure cluster; `
          + 'CockroachDB refuses passwords in insecure mode: leave the password out, or secure the cluster (ClusterSecurity.certManager())');
      }
    }
    for (const s of createUserSql(name, options.password)) this._add('users', s);
    return new SqlUser(this, name);
  }

  /** @internal */
  public _setClusterSetting(setting: ClusterSetting): void {
    const prop = 'setClusterSetting(setting)';
    if (typeof setting.name !== 'string' || !CLUSTER_SETTING_PATTERN.test(setting.name)) {
      reject(this.cluster, prop, setting.name, 'expected a cluster setting name such as "kv.rangefeed.enabled"');
    }
    if (RESERVED_SETTINGS.includes(setting.name)) {
      reject(this.cluster, prop, setting.name, 'expected another setting: the license and organization go through setLicense(), which keeps the key in a Secret');
    }
    const v = setting.value;
    if (!(typeof v === 'boolean' || Number.isFinite(v) || (typeof v === 'string' && !/[\u0000-\u001f]/.test(v)))) {
      reject(this.cluster, `${prop} (value)`, v, 'expected a boolean, a finite number or a string without control characters');
    }
    if (this.settings.has(setting.name)) reject(this.cluster, prop, setting.name, 'expected each setting once');
    this.settings.add(setting.name);
    this._add('settings', setClusterSettingSql(setting.name, v));
  }

  /** @internal */
  public _setLicense(options: LicenseOptions): void {
    if (this.hasLicense) reject(this.cluster, 'setLicense()', options.organization, 'expected one license per cluster');
    if (typeof options.organization !== 'string' || options.organization.trim() === '' || /[\u0000-\u001f]/.test(options.organization) || options.organization.length > 200) {
      reject(this.cluster, 'setLicense(organization)', options.organization, 'expected the organization name the license was issued to (1 to 200 characters, no control characters)');
    }
    SqlSecret._check(this.cluster, 'setLicense(key)', options.key);
    this.hasLicense = true;
    for (const s of licenseSql(options.organization, options.key)) this._add('settings', s);
  }

  /** @internal */
  public _addBackupSchedule(name: string, options: BackupScheduleOptions): BackupSchedule {
    const prop = 'addBackupSchedule';
    this._name(`${prop}(name)`, name);
    if (name.length > 50) reject(this.cluster, `${prop}(name)`, name, 'expected at most 50 characters (a digest is appended)');
    if (this.schedules.has(name)) reject(this.cluster, `${prop}(name)`, name, 'expected a name not used by another schedule of this cluster');
    BackupDestination._check(this.cluster, `${prop}(destination)`, options?.destination);
    const location = options.destination.location;
    if (this.clusterRestore && this.restores[0].location === location) this.rejectRestoreSource(`${prop}(destination)`, name, location);
    this.checkCollectionEncryption(`${prop}(destination)`, options.destination, `schedule ${name}`);
    const databases = options.databases ?? [];
    databases.forEach((d, i) => this._name(`${prop}(databases[${i}])`, d));
    const recurrence = options.recurrence ?? '@hourly';
    const full = options.fullBackup ?? FullBackup.every('@daily');
    for (const [p, cron] of [['recurrence', recurrence], ['fullBackup', full.cron]] as const) {
      if (cron === undefined) continue;
      const problem = cronProblem(cron);
      if (problem) reject(this.cluster, `${prop}(${p})`, cron, `${problem} (e.g. "@hourly" or "0 */6 * * *")`);
    }
    const onFailure = options.onExecutionFailure ?? ScheduleFailurePolicy.RESCHEDULE;
    const onRunning = options.onPreviousRunning ?? PreviousRunPolicy.WAIT;
    if (!Object.values(ScheduleFailurePolicy).includes(onFailure)) reject(this.cluster, `${prop}(onExecutionFailure)`, onFailure, 'expected a ScheduleFailurePolicy');
    if (!Object.values(PreviousRunPolicy).includes(onRunning)) reject(this.cluster, `${prop}(onPreviousRunning)`, onRunning, 'expected a PreviousRunPolicy');

    const spec = {
      databases,
      uri: options.destination._uriParts(),
      encryption: options.destination._encryptionParts(),
      revisionHistory: options.revisionHistory ?? true,
      recurrence,
      fullBackup: full.cron ?? 'ALWAYS',
      runNow: options.runNow ?? true,
      onExecutionFailure: onFailure,
      onPreviousRunning: onRunning,
    };
    // The label carries a digest of the definition: a changed schedule is a new label, and the older
    // versions are dropped, so the change takes effect instead of IF NOT EXISTS keeping the old one.
    const label = `${name}_${shortHash(renderForDisplay(createBackupScheduleSql({ ...spec, label: name })), 8)}`;
    const create = createBackupScheduleSql({ ...spec, label });
    this.schedules.set(name, location);
    this._add('schedules', dropOutdatedSchedulesSql(name, label));
    this._add('schedules', create);
    return new BackupSchedule(name, label, renderForDisplay(create));
  }

  /** @internal */
  public _restoreFrom(destination: BackupDestination, target: RestoreTarget): string {
    const prop = 'restoreFrom';
    BackupDestination._check(this.cluster, `${prop}(destination)`, destination);
    if (target.kind === 'cluster' && (this.clusterRestore || this.restores.length > 0)) {
      reject(this.cluster, `${prop}(target)`, 'RestoreTarget.cluster()', 'expected a full-cluster restore alone: it needs an empty cluster, so it cannot follow or repeat another restore');
    }
    if (this.clusterRestore) reject(this.cluster, `${prop}(target)`, target.kind, 'expected nothing more after a full-cluster restore (it restores everything)');
    if (target.database !== undefined) this._name(`${prop}(database)`, target.database);
    if (target.table !== undefined) this._name(`${prop}(table)`, target.table);
    if (target.schema !== undefined) this._name(`${prop}(schema)`, target.schema);
    if (target.renameTo !== undefined) this._name(`${prop}(${target.kind === 'database' ? 'newName' : 'intoDatabase'})`, target.renameTo);

    const stmt = restoreSql(target, destination._uriParts(), destination._encryptionParts());
    const id = shortHash(renderForDisplay(stmt), 16);
    if (this.restores.some((r) => r.id === id)) reject(this.cluster, `${prop}(target)`, renderForDisplay(stmt), 'expected each restore once');
    this.checkCollectionEncryption(`${prop}(destination)`, destination, `the ${stmt.description}`);
    let freeQuery: string;
    let notFree: string;
    if (target.kind === 'cluster') {
      // CockroachDB refuses a full-cluster restore onto a cluster with user databases or tables (a table in
      // defaultdb counts).
      freeQuery = "SELECT (SELECT count(*) FROM [SHOW DATABASES] WHERE database_name NOT IN ('defaultdb', 'postgres', 'system'))"
        + " + (SELECT count(*) FROM crdb_internal.tables WHERE database_name <> 'system' AND state = 'PUBLIC');";
      notFree = 'the cluster already holds user databases or tables: a full-cluster restore needs an empty cluster';
      const schedule = [...this.schedules].find(([, location]) => location === destination.location)?.[0];
      if (schedule !== undefined) this.rejectRestoreSource(`${prop}(destination)`, schedule, destination.location);
    } else if (target.kind === 'database') {
      const db = target.renameTo ?? target.database!;
      freeQuery = `SELECT count(*) FROM [SHOW DATABASES] WHERE database_name = ${literal(db)};`;
      notFree = `database ${db} already exists: drop it, or restore under another name (newName)`;
    } else {
      const db = target.renameTo ?? target.database!;
      freeQuery = `SELECT count(*) FROM crdb_internal.tables WHERE database_name = ${literal(db)} AND schema_name = ${literal(target.schema!)} AND name = ${literal(target.table!)} AND state = 'PUBLIC';`;
      notFree = `table ${db}.${target.schema}.${target.table} already exists: drop it first, or restore into another database (intoDatabase)`;
    }
    this.clusterRestore = target.kind === 'cluster';
    this.restores.push({ id, statement: stmt, location: destination.location, freeQuery, notFreeMessage: notFree });
    this.renderCache = undefined;
    return id;
  }

  /**
   * The declared full-cluster restore, if any: its id (recorded once done) and how long the SQL Job may
   * take. Jobs that write data wait for it.
   * @internal
   */
  public _fullRestore(): { readonly id: string; readonly timeoutSeconds: number } | undefined {
    if (!this.clusterRestore) return undefined;
    return { id: this.restores[0].id, timeoutSeconds: this.deadlineSeconds() };
  }

  /** Validates a database, schema, table or role name. @internal */
  public _name(prop: string, name: string): void {
    if (typeof name !== 'string' || !SQL_NAME_PATTERN.test(name)) {
      reject(this.cluster, prop, name, 'expected a SQL name of 1 to 63 lowercase ASCII letters, digits or \'_\', starting with a letter or \'_\' (quotes, spaces, semicolons, comment markers and look-alike characters are refused)');
    }
  }

  /** Validates a grantee and returns its name. @internal */
  public _grantee(grantee: ISqlGrantee | string, prop: string): string {
    const name = typeof grantee === 'string' ? grantee : grantee?.name;
    if (!isRoleName(name)) reject(this.cluster, prop, name, 'expected a user or role name of lowercase ASCII letters, digits, \'_\' or \'-\'');
    if (SYSTEM_ROLES.includes(name)) reject(this.cluster, prop, name, 'expected an application user or role');
    if (!this.names.has(`role:${name}`) && !this.existingRoles.has(name) && !BUILT_IN_ROLES.includes(name)) {
      reject(this.cluster, prop, name, 'expected a user or role declared on this cluster before the grant (addUser, addRole), '
        + `or one created outside this library and declared with existingRole(${JSON.stringify(name)}): the SQL Job would fail on a grant to an unknown role`);
    }
    return name;
  }

  /** @internal */
  public _existingRole(name: string): SqlRole {
    const prop = 'existingRole(name)';
    if (!isRoleName(name) || [...SYSTEM_ROLES, ...BUILT_IN_ROLES].includes(name)) {
      reject(this.cluster, prop, name, 'expected the name of an application user or role: lowercase ASCII letters, digits, \'_\' or \'-\' (not root, node, none, admin or public)');
    }
    if (this.names.has(`role:${name}`)) {
      reject(this.cluster, prop, name, 'expected a user or role that this cluster does not declare: addUser() or addRole() creates it already');
    }
    this.existingRoles.add(name);
    return new SqlRole(this, name);
  }

  /** @internal */
  public _checkPrivileges(prop: string, privileges: string[], allowed: string[]): void {
    if (privileges.length === 0) reject(this.cluster, prop, privileges, `expected at least one of ${allowed.join(', ')}`);
    for (const p of privileges) if (!allowed.includes(p)) reject(this.cluster, prop, p, `expected one of ${allowed.join(', ')}`);
    if (new Set(privileges).size !== privileges.length) reject(this.cluster, prop, privileges, 'expected each privilege once');
  }

  /** @internal */
  public _add(bucket: Bucket, stmt: SqlStatement): void {
    this.statements.get(bucket)!.push(stmt);
    this.renderCache = undefined;
  }

  private rendered(): ReturnType<typeof renderSqlScript> {
    this.renderCache ??= renderSqlScript({
      restores: this.restores,
      groups: GROUPS.map((g) => ({ name: g.name, statements: g.buckets.flatMap((b) => this.statements.get(b)!) })),
      lease: this.scriptLease,
    });
    return this.renderCache;
  }

  private checkReserved(prop: string, name: string): void {
    if (RESERVED_NAMES.includes(name)) reject(this.cluster, prop, name, `expected a name of your own: ${RESERVED_NAMES.join(', ')} are reserved`);
  }

  /** Claims a name: databases have theirs, users and roles share one. */
  private claim(prop: string, kind: 'database' | 'user' | 'role', name: string): void {
    const key = kind === 'database' ? name : `role:${name}`;
    if (this.names.has(key)) {
      throw new CockroachConfigError(this.cluster, prop, `received ${JSON.stringify(name)} again; expected each ${kind} once (users and roles share one namespace)`);
    }
    this.names.add(key);
  }

  /**
   * A restored cluster is a new cluster: CockroachDB pauses the schedules it brings back from the source
   * cluster, and two clusters must never write into one backup collection. So a cluster restored from a
   * collection backs up elsewhere.
   */
  private rejectRestoreSource(prop: string, schedule: string, location: string): never {
    return reject(this.cluster, prop, location,
      `expected a folder other than the one the full-cluster restore reads for schedule ${schedule}: a restored cluster is a new cluster `
      + 'and backs up into a collection of its own (e.g. BackupDestination.fromDeployment(description, \'gke\')); '
      + 'CockroachDB pauses the schedules that a restore brings onto another cluster, and two clusters must never write into one collection');
  }

  /**
   * Every backup in a collection is written and read with one encryption (CockroachDB reads a backup only
   * with the key or passphrase it was written with; a restore gives that and nothing else). So every
   * schedule and restore of one collection must agree, and the deployment description's own collection
   * (the bucket and `backupPath` of the description the cluster's `gcsCredentials` come from) is
   * encrypted with the description's `backupEncryptionKey` when it has one. Caught here, a restore missing the key fails at synth
   * instead of at run time, hours into a recovery.
   */
  private checkCollectionEncryption(prop: string, destination: BackupDestination, by: string): void {
    const location = destination.location;
    const encryption = String(destination.encryption ?? 'no encryption');
    const description = this.cluster.gcsCredentials?.description;
    const key = description?.backupEncryptionKeyId;
    // A description without a key says nothing of the encryption (a key may be managed elsewhere).
    if (!this.collectionEncryption.has(location) && key !== undefined && location === `gs://${description!.bucketName}/${description!.backupPath}`) {
      this.collectionEncryption.set(location, { encryption: String(BackupEncryption.cloudKms(key)), by: 'the deployment description (its backupEncryptionKey)' });
    }
    const known = this.collectionEncryption.get(location);
    if (known === undefined) {
      this.collectionEncryption.set(location, { encryption, by });
    } else if (known.encryption !== encryption) {
      throw new CockroachConfigError(this.cluster, `${prop} (encryption)`, `received ${encryption} for ${location}; expected ${known.encryption}, `
        + `the encryption ${known.by} gives that collection: its backups are written and read with one key or passphrase, `
        + 'so every schedule and restore of a collection must give the same (BackupDestination.fromDeployment(description) carries the description\'s)');
    }
  }

  /** The SQL Job's `activeDeadlineSeconds`: a restore may take hours. */
  private deadlineSeconds(): number {
    return (this.timeout ?? (this.restores.length > 0 ? Duration.hours(6) : Duration.minutes(30))).toSeconds();
  }

  private checkSeconds(prop: string, d: Duration, min: number, max: number): void {
    const s = durationSeconds(d);
    if (!Number.isInteger(s) || s < min || s > max) reject(this.cluster, prop, s, `expected whole seconds from ${min} to ${max}`);
  }
}

/** What a backup inspection needs from its cluster (see {@link BackupInspectionJob}). */
export interface IBackupInspectionTarget extends ISqlClientTarget {
  /**
   * How the nodes reach Cloud Storage: `AUTH=implicit` destinations need them.
   * @default - none: only destinations with their own credentials
   */
  readonly gcsCredentials?: GcsCredentials;
}

/** Properties of {@link BackupInspectionJob}. */
export interface BackupInspectionJobProps {
  /** The cluster that runs `SHOW BACKUPS`. */
  readonly cluster: IBackupInspectionTarget;
  /** Where the backups are. */
  readonly destination: BackupDestination;
}

/**
 * A Job that prints `SHOW BACKUPS IN '<destination>'` to its log:
 * `kubectl logs -l app.kubernetes.io/component=show-backups --tail=-1`.
 */
export class BackupInspectionJob extends Construct {
  /** The Job (escape hatch). */
  public readonly job: DigestNamedJob;

  constructor(scope: Construct, id: string, props: BackupInspectionJobProps) {
    super(scope, id);
    const { cluster, destination } = props;
    BackupDestination._check(cluster, 'addBackupInspection(destination)', destination);
    const connection = cluster._clientConnection();
    const rendered = renderSqlScript({ shows: [showBackupsSql(destination._uriParts())] });
    this.job = renderClusterJob(this, 'Resource', {
      baseName: `${cluster.name}-show-backups`,
      namespace: cluster.namespace,
      labels: cluster._jobLabels('show-backups'),
      image: cluster.image,
      script: escapeKubernetesExpansion(rendered.script),
      env: [{ name: 'COCKROACH_HOST', value: `${cluster.publicHost}:${cluster.sqlPort}` }, ...connection.env],
      serviceAccountName: cluster.clientServiceAccountName,
      deadlineSeconds: 900,
      backoffLimit: 2,
      resources: helperResources('50m', '256Mi'),
      volumes: [...connection.volumes, ...rendered.volumes],
      volumeMounts: [...connection.volumeMounts, ...rendered.volumeMounts],
    });
  }
}
