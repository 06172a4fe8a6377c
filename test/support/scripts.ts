import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LEASE_SECTION_END, LEASE_SECTION_START } from '../../lib/k8s/private/sql-script';

/**
 * What kubelet does to a container's command before running it: `$$` becomes `$`, and `$(NAME)` becomes
 * the value of env var NAME when it is defined (left as is otherwise). Same algorithm as Kubernetes'
 * expansion package.
 */
export function kubeletExpand(text: string, env: Record<string, string>): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '$' || i + 1 >= text.length) { out += text[i]; continue; }
    const next = text[i + 1];
    if (next === '$') { out += '$'; i++; continue; }
    if (next === '(') {
      const close = text.indexOf(')', i + 2);
      if (close > 0) {
        const name = text.slice(i + 2, close);
        if (Object.prototype.hasOwnProperty.call(env, name)) { out += env[name]; i = close; continue; }
        out += text.slice(i, close + 1);
        i = close;
        continue;
      }
    }
    out += '$' + next;
    i++;
  }
  return out;
}

/**
 * A rule of the fake `cockroach`: when the SQL it receives on stdin matches `match` (and its arguments
 * match `args`), print `output` and exit with `status`.
 */
export interface FakeRule {
  readonly match?: RegExp;
  readonly args?: RegExp;
  /** The rule applies only once an earlier call's arguments matched this (a state change). */
  readonly after?: RegExp;
  readonly output?: string;
  /** The answer is this file's content at the time of the call, instead of `output` (a state the test changes). */
  readonly outputFile?: string;
  readonly status?: number;
  /** Seconds the call takes before it answers (a slow statement). */
  readonly delaySeconds?: number;
  /** The call answers only once this file exists (a statement held until the test lets it finish). */
  readonly gate?: string;
}

/** One call the fake `cockroach` received: its arguments and the SQL text on its stdin. */
export interface FakeCall {
  readonly args: string[];
  readonly sql: string;
  /** When it started and answered (seconds since the epoch). */
  readonly started: number;
  readonly ended: number;
  /** The caller's SQL_JOB_NAME (set from the downward API in the SQL Job), when any. */
  readonly job: string;
}

/** A fake `cockroach` binary on disk, and what it received so far. */
export interface FakeCockroach {
  /** The executable. */
  readonly path: string;
  calls(): FakeCall[];
}

/**
 * Writes a fake `cockroach` that records every call (arguments, SQL on stdin) and answers with the first
 * matching rule (default: empty output, success). It is itself a bash script (bash regular expressions,
 * POSIX ERE), so a call costs no interpreter start-up. Calls are numbered under a lock, so two scripts
 * may share one fake.
 */
export function createFakeCockroach(rules: FakeRule[]): FakeCockroach {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crdb-sql-'));
  const calls = path.join(dir, 'calls');
  fs.mkdirSync(calls);
  // The rules as bash arrays (single-quoted words): stdin regex, args regex, "after" regex, status, output.
  const words = (field: (r: FakeRule) => string) => rules.map((r) => `'${field(r).split("'").join("'\\''")}'`).join(' ');
  fs.writeFileSync(path.join(dir, 'rules.sh'), [
    `M=(${words((r) => r.match?.source ?? '')})`,
    `A=(${words((r) => r.args?.source ?? '')})`,
    `AF=(${words((r) => r.after?.source ?? '')})`,
    `ST=(${words((r) => String(r.status ?? 0))})`,
    `OUT=(${words((r) => r.output ?? '')})`,
    `DL=(${words((r) => String(r.delaySeconds ?? 0))})`,
    `GT=(${words((r) => r.gate ?? '')})`,
    `OF=(${words((r) => r.outputFile ?? '')})`,
  ].join('\n') + '\n');
  const fake = path.join(dir, 'cockroach');
  // Builtins only (no command substitution, no external command), but for the lock and a delay: a call costs one bash start.
  fs.writeFileSync(fake, [
    '#!/bin/bash',
    `dir=${dir}`,
    'start=$EPOCHREALTIME',
    "IFS= read -r -d '' input",
    'exec 9>"$dir/lock"; flock 9',
    'shopt -s nullglob; seen_calls=("$dir"/calls/*.line); n=${#seen_calls[@]}',
    'printf \'%s\\0\' "$@" > "$dir/calls/$n.args"; printf \'%s\' "$input" > "$dir/calls/$n.sql"; printf \'%s\' "${SQL_JOB_NAME:-}" > "$dir/calls/$n.job"',
    'printf \'%s\' "$start" > "$dir/calls/$n.start"; printf \'%s\' "$start" > "$dir/calls/$n.end"; printf \'%s\' "$*" > "$dir/calls/$n.line"',
    'exec 9>&-',
    'args="$*"',
    'source "$dir/rules.sh"',
    'for ((r = 0; r < ${#ST[@]}; r++)); do',
    '  if [ -n "${AF[r]}" ]; then',
    '    seen=0',
    '    for ((i = 0; i < n; i++)); do',
    "      IFS= read -r -d '' line < \"$dir/calls/$i.line\"",
    '      [[ $line =~ ${AF[r]} ]] && { seen=1; break; }',
    '    done',
    '    [ $seen = 1 ] || continue',
    '  fi',
    '  [[ $input =~ ${M[r]} ]] || continue',
    '  [[ $args =~ ${A[r]} ]] || continue',
    '  [ "${DL[r]}" = 0 ] || sleep "${DL[r]}"',
    '  while [ -n "${GT[r]}" ] && [ ! -e "${GT[r]}" ]; do sleep 0.1; done',
    '  printf %s "$EPOCHREALTIME" > "$dir/calls/$n.end"',
    '  if [ -n "${OF[r]}" ]; then while IFS= read -r line; do printf \'%s\\n\' "$line"; done < "${OF[r]}"; else printf %s "${OUT[r]}"; fi',
    '  exit "${ST[r]}"',
    'done',
    'exit 0',
  ].join('\n'), { mode: 0o755 });
  fs.chmodSync(dir, 0o777);
  fs.chmodSync(calls, 0o777);
  return {
    path: fake,
    calls: () => {
      const count = fs.readdirSync(calls).filter((f) => f.endsWith('.line')).length;
      const read = (i: number, what: string) => fs.readFileSync(path.join(calls, `${i}.${what}`), 'utf8');
      return Array.from({ length: count }, (_, i) => ({
        args: read(i, 'args').split('\0').slice(0, -1),
        sql: read(i, 'sql'),
        started: Number(read(i, 'start')),
        ended: Number(read(i, 'end')),
        job: read(i, 'job'),
      }));
    },
  };
}

