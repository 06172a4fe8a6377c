import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  ClusterSecurity, CockroachDbVersion, DeploymentDescription, Locality, MultiRegion, MemoryAllocation, PodAntiAffinity, PvcRetention, ScaleDownPhase, TopologySpread,
  VersionChangeKind,
} from '../../../lib/k8s';
import { databaseSelectorLabels, resolveClusterSpec } from '../../../lib/k8s/private/cluster-spec';
import { configError } from '../../support/errors';
import { newChart } from '../../support/manifests';

// The props resolved once into the spec every object is rendered from: defaults applied, sizes and
// durations normalized. The rules' messages are tested through the cluster (test/k8s/cluster.test.ts and
// the error tables); here, the values the rendering reads.

function resolve(props: Parameters<typeof resolveClusterSpec>[2] = {}, namespace: string | null = 'db') {
  const scope = new Construct(newChart(namespace), 'crdb');
  return resolveClusterSpec(scope, 'crdb', props);
}

describe('defaults', () => {
  const spec = resolve();

  test('names and sizes', () => {
    expect(spec.name).toBe('crdb');
    expect(spec.namespace).toBe('db');
    expect(spec.clusterDomain).toBe('cluster.local');
    expect(spec.advertiseDomain).toBe('cluster.local');
    expect(spec.multiRegion).toBeUndefined();
    expect(spec.replicas).toBe(3);
    expect(spec.renderedReplicas).toBe(3);
    expect(spec.security.isSecure).toBe(true);
    expect(spec.security.usesCertManager).toBe(true);
    expect(spec.version).toBe(CockroachDbVersion.LATEST);
    expect(spec.versionChange).toBeUndefined();
    expect(spec.gatedRollout).toBe(false);
    expect(spec.finalize).toBe(false);
    expect(spec.restartToken).toBeUndefined();
    expect(spec.image).toBe(`cockroachdb/cockroach:${CockroachDbVersion.LATEST.tag}`);
  });

  test('resources: 2 CPU and 8 GiB, requests equal to limits; a quarter of the memory each for cache and SQL', () => {
    expect(spec.resources.memoryLimitBytes).toBe(8 * 1024 ** 3);
    expect(spec.resources.hasCpuLimit).toBe(true);
    expect(JSON.parse(JSON.stringify(spec.resources.rendered))).toEqual({
      requests: { memory: { value: '8Gi' }, cpu: { value: '2' } },
      limits: { memory: { value: '8Gi' }, cpu: { value: '2' } },
    });
    expect(spec.cacheMebibytes).toBe(2048);
    expect(spec.maxSqlMemoryMebibytes).toBe(2048);
  });

  test('storage, grace period, reload interval, placement', () => {
    expect(spec.storage).toEqual({ bytes: 100 * 1024 ** 3, storageClassName: undefined, whenDeleted: PvcRetention.RETAIN, whenScaled: PvcRetention.RETAIN, stores: 1, walFailover: undefined, sideDisk: undefined });
    expect(spec.terminationGracePeriodSeconds).toBe(300);
    expect(spec.certificateReloadSeconds).toBe(60);
    const matchLabels = databaseSelectorLabels('crdb');
    expect(spec.placement).toEqual({
      affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels }, topologyKey: 'kubernetes.io/hostname' } }] } },
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels } }],
      nodeSelector: undefined,
      tolerations: undefined,
      priorityClassName: undefined,
    });
    expect(spec.locality).toBeUndefined();
    expect(spec.clusterName).toBeUndefined();
    expect(spec.serviceAccountAnnotations).toEqual({});
    expect(spec.gcsCredentials).toBeUndefined();
    expect(spec.sqlJob).toEqual({});
  });

  test('the chart without a namespace puts the cluster in "default"', () => {
    expect(resolve({}, null).namespace).toBe('default');
  });
});

test('a region of a multi-region cluster: its domain, nodes, locality, cluster name and issuer', () => {
  const description = DeploymentDescription.of({
    projectId: 'crdb-book-demo', gkeClusterName: 'crdb-global', bucketName: 'crdb-book-demo-global-backups', namespace: 'db',
    regions: [{ region: 'europe-west1' }, { region: 'us-east1', nodes: 5 }, { region: 'asia-southeast1' }],
  });
  const multiRegion = MultiRegion.fromDeployment(description, 'us-east1');
  const spec = resolve({ multiRegion });
  expect(spec.multiRegion).toBe(multiRegion);
  expect(spec.advertiseDomain).toBe('crdb-global-us-east1.internal');
  expect(spec.clusterDomain).toBe('cluster.local');
  expect(spec.replicas).toBe(5);
  expect(spec.locality?.nodeTiers).toEqual(Locality.STANDARD_TIERS);
  expect(spec.clusterName).toBe('crdb-global');
  expect(spec.security).toBe(multiRegion.security);
  // A locality of one's own, if it starts with the region.
  expect(resolve({ multiRegion, locality: Locality.of('region=us-east1') }).locality?.value).toBe('region=us-east1');
});

