import { Size } from 'cdk8s';
import {
  ClusterSecurity, CockroachCluster, CockroachClusterProps, CockroachLogging, HelmRelease, LogSeverity, ScaleDownPhase, WalFailover, WalFailoverMode,
} from '../../lib/k8s';
import { configError } from '../support/errors';
import { Manifest, newChart, only, synth, validateAgainstSchemas } from '../support/manifests';

// Several stores per node and WAL failover. The flags, paths and the 40 s limits follow CockroachDB's WAL
// failover guide (https://www.cockroachlabs.com/docs/stable/wal-failover) and its storage code: a failover
// path is refused with several stores, and a node that ran with failover must be started with
// `--wal-failover=disabled` (plus `prev_path` for a side disk) to turn it off. Its binary cannot be had here.

function build(props: Partial<CockroachClusterProps> = {}) {
  const chart = newChart();
  const cluster = new CockroachCluster(chart, 'crdb', { init: { enabled: false }, security: ClusterSecurity.insecure(), ...props });
  const objects = synth(chart);
  return { cluster, objects, sts: only(objects, 'StatefulSet') };
}
const container = (sts: Manifest) => sts.spec.template.spec.containers[0];
const claimTemplates = (sts: Manifest) => sts.spec.volumeClaimTemplates.map((t: any) => [t.metadata.name, t.spec.resources.requests.storage, t.spec.storageClassName]);
const mounts = (sts: Manifest) => container(sts).volumeMounts.map((m: any) => [m.name, m.mountPath]);
const flags = (sts: Manifest, name: string) => (container(sts).args as string[]).filter((a) => a.startsWith(`--${name}`));
const envNames = (sts: Manifest) => container(sts).env.map((e: any) => e.name);
const loggingText = (objects: Manifest[]) => {
  const maps = objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('crdb-logging-'));
  return maps.length === 0 ? undefined : JSON.parse(maps[0].data['logs.yaml']);
};
const BUFFERED = { 'buffered-writes': false, 'auditable': false, 'buffering': { 'max-staleness': '1s', 'flush-trigger-size': '256KiB', 'max-buffer-size': '50MiB' } };

describe('stores per node', () => {
  test('the default: one store, one claim template, as before', () => {
    const { cluster, sts } = build();
    expect(claimTemplates(sts)).toEqual([['datadir', '100Gi', undefined]]);
    expect(mounts(sts)).toEqual([['datadir', '/cockroach/cockroach-data']]);
    expect(flags(sts, 'store')).toEqual(['--store=path=/cockroach/cockroach-data']);
    expect(flags(sts, 'wal-failover')).toEqual([]);
    expect(cluster.storeClaimTemplateNames).toEqual(['datadir']);
    expect(cluster.volumeClaimTemplateNames).toEqual(['datadir']);
  });

  test('three stores: the chart\'s claim names and paths, one --store each, each volume of storage.size', () => {
    const { cluster, objects, sts } = build({ storage: { stores: 3, size: Size.gibibytes(50), storageClassName: 'premium-rwo' } });
    validateAgainstSchemas(objects);
    expect(claimTemplates(sts)).toEqual([
      ['datadir', '50Gi', 'premium-rwo'], ['datadir-2', '50Gi', 'premium-rwo'], ['datadir-3', '50Gi', 'premium-rwo'],
    ]);
    for (const t of sts.spec.volumeClaimTemplates) {
      expect(t.metadata.labels).toEqual(sts.spec.volumeClaimTemplates[0].metadata.labels);
      expect(t.spec.accessModes).toEqual(['ReadWriteOnce']);
    }
    expect(mounts(sts)).toEqual([
      ['datadir', '/cockroach/cockroach-data'], ['datadir-2', '/cockroach/cockroach-data-2'], ['datadir-3', '/cockroach/cockroach-data-3'],
    ]);
    expect(flags(sts, 'store')).toEqual([
      '--store=path=/cockroach/cockroach-data', '--store=path=/cockroach/cockroach-data-2', '--store=path=/cockroach/cockroach-data-3',
    ]);
    expect(cluster.storeClaimTemplateNames).toEqual(['datadir', 'datadir-2', 'datadir-3']);
    // No failover unless asked for: no stall limits, no logging configuration.
    expect(envNames(sts)).not.toContain('COCKROACH_ENGINE_MAX_SYNC_DURATION_DEFAULT');
    expect(loggingText(objects)).toBeUndefined();
  });
});

