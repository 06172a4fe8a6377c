import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { SqlPart, SqlSecret, SqlStatement, literal } from '../sql';
import { KUBE_API, kubeApiBash } from './kube-api';
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

/**
 * The Lease that keeps two versions of the SQL Job from acting at once. Its annotation, written by every
 * apply, names the Job the manifests declare now; a Job acts only while it holds the Lease and is that
 * Job. An older copy still running (apply without prune) stops at its next statement; a newer one waits
 * until the older has let the Lease go (or it expired), so the last writer is always the newest.
 */
export interface ScriptLease {
  readonly name: string;
  readonly namespace: string;
  /** The annotation that names the declared Job. */
  readonly annotation: string;
  /** How long a holder that stopped renewing keeps the Lease. */
  readonly seconds: number;
  /** How long a Job waits for the apply to name it, before it takes itself for an older copy. */
  readonly declareWaitSeconds: number;
  /** The longest a statement may run under the Lease: shorter than `seconds`. */
  readonly statementSeconds: number;
}

/** Where the SQL Job's bash reads its own Job name (the Job controller's pod label, through the downward API). */
export const JOB_NAME_ENV = 'SQL_JOB_NAME';
/** Where it reads its pod's name (downward API): the Lease's holder is a pod, not a Job. */
export const POD_NAME_ENV = 'SQL_POD_NAME';
/** The first and last lines of the Lease section of the script. */
export const LEASE_SECTION_START = '# --- the Lease: one version of this Job acts at a time, and only the declared one';
export const LEASE_SECTION_END = '# --- end of the Lease';

/**
 * Where the SQL Job finds the Secrets its statements read: one folder per Secret, one file per key
 * (`<dir>/<secret name>/<key>`), mounted read-only and readable by the pod's fsGroup only.
 */
export const SQL_SECRETS_DIR = '/var/run/secrets/crdb-sql';
/** `0440`: owner (root, as kubelet writes it) and the pod's fsGroup, which the non-root Job user is in. */
const SECRET_FILE_MODE = 0o440;
const WAIT_ATTEMPTS = 60;
const WAIT_INTERVAL_SECONDS = 5;
const POLL_INTERVAL_SECONDS = 10;
const LEASE_POLL_SECONDS = 5;

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

/**
 * The Secret keys the script reads, as files: a `secret` volume per Secret (in first-seen order) with
 * exactly the keys needed as items. The values reach the pod through kubelet's tmpfs, never the
 * manifests, the env (which `kubectl describe` and crash dumps show) or a command line.
 */
class SecretFiles {
  /** Secret name → its keys, both in first-seen order. */
  private readonly secrets = new Map<string, string[]>();

  /** The file that holds the value, where the script reads it. */
  public pathOf(secret: SqlSecret): string {
    const keys = this.secrets.get(secret.secretName) ?? [];
    if (!keys.includes(secret.key)) keys.push(secret.key);
    this.secrets.set(secret.secretName, keys);
    return `${SQL_SECRETS_DIR}/${secret.secretName}/${secret.key}`;
  }

  public get volumes(): k8s.Volume[] {
    return [...this.secrets].map(([secretName, keys], i) => ({
      name: `sql-secret-${i}`,
      secret: { secretName, items: keys.map((key) => ({ key, path: key })), defaultMode: SECRET_FILE_MODE },
    }));
  }

  public get volumeMounts(): k8s.VolumeMount[] {
    return [...this.secrets.keys()].map((secretName, i) => ({ name: `sql-secret-${i}`, mountPath: `${SQL_SECRETS_DIR}/${secretName}`, readOnly: true }));
  }
}

/** The statement as a bash expression that builds it at run time. */
function bashStatement(parts: SqlPart[], files: SecretFiles): string {
  return parts.map((p) => {
    if ('sql' in p) return bashQuote(p.sql);
    if ('secretLiteral' in p) return `"$(sql_literal_file ${bashQuote(files.pathOf(p.secretLiteral))})"`;
    return `"$(gcs_credentials_file ${bashQuote(files.pathOf(p.secretUriCredentials))})"`;
  }).join('');
}