/**
 * The files that kubelet would mount into a Job's container from its `secret` volumes: container path →
 * content, from `values` keyed `<secret name>/<key>`. Throws when a mounted key has no value in `values`
 * (the pod would not start), so a test cannot silently run the script without one.
 */
export function mountedSecretFiles(job: any, values: Record<string, string>): Record<string, string> {
  const pod = job.spec.template.spec;
  const files: Record<string, string> = {};
  for (const m of pod.containers[0].volumeMounts ?? []) {
    const secret = (pod.volumes ?? []).find((v: { name: string }) => v.name === m.name)?.secret;
    if (!secret) continue;
    for (const item of secret.items) {
      const ref = `${secret.secretName}/${item.key}`;
      if (!(ref in values)) throw new Error(`mountedSecretFiles: no value given for ${ref}`);
      files[`${m.mountPath}/${item.path}`] = values[ref];
    }
  }
  return files;
}

/**
 * Runs a Job's script with bash, `/cockroach/cockroach` replaced by a fake (see {@link createFakeCockroach}).
 * `files` (container path → content, see {@link mountedSecretFiles}) are written under a temporary folder,
 * and their paths in the script rewritten to point there.
 */
export function runWithFakeCockroach(command: string, rules: FakeRule[], env: Record<string, string> = {}, rewrite: (script: string) => string = (x) => x,
  files: Record<string, string> = {}) {
  const fake = createFakeCockroach(rules);
  const fullEnv = { ...env };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'crdb-files-'));
  let script = rewrite(kubeletExpand(command, fullEnv))
    .replace(/\/cockroach\/cockroach(?=[\s"']|$)/g, fake.path)
    .replace(/sleep \d+/g, 'sleep 0');
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(root + file), { recursive: true });
    fs.writeFileSync(root + file, content, { mode: 0o400 });
    script = script.split(file).join(root + file);
  }
  // --norc: with a minimal environment (no SHLVL) and a socket as stdin, Debian's bash would otherwise
  // take itself for a remote shell and source ~/.bashrc, which a container never does.
  const result = spawnSync('bash', ['--norc', '-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH!, ...fullEnv }, timeout: 30000 });
  fs.rmSync(root, { recursive: true, force: true });
  const recorded = fake.calls();
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls: recorded, sql: recorded.map((c) => c.sql.trim()) };
}

/** The first and last lines of the SQL Job's Lease section (lib/k8s/private/sql-script.ts). */
export { LEASE_SECTION_END, LEASE_SECTION_START };

/**
 * The SQL Job's script without its Lease section (from {@link LEASE_SECTION_START} to
 * {@link LEASE_SECTION_END}, both included), replaced by a `hold` that does nothing: pass it as the
 * `rewrite` of {@link runWithFakeCockroach}. The Lease talks to the Kubernetes API, and a script that
 * talks to the API is never run against a fake curl: the Lease protocol is tested against a real API
 * server in test/cluster/sql-job.test.ts. What stays is what these unit tests are about, the SQL.
 * Throws when the section is not there exactly once, so a renamed marker cannot turn this into a no-op.
 */
export function withoutLease(script: string): string {
  const lines = script.split('\n');
  const start = lines.indexOf(LEASE_SECTION_START);
  const end = lines.indexOf(LEASE_SECTION_END);
  if (start < 0 || end < start || lines.lastIndexOf(LEASE_SECTION_START) !== start || lines.lastIndexOf(LEASE_SECTION_END) !== end) {
    throw new Error('withoutLease: the script has no Lease section (or more than one)');
  }
  return [...lines.slice(0, start), 'hold() { :; }', ...lines.slice(end + 1)].join('\n');
}