describe('WAL failover', () => {
  test('among stores: the flag, the 40 s stall limits, and log files buffered in a logging configuration of its own', () => {
    const { objects, sts } = build({ storage: { stores: 2, walFailover: WalFailover.amongStores() } });
    validateAgainstSchemas(objects);
    expect(flags(sts, 'wal-failover')).toEqual(['--wal-failover=among-stores']);
    expect(claimTemplates(sts).map((t: string[]) => t[0])).toEqual(['datadir', 'datadir-2']);
    const env = container(sts).env;
    expect(env.filter((e: any) => e.name.endsWith('MAX_SYNC_DURATION') || e.name.endsWith('MAX_SYNC_DURATION_DEFAULT'))).toEqual([
      { name: 'COCKROACH_ENGINE_MAX_SYNC_DURATION_DEFAULT', value: '40s' },
      { name: 'COCKROACH_LOG_MAX_SYNC_DURATION', value: '40s' },
    ]);
    expect(loggingText(objects)).toEqual({
      'file-defaults': BUFFERED,
      'sinks': { stderr: { channels: 'all', filter: 'INFO', redact: false, 'no-color': true } },
    });
    expect(flags(sts, 'log')).toEqual([expect.stringMatching(/^--log-config-file=/)]);
    expect(container(sts).args).not.toContain('--logtostderr=INFO');
  });

  test('among stores with the user\'s logging: their sinks kept, the files buffered', () => {
    const { objects } = build({
      storage: { stores: 2, walFailover: WalFailover.amongStores() },
      logging: CockroachLogging.of({ stderr: { filter: LogSeverity.WARNING } }),
    });
    const config = loggingText(objects);
    expect(config['file-defaults']).toEqual(BUFFERED);
    expect(config.sinks.stderr.filter).toBe('WARNING');
  });

  test('a side disk: its own claim template (25 GiB, the cluster\'s default class, as the chart\'s), mounted where the chart mounts it', () => {
    const { cluster, objects, sts } = build({ storage: { storageClassName: 'premium-rwo', walFailover: WalFailover.sideDisk() } });
    validateAgainstSchemas(objects);
    expect(claimTemplates(sts)).toEqual([['datadir', '100Gi', 'premium-rwo'], ['failoverdir', '25Gi', undefined]]);
    expect(sts.spec.volumeClaimTemplates[1].metadata.labels).toEqual(sts.spec.volumeClaimTemplates[0].metadata.labels);
    expect(mounts(sts)).toEqual([['datadir', '/cockroach/cockroach-data'], ['failoverdir', '/cockroach/cockroach-failover'], ['logging', '/cockroach/log-config']]);
    expect(flags(sts, 'wal-failover')).toEqual(['--wal-failover=path=/cockroach/cockroach-failover']);
    expect(envNames(sts)).toContain('COCKROACH_LOG_MAX_SYNC_DURATION');
    expect(loggingText(objects)['file-defaults']).toEqual(BUFFERED);
    expect(cluster.storeClaimTemplateNames).toEqual(['datadir']);
    expect(cluster.volumeClaimTemplateNames).toEqual(['datadir', 'failoverdir']);
  });

  test('a side disk of its own size and class', () => {
    const { sts } = build({ storage: { walFailover: WalFailover.sideDisk({ size: Size.gibibytes(10), storageClassName: 'pd-ssd' }) } });
    expect(claimTemplates(sts)).toEqual([['datadir', '100Gi', undefined], ['failoverdir', '10Gi', 'pd-ssd']]);
  });

  test('turned off after among stores: --wal-failover=disabled, CockroachDB\'s stall limits and logging back', () => {
    const { objects, sts } = build({ storage: { stores: 2, walFailover: WalFailover.disabled(WalFailover.amongStores()) } });
    expect(flags(sts, 'wal-failover')).toEqual(['--wal-failover=disabled']);
    expect(envNames(sts)).not.toContain('COCKROACH_ENGINE_MAX_SYNC_DURATION_DEFAULT');
    expect(envNames(sts)).not.toContain('COCKROACH_LOG_MAX_SYNC_DURATION');
    expect(loggingText(objects)).toBeUndefined();
    expect(container(sts).args).toContain('--logtostderr=INFO');
  });

  test('turned off after a side disk: prev_path names it, and the disk stays (claim templates never change)', () => {
    const sideDisk = WalFailover.sideDisk({ size: Size.gibibytes(10) });
    const { cluster, sts } = build({ storage: { walFailover: WalFailover.disabled(sideDisk) } });
    expect(flags(sts, 'wal-failover')).toEqual(['--wal-failover=disabled,prev_path=/cockroach/cockroach-failover']);
    expect(claimTemplates(sts)).toEqual([['datadir', '100Gi', undefined], ['failoverdir', '10Gi', undefined]]);
    expect(mounts(sts)).toContainEqual(['failoverdir', '/cockroach/cockroach-failover']);
    expect(cluster.volumeClaimTemplateNames).toEqual(['datadir', 'failoverdir']);
  });

  test('the choice, as a value', () => {
    const among = WalFailover.amongStores();
    const side = WalFailover.sideDisk({ size: Size.gibibytes(30) });
    expect([among.mode, among.isOn, among.flagValue, among.sideDiskOptions]).toEqual([WalFailoverMode.AMONG_STORES, true, 'among-stores', undefined]);
    expect([side.mode, side.isOn, side.flagValue, side.sideDiskOptions]).toEqual([WalFailoverMode.SIDE_DISK, true, 'path=/cockroach/cockroach-failover', { size: Size.gibibytes(30) }]);
    const off = WalFailover.disabled(side);
    expect([off.mode, off.isOn, off.previous, off.sideDiskOptions]).toEqual([WalFailoverMode.DISABLED, false, side, { size: Size.gibibytes(30) }]);
    expect([WalFailover.disabled(among).flagValue, WalFailover.disabled(among).sideDiskOptions]).toEqual(['disabled', undefined]);
    expect(WalFailover.sideDisk().sideDiskOptions).toEqual({});
    // A copy: changing it changes nothing.
    const options = { size: Size.gibibytes(30) };
    const copied = WalFailover.sideDisk(options);
    expect(copied.sideDiskOptions).not.toBe(options);
  });

  test('the construct owns the flag and its variables; the stall limits only while failover is on', () => {
    expect(configError(() => build({ extraStartFlags: ['--wal-failover=among-stores'] })).message)
      .toContain('extraStartFlags[0]: received "--wal-failover=among-stores"; expected a flag the construct does not set: --wal-failover comes from storage.walFailover');
    expect(configError(() => build({ extraEnv: { COCKROACH_WAL_FAILOVER: 'among-stores' } })).message).toContain('extraEnv: received "COCKROACH_WAL_FAILOVER"; expected a variable the construct does not set');
    const on = { stores: 2, walFailover: WalFailover.amongStores() };
    for (const name of ['COCKROACH_ENGINE_MAX_SYNC_DURATION_DEFAULT', 'COCKROACH_LOG_MAX_SYNC_DURATION']) {
      expect(configError(() => build({ storage: on, extraEnv: { [name]: '60s' } })).message)
        .toContain(`extraEnv: received "${name}"; expected a variable the construct does not set: with storage.walFailover on, it sets the stall limits to 40 s, as CockroachDB's WAL failover guide asks`);
      // Without failover, or turned off, the stall limits are the user's to tune.
      for (const storage of [{}, { stores: 2, walFailover: WalFailover.disabled(WalFailover.amongStores()) }]) {
        expect(container(build({ storage, extraEnv: { [name]: '60s' } }).sts).env).toContainEqual({ name, value: '60s' });
      }
    }
  });

  test('turned on later for a cluster that has two stores: the claim templates stay; flag, variables and logging change', () => {
    const before = build({ storage: { stores: 2 } }).sts;
    const after = build({ storage: { stores: 2, walFailover: WalFailover.amongStores() } }).sts;
    expect(after.spec.volumeClaimTemplates).toEqual(before.spec.volumeClaimTemplates);
    expect(flags(before, 'wal-failover')).toEqual([]);
    expect(flags(after, 'wal-failover')).toEqual(['--wal-failover=among-stores']);
  });

  test('a takeover of the chart\'s stores and side disk: the chart\'s names, the paths absolute (cockroach makes them so)', () => {
    const { sts } = build({
      adoptHelmRelease: HelmRelease.of('crdb'), replicas: 3, name: 'crdb-cockroachdb',
      storage: { stores: 2, walFailover: WalFailover.amongStores() },
    });
    expect(claimTemplates(sts).map((t: string[]) => t[0])).toEqual(['datadir', 'datadir-2']);
    expect(flags(sts, 'store')).toEqual(['--store=path=/cockroach/cockroach-data', '--store=path=/cockroach/cockroach-data-2']);
    const side = build({ adoptHelmRelease: HelmRelease.of('crdb'), replicas: 3, name: 'crdb-cockroachdb', storage: { walFailover: WalFailover.sideDisk() } }).sts;
    expect(claimTemplates(side)).toEqual([['datadir', '100Gi', undefined], ['failoverdir', '25Gi', undefined]]);
    expect(side.spec.volumeClaimTemplates[1].metadata.labels).toEqual({ 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/instance': 'crdb' });
  });
});

describe('day 2 with several volumes per pod', () => {
  test('shrink: the Job may delete, and deletes, every claim of each removed pod; no other', () => {
    const { objects } = build({ replicas: 3, scaleDown: { from: 4, phase: ScaleDownPhase.SHRINK }, storage: { walFailover: WalFailover.sideDisk() } });
    expect(only(objects, 'Role', 'crdb-scale-down').rules[1]).toEqual(
      { apiGroups: [''], resources: ['persistentvolumeclaims'], resourceNames: ['datadir-crdb-3', 'failoverdir-crdb-3'], verbs: ['delete'] });
    const job = objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith('crdb-shrink-'))!;
    const script: string = job.spec.template.spec.containers[0].command[2];
    const deletes = script.split('\n').filter((l) => l.startsWith('request -X DELETE'));
    expect(deletes).toEqual([
      'request -X DELETE https://kubernetes.default.svc/api/v1/namespaces/db/persistentvolumeclaims/datadir-crdb-3',
      'request -X DELETE https://kubernetes.default.svc/api/v1/namespaces/db/persistentvolumeclaims/failoverdir-crdb-3',
    ]);
    expect(script).toContain('  404) echo "volume failoverdir-crdb-3 already gone" ;;');
  });

  test('expansion: every store\'s claims grow, the side disk keeps its size', () => {
    const { objects, sts } = build({
      replicas: 1,
      storage: { size: Size.gibibytes(200), stores: 2, walFailover: WalFailover.amongStores() },
      expandStorage: { from: Size.gibibytes(100) },
    });
    expect(claimTemplates(sts).map((t: string[]) => t[1])).toEqual(['100Gi', '100Gi']);
    expect(only(objects, 'Role', 'crdb-expand-storage').rules[0].resourceNames).toEqual(['datadir-crdb-0', 'datadir-2-crdb-0']);
    const job = objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith('crdb-expand-storage-'))!;
    expect(job.spec.template.spec.containers[0].command[2]).toContain('for claim in datadir-crdb-0 datadir-2-crdb-0; do');
    const next = JSON.parse(only(objects, 'ConfigMap', 'crdb-expand-storage').data['statefulset.json']);
    expect(claimTemplates(next).map((t: string[]) => t[1])).toEqual(['200Gi', '200Gi']);

    const side = build({
      storage: { size: Size.gibibytes(200), walFailover: WalFailover.sideDisk() },
      expandStorage: { from: Size.gibibytes(100) },
    }).objects;
    const sideNext = JSON.parse(only(side, 'ConfigMap', 'crdb-expand-storage').data['statefulset.json']);
    expect(claimTemplates(sideNext).map((t: string[]) => t.slice(0, 2))).toEqual([['datadir', '200Gi'], ['failoverdir', '25Gi']]);
    expect(only(side, 'Role', 'crdb-expand-storage').rules[0].resourceNames).toEqual(['datadir-crdb-0', 'datadir-crdb-1', 'datadir-crdb-2']);
  });

  test('expansion: the Job compares every claim template with the live StatefulSet before any change', () => {
    const job = (props: Partial<CockroachClusterProps>) => {
      const objects = build({ ...props, expandStorage: { from: Size.gibibytes(100) } }).objects;
      return objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith('crdb-expand-storage-'))!.spec.template.spec.containers[0].command[2] as string;
    };
    const script = job({ storage: { size: Size.gibibytes(200), storageClassName: 'premium-rwo', walFailover: WalFailover.sideDisk({ size: Size.gibibytes(10), storageClassName: 'pd-ssd' }) } });
    const lines = script.split('\n');
    const start = lines.indexOf('if [ "$code" = 200 ]; then');
    expect(start).toBeGreaterThan(0);
    expect(lines.slice(start, start + 12)).toEqual([
      'if [ "$code" = 200 ]; then',
      '  name=$(printf \'%s\' "$body" | json_get spec volumeClaimTemplates 0 metadata name) || name=""',
      '  [ "$name" = datadir ] || fail "StatefulSet crdb has claim template \'${name:-none}\' where the manifests have datadir; claim templates never change: apply the claim templates the StatefulSet has; nothing changed"',
      '  class=$(printf \'%s\' "$body" | json_get spec volumeClaimTemplates 0 spec storageClassName) || class=""',
      '  [ "$class" = "premium-rwo" ] || fail "StatefulSet crdb\'s claim template datadir has StorageClass \'$class\', not \'premium-rwo\'; claim templates never change; nothing changed"',
      '  name=$(printf \'%s\' "$body" | json_get spec volumeClaimTemplates 1 metadata name) || name=""',
      '  [ "$name" = failoverdir ] || fail "StatefulSet crdb has claim template \'${name:-none}\' where the manifests have failoverdir; claim templates never change: apply the claim templates the StatefulSet has; nothing changed"',
      '  class=$(printf \'%s\' "$body" | json_get spec volumeClaimTemplates 1 spec storageClassName) || class=""',
      '  [ "$class" = "pd-ssd" ] || fail "StatefulSet crdb\'s claim template failoverdir has StorageClass \'$class\', not \'pd-ssd\'; claim templates never change; nothing changed"',
      '  size=$(printf \'%s\' "$body" | json_get spec volumeClaimTemplates 1 spec resources requests storage) || size=0',
      '  [ "$(bytes "$size")" = 10737418240 ] || fail "StatefulSet crdb\'s claim template failoverdir requests $size, not 10Gi; only the stores grow; nothing changed"',
      '  if name=$(printf \'%s\' "$body" | json_get spec volumeClaimTemplates 2 metadata name); then fail "StatefulSet crdb has claim template $name, which the manifests drop; claim templates never change; nothing changed"; fi',
    ]);
    // Before the claims are read, so before any change.
    expect(start).toBeLessThan(lines.findIndex((l) => l.startsWith('for claim in')));
    // Two stores of the default class: both compared, as stores (no size).
    const two = job({ replicas: 1, storage: { size: Size.gibibytes(200), stores: 2 } });
    expect(two).toContain('[ "$name" = datadir-2 ] ||');
    expect(two).toContain('  [ "$class" = "" ] || fail');
    expect(two).toContain('json_get spec volumeClaimTemplates 2 metadata name); then fail');
    expect(two).not.toContain('only the stores grow');
  });
});

