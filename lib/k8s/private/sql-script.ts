import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { SqlPart, SqlSecret, SqlStatement, literal } from '../sql';
import { RESTORE_MARKER_DATABASE as MARKER_DATABASE, RESTORE_MARKER_TABLE, restoreRecordedQuery } from './restore-marker';

/** A restore as the script runs it: guarded, detached, polled, and recorded once done. */
export interface ScriptRestore {
  /** Stable id (digest of the statement), recorded in the marker table once the restore succeeded. */
  readonly id: string;
  readonly statement: SqlStatement;
  /** `gs://bucket/path`, to find a restore job already running after a pod restart. */
  readonly location: string;
  /** A query that returns 0 when the target is free (empty cluster, absent database or table). */
  readonly freeQuery: string;
  /** Why the target is not free, for the error. */
  readonly notFreeMessage: string;
}


const SECRET_ENV_PREFIX = 'CRDB_SECRET_';
const WAIT_ATTEMPTS = 60;
const WAIT_INTERVAL_SECONDS = 5;
const POLL_INTERVAL_SECONDS = 10;

/**
 * Kubernetes expands `$(NAME)` in a container's command from its env. `$$` stands for one `$`, so every
 * `$` of the script is doubled: kubelet turns the text back into the script as written, and no text that
 * came from a user can ever be replaced by an env value (a secret).
 */
export function escapeKubernetesExpansion(script: string): string {
  return script.replace(/\$/g, '$$$$');
}

/** A bash single-quoted word. */
function bashQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

/** Assigns env var names to Secrets in first-seen order. */
class SecretEnv {
  private readonly names = new Map<string, string>();
  private readonly vars: k8s.EnvVar[] = [];

  public nameOf(secret: SqlSecret): string {
    const key = `${secret.secretName}\u0000${secret.key}`;
    let name = this.names.get(key);
    if (!name) {
      name = `${SECRET_ENV_PREFIX}${this.names.size}`;
      this.names.set(key, name);
      this.vars.push({ name, valueFrom: { secretKeyRef: { name: secret.secretName, key: secret.key } } });
    }
    return name;
  }

  public get env(): k8s.EnvVar[] {
    return [...this.vars];
  }
}

/** The statement as a bash expression that builds it at run time. */
function bashStatement(parts: SqlPart[], env: SecretEnv): string {
  return parts.map((p) => {
    if ('sql' in p) return bashQuote(p.sql);
    if ('secretLiteral' in p) return `"$(sql_literal "$${env.nameOf(p.secretLiteral)}")"`;
    return `"$(gcs_credentials "$${env.nameOf(p.secretUriCredentials)}")"`;
  }).join('');
}

const hasSecret = (s: SqlStatement) => s.parts.some((p) => !('sql' in p));

const PRELUDE = [
  'set -euo pipefail',
  '# Connection: COCKROACH_HOST, and COCKROACH_CERTS_DIR or COCKROACH_INSECURE, come from the env; user root.',
  'sql() { /cockroach/cockroach sql --format=tsv "$@"; }',
  'query() { printf \'%s\\n\' "$1" | sql | tail -n +2; }',
  "sql_literal() { local v=${1//\\'/\\'\\'}; printf \"'%s'\" \"$v\"; }",
  'gcs_credentials() { local b; b=$(printf \'%s\' "$1" | base64 -w0); b=${b//+/%2B}; b=${b//\\//%2F}; b=${b//=/%3D}; printf \'%s\' "$b"; }',
  'run() { echo "applying: $1"; printf \'%s\\n\' "$2" | sql >/dev/null; }',
  '# A statement holding a secret: its output (which could echo the statement) is never shown.',
  'run_secret() { echo "applying: $1"; if ! printf \'%s\\n\' "$2" | sql >/dev/null 2>&1; then echo "failed: $1 (output hidden: the statement holds a secret)" >&2; return 1; fi; }',
  'fail() { echo "$1" >&2; exit 1; }',
];

