/**
 * How the library's scripts call the Kubernetes API. The calls themselves are never run here against a
 * fake curl: every script that talks to the API runs against a real API server in test/cluster/. What
 * is checked here is the text: every script reaches the API through `request` and reads the answers with
 * json_get (tested on every awk in json-get.test.ts), never with a regular expression.
 */
import { spawnSync } from 'child_process';
import { ScaleDownPhase } from '../../../lib/k8s';
import {
  KUBE_API, kubeApiAccessMount, kubeApiAccessVolume, kubeApiBash, METADATA_ONLY, SERVICE_ACCOUNT_DIR,
} from '../../../lib/k8s/private/kube-api';
import { jsonGetFunction } from '../../../lib/k8s/private/json-get';
import { synthEverything } from '../../support/everything';
import { Manifest } from '../../support/manifests';
import { kubeletExpand } from '../../support/scripts';

/**
 * Every bash script of every container (init containers too): as written in the manifest (`raw`), and as
 * bash runs it (`script`, kubelet's expansion done).
 */
function scripts(objects: Manifest[]): Array<{ where: string; raw: string; script: string }> {
  return objects.flatMap((o) => {
    const pod = o.kind === 'Pod' ? o.spec : o.spec?.template?.spec;
    if (!pod) return [];
    const base = o.metadata.name.replace(/-[0-9a-f]{10}$/, '');
    return [...(pod.initContainers ?? []), ...pod.containers]
      .filter((c: any) => c.command?.[0] === '/bin/bash' && c.command[1] === '-c')
      .map((c: any) => {
        const env = Object.fromEntries((c.env ?? []).filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
        return { where: `${o.kind}/${base}/${c.name}`, raw: c.command[2] as string, script: kubeletExpand(c.command[2], env) };
      });
  });
}

const all = [ScaleDownPhase.DECOMMISSION, ScaleDownPhase.SHRINK]
  .flatMap((phase) => scripts(synthEverything({ scaleDown: { from: 5, phase } }).objects));
const unique = [...new Map(all.map((s) => [`${s.where}\n${s.script}`, s])).values()];
const apiScripts = unique.filter((s) => s.script.includes('kubernetes.default.svc'));

describe('the API helpers', () => {
  test('the API server, the token and the metadata-only answer', () => {
    expect(KUBE_API).toBe('https://kubernetes.default.svc');
    expect(SERVICE_ACCOUNT_DIR).toBe('/var/run/secrets/kubernetes.io/serviceaccount');
    expect(METADATA_ONLY).toBe('Accept: application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1');
    expect(kubeApiAccessMount()).toEqual({ name: 'kube-api-access', mountPath: SERVICE_ACCOUNT_DIR, readOnly: true });
    expect(kubeApiAccessVolume()).toEqual({
      name: 'kube-api-access',
      projected: {
        defaultMode: 0o440,
        sources: [
          { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        ],
      },
    });
  });

  test('request: the status and the body in variables, HTTP errors left to the caller (no --fail), 000 when unreached', () => {
    const [request, jsonGet] = kubeApiBash();
    expect(jsonGet).toBe(jsonGetFunction());
    expect(request).toMatch(/^request\(\) \{ local out; if ! out=\$\(curl --silent --show-error --max-time 20 /);
    expect(request).toContain(`--cacert ${SERVICE_ACCOUNT_DIR}/ca.crt -H "Authorization: Bearer $(<${SERVICE_ACCOUNT_DIR}/token)"`);
    expect(request).toContain("-w '\\n%{http_code}' \"$@\"); then code=000; body=\"\"; return 0; fi; code=${out##*$'\\n'}; body=${out%$'\\n'*}; }");
    expect(request).not.toMatch(/--fail\b/);
    // The function reads a file per call and writes none: the root filesystem is read-only.
    expect(request).not.toMatch(/<<<|mktemp|>\s*\//);
  });
});

describe('every rendered script that calls the Kubernetes API', () => {
  test('is one of the four that should: locality, decommission, shrink, the SQL Job', () => {
    expect(apiScripts.map((s) => s.where).sort()).toEqual([
      'Job/crdb-decommission/run', 'Job/crdb-shrink/run', 'Job/crdb-sql/run', 'StatefulSet/crdb/locality',
    ]);
  });

  test.each(apiScripts.map((s) => [s.where, s] as const))('%s: through request and json_get only; curl once, in request', (_where, { script }) => {
    for (const part of kubeApiBash()) expect(script).toContain(part);
    expect(script.match(/\bcurl\b/g)).toHaveLength(1);
    expect(script).not.toMatch(/--fail\b/);
    // Every URL of the API server is requested through `request`, or named in a variable that is.
    for (const line of script.split('\n').filter((l) => l.includes(KUBE_API))) {
      expect(line).toMatch(/^\s*(request\b|(sts|lease_url)=https:)/);
    }
  });
});

describe('every rendered script', () => {
  test('was found (a test that checks no script checks nothing); the books load runs node, not bash', () => {
    expect(unique.map((s) => s.where).sort()).toEqual([
      'Job/crdb-decommission/run', 'Job/crdb-init/run', 'Job/crdb-show-backups/run', 'Job/crdb-shrink/run', 'Job/crdb-sql/run',
      'Job/crdb-workload-kv/run', 'Pod/crdb-sql-client/cockroach', 'StatefulSet/crdb/cert-reloader', 'StatefulSet/crdb/cockroachdb',
      'StatefulSet/crdb/locality',
    ]);
  });

  test.each(unique.map((s) => [s.where, s] as const))('%s: no JSON matched with a regular expression (no =~, no BASH_REMATCH)', (_where, { script }) => {
    expect(script).not.toMatch(/=~|BASH_REMATCH/);
  });

  test.each(unique.map((s) => [s.where, s] as const))('%s: kubelet\'s $(…) expansion leaves it alone, or every $ is escaped as $$', (_where, { raw, script }) => {
    if (script !== raw) expect(raw.replace(/\$\$/g, '')).not.toContain('$');
  });

  test.each(unique.map((s) => [s.where, s] as const))('%s: bash parses it', (_where, { script }) => {
    const r = spawnSync('bash', ['--norc', '-n', '-c', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