const hasSecret = (s: SqlStatement) => s.parts.some((p) => !('sql' in p));

const PRELUDE = [
  'set -euo pipefail',
  '# Connection: COCKROACH_HOST, and COCKROACH_CERTS_DIR or COCKROACH_INSECURE, come from the env; user root.',
  'sql() { /cockroach/cockroach sql --format=tsv "$@"; }',
  'query() { printf \'%s\\n\' "$1" | sql | tail -n +2; }',
  '# A Secret\'s value is read from its file (the path is the only argument; the value stays in builtins and',
  '# on stdin). "x" keeps trailing newlines, which $(…) would drop: the value is exactly the Secret\'s. An',
  '# unreadable file prints nothing, so the statement fails (it never runs with an empty value).',
  "sql_literal_file() { local v; v=$(cat -- \"$1\" && printf x) || return 1; v=${v%x}; v=${v//\\'/\\'\\'}; printf \"'%s'\" \"$v\"; }",
  'gcs_credentials_file() { local b; b=$(base64 -w0 < "$1") || return 1; b=${b//+/%2B}; b=${b//\\//%2F}; b=${b//=/%3D}; printf \'%s\' "$b"; }',
  'run() { echo "applying: $1"; printf \'%s\\n\' "$2" | sql >/dev/null; }',
  '# A statement holding a secret: its output (which could echo the statement) is never shown.',
  'run_secret() { echo "applying: $1"; if ! printf \'%s\\n\' "$2" | sql >/dev/null 2>&1; then echo "(output hidden: the statement holds a secret)" >&2; return 1; fi; }',
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

/**
 * `hold`: (re)takes the Lease for this pod, or stops the script (status 0) when the manifests declare
 * another SQL Job: before the first statement (`hold first`, which waits a little for the apply to name
 * this Job) and before every statement after it. `release` lets it go on exit.
 *
 * Why it holds: the declared Job is read and the Lease taken in one write that succeeds only over the
 * version just read; the holder renews before every statement, and no statement may outlive the Lease
 * (each `cockroach sql` is cut at `statementSeconds`); a waiter counts the Lease's duration on its own
 * clock, from the moment it saw the Lease's current version (clocks of two pods are never compared).
 */
function leaseBlock(lease: ScriptLease): string[] {
  const url = `${KUBE_API}/apis/coordination.k8s.io/v1/namespaces/${lease.namespace}/leases/${lease.name}`;
  const what = `Lease ${lease.name}`;
  return [
    LEASE_SECTION_START,
    ...kubeApiBash(),
    `me="\${${JOB_NAME_ENV}:?the Job name (downward API) is missing}"`,
    `pod="\${${POD_NAME_ENV}:?the pod name (downward API) is missing}"`,
    `lease_url=${url}`,
    `# Under the Lease, no statement outlives it: each call is cut at ${lease.statementSeconds} s.`,
    `sql() { timeout ${lease.statementSeconds} /cockroach/cockroach sql --format=tsv "$@"; }`,
    'lease_read() {',
    '  request "$lease_url"',
    `  [ "$code" = 200 ] || fail "reading ${what} answered HTTP $code: $body (apply the manifests whole: the Lease comes with the Job)"`,
    `  lease_version=$(printf '%s' "$body" | json_get metadata resourceVersion) || fail "${what}: unexpected answer: $body"`,
    `  declared=$(printf '%s' "$body" | json_get metadata annotations ${lease.annotation}) || declared=""`,
    `  holder=$(printf '%s' "$body" | json_get spec holderIdentity) || holder=""`,
    '}',
    '# lease_write HOLDER|null: written only over the version just read (409 Conflict otherwise).',
    'lease_write() {',
    '  local who=null now',
    '  now=$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)',
    '  [ "$1" = null ] || who="\\"$1\\""',
    "  request -X PATCH -H 'Content-Type: application/merge-patch+json' \"$lease_url\" \\",
    '    --data "{\\"metadata\\":{\\"resourceVersion\\":\\"$lease_version\\"},\\"spec\\":{\\"holderIdentity\\":$who,\\"renewTime\\":\\"$now\\"}}"',
    '}',
    '# expired: the Lease has not changed for its duration, counted on this pod\'s clock since it saw this version.',
    'seen_version=""; seen_at=0',
    'expired() {',
    '  local now; now=$(date +%s)',
    '  if [ "$lease_version" != "$seen_version" ]; then seen_version=$lease_version; seen_at=$now; return 1; fi',
    `  [ $((now - seen_at)) -ge ${lease.seconds} ]`,
    '}',
    'holding=0',
    'hold() {',
    `  local waited=0 patience=0; [ "\${1:-}" = first ] && patience=${lease.declareWaitSeconds}`,
    '  while true; do',
    '    lease_read',
    '    if [ "$declared" != "$me" ]; then',
    // A newer Job is declared (or, for a moment, the apply has not written the Lease yet).
    '      if [ "$waited" -ge "$patience" ]; then',
    `        echo "superseded: the manifests now declare SQL Job \${declared:-(none)}; this Job ($me) stops without acting"`,
    '        exit 0',
    '      fi',
    '    elif [ -z "$holder" ] || [ "$holder" = "$pod" ] || expired; then',
    '      lease_write "$pod"',
    '      case "$code" in',
    '        200) holding=1; return 0 ;;',
    '        409) continue ;;',
    `        *) fail "taking ${what} answered HTTP $code: $body" ;;`,
    '      esac',
    '    elif [ "$waited" -eq 0 ]; then',
    '      echo "waiting for ${holder} to finish (it holds the Lease)"',
    '    fi',
    `    sleep ${LEASE_POLL_SECONDS}; waited=$((waited + ${LEASE_POLL_SECONDS}))`,
    '  done',
    '}',
    // On exit, whatever the status: best effort (an unreleased Lease expires), and it never changes the status.
    'release() {',
    '  [ "$holding" = 1 ] || return 0',
    '  holding=0',
    '  local attempt',
    '  for attempt in 1 2 3 4 5; do',
    '    request "$lease_url"',
    '    [ "$code" = 200 ] || return 0',
    `    lease_version=$(printf '%s' "$body" | json_get metadata resourceVersion) || return 0`,
    `    [ "$(printf '%s' "$body" | json_get spec holderIdentity || true)" = "$pod" ] || return 0`,
    '    lease_write null',
    '    [ "$code" = 409 ] || return 0',
    '  done',
    '}',
    'trap release EXIT',
    // bash as PID 1 ignores SIGTERM unless trapped: exit, so that the EXIT trap lets the Lease go.
    "trap 'exit 143' TERM",
    LEASE_SECTION_END,
  ];
}

function restoreBlock(r: ScriptRestore, files: SecretFiles, hold: string[]): string[] {
  const markerTable = RESTORE_MARKER_TABLE;
  const secret = hasSecret(r.statement);
  return [
    `# ${r.statement.description} (${r.id})`,
    ...hold,
    `if [ "$(query ${bashQuote(`SELECT count(*) FROM [SHOW DATABASES] WHERE database_name = '${MARKER_DATABASE}';`)})" = 1 ] \\`,
    `  && [ "$(query ${bashQuote(`${restoreRecordedQuery(r.id)};`)})" = 1 ]; then`,
    `  echo ${bashQuote(`already done: ${r.statement.description}`)}`,
    'else',
    `  job=$(query ${bashQuote(`SELECT job_id FROM [SHOW JOBS] WHERE job_type = 'RESTORE' AND status IN ('pending', 'running', 'paused', 'pause-requested') AND strpos(description, ${literal(r.location)}) > 0 ORDER BY created DESC LIMIT 1;`)})`,
    '  if [ -z "$job" ]; then',
    `    [ "$(query ${bashQuote(r.freeQuery)})" = 0 ] || fail ${bashQuote(r.notFreeMessage)}`,
    `    echo ${bashQuote(`starting: ${r.statement.description}`)}`,
    `    job=$(printf '%s\\n' ${bashStatement(r.statement.parts, files)} | sql ${secret ? '2>/dev/null ' : ''}| tail -n +2 | cut -f1) || fail ${bashQuote(`could not start: ${r.statement.description}${secret ? ' (output hidden: the statement holds a secret)' : ''}`)}`,
    '  fi',
    '  echo "waiting for restore job ${job}"',
    '  while true; do',
    ...hold.map((h) => `    ${h}`),
    '    status=$(query "SELECT status FROM [SHOW JOB ${job}];")',
    '    case "$status" in',
    '      succeeded) break ;;',
    '      failed|canceled|revert-failed) fail "restore job ${job} ${status}: see SHOW JOB ${job}" ;;',
    '    esac',
    `    sleep ${POLL_INTERVAL_SECONDS}`,
    '  done',
    ...hold.map((h) => `  ${h}`),
    `  run ${bashQuote(`record ${r.id}`)} ${bashQuote(`CREATE DATABASE IF NOT EXISTS ${MARKER_DATABASE}; CREATE TABLE IF NOT EXISTS ${markerTable} (id STRING PRIMARY KEY, restored_at TIMESTAMPTZ NOT NULL DEFAULT now()); UPSERT INTO ${markerTable} (id) VALUES (${literal(r.id)});`)}`,
    'fi',
  ];
}

/** Statements that depend on one another, applied in order; a failure skips the rest of the group only. */
export interface StatementGroup {
  /** What the group does, printed before it (e.g. `backup schedules`). */
  readonly name: string;
  readonly statements: SqlStatement[];
}

/**
 * Groups run one after the other and do not block one another: a failed statement (named in the log)
 * skips the rest of its own group, which may depend on it, and the script fails at its end, after every
 * other group has run, with the list of the statements that failed.
 */
const GROUPS = [
  'failures=(); group_failed=0',
  'group() { group_failed=0; echo "-- $1"; }',
  'step() {',
  '  if [ "$group_failed" = 1 ]; then echo "skipped: $2 (an earlier statement of its group failed)"; return 0; fi',
  '  if ! "$1" "$2" "$3"; then echo "failed: $2" >&2; failures+=("$2"); group_failed=1; fi',
  '}',
  'finish() {',
  '  if [ "${#failures[@]}" -gt 0 ]; then',
  '    echo "${#failures[@]} statement(s) failed (the other groups were applied):" >&2',
  '    printf \'  %s\\n\' "${failures[@]}" >&2',
  '    exit 1',
  '  fi',
  '}',
];

/** The SQL Job's script, and the volumes and mounts that bring the Secrets it reads as files. */
export function renderSqlScript(plan: {
  restores?: ScriptRestore[];
  /** Groups of statements (see {@link StatementGroup}), in order. */
  groups?: StatementGroup[];
  /** Read-only statements whose result is printed as a table (for inspection Jobs). */
  shows?: SqlStatement[];
  /** The Lease that serializes the versions of a Job that writes (see {@link ScriptLease}). */
  lease?: ScriptLease;
}): { script: string; volumes: k8s.Volume[]; volumeMounts: k8s.VolumeMount[] } {
  const files = new SecretFiles();
  const hold = plan.lease ? ['hold'] : [];
  const lines = [
    ...PRELUDE,
    ...waitForSql(),
    ...(plan.lease ? [...leaseBlock(plan.lease), 'hold first'] : []),
    ...(plan.restores ?? []).flatMap((r) => restoreBlock(r, files, hold)),
    ...(plan.groups ? GROUPS : []),
    ...(plan.groups ?? []).filter((g) => g.statements.length > 0).flatMap((g) => [
      `group ${bashQuote(g.name)}`,
      ...g.statements.flatMap((s) => [...hold, `step ${hasSecret(s) ? 'run_secret' : 'run'} ${bashQuote(s.description)} ${bashStatement(s.parts, files)}`]),
    ]),
    ...(plan.groups ? ['finish'] : []),
    ...(plan.shows ?? []).flatMap((s) => [
      `echo ${bashQuote(`-- ${s.description}`)}`,
      `printf '%s\n' ${bashStatement(s.parts, files)} | sql --format=table`,
    ]),
    'echo "done"',
  ];
  return { script: lines.join('\n'), volumes: files.volumes, volumeMounts: files.volumeMounts };
}
