import { Chart, Testing } from 'cdk8s';
import { Deployment } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  CloudStorageEgress, ClusterNetworkPolicy, CockroachCluster, CockroachClusterProps, DbConsoleAccess, GcsCredentials, KubeApiEgress, Locality, NetworkPolicyOptions,
  ScaleDownPhase,
} from '../../lib/k8s';
import { Manifest, newChart, only, synth, validateAgainstSchemas } from '../support/manifests';

const container = { image: 'ghcr.io/example/shop:1.4.2', securityContext: { user: 1000, group: 1000 } };

describe('the NetworkPolicy', () => {
  test('off by default', () => {
    const chart = newChart();
    new CockroachCluster(chart, 'crdb');
    expect(synth(chart).filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });

  test('SQL and the DB Console only from the cluster\'s pods, its Jobs and labelled clients', () => {
    const chart = newChart();
    const cluster = new CockroachCluster(chart, 'crdb', { networkPolicy: {} });
    const objects = synth(chart);
    validateAgainstSchemas(objects);
    const policy = only(objects, 'NetworkPolicy');
    expect(policy.spec.podSelector).toEqual({ matchLabels: cluster.selectorLabels });
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toEqual([{
      from: [{ podSelector: { matchLabels: cluster.selectorLabels } }, { podSelector: { matchLabels: { 'cockroachdb/client-crdb': 'true' } } }],
      ports: [{ port: 26257, protocol: 'TCP' }, { port: 8080, protocol: 'TCP' }],
    }]);
    // The init Job is admitted.
    expect(only(objects, 'Job').spec.template.metadata.labels).toMatchObject(cluster.clientLabels);
  });

  test('DB Console open to any source', () => {
    const chart = newChart();
    new CockroachCluster(chart, 'crdb', { networkPolicy: { dbConsole: DbConsoleAccess.ANY } });
    const policy = only(synth(chart), 'NetworkPolicy');
    expect(policy.spec.ingress[0].ports).toEqual([{ port: 26257, protocol: 'TCP' }]);
    expect(policy.spec.ingress[1]).toEqual({ ports: [{ port: 8080, protocol: 'TCP' }] });
  });

  test('enabled: false synthesizes no NetworkPolicy, and allowFrom stays harmless', () => {
    const chart = newChart();
    const cluster = new CockroachCluster(chart, 'crdb', { networkPolicy: { enabled: false, dbConsole: DbConsoleAccess.ANY } });
    cluster.allowFrom(new Deployment(chart, 'shop', { containers: [container] }));
    const objects = synth(chart);
    expect(objects.filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
    expect(objects.some((o) => o.kind === 'StatefulSet')).toBe(true);
    expect(cluster.networkPolicy).toBeUndefined();
  });

  test('allowFrom labels a workload in the same namespace', () => {
    const chart = newChart();
    const cluster = new CockroachCluster(chart, 'crdb', { networkPolicy: {} });
    const shop = new Deployment(chart, 'shop', { containers: [container] });
    cluster.allowFrom(shop);
    const objects = synth(chart);
    expect(only(objects, 'Deployment').spec.template.metadata.labels).toMatchObject({ 'cockroachdb/client-crdb': 'true' });
    expect(only(objects, 'NetworkPolicy').spec.ingress[0].from).toHaveLength(2);
  });

  test('allowFrom a workload in another namespace adds that namespace once', () => {
    const app = Testing.app();
    const db = new Chart(app, 'db', { namespace: 'db' });
    const web = new Chart(app, 'web', { namespace: 'web' });
    const cluster = new CockroachCluster(db, 'crdb', { networkPolicy: {} });
    cluster.allowFrom(new Deployment(web, 'shop', { containers: [container] }));
    cluster.allowFrom(new Deployment(web, 'admin', { containers: [container] }));
    const from = only(synth(db), 'NetworkPolicy').spec.ingress[0].from;
    expect(from).toHaveLength(3);
    expect(from[2]).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } },
      podSelector: { matchLabels: { 'cockroachdb/client-crdb': 'true' } },
    });
  });
});

