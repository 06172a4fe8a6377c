/**
 * Taking over a cluster that the official Helm chart installed (`adoptHelmRelease`), against the chart
 * itself: helm (built from the Go module proxy, test/helm/build.sh) renders chart 22.0.3 with the book's
 * values and with TLS; the identity of what it renders (names, selectors, service name, claim template,
 * port names, Secret names and keys) must equal what the adoption renders, field by field. Then the
 * README's runbook runs on the real control plane: the chart's objects created as `helm install` creates
 * them, Helm made to forget the release, the StatefulSet deleted with its pods and volumes orphaned, and
 * ours applied: the StatefulSet controller adopts the pods, and the volumes are the same objects.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  ClusterSecurity, CockroachCluster, CockroachClusterProps, CockroachDbVersion, HelmRelease, PodAntiAffinity, TopologySpread, WalFailover,
} from '../../lib/k8s';
import { renderChart } from '../helm/chart';
import { apply, applyRun, createNamespace, getJson, kubectl, kubectlRun, listJson, waitUntil } from './support/kube';
import { synthChart } from './support/synth';
import { objectsIn } from './support/variant';
import { only } from '../support/manifests';

const RELEASE = 'crdb';
/** The CockroachDB version of chart 22.0.3 (its appVersion, the image its pods run). */
const CHART_VERSION = CockroachDbVersion.of('v26.3.1');
const FULLNAME = 'crdb-cockroachdb';

/** The values of the book's Helm chapter (cockroachdb-values.yml), as written there. */
const BOOK_VALUES = {
  statefulset: {
    replicas: 3,
    podSecurityContext: { fsGroup: 1000, runAsUser: 1000, runAsGroup: 1000 },
    resources: { requests: { memory: '1Gi', cpu: 1 }, limits: { memory: '1Gi', cpu: 1 } },
    podAntiAffinity: { type: '' },
    nodeSelector: { 'kubernetes.io/hostname': 'minikube' },
  },
  storage: { persistentVolume: { size: '5Gi', storageClass: 'standard' } },
  tls: { enabled: false },
  init: { jobs: { wait: { enabled: true } } },
};

/** The same cluster, declared with this library: the book's sizes, taken over from the release. */
function adoption(props: Partial<CockroachClusterProps> = {}): CockroachClusterProps {
  return {
    adoptHelmRelease: HelmRelease.of(RELEASE),
    replicas: 3,
    security: ClusterSecurity.insecure(),
    version: CHART_VERSION,
    resources: { cpu: { limit: Cpu.units(1) }, memory: { limit: Size.gibibytes(1) } },
    storage: { size: Size.gibibytes(5), storageClassName: 'standard' },
    placement: { nodeSelector: { 'kubernetes.io/hostname': 'minikube' }, antiAffinity: PodAntiAffinity.none(), topologySpread: TopologySpread.none() },
    ...props,
  };
}

const isHook = (o: any) => o.metadata?.annotations?.['helm.sh/hook'] !== undefined;
/** The objects of a synth folder, as written. */
const objectsOf = (dir: string): any[] => objectsIn(dir).map((o) => o.body);

/**
 * What must be equal for the takeover to keep the cluster: the names, the StatefulSet's selector, service
 * name and claim template (its volumes' names come from it), the data directory, the port names the
 * Services target (the chart's pods keep serving until each is replaced), the Services' selectors and the
 * budget's. Labels and annotations that only describe an object are left out.
 */
