import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  ClusterSecurity, CockroachCluster, CockroachClusterProps, CockroachConfigError, CockroachDbVersion, DeploymentDescription, GcsCredentials, Locality,
  IdentityAwareProxy, MemoryAllocation, PodAntiAffinity, PvcRetention, TopologySpread,
} from '../../lib/k8s';
import { newChart } from '../support/manifests';
import { configError } from '../support/errors';

const insecure = { security: ClusterSecurity.insecure() };
const gib = (n: number) => ({ memory: { limit: Size.gibibytes(n) } });

/** [what, props, the prop named in the error, the received value quoted in it] */
const BAD_INPUTS: Array<[string, Partial<CockroachClusterProps>, string, string]> = [
  ['replicas 0', { replicas: 0 }, 'replicas', 'received 0'],
  ['replicas 2', { replicas: 2 }, 'replicas', 'received 2'],
  ['replicas not an integer', { replicas: 3.5 }, 'replicas', 'received 3.5'],
  ['replicas negative', { replicas: -3 }, 'replicas', 'received -3'],
  ['memory rule: fractions', { cache: MemoryAllocation.fraction(0.5), maxSqlMemory: MemoryAllocation.fraction(0.25) },
    'cache, maxSqlMemory, resources.memory.limit', '2 × 2048 MiB'],
  ['memory rule: absolute sizes', { resources: gib(4), maxSqlMemory: MemoryAllocation.size(Size.gibibytes(2)) },
    'cache, maxSqlMemory, resources.memory.limit', '3276.8 MiB'],
  ['memory rule: 1 MiB over 80 %', { resources: gib(10), cache: MemoryAllocation.size(Size.mebibytes(2049)), maxSqlMemory: MemoryAllocation.fraction(0.3) },
    'cache, maxSqlMemory, resources.memory.limit', '= 8193 MiB > 8 GiB'],
  ['cache below 1 MiB', { cache: MemoryAllocation.size(Size.kibibytes(512)) }, 'cache, maxSqlMemory', 'cache (512Ki → 0 MiB)'],
  ['maxSqlMemory below 1 MiB', { maxSqlMemory: MemoryAllocation.fraction(0.0001) }, 'cache, maxSqlMemory', 'maxSqlMemory (0.01% → 0 MiB)'],
  ['no memory limit (CPU only)', { resources: { cpu: { limit: Cpu.units(2) } } }, 'resources.memory.limit', 'received undefined'],
  ['no memory limit (request only)', { resources: { memory: { request: Size.gibibytes(4) } } }, 'resources.memory.limit', 'received undefined'],
  ['memory limit malformed', { resources: { memory: { limit: Size.gibibytes(NaN) } } }, 'resources.memory.limit', 'received "NaNGi"'],
  ['memory request above limit', { resources: { memory: { request: Size.gibibytes(8), limit: Size.gibibytes(4) } } },
    'resources.memory.request', 'received "8Gi"'],
  ['CPU limit negative', { resources: { cpu: { limit: Cpu.units(-1) }, ...gib(8) } }, 'resources.cpu.limit', 'received "-1"'],
  ['CPU request negative', { resources: { cpu: { request: Cpu.millis(-100) }, ...gib(8) } }, 'resources.cpu.request', 'received "-100m"'],
  ['CPU request above limit', { resources: { cpu: { request: Cpu.units(4), limit: Cpu.units(2) }, ...gib(8) } },
    'resources.cpu.request', 'received "4"'],
  ['cache fraction negative', { cache: MemoryAllocation.fraction(-0.25) }, 'cache', 'received "-25%"'],
  ['cache fraction zero', { cache: MemoryAllocation.fraction(0) }, 'cache', 'received "0%"'],
  ['maxSqlMemory fraction above 1', { maxSqlMemory: MemoryAllocation.fraction(1.5) }, 'maxSqlMemory', 'received "150%"'],
  ['maxSqlMemory size malformed', { maxSqlMemory: MemoryAllocation.size(Size.mebibytes(Infinity)) }, 'maxSqlMemory', 'received "InfinityMi"'],
  ['cache size not whole bytes', { cache: MemoryAllocation.size(Size.kibibytes(0.0001)) }, 'cache', 'received "0.0001Ki"'],
  ['storage below 1Gi', { storage: { size: Size.mebibytes(512) } }, 'storage.size', 'received "512Mi"'],
  ['storage malformed', { storage: { size: Size.gibibytes(NaN) } }, 'storage.size', 'received "NaNGi"'],
  ['PVC retention on scale-down not in the enum', { storage: { whenScaled: 'Keep' as PvcRetention } }, 'storage.whenScaled', 'received "Keep"'],
  ['storage class not a DNS name', { storage: { storageClassName: 'Premium_RWO' } }, 'storage.storageClassName', 'received "Premium_RWO"'],
  ['PVC retention not in the enum', { storage: { whenDeleted: 'Keep' as PvcRetention } }, 'storage.whenDeleted', 'received "Keep"'],
  ['name with uppercase and underscore', { name: 'My_DB' }, 'name', 'received "My_DB"'],
  ['name of another cluster\'s client ServiceAccount', { name: 'crdb-client' }, 'name', 'received "crdb-client"; expected a name not ending in "-client"'],
  ['name of another cluster\'s public Service', { name: 'crdb-public' }, 'name', 'received "crdb-public"; expected a name not ending in "-public"'],
  ['name of another cluster\'s scale-down ServiceAccount', { name: 'crdb-scale-down' }, 'name', 'received "crdb-scale-down"'],
  ['name of another cluster\'s SQL ServiceAccount and Lease', { name: 'crdb-sql' }, 'name', 'received "crdb-sql"; expected a name not ending in "-sql"'],
  ['name ending with a hyphen', { name: 'crdb-' }, 'name', 'received "crdb-"'],
  ['name too long', { name: 'a'.repeat(41) }, 'name', `received "${'a'.repeat(41)}"`],
  ['grace period below 300 s', { terminationGracePeriod: Duration.seconds(299) }, 'terminationGracePeriod', 'received "299s"'],
  ['grace period not whole seconds', { terminationGracePeriod: Duration.millis(300500) }, 'terminationGracePeriod', 'received "300.5s"'],
  ['version "latest"', { version: CockroachDbVersion.of('latest') }, 'version', 'received "latest"'],
  ['version without v', { version: CockroachDbVersion.of('26.2.1') }, 'version', 'received "26.2.1"'],
  ['version partial', { version: CockroachDbVersion.of('v26.2') }, 'version', 'received "v26.2"'],
  ['version with shell text', { version: CockroachDbVersion.of('v26.2.1;rm -rf /') }, 'version', 'received "v26.2.1;rm -rf /"'],
  ['image repository with a tag', { imageRepository: 'cockroachdb/cockroach:latest' }, 'imageRepository', 'received "cockroachdb/cockroach:latest"'],
  // A digest is part of the version (CockroachDbVersion.of(tag).withDigest(digest)): sha256 and 64 lowercase hex digits.
  ['image digest too short', { version: CockroachDbVersion.V26_2_1.withDigest(`sha256:${'a'.repeat(63)}`) }, 'version (digest)',
    `received "sha256:${'a'.repeat(63)}"; expected an image digest: "sha256:" and 64 lowercase hex digits`],
  ['image digest too long', { version: CockroachDbVersion.V26_2_1.withDigest(`sha256:${'a'.repeat(65)}`) }, 'version (digest)', `received "sha256:${'a'.repeat(65)}"`],
  ['image digest in uppercase hex', { version: CockroachDbVersion.V26_2_1.withDigest(`sha256:${'A'.repeat(64)}`) }, 'version (digest)', `received "sha256:${'A'.repeat(64)}"`],
  ['image digest of another algorithm', { version: CockroachDbVersion.V26_2_1.withDigest(`sha512:${'a'.repeat(128)}`) }, 'version (digest)', `received "sha512:${'a'.repeat(128)}"`],
  ['image digest without algorithm', { version: CockroachDbVersion.V26_2_1.withDigest('a'.repeat(64)) }, 'version (digest)', `received "${'a'.repeat(64)}"`],
  ['image digest with the @', { version: CockroachDbVersion.V26_2_1.withDigest(`@sha256:${'a'.repeat(64)}`) }, 'version (digest)', `received "@sha256:${'a'.repeat(64)}"`],
  ['image digest with trailing text', { version: CockroachDbVersion.V26_2_1.withDigest(`sha256:${'a'.repeat(64)} `) }, 'version (digest)', `received "sha256:${'a'.repeat(64)} "`],
  ['image digest not a string', { version: CockroachDbVersion.V26_2_1.withDigest(42 as unknown as string) }, 'version (digest)', 'received 42'],
  ['image repository with a digest', { imageRepository: `cockroachdb/cockroach@sha256:${'a'.repeat(64)}` }, 'imageRepository',
    `received "cockroachdb/cockroach@sha256:${'a'.repeat(64)}"; expected an image repository without digest: pin it with version: CockroachDbVersion.of(tag).withDigest(digest)`],
  ['image repository with a tag and a digest', { imageRepository: `cockroachdb/cockroach:v26.2.1@sha256:${'a'.repeat(64)}` }, 'imageRepository', 'expected an image repository without digest'],
  ['required anti-affinity with every pod pinned to one host', {
    placement: { antiAffinity: PodAntiAffinity.required(), nodeSelector: { 'kubernetes.io/hostname': 'minikube' } },
  }, 'placement.antiAffinity, placement.nodeSelector', 'kubernetes.io/hostname="minikube"'],
  ['required zone anti-affinity with every pod pinned to one host', {
    placement: { antiAffinity: PodAntiAffinity.required('topology.kubernetes.io/zone'), nodeSelector: { 'kubernetes.io/hostname': 'n1' } },
  }, 'placement.antiAffinity, placement.nodeSelector', 'PodAntiAffinity.required("topology.kubernetes.io/zone")'],
  ['anti-affinity weight 0', { placement: { antiAffinity: PodAntiAffinity.preferred(0) } }, 'placement.antiAffinity (weight)', 'received 0'],
  ['anti-affinity weight 101', { placement: { antiAffinity: PodAntiAffinity.preferred(101) } }, 'placement.antiAffinity (weight)', 'received 101'],
  ['anti-affinity topology key malformed', { placement: { antiAffinity: PodAntiAffinity.preferred(50, 'topology zone') } },
    'placement.antiAffinity (topologyKey)', 'received "topology zone"'],
  ['required anti-affinity without a topology key', { placement: { antiAffinity: PodAntiAffinity.required('') } },
    'placement.antiAffinity (topologyKey)', 'received ""'],
  ['topology spread skew 0', { placement: { topologySpread: TopologySpread.acrossZones({ maxSkew: 0 }) } }, 'placement.topologySpread (maxSkew)', 'received 0'],
  ['node selector key malformed', { placement: { nodeSelector: { 'bad key': 'x' } } }, 'placement.nodeSelector', 'received "bad key"'],
  ['node selector value malformed', { placement: { nodeSelector: { pool: 'a b' } } }, 'placement.nodeSelector["pool"]', 'received "a b"'],
  ['priority class malformed', { placement: { priorityClassName: 'Critical!' } }, 'placement.priorityClassName', 'received "Critical!"'],
  ['locality not key=value', { locality: Locality.of('europe-west1') }, 'locality', 'received "europe-west1"'],
  ['cluster name with a space', { clusterName: 'my cluster' }, 'clusterName', 'received "my cluster"'],
  ['cluster domain with uppercase', { clusterDomain: 'Cluster.Local' }, 'clusterDomain', 'received "Cluster.Local"'],
  ['service account annotation key malformed', { serviceAccountAnnotations: { 'iam gke': 'x' } }, 'serviceAccountAnnotations', 'received "iam gke"'],
  ['init timeout under a minute', { init: { timeout: Duration.seconds(10) } }, 'init.timeout (seconds)', 'received 10'],
  // The description's Workload Identity binding names cockroachdb/crdb; this cluster is db/crdb (backups would get 403).
  ['gcsCredentials from the description of a cluster in another namespace', {
    gcsCredentials: GcsCredentials.fromDeployment(DeploymentDescription.of({ projectId: 'acme-prod-db', region: 'europe-west1', bucketName: 'acme-backups' })),
  }, 'gcsCredentials, name, namespace (of the chart)', 'received GcsCredentials.fromDeployment() of a description for cluster "crdb" in namespace "cockroachdb", on cluster "crdb" in namespace "db"; expected the same two'],
  // The GKE stack sized the nodes for the description's databasePod: a larger pod would stay Pending.
  ['a database pod larger than the description\'s databasePod', {
    gcsCredentials: GcsCredentials.fromDeployment(DeploymentDescription.of({
      projectId: 'acme-prod-db', region: 'europe-west1', bucketName: 'acme-backups', namespace: 'db', databasePod: { cpuCores: 1.5, memoryGib: 8 },
    })),
  }, 'resources, description.databasePod', 'received a database pod requesting 2 CPU and 8 GiB (all its containers); expected at most the description\'s databasePod, 1.5 CPU and 8 GiB: '
    + 'the Google Cloud half sizes the node pool\'s machine type for that pod, so a larger one would stay Pending. Lower resources, or raise databasePod'],
  // CockroachDB would refuse it only as the first new pod starts.
  ['restartToken empty', { restartToken: '' }, 'restartToken', 'received ""'],
  ['restartToken with a space', { restartToken: 'after ca swap' }, 'restartToken', 'received "after ca swap"'],
  ['restartToken of 64 characters', { restartToken: 'a'.repeat(64) }, 'restartToken', `received "${'a'.repeat(64)}"`],
  ['restartToken starting with a dash', { restartToken: '-1' }, 'restartToken', 'received "-1"'],
  ['restartToken a number (JavaScript)', { restartToken: 20261127 as never }, 'restartToken', 'received 20261127'],
  ['finalize on a patch release', { version: CockroachDbVersion.of('v25.4.5'), upgrade: { from: CockroachDbVersion.of('v25.4.3'), finalize: true } },
    'upgrade.finalize', 'received true; expected false: a patch release has nothing to finalize (only a major upgrade does)'],
  ['finalize on a rollback', { version: CockroachDbVersion.of('v25.4.3'), upgrade: { from: CockroachDbVersion.of('v26.1.0'), finalize: true } },
    'upgrade.finalize', 'received true; expected false: a rollback has nothing to finalize (only a major upgrade does)'],
  ['finalize not a boolean (JavaScript)', { version: CockroachDbVersion.of('v26.1.0'), upgrade: { from: CockroachDbVersion.of('v25.4.3'), finalize: 'yes' as never } },
    'upgrade.finalize', 'received "yes"; expected true or false'],
  ['a scale-down during an upgrade', { replicas: 3, scaleDown: { from: 4, phase: 'decommission' as never }, version: CockroachDbVersion.of('v26.1.0'), upgrade: { from: CockroachDbVersion.of('v25.4.3') } },
    'scaleDown, upgrade, restartToken', 'received a scale-down together with a rollout (upgrade or restartToken); expected one day-2 operation at a time'],
  ['a scale-down during a restart', { replicas: 3, scaleDown: { from: 4, phase: 'shrink' as never }, restartToken: 'r1' },
    'scaleDown, upgrade, restartToken', 'received a scale-down together with a rollout'],
  ['a declared upgrade that skips a Regular release', { version: CockroachDbVersion.of('v26.2.1'), upgrade: { from: CockroachDbVersion.of('v25.2.1') } },
    'upgrade.from, version', 'received "v25.2.1 → v26.2.1"; expected a patch release of 25.2; an upgrade to 25.3 or 25.4'],
  // A valid DNS-1123 label, but Service names are DNS-1035 labels.
  ['name starting with a digit', { name: '1crdb' }, 'name', 'received "1crdb"; expected a name that starts with a letter: Service names are DNS-1035 labels'],
  // JavaScript callers (or `as any`) passing strings where the library's types belong.
  ...([
    ['cache', { cache: '25%' }, '"25%"', 'a MemoryAllocation, e.g. MemoryAllocation.fraction(0.25)'],
    ['maxSqlMemory', { maxSqlMemory: 0.25 }, '0.25', 'a MemoryAllocation, e.g. MemoryAllocation.fraction(0.25)'],
    ['storage.size', { storage: { size: '5Gb' } }, '"5Gb"', 'a Size, e.g. Size.gibibytes(100)'],
    ['version', { version: 'v25.4.3' }, '"v25.4.3"', 'a CockroachDbVersion, e.g. CockroachDbVersion.of(\'v25.4.3\')'],
    ['resources.memory.limit', { resources: { memory: { limit: '8Gi' } } }, '"8Gi"', 'a Size, e.g. Size.gibibytes(8)'],
    ['resources.memory.request', { resources: { memory: { limit: Size.gibibytes(8), request: 4 } } }, '4', 'a Size, e.g. Size.gibibytes(8)'],
    ['resources.cpu.limit', { resources: { cpu: { limit: 2 }, memory: { limit: Size.gibibytes(8) } } }, '2', 'a Cpu, e.g. Cpu.units(2)'],
    ['resources.cpu.request', { resources: { cpu: { request: '500m' }, memory: { limit: Size.gibibytes(8) } } }, '"500m"', 'a Cpu, e.g. Cpu.units(2)'],
    ['terminationGracePeriod', { terminationGracePeriod: 300 }, '300', 'a Duration, e.g. Duration.seconds(300)'],
    ['certificateReloadInterval', { certificateReloadInterval: '1m' }, '"1m"', 'a Duration, e.g. Duration.minutes(1)'],
    ['security', { security: 'insecure' }, '"insecure"', 'a ClusterSecurity, e.g. ClusterSecurity.certManager()'],
    ['locality', { locality: 'region=europe-west1' }, '"region=europe-west1"', 'a Locality, e.g. Locality.fromNode()'],
    ['gcsCredentials', { gcsCredentials: { secretName: 'gcs-key' } }, '{"secretName":"gcs-key"}', 'GcsCredentials, e.g. GcsCredentials.fromDeployment(description) or GcsCredentials.keyFromSecret(\'gcs-key\')'],
    ['placement.antiAffinity', { placement: { antiAffinity: 'required' } }, '"required"', 'a PodAntiAffinity, e.g. PodAntiAffinity.preferred()'],
    ['placement.topologySpread', { placement: { topologySpread: null } }, 'null', 'a TopologySpread, e.g. TopologySpread.acrossZones()'],
    ['sqlJob.timeout', { sqlJob: { timeout: 1800 } }, '1800', 'a Duration, e.g. Duration.minutes(30)'],
    ['sqlJob.ttlAfterFinished', { sqlJob: { ttlAfterFinished: '1h' } }, '"1h"', 'a Duration, e.g. Duration.hours(1)'],
    ['init.timeout', { init: { timeout: 600 } }, '600', 'a Duration, e.g. Duration.minutes(10)'],
    ['init.ttlAfterFinished', { init: { ttlAfterFinished: 'PT1H' } }, '"PT1H"', 'a Duration, e.g. Duration.hours(1)'],
  ] as const).map(([prop, props, shown, expected]): [string, Partial<CockroachClusterProps>, string, string] =>
    [`${prop} of the wrong type (JavaScript)`, props as unknown as Partial<CockroachClusterProps>, prop, `received ${shown}; expected ${expected}`]),
];

