import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CockroachCluster, Locality } from '../../lib/k8s';
import { nodeLocalityScript } from '../../lib/k8s/private/node-locality';
import { newChart, only, synth, validateAgainstSchemas } from '../support/manifests';

describe('Locality.of (static)', () => {
  test.each(['region=europe-west1', 'region=europe-west1,zone=europe-west1-b', 'cloud=gce,region=us-east1,zone=us-east1-c'])('%s is well-formed', (v) => {
    expect(Locality.of(v).isWellFormed).toBe(true);
    expect(Locality.of(v).value).toBe(v);
    expect(Locality.of(v).isPerPod).toBe(false);
  });

  test.each(['', 'europe-west1', 'region=', '=x', 'region=a,,zone=b', 'region=a zone=b', 'region=a;zone=b'])('%j is malformed', (v) => {
    expect(Locality.of(v).isWellFormed).toBe(false);
  });
});

describe('Locality.fromNode (per pod)', () => {
  const chart = newChart();
  const cluster = new CockroachCluster(chart, 'crdb', { locality: Locality.fromNode() });
  const objects = synth(chart);
  const pod = only(objects, 'StatefulSet').spec.template.spec;

  test('validates', () => {
    validateAgainstSchemas(objects);
  });

  test('an init container reads the node\'s labels and hands the locality to cockroach', () => {
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['locality']);
    const init = pod.initContainers[0];
    expect(init.env).toEqual([{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }]);
    expect(init.command[2]).toContain('add_tier region topology.kubernetes.io/region');
    expect(init.command[2]).toContain('add_tier zone topology.kubernetes.io/zone');
    const main = pod.containers[0];
    expect(main.command).toEqual(['/bin/bash', '-c', 'exec /cockroach/cockroach "$@" --locality="$(</cockroach/locality/locality)"', 'cockroach']);
    expect(main.args[0]).toBe('start');
    expect(main.args.some((a: string) => a.startsWith('--locality'))).toBe(false);
    expect(main.volumeMounts).toContainEqual({ name: 'locality', mountPath: '/cockroach/locality', readOnly: true });
  });

  test('only the init container has API credentials, scoped to get nodes', () => {
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.initContainers[0].volumeMounts).toContainEqual({ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true });
    for (const c of pod.containers) expect(c.volumeMounts.map((m: any) => m.name)).not.toContain('kube-api-access');
    const role = only(objects, 'ClusterRole');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }]);
    expect(role.metadata.name).toBe('db-crdb-node-reader');
    expect(role.metadata.namespace).toBeUndefined();
    const binding = only(objects, 'ClusterRoleBinding');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: cluster.serviceAccountName, namespace: 'db' }]);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'db-crdb-node-reader' });
  });

  test('malformed tiers are rejected', () => {
    expect(Locality.fromNode([]).isWellFormed).toBe(false);
    expect(Locality.fromNode([{ tier: 'zone', nodeLabel: 'a' }, { tier: 'zone', nodeLabel: 'b' }]).isWellFormed).toBe(false);
    expect(Locality.fromNode([{ tier: 'zo ne', nodeLabel: 'a' }]).isWellFormed).toBe(false);
    expect(() => new CockroachCluster(newChart(), 'crdb', { locality: Locality.fromNode([]) })).toThrow(/locality: received "fromNode\(\)"/);
  });
});

/** Runs the init container's script with bash, curl replaced by a fake that returns `node` as the API would. */
function runLocalityScript(nodeJson: object | null) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crdb-locality-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(dir, 'token'), 'fake-token');
  fs.writeFileSync(path.join(dir, 'ca.crt'), 'fake-ca');
  fs.writeFileSync(path.join(bin, 'curl'), nodeJson
    ? `#!/bin/bash\necho "$*" > ${dir}/curl-args\nprintf '%s' '${JSON.stringify(nodeJson)}'\n`
    : '#!/bin/bash\necho "curl: (22) The requested URL returned error: 403" >&2\nexit 22\n', { mode: 0o755 });
  const script = nodeLocalityScript(Locality.STANDARD_TIERS)
    .replace('sa=/var/run/secrets/kubernetes.io/serviceaccount', `sa=${dir}`)
    .replace('> /cockroach/locality/locality', `> ${dir}/locality`);
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NODE_NAME: 'gke-pool-1-abc' } });
  const read = (f: string) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : undefined);
  return { status: r.status, stderr: r.stderr, locality: read('locality'), curlArgs: read('curl-args') };
}

describe('the locality script (bash, fake curl)', () => {
  const labels = (l: object) => ({ kind: 'Node', metadata: { name: 'gke-pool-1-abc', labels: { 'kubernetes.io/hostname': 'gke-pool-1-abc', ...l } } });

  test('region and zone from the node\'s labels', () => {
    const r = runLocalityScript(labels({ 'topology.kubernetes.io/region': 'europe-west1', 'topology.kubernetes.io/zone': 'europe-west1-b' }));
    expect(r.status).toBe(0);
    expect(r.locality).toBe('region=europe-west1,zone=europe-west1-b');
    expect(r.curlArgs).toContain('https://kubernetes.default.svc/api/v1/nodes/gke-pool-1-abc');
    expect(r.curlArgs).toContain('Authorization: Bearer fake-token');
  });

  test('a label whose dots could match anything is matched literally', () => {
    const r = runLocalityScript(labels({ 'topologyXkubernetesXio/zone': 'wrong', 'topology.kubernetes.io/zone': 'right' }));
    expect(r.locality).toBe('zone=right');
  });

  test('a missing tier is left out with a warning', () => {
    const r = runLocalityScript(labels({ 'topology.kubernetes.io/zone': 'us-east1-c' }));
    expect(r.status).toBe(0);
    expect(r.locality).toBe('zone=us-east1-c');
    expect(r.stderr).toContain('has no label topology.kubernetes.io/region');
  });

  test('a node without any locality label fails the pod start', () => {
    const r = runLocalityScript(labels({}));
    expect(r.status).toBe(1);
    expect(r.locality).toBeUndefined();
  });

  test('an API error fails the pod start', () => {
    const r = runLocalityScript(null);
    expect(r.status).not.toBe(0);
    expect(r.locality).toBeUndefined();
  });
});
