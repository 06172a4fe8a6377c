/**
 * A declared storage expansion, end to end on the real control plane: the PersistentVolume controller
 * binds the claims, kube-apiserver's resize admission judges each patch against its StorageClass, the
 * garbage collector orphans the pods when the Job deletes the StatefulSet, and the StatefulSet
 * controller adopts them again. The Job's script runs with a real token of its ServiceAccount. One part
 * is played by the test, as nothing here can do it: the volume plugin that grows a volume (it reports the
 * new capacity on the claim, as the resizer and the kubelet would).
 */
import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { ClusterSecurity, CockroachCluster, CockroachClusterProps, WalFailover } from '../../lib/k8s';
import { apply, applyRun, createNamespace, getJson, kubectl, kubectlRun, listJson, waitUntil } from './support/kube';
import { digestJobPod, runContainer } from './support/pod-runner';
import { callsOf } from './support/rbac';
import { synthChart } from './support/synth';

function render(ns: string, storageClassName: string, props: Partial<CockroachClusterProps>): string {
  return synthChart(ns, (chart) => new CockroachCluster(chart, 'crdb', {
    security: ClusterSecurity.insecure(),
    init: { enabled: false },
    replicaGuard: false,
    resources: { cpu: { limit: Cpu.millis(500) }, memory: { limit: Size.gibibytes(1) } },
    ...props,
    // A WAL failover side disk beside the store: its claims keep their size, and the re-created StatefulSet keeps its template.
    storage: { size: Size.gibibytes(1), storageClassName, walFailover: WalFailover.sideDisk({ size: Size.gibibytes(1) }), ...props.storage },
  }));
}

/** A StorageClass with no provisioner at work, and a 1 GiB volume bound ahead to each claim of the cluster. */
function storage(ns: string, expandable: boolean): string {
  const name = `${ns}-${expandable ? 'expandable' : 'fixed'}`;
  kubectl(['apply', '-f', '-'], JSON.stringify({
    apiVersion: 'v1', kind: 'List', items: [
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner: 'example.com/none', allowVolumeExpansion: expandable },
      ...[0, 1, 2].map((i) => ({
        apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: `${ns}-pv-${i}` },
        spec: {
          capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: name, persistentVolumeReclaimPolicy: 'Retain',
          hostPath: { path: `/tmp/${ns}-${i}` }, claimRef: { namespace: ns, name: `datadir-crdb-${i}` },
        },
      })),
    ],
  }));
  return name;
}

const claims = (ns: string): any[] => listJson('pvc', ns).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
const databasePods = (ns: string): any[] => listJson('pods', ns, 'app.kubernetes.io/instance=crdb,app.kubernetes.io/component=database')
  .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));

/** The volume plugin: a claim whose request grew gets that capacity. */
function playResizer(ns: string): () => void {
  let running = true;
  const timer = setInterval(() => {
    if (!running) return;
    for (const claim of claims(ns)) {
      const requested = claim.spec.resources.requests.storage;
      if (claim.status?.capacity?.storage !== requested && claim.status?.phase === 'Bound') {
        kubectlRun(['-n', ns, 'patch', 'pvc', claim.metadata.name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { capacity: { storage: requested } } })]);
      }
    }
  }, 300);
  return () => {
    running = false;
    clearInterval(timer);
  };
}

