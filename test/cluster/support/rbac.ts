import * as fs from 'fs';
import * as path from 'path';
import { clusterEnv, kubectlRun } from './kube';

/**
 * A ServiceAccount's rights as the API server computes them (`kubectl auth can-i --list`), less what any
 * ServiceAccount gets (discovery, self reviews): one `verb resource/name` line each, `*` for any name.
 */
export function rightsOf(namespace: string, serviceAccount: string): string[] {
  const list = (sa: string) => {
    const r = kubectlRun(['auth', 'can-i', '--list', '-n', namespace, `--as=system:serviceaccount:${namespace}:${sa}`]);
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout.trim().split('\n').slice(1).flatMap((line) => {
      const m = /^(\S*)\s+\[(.*?)\]\s+\[(.*?)\]\s+\[(.*?)\]\s*$/.exec(line);
      if (!m) throw new Error(`unexpected can-i line: ${line}`);
      // Non-resource URLs (discovery, health): every ServiceAccount's.
      if (m[1] === '') return [];
      const names = m[3] ? m[3].split(' ') : ['*'];
      return m[4].split(' ').flatMap((verb) => names.map((name) => `${verb} ${m[1]}/${name}`));
    });
  };
  // Any ServiceAccount, bound to nothing: what every one of them may do.
  const baseline = new Set(list('no-such-serviceaccount'));
  return [...new Set(list(serviceAccount).filter((r) => !baseline.has(r)))].sort();
}

/**
 * What a ServiceAccount actually asked of the API server (kube-apiserver's audit log), as
 * `verb resource/name` lines: the calls its scripts made in the tests.
 */
export function callsOf(namespace: string, serviceAccount: string, since = new Date(0)): string[] {
  const log = path.join(clusterEnv().dir, 'audit.log');
  const user = `system:serviceaccount:${namespace}:${serviceAccount}`;
  const calls = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    .filter((e) => e.user?.username === user && e.stage === 'ResponseComplete' && e.objectRef && new Date(e.requestReceivedTimestamp) >= since)
    .map((e) => `${e.verb} ${e.objectRef.resource}${e.objectRef.apiGroup ? `.${e.objectRef.apiGroup}` : ''}/${e.objectRef.name ?? '*'}`);
  return [...new Set(calls)].sort();
}

/** Whether each call is allowed by one of the rights (a right on `*` covers every name). */
export function covered(calls: string[], rights: string[]): boolean {
  return calls.every((c) => rights.includes(c) || rights.includes(c.replace(/\/[^/]*$/, '/*')));
}