function identity(objects: any[]) {
  const sts = only(objects, 'StatefulSet', FULLNAME);
  const db = sts.spec.template.spec.containers.find((c: any) => c.volumeMounts?.some((m: any) => m.name === 'datadir'));
  const service = (name: string) => {
    const s = only(objects, 'Service', name);
    return { name, headless: s.spec.clusterIP === 'None', selector: s.spec.selector, ports: s.spec.ports.map((p: any) => ({ name: p.name, port: p.port, targetPort: p.targetPort })) };
  };
  return {
    statefulSet: {
      name: sts.metadata.name,
      selector: sts.spec.selector,
      serviceName: sts.spec.serviceName,
      podManagementPolicy: sts.spec.podManagementPolicy,
      podLabelsMatchSelector: Object.entries(sts.spec.selector.matchLabels).every(([k, v]) => sts.spec.template.metadata.labels[k] === v),
      serviceAccountName: sts.spec.template.spec.serviceAccountName,
      claimTemplates: sts.spec.volumeClaimTemplates.map((t: any) => ({
        name: t.metadata.name, labels: t.metadata.labels, accessModes: t.spec.accessModes, storageClassName: t.spec.storageClassName, storage: t.spec.resources.requests.storage,
      })),
      // Every claim template's mount, the stores CockroachDB opens and the WAL failover (CockroachDB records
      // the failover directories). `cockroach start` makes store paths absolute from its working directory,
      // /cockroach (cockroach-data there when the chart passes no --store); the chart's size= caps a store at
      // its volume's size and is left out.
      mounts: sts.spec.volumeClaimTemplates.map((t: any) => [t.metadata.name, db.volumeMounts.find((m: any) => m.name === t.metadata.name)?.mountPath.replace(/\/$/, '')]),
      stores: (startFlags(db, 'store').length > 0 ? startFlags(db, 'store') : ['path=cockroach-data'])
        .map((v) => v.replace(/,size=[^,]+$/, '').replace(/^path=(?!\/)/, 'path=/cockroach/')),
      walFailover: startFlags(db, 'wal-failover'),
      ports: db.ports.map((p: any) => ({ name: p.name, containerPort: p.containerPort })),
    },
    services: [service(FULLNAME), service(`${FULLNAME}-public`)],
    serviceAccount: only(objects, 'ServiceAccount', FULLNAME).metadata.name,
    podDisruptionBudget: { name: `${FULLNAME}-budget`, selector: only(objects, 'PodDisruptionBudget', `${FULLNAME}-budget`).spec.selector },
  };
}

/** The values of a `cockroach start` flag, from our args or from the chart's shell line. */
function startFlags(container: any, name: string): string[] {
  const words = [...(container.command ?? []), ...(container.args ?? [])].join(' ').split(/\s+/);
  return words.filter((w) => w.startsWith(`--${name}=`)).map((w) => w.slice(name.length + 3));
}

/** The Secrets and keys the database pods read their certificates from. */
function certificateSources(objects: any[]): string[] {
  const sts = only(objects, 'StatefulSet', FULLNAME);
  return (sts.spec.template.spec.volumes ?? []).flatMap((v: any) => [
    ...(v.secret ? (v.secret.items ?? []).map((i: any) => `${v.secret.secretName}/${i.key}`) : []),
    ...(v.projected?.sources ?? []).filter((s: any) => s.secret).flatMap((s: any) => s.secret.items.map((i: any) => `${s.secret.name}/${i.key}`)),
  ]).sort();
}