describe('refused at synth, naming the prop', () => {
  test.each<[string, Partial<CockroachClusterProps>, string, string]>([
    ['no store', { storage: { stores: 0 } }, 'storage.stores', 'received 0; expected an integer from 1 to 8'],
    ['nine stores', { storage: { stores: 9 } }, 'storage.stores', 'received 9; expected an integer from 1 to 8'],
    ['a fraction of a store', { storage: { stores: 1.5 } }, 'storage.stores', 'received 1.5; expected an integer from 1 to 8'],
    ['stores as text', { storage: { stores: '2' as any } }, 'storage.stores', 'received "2"; expected an integer from 1 to 8'],
    ['among stores with one store', { storage: { walFailover: WalFailover.amongStores() } }, 'storage.stores',
      'received 1; expected 2 or more with WalFailover.amongStores(): a store fails over to another store of its node (use WalFailover.sideDisk() for one store)'],
    ['among stores turned off, with one store', { storage: { walFailover: WalFailover.disabled(WalFailover.amongStores()) } }, 'storage.stores',
      'received 1; expected 2 or more with WalFailover.disabled(WalFailover.amongStores())'],
    ['a side disk with two stores', { storage: { stores: 2, walFailover: WalFailover.sideDisk() } }, 'storage.stores',
      'received 2; expected 1 with a side disk: CockroachDB refuses a failover path with several stores (use WalFailover.amongStores())'],
    ['a side disk turned off, with two stores', { storage: { stores: 2, walFailover: WalFailover.disabled(WalFailover.sideDisk()) } }, 'storage.stores',
      'received 2; expected 1 with a side disk'],
    ['turned off twice', { storage: { stores: 2, walFailover: WalFailover.disabled(WalFailover.disabled(WalFailover.amongStores())) } }, 'storage.walFailover',
      'received "WalFailover.disabled(WalFailover.disabled(…))"; expected WalFailover.disabled() of the failover the cluster ran with: WalFailover.amongStores() or WalFailover.sideDisk(…)'],
    ['turned off, of nothing', { storage: { walFailover: WalFailover.disabled(undefined as any) } }, 'storage.walFailover',
      'received undefined; expected WalFailover.disabled() of the failover the cluster ran with'],
    ['turned off, of a string', { storage: { walFailover: WalFailover.disabled('among-stores' as any) } }, 'storage.walFailover',
      'received "among-stores"; expected WalFailover.disabled() of the failover'],
    ['a string', { storage: { stores: 2, walFailover: 'among-stores' as any } }, 'storage.walFailover', 'received "among-stores"; expected a WalFailover, e.g. WalFailover.amongStores()'],
    ['a side disk of text', { storage: { walFailover: WalFailover.sideDisk({ size: '25Gi' as any }) } }, 'storage.walFailover.sideDisk.size', 'received "25Gi"; expected a Size, e.g. Size.gibibytes(25)'],
    ['a side disk under 1 GiB', { storage: { walFailover: WalFailover.sideDisk({ size: Size.mebibytes(512) }) } }, 'storage.walFailover.sideDisk.size', 'received "512Mi"; expected at least 1Gi'],
    ['a side disk of no finite size', { storage: { walFailover: WalFailover.sideDisk({ size: Size.gibibytes(Infinity) }) } }, 'storage.walFailover.sideDisk.size', 'received "InfinityGi"; expected a finite whole number of bytes, at least 1Gi'],
    ['a side disk class not a DNS name', { storage: { walFailover: WalFailover.sideDisk({ storageClassName: 'Premium_RWO' }) } }, 'storage.walFailover.sideDisk.storageClassName', 'received "Premium_RWO"'],
  ])('%s', (_, props, prop, message) => {
    const error = configError(() => build(props));
    expect(error.prop).toBe(prop);
    expect(error.message).toContain(`${prop}: ${message}`);
  });
});