describe('volumes grown from 1 GiB to 2 GiB, no pod restarted', () => {
  const ns = createNamespace('expand');
  const cls = storage(ns, true);
  let uids: string[];

  test('three pods, their claims bound to 1 GiB volumes', async () => {
    apply([render(ns, cls, {})]);
    await waitUntil('three bound claims', () => claims(ns).filter((c) => c.status?.phase === 'Bound').length === 3);
    uids = databasePods(ns).map((p) => p.metadata.uid);
    expect(uids).toHaveLength(3);
  });

  test('a larger storage.size alone is refused by the API server: the claim template cannot change', () => {
    const r = applyRun([render(ns, cls, { storage: { size: Size.gibibytes(2), storageClassName: cls } })]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('spec.volumeClaimTemplates: Invalid value');
    expect(r.stderr).toContain('field is immutable');
    expect(getJson('statefulset', 'crdb', ns).spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('1Gi');
  });

  test('declared: accepted; the Job grows each claim, waits for its volume, and re-creates the StatefulSet around the running pods', async () => {
    const dir = render(ns, cls, { storage: { size: Size.gibibytes(2), storageClassName: cls }, expandStorage: { from: Size.gibibytes(1) } });
    apply([dir]);
    const before = getJson('statefulset', 'crdb', ns).metadata.uid;
    const stop = playResizer(ns);
    const since = new Date();
    try {
      const r = await runContainer(ns, await digestJobPod(ns, dir, 'crdb-expand-storage-'), 'run', { rewrite: (s) => s.replace(/sleep [15]$/gm, 'sleep 0.2') });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('claim datadir-crdb-0: 1Gi -> 2Gi');
      expect(r.stdout).toContain('re-created StatefulSet crdb with claims of 2Gi; its pods kept running');
    } finally {
      stop();
    }
    const sts = getJson('statefulset', 'crdb', ns);
    expect(sts.metadata.uid).not.toBe(before);
    expect(sts.spec.volumeClaimTemplates.map((t: any) => `${t.metadata.name}=${t.spec.resources.requests.storage}`)).toEqual(['datadir=2Gi', 'failoverdir=1Gi']);
    expect(claims(ns).filter((c) => c.metadata.name.startsWith('datadir-')).map((c) => `${c.metadata.name}=${c.spec.resources.requests.storage}/${c.status.capacity.storage}`))
      .toEqual(['datadir-crdb-0=2Gi/2Gi', 'datadir-crdb-1=2Gi/2Gi', 'datadir-crdb-2=2Gi/2Gi']);
    // The side disks' claims (no volume bound here) are left as they were.
    expect(claims(ns).filter((c) => c.metadata.name.startsWith('failoverdir-')).map((c) => `${c.metadata.name}=${c.spec.resources.requests.storage}`))
      .toEqual(['failoverdir-crdb-0=1Gi', 'failoverdir-crdb-1=1Gi', 'failoverdir-crdb-2=1Gi']);
    // The same pods, adopted by the new StatefulSet.
    await waitUntil('the pods adopted', () => databasePods(ns).every((p) => p.metadata.ownerReferences?.[0]?.uid === sts.metadata.uid));
    expect(databasePods(ns).map((p) => p.metadata.uid)).toEqual(uids);
    expect(callsOf(ns, 'crdb-expand-storage', since)).toEqual([
      'create statefulsets.apps/crdb', 'delete statefulsets.apps/crdb', 'get persistentvolumeclaims/datadir-crdb-0', 'get persistentvolumeclaims/datadir-crdb-1',
      'get persistentvolumeclaims/datadir-crdb-2', 'get statefulsets.apps/crdb', `get storageclasses.storage.k8s.io/${cls}`,
      'patch persistentvolumeclaims/datadir-crdb-0', 'patch persistentvolumeclaims/datadir-crdb-1', 'patch persistentvolumeclaims/datadir-crdb-2',
    ]);
  });

  test('the Job run again finds every step done', async () => {
    const dir = render(ns, cls, { storage: { size: Size.gibibytes(2), storageClassName: cls }, expandStorage: { from: Size.gibibytes(1) } });
    const r = await runContainer(ns, await digestJobPod(ns, dir, 'crdb-expand-storage-'), 'run');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('claim datadir-crdb-2 already requests 2Gi');
    expect(r.stdout).toContain('StatefulSet crdb already has claims of 2Gi: done');
  });

  test('expandStorage removed: the next apply matches, client-side and server-side, and restarts no pod', async () => {
    const after = render(ns, cls, { storage: { size: Size.gibibytes(2), storageClassName: cls } });
    const generation = getJson('statefulset', 'crdb', ns).metadata.generation;
    // kubectl diff: the object the Job created is the one these manifests describe (exit 0: no difference).
    const diff = kubectlRun(['diff', '-f', after]);
    expect(diff.stdout).toBe('');
    expect(diff.status).toBe(0);
    apply([after]);
    expect(applyRun([after], { serverSide: true }).status).toBe(0);
    expect(getJson('statefulset', 'crdb', ns).metadata.generation).toBe(generation);
    expect(databasePods(ns).map((p) => p.metadata.uid)).toEqual(uids);
  });
});

test('claim templates changed beside the expansion (the side disk dropped): the apply refuses the StatefulSet, and the Job changes nothing', async () => {
  const ns = createNamespace('dropped');
  const cls = storage(ns, true);
  apply([render(ns, cls, {})]);
  await waitUntil('three bound claims', () => claims(ns).filter((c) => c.status?.phase === 'Bound').length === 3);
  const before = getJson('statefulset', 'crdb', ns);
  const dir = render(ns, cls, { storage: { size: Size.gibibytes(2), storageClassName: cls, walFailover: undefined }, expandStorage: { from: Size.gibibytes(1) } });
  // The StatefulSet is refused; the rest, the Job included, goes in.
  const refused = applyRun([dir]);
  expect(refused.status).not.toBe(0);
  expect(refused.stderr).toContain('spec.volumeClaimTemplates: Invalid value');
  expect(refused.stderr).toContain('field is immutable');
  const r = await runContainer(ns, await digestJobPod(ns, dir, 'crdb-expand-storage-'), 'run');
  expect(r.status).toBe(1);
  expect(r.stderr).toBe('stopped: StatefulSet crdb has claim template failoverdir, which the manifests drop; claim templates never change; nothing changed\n');
  const after = getJson('statefulset', 'crdb', ns);
  expect(after.metadata.uid).toBe(before.metadata.uid);
  expect(after.spec.volumeClaimTemplates.map((t: any) => t.metadata.name)).toEqual(['datadir', 'failoverdir']);
  expect(claims(ns).filter((c) => c.metadata.name.startsWith('datadir-')).map((c) => c.spec.resources.requests.storage)).toEqual(['1Gi', '1Gi', '1Gi']);
});

test('a StorageClass that does not allow expansion: the Job changes nothing, and says why', async () => {
  const ns = createNamespace('fixed');
  const cls = storage(ns, false);
  apply([render(ns, cls, {})]);
  await waitUntil('three bound claims', () => claims(ns).filter((c) => c.status?.phase === 'Bound').length === 3);
  const dir = render(ns, cls, { storage: { size: Size.gibibytes(2), storageClassName: cls }, expandStorage: { from: Size.gibibytes(1) } });
  apply([dir]);
  const r = await runContainer(ns, await digestJobPod(ns, dir, 'crdb-expand-storage-'), 'run');
  expect(r.status).toBe(1);
  expect(r.stderr).toBe(`stopped: StorageClass ${cls} does not allow volume expansion (allowVolumeExpansion); nothing changed\n`);
  expect(claims(ns).map((c) => `${c.metadata.name}=${c.spec.resources.requests.storage}`)).toEqual([
    'datadir-crdb-0=1Gi', 'datadir-crdb-1=1Gi', 'datadir-crdb-2=1Gi', 'failoverdir-crdb-0=1Gi', 'failoverdir-crdb-1=1Gi', 'failoverdir-crdb-2=1Gi',
  ]);
  expect(getJson('statefulset', 'crdb', ns).spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('1Gi');
});