const DNS = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
};
const DATABASE_PODS = { 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/instance': 'crdb', 'app.kubernetes.io/component': 'database' };
const TO_DATABASE = { to: [{ podSelector: { matchLabels: DATABASE_PODS } }], ports: [{ port: 26257, protocol: 'TCP' }] };
const OWN_CLIENT_PODS = { 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/instance': 'crdb', 'cockroachdb/client-crdb': 'true' };
const EMAIL = 'crdb-backup@my-project.iam.gserviceaccount.com';

function policies(props: CockroachClusterProps): { objects: Manifest[]; cluster: CockroachCluster; policy: (name: string) => Manifest } {
  const chart = newChart();
  const cluster = new CockroachCluster(chart, 'crdb', props);
  const objects = synth(chart);
  return { objects, cluster, policy: (name) => only(objects, 'NetworkPolicy', name) };
}

const names = (objects: Manifest[]) => objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name).sort();

describe('the namespace default-deny and the egress rules', () => {
  test('without them: the ingress policy alone, egress unrestricted', () => {
    expect(names(policies({ networkPolicy: {} }).objects)).toEqual(['crdb']);
  });

  test('namespaceDefaultDeny: every pod of the namespace, in and out, nothing allowed; egress rules with their defaults', () => {
    const { objects, policy } = policies({ networkPolicy: { namespaceDefaultDeny: true } });
    validateAgainstSchemas(objects);
    expect(names(objects)).toEqual(['crdb', 'crdb-client-egress', 'crdb-database-egress', 'crdb-default-deny', 'crdb-kube-api-egress']);
    const deny = policy('crdb-default-deny');
    expect(deny.metadata.namespace).toBe('db');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    // The ingress policy is unchanged.
    expect(policy('crdb').spec.policyTypes).toEqual(['Ingress']);
  });

  test('egress without the default-deny: no namespace policy', () => {
    expect(names(policies({ networkPolicy: { egress: {} } }).objects)).toEqual(['crdb', 'crdb-client-egress', 'crdb-database-egress', 'crdb-kube-api-egress']);
  });

  test('database pods, by default: DNS and their peers on 26257, nothing else', () => {
    const spec = policies({ networkPolicy: { egress: {} } }).policy('crdb-database-egress').spec;
    expect(spec.podSelector).toEqual({ matchLabels: DATABASE_PODS });
    expect(spec.policyTypes).toEqual(['Egress']);
    expect(spec.egress).toEqual([DNS, TO_DATABASE]);
  });

  test('database pods with per-pod locality, Workload Identity backups: the API, Cloud Storage, the metadata server', () => {
    const { objects, policy } = policies({
      locality: Locality.fromNode(),
      gcsCredentials: GcsCredentials.workloadIdentity(EMAIL),
      networkPolicy: { namespaceDefaultDeny: true },
    });
    validateAgainstSchemas(objects);
    expect(policy('crdb-database-egress').spec.egress).toEqual([
      DNS,
      TO_DATABASE,
      { ports: [{ port: 443, protocol: 'TCP' }] },
      {
        to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'] } }],
        ports: [{ port: 443, protocol: 'TCP' }],
      },
      { to: [{ ipBlock: { cidr: '169.254.169.254/32' } }], ports: [{ port: 80, protocol: 'TCP' }] },
      { to: [{ ipBlock: { cidr: '169.254.169.252/32' } }], ports: [{ port: 988, protocol: 'TCP' }] },
    ]);
  });

  test('a key file instead of Workload Identity: Cloud Storage, no metadata server', () => {
    const egress = policies({ gcsCredentials: GcsCredentials.keyFromSecret('gcs-key'), networkPolicy: { egress: {} } }).policy('crdb-database-egress').spec.egress;
    expect(egress).toHaveLength(3);
    expect(egress[2].to[0].ipBlock.cidr).toBe('0.0.0.0/0');
  });

  test('the API server by address and port, Private Google Access, the metadata server off', () => {
    const { objects, policy } = policies({
      locality: Locality.fromNode(),
      gcsCredentials: GcsCredentials.workloadIdentity(EMAIL),
      networkPolicy: {
        egress: { kubeApi: KubeApiEgress.toAddresses(['34.77.1.2/32'], 8443), cloudStorage: CloudStorageEgress.privateGoogleAccess(), metadataServer: false },
      },
    });
    validateAgainstSchemas(objects);
    const apiRule = { to: [{ ipBlock: { cidr: '34.77.1.2/32' } }], ports: [{ port: 8443, protocol: 'TCP' }] };
    expect(policy('crdb-database-egress').spec.egress).toEqual([
      DNS, TO_DATABASE, apiRule, { to: [{ ipBlock: { cidr: '199.36.153.8/30' } }], ports: [{ port: 443, protocol: 'TCP' }] },
    ]);
    expect(policy('crdb-kube-api-egress').spec.egress).toEqual([apiRule]);
  });

  test.each([
    ['restrictedGoogleAccess', CloudStorageEgress.restrictedGoogleAccess(), [{ ipBlock: { cidr: '199.36.153.4/30' } }]],
    ['toAddresses', CloudStorageEgress.toAddresses(['203.0.113.0/24', '2001:db8::/64']), [{ ipBlock: { cidr: '203.0.113.0/24' } }, { ipBlock: { cidr: '2001:db8::/64' } }]],
  ])('Cloud Storage through %s, even without gcsCredentials', (_, cloudStorage, to) => {
    const { objects, policy } = policies({ networkPolicy: { egress: { cloudStorage } } });
    validateAgainstSchemas(objects);
    expect(policy('crdb-database-egress').spec.egress[2]).toEqual({ to, ports: [{ port: 443, protocol: 'TCP' }] });
  });

  test('egress alone: the library\'s Jobs and SQL client pod may reach DNS and the database pods on 26257; never a workload labelled by allowFrom', () => {
    const chart = newChart();
    const cluster = new CockroachCluster(chart, 'crdb', { networkPolicy: { egress: {} } });
    cluster.addSqlClient();
    cluster.addDatabase('shop');
    const shop = new Deployment(chart, 'shop', { containers: [container] });
    cluster.allowFrom(shop);
    const objects = synth(chart);
    validateAgainstSchemas(objects);
    const spec = only(objects, 'NetworkPolicy', 'crdb-client-egress').spec;
    expect(spec.podSelector).toEqual({ matchLabels: OWN_CLIENT_PODS });
    expect(spec.policyTypes).toEqual(['Egress']);
    expect(spec.egress).toEqual([DNS, TO_DATABASE]);
    const selects = (labels: Record<string, string>) => Object.entries(spec.podSelector.matchLabels).every(([k, v]) => labels[k] === v);
    for (const o of objects.filter((x) => x.kind === 'Job')) expect(selects(o.spec.template.metadata.labels)).toBe(true);
    expect(selects(only(objects, 'Pod').metadata.labels)).toBe(true);
    expect(selects(only(objects, 'StatefulSet').spec.template.metadata.labels)).toBe(false);
    expect(selects(only(objects, 'Deployment').spec.template.metadata.labels)).toBe(false);
  });

  test('under the namespace default-deny, a workload labelled by allowFrom may reach DNS and the database pods too', () => {
    const chart = newChart();
    const cluster = new CockroachCluster(chart, 'crdb', { networkPolicy: { namespaceDefaultDeny: true } });
    cluster.addSqlClient();
    cluster.allowFrom(new Deployment(chart, 'shop', { containers: [container] }));
    const objects = synth(chart);
    const spec = only(objects, 'NetworkPolicy', 'crdb-client-egress').spec;
    expect(spec.podSelector).toEqual({ matchLabels: { 'cockroachdb/client-crdb': 'true' } });
    expect(spec.egress).toEqual([DNS, TO_DATABASE]);
    expect(only(objects, 'Deployment').spec.template.metadata.labels).toMatchObject(spec.podSelector.matchLabels);
    expect(only(objects, 'Pod').metadata.labels).toMatchObject(spec.podSelector.matchLabels);
  });

  test('the Kubernetes API: only the SQL Job and the day-2 Jobs (scale-down, rollout, storage expansion), on 443 by default', () => {
    const chart = newChart();
    const cluster = new CockroachCluster(chart, 'crdb', {
      replicas: 3, scaleDown: { from: 4, phase: ScaleDownPhase.DECOMMISSION }, networkPolicy: { namespaceDefaultDeny: true },
    });
    cluster.addDatabase('shop');
    cluster.addSqlClient();
    const objects = synth(chart);
    validateAgainstSchemas(objects);
    const spec = only(objects, 'NetworkPolicy', 'crdb-kube-api-egress').spec;
    expect(spec.podSelector).toEqual({
      matchLabels: OWN_CLIENT_PODS,
      matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: ['sql', 'decommission', 'shrink', 'rollout', 'finalize', 'expand-storage'] }],
    });
    expect(spec.policyTypes).toEqual(['Egress']);
    expect(spec.egress).toEqual([{ ports: [{ port: 443, protocol: 'TCP' }] }]);
    const selected = (labels: Record<string, string>) => Object.entries(spec.podSelector.matchLabels).every(([k, v]) => labels[k] === v)
      && spec.podSelector.matchExpressions[0].values.includes(labels['app.kubernetes.io/component']);
    const jobs = objects.filter((o) => o.kind === 'Job' && selected(o.spec.template.metadata.labels)).map((o) => o.metadata.name.replace(/-[0-9a-f]{10}$/, ''));
    expect(jobs.sort()).toEqual(['crdb-decommission', 'crdb-sql']);
    expect(selected(only(objects, 'Pod').metadata.labels)).toBe(false);
  });

  test('each carries the cluster\'s labels and prune labels: a prune removes the ones the manifests drop', () => {
    const { objects, cluster } = policies({ networkPolicy: { namespaceDefaultDeny: true } });
    for (const o of objects.filter((x) => x.kind === 'NetworkPolicy')) {
      expect(o.metadata.labels).toEqual(cluster._objectLabels());
      expect(o.metadata.namespace).toBe('db');
    }
  });

  test('enabled: false renders none of them', () => {
    expect(names(policies({ networkPolicy: { enabled: false, namespaceDefaultDeny: true } }).objects)).toEqual([]);
  });
});

