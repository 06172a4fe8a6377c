/**
 * Server-side apply (what GitOps tools use) against a hand scale-out, on the real API server: what the
 * README says happens, and what to do about it.
 */
import { ClusterSecurity, CockroachCluster } from '../../lib/k8s';
import { apply, applyRun, createNamespace, getJson, kubectl } from './support/kube';
import { synthChart } from './support/synth';

const ns = createNamespace('ssa');
const render = (replicas: number) => synthChart(ns, (chart) => new CockroachCluster(chart, 'crdb', { security: ClusterSecurity.insecure(), init: { enabled: false }, replicas }));
const replicas = () => getJson('statefulset', 'crdb', ns).spec.replicas;

describe('after a hand scale-out (kubectl scale)', () => {
  beforeAll(() => {
    apply([render(3)], { serverSide: true });
    kubectl(['-n', ns, 'scale', 'statefulset', 'crdb', '--replicas=4']);
    expect(replicas()).toBe(4);
  });

  test('a server-side re-apply of the old count conflicts on .spec.replicas, and changes nothing', () => {
    const r = applyRun([render(3)], { serverSide: true });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas');
    expect(replicas()).toBe(4);
  });

  test('forcing it (--force-conflicts) is refused by the replica guard: the nodes are not dropped', () => {
    const r = applyRun([render(3)], { serverSide: true, extra: ['--force-conflicts'] });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('lowering crdb from 4 to 3 replicas would drop live CockroachDB nodes');
    expect(replicas()).toBe(4);
  });

  test('a client-side apply of the old count is refused the same way', () => {
    const r = applyRun([render(3)]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('lowering crdb from 4 to 3 replicas would drop live CockroachDB nodes');
  });

  test('what to do: write the running count into the code (a server-side apply then shares the field), and apply the next change of the count once with --force-conflicts', () => {
    const owners = () => JSON.parse(kubectl(['-n', ns, 'get', 'statefulset', 'crdb', '-o', 'json', '--show-managed-fields'])).metadata.managedFields
      .filter((m: any) => m.fieldsV1?.['f:spec']?.['f:replicas']).map((m: any) => `${m.manager}/${m.operation}/${m.subresource ?? ''}`).sort();
    apply([render(4)], { serverSide: true });
    expect(owners()).toEqual(['kubectl/Apply/', 'kubectl/Update/scale']);
    // Shared: the next change of the count conflicts with the scale subresource again…
    expect(applyRun([render(5)], { serverSide: true }).stderr).toContain('conflict with "kubectl" with subresource "scale"');
    // …so it goes once with --force-conflicts, which leaves the field to the apply alone.
    apply([render(5)], { serverSide: true, extra: ['--force-conflicts'] });
    expect(owners()).toEqual(['kubectl/Apply/']);
    apply([render(6)], { serverSide: true });
    expect(replicas()).toBe(6);
  });
});

afterAll(() => {
  kubectl(['delete', 'namespace', ns, '--wait=false']);
});
