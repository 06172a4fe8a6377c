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
  // One rule a line, base64 fields ("-" for empty): stdin regex, args regex, "after" regex, status, output.
  const b64 = (t: string | undefined) => (t ? Buffer.from(t).toString('base64') : '-');
  fs.writeFileSync(path.join(dir, 'rules'), rules.map((r) => [
    b64(r.match?.source), b64(r.args?.source), b64(r.after?.source), String(r.status ?? 0), b64(r.output),
  ].join(' ')).join('\n') + '\n');
  const fake = path.join(dir, 'cockroach');
  fs.writeFileSync(fake, [
    '#!/bin/bash',
    `dir=${dir}`,
    'input=$(cat; printf x); input=${input%x}',
    'n=$(ls "$dir/calls" | wc -l); n=$((n / 3))',
    'printf \'%s\\0\' "$@" > "$dir/calls/$n.args"; printf \'%s\' "$*" > "$dir/calls/$n.line"; printf \'%s\' "$input" > "$dir/calls/$n.sql"',
    'args="$*"',
    'd() { [ "$1" = - ] || printf %s "$1" | base64 -d; }',
    'while read -r m a af st out; do',
    '  m=$(d "$m"); a=$(d "$a")',
    '  if [ "$af" != - ]; then',
    '    af=$(printf %s "$af" | base64 -d); seen=0',
    '    for ((i = 0; i < n; i++)); do [[ $(<"$dir/calls/$i.line") =~ $af ]] && { seen=1; break; }; done',
    '    [ $seen = 1 ] || continue',
    '  fi',
    '  [[ $input =~ $m ]] || continue',
    '  [[ $args =~ $a ]] || continue',
    '  d "$out"',
    '  exit "$st"',
    'done < "$dir/rules"',
    'exit 0',
  ].join('\n'), { mode: 0o755 });
  const fullEnv = { ...env };
  const script = rewrite(kubeletExpand(command, fullEnv))
    .replace(/\/cockroach\/cockroach(?=[\s"']|$)/g, fake)
    .replace(/sleep \d+/g, 'sleep 0');
  const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH!, ...fullEnv }, timeout: 30000 });
  const count = fs.readdirSync(calls).length / 3;
  const recorded = Array.from({ length: count }, (_, i) => ({
    args: fs.readFileSync(path.join(calls, `${i}.args`), 'utf8').split('\0').slice(0, -1),
    sql: fs.readFileSync(path.join(calls, `${i}.sql`), 'utf8'),
  }));
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls: recorded, sql: recorded.map((c) => c.sql.trim()) };
}