describe('errors are thrown', () => {
  test.each(BAD_INPUTS)('%s', (_what, props, prop, received) => {
    const chart = newChart();
    const error = configError(() => new CockroachCluster(chart, 'crdb', { ...insecure, ...props }));
    const err = error as CockroachConfigError;
    expect(err.prop).toBe(prop);
    expect(err.constructPath).toMatch(/^test\/crdb/);
    expect(err.message).toContain(`${prop}:`);
    expect(err.message).toContain(received);
    // …and says what is allowed or how to fix it.
    expect(err.message).toMatch(/expected|must|choose|required|Use |Lower /);
  });

  test('a chart namespace that is not a DNS-1123 label', () => {
    const chart = newChart('Prod_DB');
    expect(() => new CockroachCluster(chart, 'crdb', insecure)).toThrow(/namespace \(of the chart\): received "Prod_DB"/);
  });

  test('the memory message names the sizes, the limit and the fix', () => {
    const chart = newChart();
    expect(() => new CockroachCluster(chart, 'crdb', { ...insecure, resources: gib(1), cache: MemoryAllocation.fraction(0.4) }))
      .toThrow('(2 × maxSqlMemory) + cache must not exceed 80% of the memory limit: 2 × 256 MiB (maxSqlMemory 25%) + 409 MiB (cache 40%) = 921 MiB > 819.2 MiB (80% of resources.memory.limit 1 GiB). Lower cache or maxSqlMemory (e.g. 0.25 each), or raise resources.memory.limit');
  });
});

