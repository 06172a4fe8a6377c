import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

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
  readonly status?: number;
}

/**
 * Runs a Job's script with bash, `/cockroach/cockroach` replaced by a fake that records every SQL text it
 * receives on stdin and answers with the first matching rule (default: empty output, success). The fake
 * is itself a bash script (bash regular expressions, POSIX ERE), so a call costs no interpreter start-up.
 */
export function runWithFakeCockroach(command: string, rules: FakeRule[], env: Record<string, string> = {}, rewrite: (script: string) => string = (x) => x) {
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
  ].join('\n') + '\n');
  const fake = path.join(dir, 'cockroach');
  // Builtins only (no command substitution, no external command): a call costs one bash start.
  fs.writeFileSync(fake, [
    '#!/bin/bash',
    `dir=${dir}`,
    "IFS= read -r -d '' input",
    'shopt -s nullglob; seen_calls=("$dir"/calls/*.line); n=${#seen_calls[@]}',
    'printf \'%s\\0\' "$@" > "$dir/calls/$n.args"; printf \'%s\' "$*" > "$dir/calls/$n.line"; printf \'%s\' "$input" > "$dir/calls/$n.sql"',
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
    '  printf %s "${OUT[r]}"',
    '  exit "${ST[r]}"',
    'done',
    'exit 0',
  ].join('\n'), { mode: 0o755 });
  const fullEnv = { ...env };
  const script = rewrite(kubeletExpand(command, fullEnv))
    .replace(/\/cockroach\/cockroach(?=[\s"']|$)/g, fake)
    .replace(/sleep \d+/g, 'sleep 0');
  // --norc: with a minimal environment (no SHLVL) and a socket as stdin, Debian's bash would otherwise
  // take itself for a remote shell and source ~/.bashrc, which a container never does.
  const result = spawnSync('bash', ['--norc', '-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH!, ...fullEnv }, timeout: 30000 });
  const count = fs.readdirSync(calls).length / 3;
  const recorded = Array.from({ length: count }, (_, i) => ({
    args: fs.readFileSync(path.join(calls, `${i}.args`), 'utf8').split('\0').slice(0, -1),
    sql: fs.readFileSync(path.join(calls, `${i}.sql`), 'utf8'),
  }));
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls: recorded, sql: recorded.map((c) => c.sql.trim()) };
}