describe('the identity of the chart\'s objects and of the adoption, field by field', () => {
  test('the book\'s values (TLS off)', () => {
    const chart = renderChart({ release: RELEASE, namespace: 'default', values: BOOK_VALUES });
    const ours = objectsOf(synthChart('default', (c) => new CockroachCluster(c, 'crdb', adoption())));
    expect(identity(ours)).toEqual(identity(chart));
    // What the comparison covers, as the chart renders it.
    expect(identity(chart).statefulSet.claimTemplates).toEqual([{
      name: 'datadir', labels: { 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/instance': 'crdb' },
      accessModes: ['ReadWriteOnce'], storageClassName: 'standard', storage: '5Gi',
    }]);
    expect(identity(chart).statefulSet.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/instance': 'crdb', 'app.kubernetes.io/component': 'cockroachdb',
    });
  });

  test('the chart\'s defaults (100 GiB, the default StorageClass)', () => {
    const chart = renderChart({ release: RELEASE, namespace: 'db', values: { tls: { enabled: false } } });
    const ours = objectsOf(synthChart('db', (c) => new CockroachCluster(c, 'crdb', adoption({ storage: {}, placement: {} }))));
    expect(identity(ours)).toEqual(identity(chart));
    expect(identity(chart).statefulSet.claimTemplates[0].storageClassName).toBeUndefined();
  });

  test('values that change names and the selector: nameOverride, fullnameOverride, statefulset.labels', () => {
    const values = { tls: { enabled: false }, nameOverride: 'crdb', fullnameOverride: FULLNAME, statefulset: { labels: { team: 'books' } } };
    // Helm merges the values' statefulset.labels into the chart's default: both are in the selector.
    const release = HelmRelease.withValues({
      release: 'books', nameOverride: 'crdb', fullnameOverride: FULLNAME, statefulSetLabels: { 'app.kubernetes.io/component': 'cockroachdb', 'team': 'books' },
    });
    const chart = renderChart({ release: 'books', namespace: 'db', values });
    const ours = objectsOf(synthChart('db', (c) => new CockroachCluster(c, 'crdb', adoption({ adoptHelmRelease: release, storage: {}, placement: {} }))));
    expect(identity(ours)).toEqual(identity(chart));
    expect(identity(chart).statefulSet.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'crdb', 'app.kubernetes.io/instance': 'books', 'app.kubernetes.io/component': 'cockroachdb', team: 'books',
    });
  });

  test('two stores per node with WAL failover among them: the chart\'s claims, mounts, store paths and flag', () => {
    const values = { ...BOOK_VALUES, conf: { store: { enabled: true, count: 2 }, 'wal-failover': { value: 'among-stores' } } };
    const chart = renderChart({ release: RELEASE, namespace: 'default', values });
    const ours = objectsOf(synthChart('default', (c) => new CockroachCluster(c, 'crdb', adoption({
      storage: { size: Size.gibibytes(5), storageClassName: 'standard', stores: 2, walFailover: WalFailover.amongStores() },
    }))));
    expect(identity(ours)).toEqual(identity(chart));
    expect(identity(chart).statefulSet).toMatchObject({
      mounts: [['datadir', '/cockroach/cockroach-data'], ['datadir-2', '/cockroach/cockroach-data-2']],
      stores: ['path=/cockroach/cockroach-data', 'path=/cockroach/cockroach-data-2'],
      walFailover: ['among-stores'],
    });
  });

  test('WAL failover to a side disk: the chart\'s failoverdir claim, its mount and the path', () => {
    const values = {
      ...BOOK_VALUES,
      // The chart's defaults for the side disk (25Gi, no StorageClass named: the cluster's default).
      conf: { 'wal-failover': { value: 'path=/cockroach/cockroach-failover', persistentVolume: { enabled: true } } },
    };
    const chart = renderChart({ release: RELEASE, namespace: 'default', values });
    const ours = objectsOf(synthChart('default', (c) => new CockroachCluster(c, 'crdb', adoption({
      storage: { size: Size.gibibytes(5), storageClassName: 'standard', walFailover: WalFailover.sideDisk() },
    }))));
    expect(identity(ours)).toEqual(identity(chart));
    expect(identity(chart).statefulSet.claimTemplates[1]).toEqual({
      name: 'failoverdir', labels: { 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/instance': 'crdb' },
      accessModes: ['ReadWriteOnce'], storageClassName: undefined, storage: '25Gi',
    });
    expect(identity(chart).statefulSet).toMatchObject({
      mounts: [['datadir', '/cockroach/cockroach-data'], ['failoverdir', '/cockroach/cockroach-failover']],
      walFailover: ['path=/cockroach/cockroach-failover'],
    });
  });

  test('TLS from the chart\'s self-signer (its default): the same Secrets and keys', () => {
    const chart = renderChart({ release: RELEASE, namespace: 'db', values: {} });
    const security = HelmRelease.of(RELEASE).selfSignerSecurity();
    const ours = objectsOf(synthChart('db', (c) => new CockroachCluster(c, 'crdb', adoption({ security, storage: {}, placement: {} }))));
    expect(identity(ours)).toEqual(identity(chart));
    const read = certificateSources(chart);
    expect(read).toEqual(expect.arrayContaining([`${FULLNAME}-node-secret/ca.crt`, `${FULLNAME}-node-secret/tls.crt`, `${FULLNAME}-node-secret/tls.key`]));
    // Ours reads nothing the chart's pods do not: the same Secrets, the same keys.
    for (const source of certificateSources(ours)) expect(read).toContain(source);
    expect(certificateSources(ours)).toEqual(expect.arrayContaining([`${FULLNAME}-node-secret/tls.crt`, `${FULLNAME}-node-secret/tls.key`]));
  });

  test('TLS from cert-manager: the Secrets its Certificates write', () => {
    const chart = renderChart({ release: RELEASE, namespace: 'db', values: { tls: { enabled: true, certs: { selfSigner: { enabled: false }, certManager: true } } } });
    const written = chart.filter((o) => o.kind === 'Certificate').map((o) => o.spec.secretName).sort();
    const security = HelmRelease.of(RELEASE).certManagerSecurity();
    expect(written).toEqual(expect.arrayContaining([security.secrets!.nodeSecretName, security.secrets!.rootClientSecretName]));
    const ours = objectsOf(synthChart('db', (c) => new CockroachCluster(c, 'crdb', adoption({ security, storage: {}, placement: {} }))));
    expect(identity(ours)).toEqual(identity(chart));
    for (const source of certificateSources(ours)) expect(certificateSources(chart)).toContain(source);
  });
});