/** [what, a call on a valid cluster, the prop named in the error, the received value quoted in it] */
const BAD_CALLS: Array<[string, (c: CockroachCluster) => unknown, string, string]> = [
  ['podDnsName of a negative ordinal', (c) => c.podDnsName(-1), 'podDnsName(ordinal)', 'received -1'],
  ['podDnsName of a fractional ordinal', (c) => c.podDnsName(0.5), 'podDnsName(ordinal)', 'received 0.5'],
];

describe('errors of method calls are thrown', () => {
  test.each(BAD_CALLS)('%s', (_what, call, prop, received) => {
    const cluster = new CockroachCluster(newChart(), 'crdb', insecure);
    const error = configError(() => call(cluster));
    const err = error as CockroachConfigError;
    expect(err.prop).toBe(prop);
    expect(err.constructPath).toBe('test/crdb');
    expect(err.message).toContain(`${prop}: ${received}; expected`);
  });
});

describe('two clusters of one app may not share their objects\' names', () => {
  test.each([
    ['in one chart', (app: App) => { const c = new Chart(app, 'a', { namespace: 'db' }); return [c, c]; }, 'a/crdb', 'a/other'],
    ['in two charts of one namespace', (app: App) => [new Chart(app, 'a', { namespace: 'db' }), new Chart(app, 'b', { namespace: 'db' })], 'a/crdb', 'b/other'],
  ])('the same name %s', (_what, charts, first, second) => {
    const app = new App({ outdir: path.join(os.tmpdir(), 'unused') });
    const [a, b] = charts(app);
    new CockroachCluster(a, 'crdb', insecure);
    const error = configError(() => new CockroachCluster(b, 'other', { ...insecure, name: 'crdb' }));
    expect(error.constructPath).toBe(second);
    expect(error.message).toBe(`[${second}] name: received "crdb"; expected a name no other cluster of this app uses: the cluster at ${first} has the same name in namespace "db", and the two would overwrite each other's objects`);
  });

  test('cluster-scoped names: namespace a-b and cluster c against namespace a and cluster b-c', () => {
    const app = new App({ outdir: path.join(os.tmpdir(), 'unused') });
    new CockroachCluster(new Chart(app, 'x', { namespace: 'a-b' }), 'c', insecure);
    expect(() => new CockroachCluster(new Chart(app, 'y', { namespace: 'a' }), 'b-c', insecure))
      .toThrow('[y/b-c] name: received "b-c"; expected a name no other cluster of this app uses: the cluster at x/c has the same cluster-scoped object names (a-b-c-…), and the two would overwrite each other\'s objects');
  });

  test('the DB Console\'s Service, with IAP: a cluster named crdb-console beside cluster crdb, either order', () => {
    const dbConsoleIngress = { host: 'crdb.example.com', tlsSecretName: 'tls', identityAwareProxy: IdentityAwareProxy.of() };
    const chartIn = (id: string) => new Chart(new App({ outdir: path.join(os.tmpdir(), 'unused') }), id, { namespace: 'db' });
    const first = chartIn('x');
    new CockroachCluster(first, 'crdb', { ...insecure, dbConsoleIngress });
    expect(() => new CockroachCluster(first, 'crdb-console', insecure))
      .toThrow('[x/crdb-console] name: received "crdb-console"; expected a name no other cluster of this app uses: the cluster at x/crdb has a Service named "crdb-console" in namespace "db", and the two would overwrite each other\'s objects');
    const second = chartIn('y');
    new CockroachCluster(second, 'crdb-console', insecure);
    expect(() => new CockroachCluster(second, 'crdb', { ...insecure, dbConsoleIngress })).toThrow('the cluster at y/crdb-console has a Service named "crdb-console" in namespace "db"');
    // Without IAP there is no such Service.
    const without = chartIn('z');
    new CockroachCluster(without, 'crdb', insecure);
    expect(() => new CockroachCluster(without, 'crdb-console', insecure)).not.toThrow();
  });

  test('accepted: the same name in two namespaces, or in two apps', () => {
    const app = new App({ outdir: path.join(os.tmpdir(), 'unused') });
    new CockroachCluster(new Chart(app, 'a', { namespace: 'db' }), 'crdb', insecure);
    expect(() => new CockroachCluster(new Chart(app, 'b', { namespace: 'shop' }), 'crdb', insecure)).not.toThrow();
    expect(() => new CockroachCluster(newChart('db'), 'crdb', insecure)).not.toThrow();
  });
});