test('the selector labels: name, instance and the database component', () => {
  expect(databaseSelectorLabels('x')).toEqual({
    'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/instance': 'x', 'app.kubernetes.io/component': 'database',
  });
});

test('every prop given: each lands in the spec, normalized', () => {
  const locality = Locality.of('region=r1,zone=z1');
  const spec = resolve({
    name: 'db1',
    security: ClusterSecurity.insecure(),
    clusterDomain: 'corp.local',
    replicas: 5,
    version: CockroachDbVersion.of('v25.4.3'),
    upgrade: { from: CockroachDbVersion.of('v25.4.1') },
    restartToken: '2026-11-27T10:00',
    imageRepository: 'mirror.example.com:5000/crdb',
    resources: { memory: { limit: Size.gibibytes(16), request: Size.gibibytes(12) }, cpu: { request: Cpu.millis(1500) } },
    cache: MemoryAllocation.fraction(0.3),
    maxSqlMemory: MemoryAllocation.size(Size.gibibytes(2)),
    storage: { size: Size.gibibytes(20), storageClassName: 'premium-rwo', whenDeleted: PvcRetention.DELETE, whenScaled: PvcRetention.DELETE },
    terminationGracePeriod: Duration.minutes(10),
    certificateReloadInterval: Duration.seconds(30),
    placement: { antiAffinity: PodAntiAffinity.none(), topologySpread: TopologySpread.none(), nodeSelector: { pool: 'db' }, priorityClassName: 'high' },
    locality,
    clusterName: 'prod',
    serviceAccountAnnotations: { 'example.com/a': 'b' },
    sqlJob: { timeout: Duration.minutes(5) },
  });
  expect(spec.name).toBe('db1');
  expect(spec.security.isSecure).toBe(false);
  expect(spec.clusterDomain).toBe('corp.local');
  expect(spec.advertiseDomain).toBe('corp.local');
  expect(spec.replicas).toBe(5);
  expect(spec.renderedReplicas).toBe(5);
  expect(spec.versionChange).toBe(VersionChangeKind.PATCH);
  expect(spec.upgrade?.from.tag).toBe('v25.4.1');
  expect(spec.finalize).toBe(false);
  expect(spec.restartToken).toBe('2026-11-27T10:00');
  expect(spec.gatedRollout).toBe(true);
  expect(spec.image).toBe('mirror.example.com:5000/crdb:v25.4.3');
  expect(spec.resources.memoryLimitBytes).toBe(16 * 1024 ** 3);
  expect(spec.resources.hasCpuLimit).toBe(false);
  expect(JSON.parse(JSON.stringify(spec.resources.rendered))).toEqual({
    requests: { memory: { value: '12Gi' }, cpu: { value: '1500m' } },
    limits: { memory: { value: '16Gi' } },
  });
  expect(spec.cacheMebibytes).toBe(Math.floor(16 * 1024 * 0.3));
  expect(spec.maxSqlMemoryMebibytes).toBe(2048);
  expect(spec.storage).toEqual({ bytes: 20 * 1024 ** 3, storageClassName: 'premium-rwo', whenDeleted: PvcRetention.DELETE, whenScaled: PvcRetention.DELETE, stores: 1, walFailover: undefined, sideDisk: undefined });
  expect(spec.terminationGracePeriodSeconds).toBe(600);
  expect(spec.certificateReloadSeconds).toBe(30);
  expect(spec.placement).toEqual({
    affinity: undefined, topologySpreadConstraints: undefined, nodeSelector: { pool: 'db' }, tolerations: undefined, priorityClassName: 'high',
  });
  expect(spec.locality).toBe(locality);
  expect(spec.clusterName).toBe('prod');
  expect(spec.serviceAccountAnnotations).toEqual({ 'example.com/a': 'b' });
  expect(spec.sqlJob.timeout?.toSeconds()).toBe(300);
});

test('phase DECOMMISSION renders the current size, phase SHRINK the target size', () => {
  expect(resolve({ replicas: 3, scaleDown: { from: 5, phase: ScaleDownPhase.DECOMMISSION } }).renderedReplicas).toBe(5);
  expect(resolve({ replicas: 3, scaleDown: { from: 5, phase: ScaleDownPhase.SHRINK } }).renderedReplicas).toBe(3);
});

