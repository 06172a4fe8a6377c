import { Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu, NodeTaintQuery, TaintEffect } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  BuiltinWorkload, ClusterSecurity, CockroachCluster, CockroachClusterProps, CockroachDbVersion, Locality, MemoryAllocation,
  PodAntiAffinity, PvcRetention, TopologySpread,
} from '../../lib/k8s';
import { Manifest, namespaced, newChart, only, podSpecs, synth, validateAgainstSchemas } from '../support/manifests';

const insecure = { security: ClusterSecurity.insecure() };
/** Both Services: SQL and the DB Console, to the container ports of the same names. */
const SERVICE_PORTS = [
  { name: 'sql', port: 26257, targetPort: 'sql', protocol: 'TCP' },
  { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' },
];

function build(props: Partial<CockroachClusterProps> = {}, namespace: string | null = 'db') {
  const chart = newChart(namespace);
  const cluster = new CockroachCluster(chart, 'crdb', { ...insecure, ...props });
  const objects = synth(chart);
  return { chart, cluster, objects, sts: only(objects, 'StatefulSet'), container: only(objects, 'StatefulSet').spec.template.spec.containers[0] };
}

describe('defaults', () => {
  const { cluster, objects, sts, container } = build();

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('every object passes the Kubernetes schema', () => {
    expect(() => validateAgainstSchemas(objects)).not.toThrow();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/crdb', 'ServiceAccount/crdb-client', 'Service/crdb', 'Service/crdb-public', 'PodDisruptionBudget/crdb-budget',
      'Role/crdb-scale-down', 'StatefulSet/crdb', expect.stringMatching(/^Job\/crdb-init-[0-9a-f]{10}$/),
      'ValidatingAdmissionPolicy/db-crdb-replica-guard', 'ValidatingAdmissionPolicyBinding/db-crdb-replica-guard',
      'ValidatingAdmissionPolicy/db-crdb-version-guard', 'ValidatingAdmissionPolicyBinding/db-crdb-version-guard',
    ]);
    for (const o of namespaced(objects)) expect(o.metadata.namespace).toBe('db');
  });

  test('StatefulSet: replicas, pod management, update strategy, retention, grace period', () => {
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.serviceName).toBe('crdb');
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(sts.spec.template.spec.terminationGracePeriodSeconds).toBe(300);
    expect(sts.spec.selector.matchLabels).toEqual(cluster.selectorLabels);
  });

  test('start command: join, advertise host, ports, memory, logs, insecure only because asked', () => {
    expect(container.command).toEqual(['/cockroach/cockroach']);
    expect(container.args).toEqual([
      'start',
      '--join=crdb-0.crdb.db.svc.cluster.local:26257,crdb-1.crdb.db.svc.cluster.local:26257,crdb-2.crdb.db.svc.cluster.local:26257',
      '--advertise-host=$(POD_NAME).crdb.db.svc.cluster.local',
      '--insecure',
      '--http-port=8080',
      '--port=26257',
      '--store=path=/cockroach/cockroach-data',
      '--cache=2048MiB',
      '--max-sql-memory=2048MiB',
      '--logtostderr=INFO',
    ]);
    // $(POD_NAME) is expanded by Kubernetes from this env var.
    expect(container.env).toContainEqual({ name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } });
    expect(container.env).toContainEqual({ name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1' } } });
    expect(container.env).toContainEqual({ name: 'GODEBUG', value: 'disablethp=1' });
  });

  test('resources: requests equal limits (Guaranteed QoS)', () => {
    expect(container.resources).toEqual({ requests: { cpu: '2', memory: '8Gi' }, limits: { cpu: '2', memory: '8Gi' } });
    expect(cluster.memoryLimitBytes).toBe(8 * 1024 ** 3);
    expect(cluster.cacheMebibytes).toBe(2048);
    expect(cluster.maxSqlMemoryMebibytes).toBe(2048);
  });

  test('probes: startup, liveness /health, readiness /health?ready=1 on the http port', () => {
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health?ready=1', port: 'http', scheme: 'HTTP' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http', scheme: 'HTTP' });
    expect(container.startupProbe.httpGet).toEqual({ path: '/health', port: 'http', scheme: 'HTTP' });
    // The startup probe gives a node 5 minutes (10 s × 30) to come up before liveness may kill it.
    expect(container.startupProbe).toEqual({
      httpGet: { path: '/health', port: 'http', scheme: 'HTTP' }, periodSeconds: 10, failureThreshold: 30, timeoutSeconds: 5,
    });
    // A node that stops answering is restarted after 30 s (10 s × 3).
    expect(container.livenessProbe).toEqual({
      httpGet: { path: '/health', port: 'http', scheme: 'HTTP' }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 5,
    });
    // A node that is not ready leaves the Services after 10 s (5 s × 2).
    expect(container.readinessProbe).toEqual({
      httpGet: { path: '/health?ready=1', port: 'http', scheme: 'HTTP' }, periodSeconds: 5, failureThreshold: 2, timeoutSeconds: 5,
    });
  });

  test('PVC template: datadir, ReadWriteOnce, 100Gi, default StorageClass, stable labels only', () => {
    // With the fields the API server adds (apiVersion, kind, status): see test/k8s/private/apply-stable.test.ts.
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'datadir', labels: cluster.selectorLabels },
      spec: { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', resources: { requests: { storage: '100Gi' } } },
      status: { phase: 'Pending' },
    }]);
    expect(container.volumeMounts).toEqual([{ name: 'datadir', mountPath: '/cockroach/cockroach-data' }]);
  });

  test('discovery Service: headless, publishes not-ready pods, Prometheus annotations', () => {
    const svc = only(objects, 'Service', 'crdb');
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.publishNotReadyAddresses).toBe(true);
    expect(svc.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true', 'prometheus.io/path': '_status/vars', 'prometheus.io/port': '8080', 'prometheus.io/scheme': 'http',
    });
    expect(svc.spec.selector).toEqual(cluster.selectorLabels);
    expect(svc.spec.ports).toEqual(SERVICE_PORTS);
  });

  test('public Service: ClusterIP with SQL 26257 and DB Console 8080', () => {
    const svc = only(objects, 'Service', 'crdb-public');
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports).toEqual(SERVICE_PORTS);
    expect(svc.spec.selector).toEqual(cluster.selectorLabels);
  });

  test('the Services\' named target ports exist on the database container', () => {
    expect(container.ports).toEqual([
      { name: 'sql', containerPort: 26257, protocol: 'TCP' },
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
    ]);
  });

  test('PodDisruptionBudget: maxUnavailable 1 on the pods', () => {
    const pdb = only(objects, 'PodDisruptionBudget');
    expect(pdb.metadata.name).toBe('crdb-budget');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: cluster.selectorLabels } });
  });

  test('ServiceAccounts: tokens not mounted; the database pods use the cluster\'s, the Jobs the client one', () => {
    expect(only(objects, 'ServiceAccount', 'crdb').automountServiceAccountToken).toBe(false);
    expect(only(objects, 'ServiceAccount', 'crdb-client').automountServiceAccountToken).toBe(false);
    const specs = podSpecs(objects);
    expect(specs.map((p) => p.owner.replace(/-[0-9a-f]{10}$/, ''))).toEqual(['StatefulSet/crdb', 'Job/crdb-init']);
    for (const { owner, spec } of specs) {
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(spec.serviceAccountName).toBe(owner.startsWith('StatefulSet/') ? 'crdb' : 'crdb-client');
    }
  });

  test('placement: preferred anti-affinity per host, best-effort zone spread', () => {
    const pod = sts.spec.template.spec;
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([{
      weight: 100,
      podAffinityTerm: { labelSelector: { matchLabels: cluster.selectorLabels }, topologyKey: 'kubernetes.io/hostname' },
    }]);
    expect(pod.topologySpreadConstraints).toEqual([{
      maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: cluster.selectorLabels },
    }]);
    expect(pod.nodeSelector).toBeUndefined();
    expect(pod.tolerations).toBeUndefined();
  });

  test('image pinned to the latest tested release', () => {
    expect(container.image).toBe('cockroachdb/cockroach:v26.2.1');
    expect(container.image).toBe(`cockroachdb/cockroach:${CockroachDbVersion.LATEST.tag}`);
    expect(container.imagePullPolicy).toBe('IfNotPresent');
  });

  test('attributes: per-pod DNS names, public host, ports', () => {
    expect(cluster.podDnsNames).toEqual([
      'crdb-0.crdb.db.svc.cluster.local', 'crdb-1.crdb.db.svc.cluster.local', 'crdb-2.crdb.db.svc.cluster.local',
    ]);
    expect(cluster.publicHost).toBe('crdb-public.db.svc.cluster.local');
    expect(cluster.sqlPort).toBe(26257);
    expect(cluster.httpPort).toBe(8080);
    expect(cluster.serviceAccountName).toBe('crdb');
    expect(cluster.statefulSet.name).toBe('crdb');
    expect(cluster.publicService.name).toBe('crdb-public');
    expect(cluster.discoveryService.name).toBe('crdb');
    expect(cluster.podDisruptionBudget.name).toBe('crdb-budget');
  });
});