describe('nothing reaches the output folder when the input is bad', () => {
  const parents: string[] = [];
  const outdir = () => {
    parents.push(fs.mkdtempSync(path.join(os.tmpdir(), 'crdb-bad-')));
    return path.join(parents[parents.length - 1], 'out');
  };
  afterAll(() => {
    for (const dir of parents) fs.rmSync(dir, { recursive: true, force: true });
  });
  const synthToDisk = (dir: string, props: Partial<CockroachClusterProps>) => {
    const app = new App({ outdir: dir });
    new CockroachCluster(new Chart(app, 'c', { namespace: 'db' }), 'crdb', { ...insecure, ...props });
    app.synth();
  };

  test('control: valid input writes the folder', () => {
    const dir = outdir();
    synthToDisk(dir, {});
    expect(fs.readdirSync(dir)).toEqual(['c.k8s.yaml']);
    expect(fs.readFileSync(path.join(dir, 'c.k8s.yaml'), 'utf8')).toContain('kind: StatefulSet');
  });

  test.each(BAD_INPUTS)('%s', (_what, props, prop) => {
    const dir = outdir();
    expect(() => synthToDisk(dir, props)).toThrow(expect.objectContaining({ name: 'CockroachConfigError', prop }));
    expect(fs.existsSync(dir)).toBe(false);
  });
});
