/**
 * Each pod's locality read from its node: the StatefulSet pod's init container runs with a real token of
 * the cluster's ServiceAccount (bound to the pod) against the real API server, which answers about real
 * Node objects (created here, as a kubelet would register them; the test binds the pod as a scheduler
 * would).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ClusterSecurity, CockroachCluster, Locality } from '../../lib/k8s';
import { apply, createNamespace, getJson, kubectl, kubectlRun, listJson, waitUntil } from './support/kube';
import { bindPod, runContainer } from './support/pod-runner';
import { callsOf, rightsOf } from './support/rbac';
import { synthChart } from './support/synth';

const ns = createNamespace('locality');
const suffix = ns.split('-')[1];

function node(name: string, labels: Record<string, string>, annotations: Record<string, string> = {}): void {
  kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels, annotations } }));
}

async function localityOn(nodeName: string, pod: string): Promise<{ status: number | null; stderr: string; locality?: string }> {
  bindPod(ns, pod, nodeName);
  const r = await runContainer(ns, pod, 'locality');
  const file = path.join(r.root, 'cockroach/locality/locality');
  return { status: r.status, stderr: r.stderr, locality: fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined };
}

beforeAll(async () => {
  apply([synthChart(ns, (chart) => new CockroachCluster(chart, 'crdb', {
    security: ClusterSecurity.insecure(), init: { enabled: false }, locality: Locality.fromNode(),
  }))]);
  await waitUntil('3 pods', () => listJson('pods', ns, 'app.kubernetes.io/component=database').length === 3);
});

describe('Locality.fromNode() on the real API server', () => {
  test('region and zone from the labels of the node the pod landed on', async () => {
    node(`zone-b-${suffix}`, { 'topology.kubernetes.io/region': 'europe-west1', 'topology.kubernetes.io/zone': 'europe-west1-b' });
    const r = await localityOn(`zone-b-${suffix}`, 'crdb-0');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.locality).toBe('region=europe-west1,zone=europe-west1-b');
    expect(getJson('pod', 'crdb-0', ns).spec.nodeName).toBe(`zone-b-${suffix}`);
  });

  test('a label missing on the node leaves its tier out, even when an annotation has the same key', async () => {
    node(`no-zone-${suffix}`, { 'topology.kubernetes.io/region': 'europe-west1' }, { 'topology.kubernetes.io/zone': 'not-a-label' });
    const r = await localityOn(`no-zone-${suffix}`, 'crdb-1');
    expect(r.status).toBe(0);
    expect(r.locality).toBe('region=europe-west1');
    expect(r.stderr).toBe(`node no-zone-${suffix} has no label topology.kubernetes.io/zone: tier zone left out\n`);
  });

  test('a node with none of the labels fails the pod\'s start', async () => {
    node(`bare-${suffix}`, {});
    const r = await localityOn(`bare-${suffix}`, 'crdb-2');
    expect(r.status).toBe(1);
    expect(r.locality).toBeUndefined();
    expect(r.stderr).toContain(`node bare-${suffix} has none of the locality labels`);
  });

  test('the token can read nodes and nothing else', () => {
    const can = (verb: string, what: string) => kubectlRun(['auth', 'can-i', verb, what, `--as=system:serviceaccount:${ns}:crdb`]).stdout.trim();
    expect(can('get', `nodes/zone-b-${suffix}`)).toBe('yes');
    expect(can('list', 'nodes')).toBe('no');
    expect(can('patch', `nodes/zone-b-${suffix}`)).toBe('no');
    expect(can('get', 'secrets')).toBe('no');
    // What the script called, from the API server's audit log: a get of the node each pod landed on.
    expect(callsOf(ns, 'crdb')).toEqual([`get nodes/bare-${suffix}`, `get nodes/no-zone-${suffix}`, `get nodes/zone-b-${suffix}`]);
    expect(rightsOf(ns, 'crdb')).toEqual(['get nodes/*']);
  });
});

afterAll(() => {
  kubectl(['delete', 'namespace', ns, '--wait=false']);
  kubectl(['delete', 'nodes', `zone-b-${suffix}`, `no-zone-${suffix}`, `bare-${suffix}`, '--ignore-not-found']);
});
