/**
 * SQL generation, in one module. Every name that reaches a statement is checked against a strict ASCII
 * pattern *and* double-quoted; every string is single-quoted with embedded quotes doubled; values that
 * live in Kubernetes Secrets are never known here: a statement only carries a reference, and the SQL
 * Job's script quotes the value at run time.
 */

import { ErrorScope } from '../shared/errors';
import { checkDnsSubdomain, checkSecretKey, reject } from '../shared/validate';

/** A value kept in a Kubernetes Secret, read by the SQL Job at run time (never rendered into YAML). */
export class SqlSecret {
  /** The value of `key` in the Secret `secretName` (in the cluster's namespace). */
  public static fromSecret(secretName: string, key: string): SqlSecret {
    return new SqlSecret(secretName, key);
  }

  private constructor(
    /** Name of the Secret. */
    public readonly secretName: string,
    /** Key inside the Secret. */
    public readonly key: string,
  ) {}

  /** `secret/key`, for messages. */
  public toString(): string {
    return `${this.secretName}/${this.key}`;
  }

  /**
   * Checks that `secret` is a SqlSecret with a valid Secret name and key.
   * @internal
   */
  public static _check(scope: ErrorScope, prop: string, secret: SqlSecret): void {
    if (!(secret instanceof SqlSecret)) reject(scope, prop, secret, 'expected SqlSecret.fromSecret(secretName, key): secret values never go into the manifests');
    checkDnsSubdomain(scope, `${prop} (secret)`, secret.secretName);
    checkSecretKey(scope, `${prop} (key)`, secret.key);
  }
}

/** A piece of a statement: literal SQL text, or a Secret's value rendered at run time. */
export type SqlPart =
  | { readonly sql: string }
  /** As a quoted string literal. */
  | { readonly secretLiteral: SqlSecret }
  /** Base64-encoded then percent-encoded, for a `CREDENTIALS=` URI parameter inside a quoted URI. */
  | { readonly secretUriCredentials: SqlSecret };

/** A statement made of parts; `description` is logged by the Job (it never contains a secret). */
export interface SqlStatement {
  readonly description: string;
  readonly parts: SqlPart[];
}