/** A chart install, and the adoption of it. */
interface Scenario {
  readonly values: object;
  readonly props: Partial<CockroachClusterProps>;
  /** What the chart's hooks would have made (hooks are not created here). */
  readonly hookOutput: (ns: string) => object[];
}

/** A Secret of the `kubernetes.io/tls` layout; the API server checks the keys, not the PEM. */
const tlsSecret = (ns: string, name: string) => ({
  apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name, namespace: ns },
  stringData: { 'ca.crt': 'ca', 'tls.crt': 'certificate', 'tls.key': 'key' },
});

const SCENARIOS: Array<[string, Scenario]> = [
  ['the book\'s values (TLS off)', { values: BOOK_VALUES, props: {}, hookOutput: () => [] }],
  ['the chart\'s defaults (TLS from its self-signer)', {
    values: {},
    props: { security: HelmRelease.of(RELEASE).selfSignerSecurity(), storage: {}, placement: {} },
    // The self-signer's pre-install hook writes the CA, node and root client Secrets.
    hookOutput: (ns) => [
      { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: `${FULLNAME}-ca-secret`, namespace: ns }, stringData: { 'ca.crt': 'ca', 'ca.key': 'key' } },
      tlsSecret(ns, `${FULLNAME}-node-secret`),
      tlsSecret(ns, `${FULLNAME}-client-secret`),
    ],
  }],
];