function waitForSql(): string[] {
  return [
    'echo "waiting for the cluster to accept SQL"',
    `for attempt in $(seq 1 ${WAIT_ATTEMPTS}); do`,
    "  if query 'SELECT 1;' >/dev/null 2>&1; then break; fi",
    `  if [ "$attempt" -eq ${WAIT_ATTEMPTS} ]; then fail "the cluster did not accept SQL after ${WAIT_ATTEMPTS} attempts"; fi`,
    `  sleep ${WAIT_INTERVAL_SECONDS}`,
    'done',
  ];
}

function restoreBlock(r: ScriptRestore, env: SecretEnv): string[] {
  const markerTable = RESTORE_MARKER_TABLE;
  const secret = hasSecret(r.statement);
  return [
    `# ${r.statement.description} (${r.id})`,
    `if [ "$(query ${bashQuote(`SELECT count(*) FROM [SHOW DATABASES] WHERE database_name = '${MARKER_DATABASE}';`)})" = 1 ] \\`,
    `  && [ "$(query ${bashQuote(`${restoreRecordedQuery(r.id)};`)})" = 1 ]; then`,
    `  echo ${bashQuote(`already done: ${r.statement.description}`)}`,
    'else',
    `  job=$(query ${bashQuote(`SELECT job_id FROM [SHOW JOBS] WHERE job_type = 'RESTORE' AND status IN ('pending', 'running', 'paused', 'pause-requested') AND strpos(description, ${literal(r.location)}) > 0 ORDER BY created DESC LIMIT 1;`)})`,
    '  if [ -z "$job" ]; then',
    `    [ "$(query ${bashQuote(r.freeQuery)})" = 0 ] || fail ${bashQuote(r.notFreeMessage)}`,
    `    echo ${bashQuote(`starting: ${r.statement.description}`)}`,
    `    job=$(printf '%s\\n' ${bashStatement(r.statement.parts, env)} | sql ${secret ? '2>/dev/null ' : ''}| tail -n +2 | cut -f1) || fail ${bashQuote(`could not start: ${r.statement.description}${secret ? ' (output hidden: the statement holds a secret)' : ''}`)}`,
    '  fi',
    '  echo "waiting for restore job ${job}"',
    '  while true; do',
    '    status=$(query "SELECT status FROM [SHOW JOB ${job}];")',
    '    case "$status" in',
    '      succeeded) break ;;',
    '      failed|canceled|revert-failed) fail "restore job ${job} ${status}: see SHOW JOB ${job}" ;;',
    '    esac',
    `    sleep ${POLL_INTERVAL_SECONDS}`,
    '  done',
    `  run ${bashQuote(`record ${r.id}`)} ${bashQuote(`CREATE DATABASE IF NOT EXISTS ${MARKER_DATABASE}; CREATE TABLE IF NOT EXISTS ${markerTable} (id STRING PRIMARY KEY, restored_at TIMESTAMPTZ NOT NULL DEFAULT now()); UPSERT INTO ${markerTable} (id) VALUES (${literal(r.id)});`)}`,
    'fi',
  ];
}

/** The SQL Job's script and the env vars its Secrets need. */
export function renderSqlScript(plan: {
  restores?: ScriptRestore[];
  statements?: SqlStatement[];
  /** Read-only statements whose result is printed as a table (for inspection Jobs). */
  shows?: SqlStatement[];
}): { script: string; env: k8s.EnvVar[] } {
  const env = new SecretEnv();
  const lines = [
    ...PRELUDE,
    ...waitForSql(),
    ...(plan.restores ?? []).flatMap((r) => restoreBlock(r, env)),
    ...(plan.statements ?? []).map((s) => `${hasSecret(s) ? 'run_secret' : 'run'} ${bashQuote(s.description)} ${bashStatement(s.parts, env)}`),
    ...(plan.shows ?? []).flatMap((s) => [
      `echo ${bashQuote(`-- ${s.description}`)}`,
      `printf '%s\n' ${bashStatement(s.parts, env)} | sql --format=table`,
    ]),
    'echo "done"',
  ];
  return { script: lines.join('\n'), env: env.env };
}