describe('restricted Pod Security Standard on every pod, Jobs included', () => {
  const { objects } = build();
  const specs = podSpecs(objects);

  test('there are pods from the StatefulSet and the init Job', () => {
    expect(specs.map((s) => s.owner.split('/')[0]).sort()).toEqual(['Job', 'StatefulSet']);
  });

  test.each(specs.map((s) => [s.owner, s.spec]))('%s', (_owner, spec: any) => {
    // OnRootMismatch: no recursive chown of the whole data volume at every start.
    expect(spec.securityContext).toEqual({
      runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, fsGroupChangePolicy: 'OnRootMismatch', runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const containers = [...(spec.initContainers ?? []), ...spec.containers];
    expect(containers.length).toBeGreaterThan(0);
    for (const c of containers) {
      expect(c.securityContext).toEqual(expect.objectContaining({
        runAsNonRoot: true, allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
      }));
    }
    // restricted forbids host namespaces and hostPath volumes
    expect(spec.hostNetwork ?? false).toBe(false);
    expect(spec.hostPID ?? false).toBe(false);
    expect((spec.volumes ?? []).filter((v: any) => v.hostPath)).toEqual([]);
  });
});

describe('props', () => {
  test('resources: fractions become absolute sizes from the limit', () => {
    const { container } = build({
      resources: { cpu: { limit: Cpu.millis(1500) }, memory: { limit: Size.gibibytes(4) } },
      cache: MemoryAllocation.fraction(0.3),
      maxSqlMemory: MemoryAllocation.size(Size.mebibytes(1000)),
    });
    expect(container.args).toContain('--cache=1228MiB');
    expect(container.args).toContain('--max-sql-memory=1000MiB');
    expect(container.resources).toEqual({ requests: { cpu: '1500m', memory: '4Gi' }, limits: { cpu: '1500m', memory: '4Gi' } });
  });

  test('resources: requests may be lower than limits; no CPU limit means no GOMAXPROCS', () => {
    const { container } = build({
      resources: { cpu: { request: Cpu.units(1) }, memory: { request: Size.gibibytes(2), limit: Size.gibibytes(4) } },
    });
    expect(container.resources).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '4Gi' } });
    expect(container.env.map((e: any) => e.name)).not.toContain('GOMAXPROCS');
  });

  test('memory rule holds at exactly 80 % of the limit', () => {
    // 2 × 3072 MiB + 2048 MiB = 8192 MiB = 80 % of 10 GiB; 1 MiB more is refused (see errors.test.ts).
    const { container } = build({
      resources: { memory: { limit: Size.gibibytes(10) } },
      cache: MemoryAllocation.fraction(0.2),
      maxSqlMemory: MemoryAllocation.fraction(0.3),
    });
    expect(container.args).toContain('--cache=2048MiB');
    expect(container.args).toContain('--max-sql-memory=3072MiB');
    expect(container.resources.limits.memory).toBe('10Gi');
  });

  test('more replicas keep the same three join seeds and the same pod template', () => {
    const three = build({ replicas: 3 });
    const five = build({ replicas: 5 });
    expect(five.sts.spec.replicas).toBe(5);
    expect(five.container.args).toEqual(three.container.args);
    // Only `replicas` differs: scaling out never rolls existing pods.
    expect(five.sts.spec.template).toEqual(three.sts.spec.template);
    expect(five.cluster.podDnsNames).toHaveLength(5);
    expect(five.cluster.joinAddresses).toEqual(three.cluster.joinAddresses);
  });

  test('single-node development cluster: one pod, the same pod template, initialized by the init Job', () => {
    const one = build({ replicas: 1 });
    const three = build();
    expect(one.sts.spec.replicas).toBe(1);
    expect(one.cluster.podDnsNames).toEqual(['crdb-0.crdb.db.svc.cluster.local']);
    // Only the count differs: `cockroach start` (never start-single-node) with the same join seeds, so
    // growing to 3 replicas later adds pods without rolling the first one.
    expect({ ...one.sts.spec, replicas: 3 }).toEqual(three.sts.spec);
    expect(one.container.args[0]).toBe('start');
    expect(one.container.args[1]).toBe(`--join=${three.cluster.joinAddresses.join(',')}`);
    // The one node still needs `cockroach init`, sent to it.
    const init = only(one.objects, 'Job').spec.template.spec.containers[0].command[2];
    expect(init).toContain('init --insecure --host=crdb-0.crdb.db.svc.cluster.local:26257');
    expect(only(one.objects, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
  });

  test('storage size, class and retention', () => {
    const { sts } = build({
      storage: { size: Size.gibibytes(20), storageClassName: 'premium-rwo', whenScaled: PvcRetention.DELETE },
    });
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('20Gi');
    expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('premium-rwo');
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Delete' });
  });

  test('grace period above 300 s', () => {
    const { sts } = build({ terminationGracePeriod: Duration.minutes(10) });
    expect(sts.spec.template.spec.terminationGracePeriodSeconds).toBe(600);
  });

  test('locality and cluster name flags', () => {
    const { container } = build({ locality: Locality.of('region=europe-west1,zone=europe-west1-b'), clusterName: 'prod-eu' });
    expect(container.args).toContain('--locality=region=europe-west1,zone=europe-west1-b');
    expect(container.args).toContain('--cluster-name=prod-eu');
    expect(container.args.indexOf('--cluster-name=prod-eu')).toBe(2);
  });

  test('cluster domain', () => {
    const { cluster, container } = build({ clusterDomain: 'k8s.example' });
    expect(cluster.publicHost).toBe('crdb-public.db.svc.k8s.example');
    expect(container.args).toContain('--advertise-host=$(POD_NAME).crdb.db.svc.k8s.example');
  });

  test('version escape valve and image repository mirror', () => {
    const { container } = build({ version: CockroachDbVersion.of('v25.4.3'), imageRepository: 'registry.example.com:5000/mirror/cockroach' });
    expect(container.image).toBe('registry.example.com:5000/mirror/cockroach:v25.4.3');
  });

  test('a digest pins every container and Job that runs the image: the StatefulSet, its sidecar and init container, the Jobs, the SQL client pod', () => {
    const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
    const { chart, cluster, objects } = build({
      version: CockroachDbVersion.of('v25.4.3').withDigest(digest), imageRepository: 'registry.example.com:5000/mirror/cockroach',
      security: ClusterSecurity.certManager(), locality: Locality.fromNode(),
    });
    cluster.addDatabase('shop');
    cluster.addSqlClient();
    cluster.addWorkload(BuiltinWorkload.bank());
    const all = synth(chart);
    const image = `registry.example.com:5000/mirror/cockroach@${digest}`;
    expect(cluster.image).toBe(image);
    const specs = all.filter((o) => o.kind === 'Pod' || o.spec?.template?.spec).map((o) => (o.kind === 'Pod' ? o.spec : o.spec.template.spec));
    const containers = specs.flatMap((p: any) => [...(p.initContainers ?? []), ...p.containers]);
    // cockroach, cert-reloader, locality; the init, SQL and workload Jobs; the SQL client.
    expect(containers.map((c: any) => c.name).sort()).toEqual(['cert-reloader', 'cockroach', 'cockroachdb', 'locality', 'run', 'run', 'run']);
    for (const c of containers) {
      expect(c.image).toBe(image);
      expect(c.imagePullPolicy).toBe('IfNotPresent');
    }
    // The version label is the release, not the digest (a label value cannot hold one).
    expect(only(objects, 'StatefulSet').spec.template.metadata.labels['app.kubernetes.io/version']).toBe('v25.4.3');
  });

  test('ServiceAccount annotations (Workload Identity)', () => {
    const { objects } = build({ serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': 'crdb@p.iam.gserviceaccount.com' } });
    expect(only(objects, 'ServiceAccount', 'crdb').metadata.annotations).toEqual({ 'iam.gke.io/gcp-service-account': 'crdb@p.iam.gserviceaccount.com' });
  });

  test('required anti-affinity, required zone spread, node selector, tolerations, priority class', () => {
    const { sts, cluster, objects } = build({
      placement: {
        antiAffinity: PodAntiAffinity.required(),
        topologySpread: TopologySpread.acrossZones({ maxSkew: 2, required: true }),
        nodeSelector: { 'cloud.google.com/gke-nodepool': 'crdb' },
        tolerations: [NodeTaintQuery.is('dedicated', 'cockroachdb', { effect: TaintEffect.NO_SCHEDULE })],
        priorityClassName: 'database-critical',
      },
    });
    const pod = sts.spec.template.spec;
    expect(pod.affinity.podAntiAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: cluster.selectorLabels }, topologyKey: 'kubernetes.io/hostname' }],
    });
    expect(pod.topologySpreadConstraints[0]).toEqual(expect.objectContaining({ maxSkew: 2, whenUnsatisfiable: 'DoNotSchedule' }));
    expect(pod.nodeSelector).toEqual({ 'cloud.google.com/gke-nodepool': 'crdb' });
    expect(pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'cockroachdb', effect: 'NoSchedule' }]);
    expect(pod.priorityClassName).toBe('database-critical');
    validateAgainstSchemas(objects);
  });

  test('no anti-affinity and no spread render nothing', () => {
    const { sts } = build({ placement: { antiAffinity: PodAntiAffinity.none(), topologySpread: TopologySpread.none() } });
    expect(sts.spec.template.spec.affinity).toBeUndefined();
    expect(sts.spec.template.spec.topologySpreadConstraints).toBeUndefined();
  });

  test('init Job can be turned off', () => {
    const { objects, cluster } = build({ init: { enabled: false } });
    expect(objects.filter((o) => o.kind === 'Job')).toEqual([]);
    expect(cluster.initJob).toBeUndefined();
  });
});