describe('a target of one\'s own', () => {
  test('without other regions or DNS servers of its own: kube-dns only, and no address block', () => {
    const chart = newChart();
    const target = Object.assign(new Construct(chart, 'own'), {
      name: 'own', namespace: 'db', selectorLabels: { app: 'own' }, clientLabels: { 'own-client': 'true' }, sqlPort: 26257, httpPort: 8080,
      _objectLabels: () => ({}), _componentLabels: () => ({}),
    });
    new ClusterNetworkPolicy(chart, 'Policy', { cluster: target, egress: {} });
    const objects = synth(chart);
    expect(only(objects, 'NetworkPolicy', 'own').spec.ingress).toEqual([{
      from: [{ podSelector: { matchLabels: { app: 'own' } } }, { podSelector: { matchLabels: { 'own-client': 'true' } } }],
      ports: [{ port: 26257, protocol: 'TCP' }, { port: 8080, protocol: 'TCP' }],
    }]);
    const toOwn = { to: [{ podSelector: { matchLabels: { app: 'own' } } }], ports: [{ port: 26257, protocol: 'TCP' }] };
    expect(only(objects, 'NetworkPolicy', 'own-database-egress').spec.egress).toEqual([DNS, toOwn]);
    expect(only(objects, 'NetworkPolicy', 'own-client-egress').spec.egress).toEqual([DNS, toOwn]);
  });
});

