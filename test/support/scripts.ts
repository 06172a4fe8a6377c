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
 * receives on stdin and answers with the first matching rule (default: empty output, success).
 */
export function runWithFakeCockroach(command: string, rules: FakeRule[], env: Record<string, string> = {}, rewrite: (script: string) => string = (x) => x) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crdb-sql-'));
  const rulesFile = path.join(dir, 'rules.json');
  fs.writeFileSync(rulesFile, JSON.stringify(rules.map((r) => ({
    match: r.match?.source ?? '', flags: r.match?.flags ?? '', args: r.args?.source ?? '', after: r.after?.source ?? null,
    output: r.output ?? '', status: r.status ?? 0,
  }))));
  const fake = path.join(dir, 'cockroach.js');
  fs.writeFileSync(fake, `#!/usr/bin/env node
const fs = require('fs');
const input = fs.readFileSync(0, 'utf8');
const logPath = ${JSON.stringify(path.join(dir, 'log.json'))};
const earlier = fs.existsSync(logPath) ? fs.readFileSync(logPath, 'utf8').trim().split('\\n').filter(Boolean).map((l) => JSON.parse(l).args.join(' ')) : [];
fs.appendFileSync(logPath, JSON.stringify({ args: process.argv.slice(2), sql: input }) + '\\n');
for (const r of JSON.parse(fs.readFileSync(${JSON.stringify(rulesFile)}, 'utf8'))) {
  if (r.after !== null && !earlier.some((a) => new RegExp(r.after).test(a))) continue;
  if (new RegExp(r.match, r.flags).test(input) && new RegExp(r.args).test(process.argv.slice(2).join(' '))) {
    process.stdout.write(r.output);
    process.exit(r.status);
  }
}
`, { mode: 0o755 });
  const fullEnv = { ...env };
  const script = rewrite(kubeletExpand(command, fullEnv))
    .replace(/\/cockroach\/cockroach(?=[\s"']|$)/g, fake)
    .replace(/sleep \d+/g, 'sleep 0');
  const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH!, ...fullEnv }, timeout: 30000 });
  const logFile = path.join(dir, 'log.json');
  const calls = fs.existsSync(logFile)
    ? fs.readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { args: string[]; sql: string })
    : [];
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls, sql: calls.map((c) => c.sql.trim()) };
}