/** Names of databases, schemas, tables and roles: lowercase ASCII, so that no look-alike or quote gets through. */
export const SQL_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;
/** SQL users may also contain '-' (quoted). */
export const SQL_ROLE_PATTERN = /^[a-z_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;
/** Cluster setting names: dotted lowercase words. */
export const CLUSTER_SETTING_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

/** A double-quoted identifier; embedded double quotes are doubled (names are also pattern-checked upstream). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A single-quoted string literal; embedded single quotes are doubled. Backslashes are literal in SQL strings. */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A statement of literal text only. */
export function statement(description: string, sql: string): SqlStatement {
  return { description, parts: [{ sql }] };
}

/** The statement as SQL text with `<secret:name/key>` placeholders: for tests, docs and digests. */
export function renderForDisplay(stmt: SqlStatement): string {
  return stmt.parts.map((p) => ('sql' in p ? p.sql : 'secretLiteral' in p ? `<secret:${p.secretLiteral}>` : `<credentials:${p.secretUriCredentials}>`)).join('');
}

// ---------------------------------------------------------------------------------------------------
// Cron expressions, as CockroachDB's schedules accept them: five fields or a descriptor.

const CRON_DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const CRON_FIELDS: Array<{ name: string; min: number; max: number; names?: string[] }> = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/** Why a cron expression is invalid, or undefined when it is valid. */
export function cronProblem(expression: string): string | undefined {
  if (typeof expression !== 'string') return 'expected a string';
  const expr = expression.trim();
  if (expr.startsWith('@')) {
    return CRON_DESCRIPTORS.includes(expr) ? undefined : `unknown descriptor; expected one of ${CRON_DESCRIPTORS.join(', ')}`;
  }
  const fields = expr.split(/\s+/);
  if (fields.length !== 5) return `expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`;
  for (let i = 0; i < 5; i++) {
    const problem = cronFieldProblem(fields[i], CRON_FIELDS[i]);
    if (problem) return `${CRON_FIELDS[i].name} "${fields[i]}": ${problem}`;
  }
  return undefined;
}

function cronFieldProblem(field: string, spec: { min: number; max: number; names?: string[] }): string | undefined {
  const value = (token: string): number | undefined => {
    if (/^\d+$/.test(token)) return Number(token);
    const idx = spec.names?.indexOf(token.toUpperCase()) ?? -1;
    return idx >= 0 ? idx + spec.min : undefined;
  };
  for (const item of field.split(',')) {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
    if (!m) return 'expected *, a value, a range a-b, a step */n or a-b/n, or a list of those';
    // Stryker disable next-line ConditionalExpression: without a step, Number(undefined) is NaN, never below 1; the test says what is meant
    if (m[2] !== undefined && Number(m[2]) < 1) return 'a step must be at least 1';
    if (m[1] === '*') continue;
    const [lo, hi] = m[1].split('-').map(value);
    if (lo === undefined || (m[1].includes('-') && hi === undefined)) return `expected numbers from ${spec.min} to ${spec.max}${spec.names ? ' or names' : ''}`;
    for (const v of [lo, hi ?? lo]) {
      if (v < spec.min || v > spec.max) return `${v} is outside ${spec.min}-${spec.max}`;
    }
    // Stryker disable next-line ConditionalExpression: without a range, undefined < lo is false; the test says what is meant
    if (hi !== undefined && hi < lo) return `range ${lo}-${hi} is reversed`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Statements. Inputs are validated by the callers (CockroachCluster's add… methods); quoting is applied
// here regardless.

/** Privileges on a database. */
export enum DatabasePrivilege {
  /** Every privilege on the database. */
  ALL = 'ALL',
  /** Connect to the database and see its objects. */
  CONNECT = 'CONNECT',
  /** Create tables and schemas in it. */
  CREATE = 'CREATE',
  /** Drop the database. */
  DROP = 'DROP',
  /** Change its zone configuration (replication and placement). */
  ZONECONFIG = 'ZONECONFIG',
  /** Back it up. */
  BACKUP = 'BACKUP',
  /** Restore into it. */
  RESTORE = 'RESTORE',
}

/** Privileges on tables. */
export enum TablePrivilege {
  /** Every privilege on the table. */
  ALL = 'ALL',
  /** Read rows. */
  SELECT = 'SELECT',
  /** Insert rows. */
  INSERT = 'INSERT',
  /** Update rows. */
  UPDATE = 'UPDATE',
  /** Delete rows. */
  DELETE = 'DELETE',
  /** Drop the table. */
  DROP = 'DROP',
  /** Change its zone configuration (replication and placement). */
  ZONECONFIG = 'ZONECONFIG',
  /** Back it up. */
  BACKUP = 'BACKUP',
  /** Create a changefeed on it. */
  CHANGEFEED = 'CHANGEFEED',
}

export function createDatabaseSql(name: string): SqlStatement {
  return statement(`database ${name}`, `CREATE DATABASE IF NOT EXISTS ${ident(name)};`);
}

export function createRoleSql(name: string): SqlStatement {
  return statement(`role ${name}`, `CREATE ROLE IF NOT EXISTS ${ident(name)};`);
}

/** CREATE USER, then (with a password) ALTER USER so that a changed password takes effect too. */
export function createUserSql(name: string, password?: SqlSecret): SqlStatement[] {
  const create = statement(`user ${name}`, `CREATE USER IF NOT EXISTS ${ident(name)};`);
  if (!password) return [create];
  return [create, {
    description: `password of user ${name} (from Secret ${password})`,
    parts: [{ sql: `ALTER USER ${ident(name)} WITH PASSWORD ` }, { secretLiteral: password }, { sql: ';' }],
  }];
}

export function grantOnDatabaseSql(database: string, privileges: DatabasePrivilege[], grantee: string): SqlStatement {
  return statement(`grant on database ${database} to ${grantee}`,
    `GRANT ${privileges.join(', ')} ON DATABASE ${ident(database)} TO ${ident(grantee)};`);
}

export function grantOnTableSql(database: string, schema: string, table: string, privileges: TablePrivilege[], grantee: string): SqlStatement {
  return statement(`grant on table ${database}.${schema}.${table} to ${grantee}`,
    `GRANT ${privileges.join(', ')} ON TABLE ${ident(database)}.${ident(schema)}.${ident(table)} TO ${ident(grantee)};`);
}

export function grantOnAllTablesSql(database: string, schema: string, privileges: TablePrivilege[], grantee: string): SqlStatement {
  return statement(`grant on all tables in ${database}.${schema} to ${grantee}`,
    `GRANT ${privileges.join(', ')} ON ALL TABLES IN SCHEMA ${ident(database)}.${ident(schema)} TO ${ident(grantee)};`);
}

export function grantRoleSql(role: string, member: string): SqlStatement {
  return statement(`role ${role} to ${member}`, `GRANT ${ident(role)} TO ${ident(member)};`);
}

/** A setting value rendered as SQL: booleans and numbers bare, strings quoted. */
export function settingValueSql(value: string | number | boolean): string {
  return typeof value === 'string' ? literal(value) : String(value);
}

export function setClusterSettingSql(name: string, value: string | number | boolean): SqlStatement {
  return statement(`cluster setting ${name}`, `SET CLUSTER SETTING ${name} = ${settingValueSql(value)};`);
}

export function licenseSql(organization: string, key: SqlSecret): SqlStatement[] {
  return [
    setClusterSettingSql('cluster.organization', organization),
    {
      description: `enterprise license (from Secret ${key})`,
      parts: [{ sql: 'SET CLUSTER SETTING enterprise.license = ' }, { secretLiteral: key }, { sql: ';' }],
    },
  ];
}

/** Everything a backup schedule statement needs, validated. */
export interface BackupScheduleSpec {
  readonly label: string;
  readonly databases: string[];
  readonly uri: SqlPart[];
  /**
   * The encryption option (`kms = …` or `encryption_passphrase = …`).
   * @default - none: not encrypted by CockroachDB
   */
  readonly encryption?: SqlPart[];
  readonly revisionHistory: boolean;
  readonly recurrence: string;
  /** A cron, or 'ALWAYS'. */
  readonly fullBackup: string;
  readonly runNow: boolean;
  readonly onExecutionFailure: string;
  readonly onPreviousRunning: string;
}

/** CREATE SCHEDULE IF NOT EXISTS '<label>' FOR BACKUP … */
export function createBackupScheduleSql(spec: BackupScheduleSpec): SqlStatement {
  const targets = spec.databases.length > 0 ? ` DATABASE ${spec.databases.map(ident).join(', ')}` : '';
  const full = spec.fullBackup === 'ALWAYS' ? 'FULL BACKUP ALWAYS' : `FULL BACKUP ${literal(spec.fullBackup)}`;
  const options = [
    ...(spec.runNow ? ["first_run = 'now'"] : []),
    `on_execution_failure = ${literal(spec.onExecutionFailure)}`,
    `on_previous_running = ${literal(spec.onPreviousRunning)}`,
    // Keeps schedules_BACKUP_last_completed_time up to date, which the dashboards' "last backup" panel and
    // its age read (CockroachDB updates it only for schedules created with this option; admin only).
    'updates_cluster_last_backup_time_metric',
  ];
  const backupOptions = [...(spec.revisionHistory ? [[{ sql: 'revision_history' }]] : []), ...(spec.encryption ? [spec.encryption] : [])];
  return {
    description: `backup schedule ${spec.label}`,
    parts: joined([
      { sql: `CREATE SCHEDULE IF NOT EXISTS ${literal(spec.label)} FOR BACKUP${targets} INTO ` },
      ...spec.uri,
      ...withOptions(backupOptions),
      { sql: ` RECURRING ${literal(spec.recurrence)} ${full} WITH SCHEDULE OPTIONS ${options.join(', ')};` },
    ]),
  };
}

/**
 * Drops the older versions of a schedule: same base name, another digest. This is how a changed
 * recurrence (or anything else) takes effect instead of `IF NOT EXISTS` keeping the old schedule.
 */
export function dropOutdatedSchedulesSql(baseName: string, currentLabel: string): SqlStatement {
  return statement(`outdated versions of backup schedule ${baseName}`,
    `DROP SCHEDULES WITH s AS (SHOW SCHEDULES) SELECT id FROM s WHERE label ~ ${literal(`^${baseName}_[0-9a-f]{8}$`)} AND label != ${literal(currentLabel)};`);
}

/** The parts with each run of literal text joined into one (the script then quotes fewer pieces). */
function joined(parts: SqlPart[]): SqlPart[] {
  const out: SqlPart[] = [];
  for (const part of parts) {
    const last = out[out.length - 1];
    if ('sql' in part && last !== undefined && 'sql' in last) out[out.length - 1] = { sql: last.sql + part.sql };
    else out.push(part);
  }
  return out;
}

/** ` WITH a, b`: options that may hold secrets; nothing for none. */
function withOptions(options: SqlPart[][]): SqlPart[] {
  return options.flatMap((option, i) => [{ sql: i === 0 ? ' WITH ' : ', ' }, ...option]);
}

/**
 * RESTORE … FROM LATEST IN '<uri>' WITH detached (the Job polls the restore job), and the encryption
 * option the backups were written with.
 */
export function restoreSql(target: { kind: string; database?: string; schema?: string; table?: string; renameTo?: string }, uri: SqlPart[],
  encryption?: SqlPart[]): SqlStatement {
  let what = '';
  const options = ['detached'];
  if (target.kind === 'database') {
    what = ` DATABASE ${ident(target.database!)}`;
    if (target.renameTo) options.push(`new_db_name = ${literal(target.renameTo)}`);
  } else if (target.kind === 'table') {
    what = ` TABLE ${ident(target.database!)}.${ident(target.schema!)}.${ident(target.table!)}`;
    if (target.renameTo) options.push(`into_db = ${literal(target.renameTo)}`);
  }
  return {
    description: `restore of ${target.kind === 'cluster' ? 'the cluster' : `${target.kind} ${[target.database, target.table].filter(Boolean).join('.')}`}`,
    parts: joined([{ sql: `RESTORE${what} FROM LATEST IN ` }, ...uri, ...withOptions([...options.map((sql) => [{ sql }]), ...(encryption ? [encryption] : [])]), { sql: ';' }]),
  };
}

export function showBackupsSql(uri: SqlPart[]): SqlStatement {
  return { description: 'backups in the destination', parts: [{ sql: 'SHOW BACKUPS IN ' }, ...uri, { sql: ';' }] };
}