describe('names', () => {
  test('come from the construct id and the chart namespace, never from the construct path', () => {
    const flat = build().objects;
    const chart = newChart();
    const nested = new Construct(new Construct(chart, 'Platform'), 'Databases');
    new CockroachCluster(nested, 'crdb', insecure);
    const deep = synth(chart);
    expect(deep.map((o) => o.metadata.name)).toEqual(flat.map((o) => o.metadata.name));
    expect(deep).toEqual(flat);
  });

  test('explicit name overrides the id', () => {
    const chart = newChart();
    const cluster = new CockroachCluster(chart, 'Database', { ...insecure, name: 'orders' });
    const objects = synth(chart);
    expect(only(objects, 'StatefulSet').metadata.name).toBe('orders');
    expect(only(objects, 'Service', 'orders-public').spec.selector['app.kubernetes.io/instance']).toBe('orders');
    for (const o of objects) expect(o.metadata.name).toMatch(/^(db-)?orders(-|$)/);
    expect(objects.some((o) => o.metadata.name.toLowerCase().includes('database'))).toBe(false);
    expect(cluster.podDnsName(0)).toBe('orders-0.orders.db.svc.cluster.local');
  });

  test('a chart without a namespace places everything in "default", explicitly', () => {
    const { objects, cluster } = build({}, null);
    expect(cluster.namespace).toBe('default');
    for (const o of namespaced(objects)) expect(o.metadata.namespace).toBe('default');
    expect(cluster.publicHost).toBe('crdb-public.default.svc.cluster.local');
  });

  test('two clusters in one chart do not collide', () => {
    const chart = newChart();
    new CockroachCluster(chart, 'a', insecure);
    new CockroachCluster(chart, 'b', insecure);
    const names = synth(chart).map((o: Manifest) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('determinism', () => {
  test('two synths of the same input are identical', () => {
    const render = () => {
      const app = Testing.app();
      const chart = new Chart(app, 'c', { namespace: 'db' });
      new CockroachCluster(chart, 'crdb', insecure);
      return app.synthYaml();
    };
    expect(render()).toBe(render());
  });
});
