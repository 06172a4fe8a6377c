/**
 * The declared scale-down, end to end on the real control plane: the StatefulSet controller makes the
 * pods and volumes, the Jobs' controller makes their pods, each Job's script runs with a real token of
 * its ServiceAccount against the real API server (only `cockroach` is a fake: see support/pod-runner.ts),
 * and the replica guard is enforced by kube-apiserver itself.
 */
import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { CockroachCluster, CockroachClusterProps, ScaleDownPhase, WalFailover } from '../../lib/k8s';
import { createFakeCockroach } from '../support/scripts';
import { apply, applyRun, createNamespace, getJson, kubectl, kubectlRun, listJson, waitUntil } from './support/kube';
import { jobPods, runContainer, startContainer } from './support/pod-runner';
import { callsOf, rightsOf } from './support/rbac';
import { synthChart } from './support/synth';

const ns = createNamespace('scale');
/** A second cluster for the refusals, a third for a second scale-down through the same pod names. */
const ns2 = createNamespace('refuse');
const ns3 = createNamespace('again');

function render(props: Partial<CockroachClusterProps>, namespace = ns): string {
  return synthChart(namespace, (chart) => new CockroachCluster(chart, 'crdb', {
    init: { enabled: false },
    resources: { cpu: { limit: Cpu.millis(500) }, memory: { limit: Size.gibibytes(1) } },
    // Two stores per node with WAL failover among them: two claims per pod, both deleted with the node.
    storage: { size: Size.gibibytes(1), stores: 2, walFailover: WalFailover.amongStores() },
    ...props,
  }));
}

const TSV_HEADER = 'id\taddress\tsql_address\tbuild\tstarted_at\tupdated_at\tlocality\tis_available\tis_live\tmembership';
/** `cockroach node status` as TSV: node i+1 at crdb-i, with its membership (and `false` for a dead one). */
const nodes = (memberships: string[], namespace = ns, live: boolean[] = []) => [TSV_HEADER, ...memberships.map((m, i) =>
  `${i + 1}\tcrdb-${i}.crdb.${namespace}.svc.cluster.local:26257\tx\tv26.2.1\tt\tt\t\t${live[i] ?? true}\t${live[i] ?? true}\t${m}`)].join('\n') + '\n';

/** A fake cockroach for the decommission Job: node status `before` the decommission command, `after` it. */
const decommissionFake = (before: string, after: string) => createFakeCockroach([
  { args: /^node decommission/, output: 'No more data reported on target nodes.\n' },
  { args: /^node status/, after: /^node decommission /, output: after },
  { args: /^node status/, output: before },
]);
/** The decommission commands a fake received. */
const decommissions = (fake: ReturnType<typeof createFakeCockroach>) =>
  fake.calls().filter((c) => c.args[1] === 'decommission').map((c) => c.args.join(' '));

const databasePods = () => listJson('pods', ns, 'app.kubernetes.io/instance=crdb,app.kubernetes.io/component=database').map((p) => p.metadata.name).sort();
const claims = () => listJson('pvc', ns).filter((c) => !c.metadata.deletionTimestamp).map((c) => c.metadata.name).sort();
const canDelete = (claim: string) => kubectlRun(['auth', 'can-i', 'delete', `persistentvolumeclaims/${claim}`, '-n', ns, `--as=system:serviceaccount:${ns}:crdb-scale-down`]).stdout.trim();

async function onlyJobPod(prefix: string, namespace = ns): Promise<string> {
  const job = await waitUntil(`a ${prefix} Job`, () => listJson('jobs', namespace).find((j) => j.metadata.name.startsWith(prefix)));
  return waitUntil(`the pod of ${job.metadata.name}`, () => jobPods(namespace, job.metadata.name)[0]?.metadata.name);
}