test('a rollout: gated by a declared upgrade (finalized or not) or a restart token alone', () => {
  const upgrade = { from: CockroachDbVersion.of('v25.4.3') };
  const v26 = CockroachDbVersion.of('v26.1.0');
  expect(resolve({ version: v26, upgrade })).toMatchObject({ gatedRollout: true, finalize: false, versionChange: VersionChangeKind.MAJOR_UPGRADE });
  expect(resolve({ version: v26, upgrade: { ...upgrade, finalize: true } })).toMatchObject({ gatedRollout: true, finalize: true });
  expect(resolve({ restartToken: 'a' })).toMatchObject({ gatedRollout: true, finalize: false, restartToken: 'a', upgrade: undefined });
  expect(resolve({}).gatedRollout).toBe(false);
});

test('required anti-affinity with a spread required across zones', () => {
  const spec = resolve({ placement: { antiAffinity: PodAntiAffinity.required(), topologySpread: TopologySpread.acrossZones({ required: true, maxSkew: 2 }) } });
  const matchLabels = databaseSelectorLabels('crdb');
  expect(spec.placement.affinity).toEqual({
    podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels }, topologyKey: 'kubernetes.io/hostname' }] },
  });
  expect(spec.placement.topologySpreadConstraints).toEqual([
    { maxSkew: 2, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels } },
  ]);
});

describe('the boundaries of the rules, as the spec resolves them', () => {
  const refused = (props: Parameters<typeof resolveClusterSpec>[2]) => configError(() => resolve(props)).message;

  test.each([
    ['a memory limit of 0', { resources: { memory: { limit: Size.kibibytes(0) } } }, '[test/crdb] resources.memory.limit: received "0Ki"; expected a positive, finite whole number of bytes'],
    ['a memory request of 0', { resources: { memory: { limit: Size.gibibytes(8), request: Size.kibibytes(0) } } }, '[test/crdb] resources.memory.request: received "0Ki"; expected a positive size no larger than the limit (8Gi)'],
    ['a CPU limit of 0', { resources: { memory: { limit: Size.gibibytes(8) }, cpu: { limit: Cpu.millis(0) } } }, '[test/crdb] resources.cpu.limit: received "0m"; expected a positive CPU amount, e.g. Cpu.units(2) or Cpu.millis(500)'],
    ['a CPU request of 0', { resources: { memory: { limit: Size.gibibytes(8) }, cpu: { request: Cpu.millis(0) } } }, '[test/crdb] resources.cpu.request: received "0m"; expected a positive CPU amount, e.g. Cpu.units(2) or Cpu.millis(500)'],
    ['a scale-down timeout of 7 days and a second', { replicas: 3, scaleDown: { from: 4, phase: ScaleDownPhase.DECOMMISSION, timeout: Duration.seconds(7 * 86400 + 1) } },
      '[test/crdb] scaleDown.timeout (seconds): received 604801; expected an integer from 300 to 604800'],
    ['a cache that is null (JavaScript)', { cache: null as never }, '[test/crdb] cache: received null; expected a MemoryAllocation, e.g. MemoryAllocation.fraction(0.25)'],
    ['a cache that is a number (JavaScript)', { cache: 0.25 as never }, '[test/crdb] cache: received 0.25; expected a MemoryAllocation, e.g. MemoryAllocation.fraction(0.25)'],
  ] as Array<[string, Parameters<typeof resolveClusterSpec>[2], string]>)('refused: %s', (_what, props, message) => {
    expect(refused(props)).toBe(message);
  });

  test('accepted at the limits: 1 MiB of cache, 1 GiB of storage, a 7-day scale-down, a one-letter cluster name, a repository with hyphenated paths', () => {
    const spec = resolve({
      cache: MemoryAllocation.size(Size.mebibytes(1)),
      storage: { size: Size.gibibytes(1) },
      replicas: 3,
      scaleDown: { from: 4, phase: ScaleDownPhase.DECOMMISSION, timeout: Duration.days(7) },
      clusterName: 'a',
      imageRepository: 'registry.example.com/team-db/cockroach-mirror',
    });
    expect(spec.cacheMebibytes).toBe(1);
    expect(spec.storage.bytes).toBe(1024 ** 3);
    expect(spec.clusterName).toBe('a');
    expect(spec.image).toBe(`registry.example.com/team-db/cockroach-mirror:${CockroachDbVersion.LATEST.tag}`);
  });

  test('a single node may require anti-affinity on a pinned host; an empty toleration list renders none', () => {
    const spec = resolve({
      replicas: 1,
      placement: { antiAffinity: PodAntiAffinity.required(), nodeSelector: { 'kubernetes.io/hostname': 'minikube' }, tolerations: [] },
    });
    expect(spec.placement.nodeSelector).toEqual({ 'kubernetes.io/hostname': 'minikube' });
    expect(spec.placement.tolerations).toBeUndefined();
  });
});
