import { Size } from 'cdk8s';
import { CockroachCluster, CockroachClusterProps, CockroachDbVersion, StorageExpansionJob } from '../../lib/k8s';
import { configError } from '../support/errors';
import { Manifest, newChart, only, synth, validateAgainstSchemas } from '../support/manifests';

// What a declared storage expansion renders. Its script talks to the Kubernetes API, so it runs against
// the real API server of the harness (test/cluster/storage-expansion.test.ts), not here.

const EXPAND: Partial<CockroachClusterProps> = { storage: { size: Size.gibibytes(200), storageClassName: 'premium-rwo' }, expandStorage: { from: Size.gibibytes(100) } };

function build(props: Partial<CockroachClusterProps>) {
  const chart = newChart();
  const cluster = new CockroachCluster(chart, 'crdb', props);
  const objects = synth(chart);
  return { cluster, objects, sts: only(objects, 'StatefulSet') };
}
const claimSize = (sts: Manifest) => sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage;

describe('a declared expansion from 100 GiB to 200 GiB', () => {
  const { cluster, objects, sts } = build(EXPAND);
  const job = objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith('crdb-expand-storage-'))!;
  const script: string = job.spec.template.spec.containers[0].command[2];

  test('the StatefulSet keeps its claims of 100 GiB, so the apply is accepted', () => {
    validateAgainstSchemas(objects);
    expect(claimSize(sts)).toBe('100Gi');
    expect(cluster.storageExpansion).toBeInstanceOf(StorageExpansionJob);
    expect(build({}).cluster.storageExpansion).toBeUndefined();
  });

  test('the ConfigMap holds the StatefulSet as the next apply renders it: claims of 200 GiB, recorded as applied', () => {
    const data = JSON.parse(only(objects, 'ConfigMap', 'crdb-expand-storage').data['statefulset.json']);
    const after = build({ storage: EXPAND.storage }).sts;
    const applied = data.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
    delete data.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
    if (Object.keys(data.metadata.annotations).length === 0) delete data.metadata.annotations;
    expect(data).toEqual(after);
    expect(claimSize(data)).toBe('200Gi');
    expect(JSON.parse(applied)).toEqual(after);
    expect(applied.endsWith('}\n')).toBe(true);
  });

  test('rights: the claims by name, this StatefulSet by name (creation cannot be limited), StorageClass premium-rwo', () => {
    expect(only(objects, 'Role', 'crdb-expand-storage').rules).toEqual([
      { apiGroups: [''], resources: ['persistentvolumeclaims'], resourceNames: ['datadir-crdb-0', 'datadir-crdb-1', 'datadir-crdb-2'], verbs: ['get', 'patch'] },
      { apiGroups: ['apps'], resources: ['statefulsets'], resourceNames: ['crdb'], verbs: ['get', 'delete'] },
      { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['create'] },
    ]);
    const reader = only(objects, 'ClusterRole', 'db-crdb-expand-storage');
    expect(reader.metadata.namespace).toBeUndefined();
    expect(reader.rules).toEqual([{ apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], resourceNames: ['premium-rwo'], verbs: ['get'] }]);
    expect(only(objects, 'ClusterRoleBinding', 'db-crdb-expand-storage').subjects).toEqual([{ kind: 'ServiceAccount', name: 'crdb-expand-storage', namespace: 'db' }]);
    expect(only(objects, 'RoleBinding', 'crdb-expand-storage').subjects).toEqual([{ kind: 'ServiceAccount', name: 'crdb-expand-storage', namespace: 'db' }]);
    // The default StorageClass: its name is read from each claim.
    const anyClass = build({ storage: { size: Size.gibibytes(200) }, expandStorage: { from: Size.gibibytes(100) } }).objects;
    expect(only(anyClass, 'ClusterRole', 'db-crdb-expand-storage').rules[0].resourceNames).toBeUndefined();
  });

  test('the Job: its ServiceAccount, the manifest mounted, the deadline for three volumes', () => {
    const pod = job.spec.template.spec;
    expect(pod.serviceAccountName).toBe('crdb-expand-storage');
    expect(pod.volumes).toContainEqual({ name: 'manifest', configMap: { name: 'crdb-expand-storage', items: [{ key: 'statefulset.json', path: 'statefulset.json' }] } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'manifest', mountPath: '/etc/cockroachdb-expansion', readOnly: true });
    expect(job.spec.activeDeadlineSeconds).toBe(3 * 5 * 360 + 1800);
    expect(script).toContain('for claim in datadir-crdb-0 datadir-crdb-1 datadir-crdb-2; do');
    expect(script).toContain('if [ "$(bytes "$requested")" -ge 214748364800 ]; then');
    expect(script).toContain('{"spec":{"resources":{"requests":{"storage":"200Gi"}}}}');
  });

  test('the script, as the real control plane ran it (test/cluster/storage-expansion.test.ts)', () => {
    expect(script).toMatchSnapshot();
  });
});

/** [what, props, the whole message] */
const BAD: Array<[string, Partial<CockroachClusterProps>, string]> = [
  ['a shrink', { storage: { size: Size.gibibytes(50) }, expandStorage: { from: Size.gibibytes(100) } },
    '[test/crdb] expandStorage.from, storage.size: received from 100Gi and size 50Gi; expected a larger storage.size: a volume cannot shrink (CockroachDB would have to move its data off first: add nodes with smaller volumes, then decommission the others)'],
  ['the same size', { storage: { size: Size.gibibytes(100) }, expandStorage: { from: Size.gibibytes(100) } },
    '[test/crdb] expandStorage.from, storage.size: received from 100Gi and size 100Gi; expected a larger storage.size: the volumes have that size already (remove expandStorage)'],
  ['together with an upgrade', { ...EXPAND, version: CockroachDbVersion.of('v26.1.0'), upgrade: { from: CockroachDbVersion.of('v25.4.3') } },
    '[test/crdb] expandStorage, scaleDown, upgrade, restartToken: received a storage expansion together with a scale-down or a rollout; expected one day-2 operation at a time: finish the other first'],
  ['together with a restart', { ...EXPAND, restartToken: 'r' },
    '[test/crdb] expandStorage, scaleDown, upgrade, restartToken: received a storage expansion together with a scale-down or a rollout; expected one day-2 operation at a time: finish the other first'],
  ['no from (JavaScript)', { ...EXPAND, expandStorage: {} as never },
    '[test/crdb] expandStorage.from: received undefined; expected the size the volumes have now, e.g. Size.gibibytes(100)'],
  ['a from that is not a Size (JavaScript)', { ...EXPAND, expandStorage: { from: '100Gi' as never } },
    '[test/crdb] expandStorage.from: received "100Gi"; expected a Size, e.g. Size.gibibytes(100)'],
  ['a from of no whole number of bytes', { ...EXPAND, expandStorage: { from: Size.gibibytes(NaN) } },
    '[test/crdb] expandStorage.from: received "NaNGi"; expected a finite whole number of bytes'],
];

test.each(BAD)('refused at synth: %s', (_what, props, message) => {
  expect(configError(() => new CockroachCluster(newChart(), 'crdb', props)).message).toBe(message);
});