describe('declared scale-down from 5 to 3 nodes', () => {
  test('five nodes: the StatefulSet controller creates five admitted pods and their volumes', async () => {
    apply([render({ replicas: 5 })]);
    await waitUntil('5 pods and 10 volumes', () => databasePods().length === 5 && claims().length === 10);
    expect(claims()).toEqual([
      'datadir-2-crdb-0', 'datadir-2-crdb-1', 'datadir-2-crdb-2', 'datadir-2-crdb-3', 'datadir-2-crdb-4',
      'datadir-crdb-0', 'datadir-crdb-1', 'datadir-crdb-2', 'datadir-crdb-3', 'datadir-crdb-4',
    ]);
  });

  test('a plain decrease is refused by the API server, with what to do', () => {
    const r = applyRun([render({ replicas: 3 })]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('lowering crdb from 5 to 3 replicas would drop live CockroachDB nodes: declare scaleDown { from: 5, phase: DECOMMISSION }');
    expect(getJson('statefulset', 'crdb', ns).spec.replicas).toBe(5);
  });

  test('DECOMMISSION: the Job decommissions crdb-4 and crdb-3, then records the allowed shrink on the StatefulSet', async () => {
    const since = new Date();
    apply([render({ replicas: 3, scaleDown: { from: 5, phase: ScaleDownPhase.DECOMMISSION } })]);
    const pod = await onlyJobPod('crdb-decommission-');
    const fake = decommissionFake(nodes(['active', 'active', 'active', 'active', 'active']), nodes(['active', 'active', 'active', 'decommissioned', 'decommissioned']));
    const r = await runContainer(ns, pod, 'run', { cockroach: fake.path });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(decommissions(fake)).toEqual(['node decommission 5 4 --wait=all']);
    const sts = getJson('statefulset', 'crdb', ns);
    expect(sts.metadata.annotations['cockroachdb/decommissioned']).toBe(`${sts.metadata.generation}:3`);
    // Its ServiceAccount may do exactly what the script did.
    expect(callsOf(ns, 'crdb-scale-down', since)).toEqual(['get statefulsets.apps/crdb', 'patch statefulsets.apps/crdb']);
    expect(rightsOf(ns, 'crdb-scale-down')).toEqual(callsOf(ns, 'crdb-scale-down', since));
  });

  test('the record is for an update of the StatefulSet itself: kubectl scale (the Scale subresource) is still refused', () => {
    const r = kubectlRun(['-n', ns, 'scale', 'statefulset', 'crdb', '--replicas=3']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('would drop live CockroachDB nodes');
    expect(getJson('statefulset', 'crdb', ns).spec.replicas).toBe(5);
  });

  test('SHRINK: the guard admits the recorded decrease; the Job deletes the removed nodes\' volumes once their pods are gone, quietly', async () => {
    // crdb-4 is held (a finalizer) so that the Job has to wait for it, as it would for a draining node.
    kubectl(['-n', ns, 'patch', 'pod', 'crdb-4', '--type=merge', '-p', '{"metadata":{"finalizers":["cockroachdb.test/hold"]}}']);
    const since = new Date();
    apply([render({ replicas: 3, scaleDown: { from: 5, phase: ScaleDownPhase.SHRINK } })]);
    expect(getJson('statefulset', 'crdb', ns).spec.replicas).toBe(3);
    const pod = await onlyJobPod('crdb-shrink-');
    await waitUntil('crdb-4 terminating', () => getJson('pod', 'crdb-4', ns)?.metadata.deletionTimestamp);
    const fake = createFakeCockroach([{ args: /^node status/, output: nodes(['active', 'active', 'active', 'decommissioned', 'decommissioned']) }]);
    const running = startContainer(ns, pod, 'run', { cockroach: fake.path });
    await waitUntil('the Job waiting for crdb-4', () => running.stdout().includes('waiting for pod crdb-4 to go'), 60);
    // Not before its pod is gone.
    expect(claims()).toEqual(expect.arrayContaining(['datadir-crdb-4', 'datadir-2-crdb-4']));
    kubectl(['-n', ns, 'patch', 'pod', 'crdb-4', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
    const r = await running.done;
    expect(r.status).toBe(0);
    // Waiting for a pod to go is expected: no curl error in the log.
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('deleted volume datadir-crdb-4');
    expect(r.stdout).toContain('deleted volume datadir-2-crdb-3');
    await waitUntil('the removed volumes gone', () => claims().length === 6);
    expect(claims()).toEqual(['datadir-2-crdb-0', 'datadir-2-crdb-1', 'datadir-2-crdb-2', 'datadir-crdb-0', 'datadir-crdb-1', 'datadir-crdb-2']);
    expect(databasePods()).toEqual(['crdb-0', 'crdb-1', 'crdb-2']);
    expect(rightsOf(ns, 'crdb-scale-down')).toEqual(callsOf(ns, 'crdb-scale-down', since));
  });

  test('the SHRINK Role reads the removed pods and deletes their volumes, nothing more', () => {
    const role = getJson('role', 'crdb-scale-down', ns);
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods'], resourceNames: ['crdb-4', 'crdb-3'], verbs: ['get'] },
      { apiGroups: [''], resources: ['persistentvolumeclaims'], resourceNames: ['datadir-crdb-4', 'datadir-2-crdb-4', 'datadir-crdb-3', 'datadir-2-crdb-3'], verbs: ['delete'] },
    ]);
  });

  test('scaleDown removed, then scaled out again: no leftover Role can delete the new nodes\' volumes', async () => {
    apply([render({ replicas: 3 })]);
    apply([render({ replicas: 5 })]);
    await waitUntil('10 volumes again', () => claims().length === 10);
    expect(canDelete('datadir-crdb-3')).toBe('no');
    expect(canDelete('datadir-2-crdb-4')).toBe('no');
  });
});

describe('the decommission Job refuses, and records nothing', () => {
  const decommissioned = () => getJson('statefulset', 'crdb', ns2).metadata.annotations?.['cockroachdb/decommissioned'];
  let pod: string;

  beforeAll(async () => {
    apply([render({ replicas: 4 }, ns2)]);
    apply([render({ replicas: 3, scaleDown: { from: 4, phase: ScaleDownPhase.DECOMMISSION } }, ns2)]);
    pod = await onlyJobPod('crdb-decommission-', ns2);
  });

  test('when fewer than 3 live nodes would remain', async () => {
    const fake = createFakeCockroach([{ args: /^node status/, output: nodes(['active', 'active', 'active', 'active'], ns2, [true, false, true, true]) }]);
    const r = await runContainer(ns2, pod, 'run', { cockroach: fake.path });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('refused: only 2 live node(s) would remain, fewer than 3, the replication factor\n');
    expect(decommissions(fake)).toEqual([]);
    expect(decommissioned()).toBeUndefined();
  });

  test('when a node is still active after the command', async () => {
    const fake = createFakeCockroach([
      { args: /^node status/, after: /^node decommission /, output: nodes(['active', 'active', 'active', 'decommissioning'], ns2) },
      { args: /^node status/, output: nodes(['active', 'active', 'active', 'active'], ns2) },
    ]);
    const r = await runContainer(ns2, pod, 'run', { cockroach: fake.path });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('crdb-3 is not decommissioned\n');
    expect(decommissioned()).toBeUndefined();
  });

  test('when the StatefulSet no longer has the size scaleDown.from declares (scaled by hand meanwhile)', async () => {
    kubectl(['-n', ns2, 'scale', 'statefulset', 'crdb', '--replicas=5']);
    const fake = createFakeCockroach([{ args: /^node status/, output: nodes(['active', 'active', 'active', 'active', 'active'], ns2) }]);
    const r = await runContainer(ns2, pod, 'run', { cockroach: fake.path });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('refused: StatefulSet crdb has 5 replicas, not the 4 that scaleDown.from declares; nothing recorded\n');
    expect(decommissions(fake)).toEqual([]);
    expect(decommissioned()).toBeUndefined();
  });
});

describe('a second scale-down through the same pod names', () => {
  test('the node now at crdb-3 is the one decommissioned, not the one an earlier scale-down left at that address', async () => {
    apply([render({ replicas: 4 }, ns3)]);
    apply([render({ replicas: 3, scaleDown: { from: 4, phase: ScaleDownPhase.DECOMMISSION } }, ns3)]);
    const pod = await onlyJobPod('crdb-decommission-', ns3);
    // node status lists decommissioned nodes too: node 4 was crdb-3 before an earlier scale-down, node 6 is now.
    const rows = (membership6: string) => [TSV_HEADER,
      ...[0, 1, 2].map((i) => `${i + 1}\tcrdb-${i}.crdb.${ns3}.svc.cluster.local:26257\tx\tv26.2.1\tt\tt\t\ttrue\ttrue\tactive`),
      `4\tcrdb-3.crdb.${ns3}.svc.cluster.local:26257\tx\tv26.2.1\tt\tt\t\tfalse\tfalse\tdecommissioned`,
      `6\tcrdb-3.crdb.${ns3}.svc.cluster.local:26257\tx\tv26.2.1\tt\tt\t\ttrue\ttrue\t${membership6}`].join('\n') + '\n';
    const fake = decommissionFake(rows('active'), rows('decommissioned'));
    const r = await runContainer(ns3, pod, 'run', { cockroach: fake.path });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(decommissions(fake)).toEqual(['node decommission 6 --wait=all']);
    const sts = getJson('statefulset', 'crdb', ns3);
    expect(sts.metadata.annotations['cockroachdb/decommissioned']).toBe(`${sts.metadata.generation}:3`);
  });
});

afterAll(() => {
  kubectl(['delete', 'namespace', ns, ns2, ns3, '--wait=false']);
});