describe('network policy errors are thrown', () => {
  test.each<[string, NetworkPolicyOptions, string]>([
    ['a malformed API server address', { egress: { kubeApi: KubeApiEgress.toAddresses(['34.77.1/32']) } },
      '[test/crdb] networkPolicy.egress.kubeApi: received "34.77.1/32"; expected an IPv4 or IPv6 CIDR block such as "34.77.1.2/32" or "2001:db8::/64"'],
    ['an address without prefix', { egress: { kubeApi: KubeApiEgress.toAddresses(['34.77.1.2']) } },
      '[test/crdb] networkPolicy.egress.kubeApi: received "34.77.1.2"; expected an IPv4 or IPv6 CIDR block such as "34.77.1.2/32" or "2001:db8::/64"'],
    ['a prefix too long', { namespaceDefaultDeny: true, egress: { kubeApi: KubeApiEgress.toAddresses(['34.77.1.2/33']) } },
      '[test/crdb] networkPolicy.egress.kubeApi: received "34.77.1.2/33"; expected an IPv4 or IPv6 CIDR block such as "34.77.1.2/32" or "2001:db8::/64"'],
    ['no API server address', { egress: { kubeApi: KubeApiEgress.toAddresses([]) } },
      '[test/crdb] networkPolicy.egress.kubeApi: received []; expected at least one CIDR block, e.g. ["34.77.1.2/32"]'],
    ['an API server port out of range', { egress: { kubeApi: KubeApiEgress.anyAddress(70000) } },
      '[test/crdb] networkPolicy.egress.kubeApi (port): received 70000; expected an integer from 1 to 65535'],
    ['a malformed Cloud Storage range', { egress: { cloudStorage: CloudStorageEgress.toAddresses(['storage.googleapis.com']) } },
      '[test/crdb] networkPolicy.egress.cloudStorage: received "storage.googleapis.com"; expected an IPv4 or IPv6 CIDR block such as "34.77.1.2/32" or "2001:db8::/64"'],
    ['a plain string for kubeApi', { egress: { kubeApi: '34.77.1.2/32' as any } },
      '[test/crdb] networkPolicy.egress.kubeApi: received "34.77.1.2/32"; expected a KubeApiEgress, e.g. KubeApiEgress.toAddresses([\'34.77.1.2/32\'])'],
    ['a plain string for cloudStorage', { egress: { cloudStorage: '0.0.0.0/0' as any } },
      '[test/crdb] networkPolicy.egress.cloudStorage: received "0.0.0.0/0"; expected a CloudStorageEgress, e.g. CloudStorageEgress.publicInternet()'],
    ['a string for namespaceDefaultDeny', { namespaceDefaultDeny: 'yes' as any },
      '[test/crdb] networkPolicy.namespaceDefaultDeny: received "yes"; expected true or false'],
    ['a string for metadataServer', { egress: { metadataServer: 'on' as any } },
      '[test/crdb] networkPolicy.egress.metadataServer: received "on"; expected true or false'],
    ['an unknown DB Console access', { dbConsole: 'everyone' as any },
      '[test/crdb] networkPolicy.dbConsole: received "everyone"; expected DbConsoleAccess.CLIENTS or DbConsoleAccess.ANY'],
  ])('%s', (_, networkPolicy, message) => {
    expect(() => new CockroachCluster(newChart(), 'crdb', { networkPolicy })).toThrow(message);
  });

  test('the error is the library\'s typed error', () => {
    expect(() => new CockroachCluster(newChart(), 'crdb', { networkPolicy: { egress: { kubeApi: KubeApiEgress.toAddresses(['x']) } } }))
      .toThrow(expect.objectContaining({ name: 'CockroachConfigError', prop: 'networkPolicy.egress.kubeApi' }));
  });
});