describe.each(SCENARIOS)('the README\'s runbook on the real control plane, %s: the pods and volumes stay', (_name, scenario) => {
  const ns = createNamespace('adopt');
  const chartObjects = renderChart({ release: RELEASE, namespace: ns, values: scenario.values });
  let claimUids: Record<string, string>;
  let oldStatefulSetUid: string;
  let publicClusterIp: string;
  let ours: string;

  test('the chart\'s objects, created as helm install creates them', async () => {
    // Helm creates each object of the release (not its hooks) with its ownership metadata, and no
    // kubectl last-applied annotation; the release itself is a Secret.
    const installed = chartObjects.filter((o) => !isHook(o)).map((o) => ({
      ...o,
      metadata: {
        ...o.metadata,
        labels: { ...o.metadata.labels, 'app.kubernetes.io/managed-by': 'Helm' },
        annotations: { ...o.metadata.annotations, 'meta.helm.sh/release-name': RELEASE, 'meta.helm.sh/release-namespace': ns },
      },
    }));
    const release = {
      apiVersion: 'v1', kind: 'Secret', type: 'helm.sh/release.v1',
      metadata: { name: `sh.helm.release.v1.${RELEASE}.v1`, namespace: ns, labels: { name: RELEASE, owner: 'helm', status: 'deployed', version: '1' } },
      data: { release: Buffer.from('not read by the test').toString('base64') },
    };
    // The book's `podAntiAffinity: { type: "" }` renders fields the API does not know; the API server
    // drops them (helm sends no strict field validation).
    kubectl(['create', '--validate=false', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...scenario.hookOutput(ns), ...installed, release] }));
    const claims = await waitUntil('the chart\'s three volume claims', () => {
      const c = listJson('pvc', ns);
      return c.length === 3 && c;
    });
    claimUids = Object.fromEntries(claims.map((c) => [c.metadata.name, c.metadata.uid]));
    expect(Object.keys(claimUids).sort()).toEqual([0, 1, 2].map((i) => `datadir-${FULLNAME}-${i}`));
    await waitUntil('the chart\'s three pods', () => listJson('pods', ns).length === 3);
    oldStatefulSetUid = getJson('statefulset', FULLNAME, ns).metadata.uid;
    publicClusterIp = getJson('service', `${FULLNAME}-public`, ns).spec.clusterIP;
    ours = synthChart(ns, (c) => new CockroachCluster(c, 'crdb', adoption(scenario.props)));
  });

  test('why the runbook replaces the StatefulSet: applied over the chart\'s, the chart\'s container would stay beside ours', () => {
    // kubectl merges into an object it did not create: fields it never applied stay (no last-applied).
    const r = kubectlRun(['apply', '--dry-run=server', '-o', 'json', '-f', path.join(ours, fs.readdirSync(ours)[0])]);
    expect(r.status).toBe(0);
    const merged = JSON.parse(r.stdout).items.find((o: any) => o.kind === 'StatefulSet');
    const names = merged.spec.template.spec.containers.map((c: any) => c.name);
    expect(names).toContain('db');
    expect(names).toContain('cockroachdb');
  });

  test('step 0: what the chart\'s StatefulSet runs, printed, equals what the props state', () => {
    // The README's command, as written there.
    const out = kubectl(['-n', ns, 'get', 'statefulset', FULLNAME, '-o',
      'jsonpath={.spec.replicas}{"\\n"}{.spec.template.spec.containers[?(@.name=="db")].image}{"\\n"}{.spec.volumeClaimTemplates[*].metadata.name}{"\\n"}{.spec.selector.matchLabels}{"\\n"}']);
    const [replicas, image, claims, selector] = out.split('\n');
    const sts = only(objectsOf(ours), 'StatefulSet', FULLNAME);
    expect(Number(replicas)).toBe(sts.spec.replicas);
    expect(image).toBe(sts.spec.template.spec.containers[0].image);
    expect(claims).toBe(sts.spec.volumeClaimTemplates.map((t: any) => t.metadata.name).join(' '));
    expect(JSON.parse(selector)).toEqual(sts.spec.selector.matchLabels);
  });

  test('step 1: Helm forgets the release, and its marks leave the objects that stay; nothing else is touched', () => {
    const before = listJson('all,pvc', ns).map((o) => `${o.kind}/${o.metadata.name}/${o.metadata.resourceVersion}`).sort();
    kubectl(['-n', ns, 'delete', 'secret', '-l', `owner=helm,name=${RELEASE}`]);
    const kept = [`serviceaccount/${FULLNAME}`, `service/${FULLNAME}`, `service/${FULLNAME}-public`, `poddisruptionbudget/${FULLNAME}-budget`];
    kubectl(['-n', ns, 'annotate', ...kept, 'meta.helm.sh/release-name-', 'meta.helm.sh/release-namespace-']);
    kubectl(['-n', ns, 'label', ...kept, 'helm.sh/chart-']);
    // The pods, the StatefulSet and the claims are untouched (the Services were relabelled, on purpose).
    const after = listJson('all,pvc', ns).map((o) => `${o.kind}/${o.metadata.name}/${o.metadata.resourceVersion}`).sort();
    expect(after.filter((o) => !o.startsWith('Service/'))).toEqual(before.filter((o) => !o.startsWith('Service/')));
    expect(listJson('secret', ns, 'owner=helm')).toEqual([]);
    for (const [kind, name] of [['serviceaccount', FULLNAME], ['service', FULLNAME], ['service', `${FULLNAME}-public`], ['pdb', `${FULLNAME}-budget`]]) {
      const o = getJson(kind, name, ns);
      expect(Object.keys(o.metadata.annotations ?? {}).filter((k) => k.startsWith('meta.helm.sh/'))).toEqual([]);
      expect(o.metadata.labels['helm.sh/chart']).toBeUndefined();
    }
    expect(getJson('statefulset', FULLNAME, ns).metadata.uid).toBe(oldStatefulSetUid);
  });

  test('step 2: the StatefulSet deleted alone; its pods and volumes stay, orphaned', async () => {
    kubectl(['-n', ns, 'delete', 'statefulset', FULLNAME, '--cascade=orphan']);
    await waitUntil('the StatefulSet gone', () => getJson('statefulset', FULLNAME, ns) === undefined);
    await waitUntil('the pods orphaned', () => listJson('pods', ns).every((p) => (p.metadata.ownerReferences ?? []).length === 0));
    expect(listJson('pods', ns)).toHaveLength(3);
    expect(Object.fromEntries(listJson('pvc', ns).map((c) => [c.metadata.name, c.metadata.uid]))).toEqual(claimUids);
  });

  test('step 3: ours applied (strict validation): the pods adopted, the volumes the same objects', async () => {
    const r = applyRun([ours]);
    expect(r.stderr.split('\n').filter((l) => l !== '').map((l) => l.replace(/ is missing the kubectl.kubernetes.io\/last-applied-configuration annotation .* will be patched automatically\.$/, ': no last-applied annotation, patched'))).toEqual([
      // The four objects the chart made and ours keep: kubectl says so once, and adds its annotation.
      `Warning: resource serviceaccounts/${FULLNAME}: no last-applied annotation, patched`,
      `Warning: resource services/${FULLNAME}: no last-applied annotation, patched`,
      `Warning: resource services/${FULLNAME}-public: no last-applied annotation, patched`,
      `Warning: resource poddisruptionbudgets/${FULLNAME}-budget: no last-applied annotation, patched`,
    ]);
    expect(r.status).toBe(0);
    const sts = getJson('statefulset', FULLNAME, ns);
    expect(sts.metadata.uid).not.toBe(oldStatefulSetUid);
    await waitUntil('the pods adopted by the new StatefulSet', () => {
      const pods = listJson('pods', ns, 'app.kubernetes.io/instance=crdb');
      return pods.length === 3 && pods.every((p) => p.metadata.ownerReferences?.[0]?.uid === sts.metadata.uid);
    });
    expect(Object.fromEntries(listJson('pvc', ns).map((c) => [c.metadata.name, c.metadata.uid]))).toEqual(claimUids);
    // With TLS, the new pods read the chart's certificates: the same Secrets and keys.
    const chartReads = certificateSources(chartObjects);
    expect(certificateSources([sts]).filter((source) => !chartReads.includes(source))).toEqual([]);
    expect(certificateSources([sts]).length > 0).toBe(chartReads.length > 0);
    // The Services and the budget were merged into the chart's objects: same objects, our spec.
    const publicService = getJson('service', `${FULLNAME}-public`, ns);
    expect(publicService.spec.clusterIP).toBe(publicClusterIp);
    expect(publicService.spec.ports.map((p: any) => `${p.name}:${p.port}->${p.targetPort}`)).toEqual(['grpc:26257->grpc', 'http:8080->http']);
    expect(getJson('service', FULLNAME, ns).spec.publishNotReadyAddresses).toBe(true);
    expect(getJson('pdb', `${FULLNAME}-budget`, ns).spec.selector).toEqual(sts.spec.selector);
    // No init Job: the chart's hook initialized the cluster.
    expect(listJson('jobs', ns)).toEqual([]);
  });

  test('step 4: the next apply changes nothing', () => {
    const generation = getJson('statefulset', FULLNAME, ns).metadata.generation;
    const r = kubectlRun(['diff', '-f', ours]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    apply([ours]);
    expect(getJson('statefulset', FULLNAME, ns).metadata.generation).toBe(generation);
  });
});