describe('what can only be chosen at creation, noted on the StatefulSet at synth', () => {
  test.each<[string, Partial<CockroachClusterProps>, string]>([
    ['the defaults', {},
      'claim templates datadir (storage.stores 1, storage.storageClassName unset, WAL failover side disk none; storage.size grows with expandStorage), selector and serviceName (name crdb): to change them, build a new cluster and restore a backup into it'],
    ['two stores on a class', { storage: { stores: 2, storageClassName: 'premium-rwo' } },
      'claim templates datadir, datadir-2 (storage.stores 2, storage.storageClassName premium-rwo, WAL failover side disk none; storage.size grows with expandStorage), selector and serviceName (name crdb): to change them, build a new cluster and restore a backup into it'],
    ['a side disk', { storage: { walFailover: WalFailover.sideDisk({ size: Size.gibibytes(10) }) } },
      'claim templates datadir, failoverdir (storage.stores 1, storage.storageClassName unset, WAL failover side disk 10Gi of class unset; storage.size grows with expandStorage), selector and serviceName (name crdb): to change them, build a new cluster and restore a backup into it'],
    ['a side disk of a class', { name: 'books', storage: { walFailover: WalFailover.sideDisk({ storageClassName: 'pd-ssd' }) } },
      'claim templates datadir, failoverdir (storage.stores 1, storage.storageClassName unset, WAL failover side disk 25Gi of class pd-ssd; storage.size grows with expandStorage), selector and serviceName (name books): to change them, build a new cluster and restore a backup into it'],
  ])('%s', (_, props, note) => {
    expect(build(props).sts.metadata.annotations).toEqual({ 'cockroachdb/chosen-at-creation': note });
  });
});
