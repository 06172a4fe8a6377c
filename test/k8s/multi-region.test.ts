import { Duration } from 'cdk8s';
import {
  CLOUD_DNS_SERVER_CIDRS, ClusterSecurity, CockroachCluster, CockroachClusterProps, CockroachDbVersion, DeploymentDescription, GcsCredentials,
  HelmRelease, IssuerRef, Locality, ManagedPrometheus, MultiRegion, MultiRegionOptions, ScaleDownPhase, SecurityMode,
} from '../../lib/k8s';
import { configError } from '../support/errors';
import { Manifest, newChart, only, synth, validateAgainstSchemas } from '../support/manifests';

// One CockroachDB cluster across three GKE regions: one chart per region, each from the same description.

const REGIONS = ['europe-west1', 'us-east1', 'asia-southeast1'];
const description = DeploymentDescription.of({
  projectId: 'crdb-book-demo',
  gkeClusterName: 'crdb-global',
  namespace: 'cockroachdb-global',
  cockroachClusterName: 'crdb',
  bucketName: 'crdb-book-demo-global-backups',
  regions: [
    { region: 'europe-west1', zones: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'] },
    { region: 'us-east1', zones: ['us-east1-b', 'us-east1-c', 'us-east1-d'], nodes: 4 },
    { region: 'asia-southeast1', zones: ['asia-southeast1-a', 'asia-southeast1-b', 'asia-southeast1-c'] },
  ],
  monitoring: { notificationEmails: ['dba@example.com'] },
});
const NS = 'cockroachdb-global';
const domain = (region: string) => `crdb-global-${region}.internal`;
const PODS_CIDRS = { 'europe-west1': '10.16.0.0/14', 'us-east1': '10.24.0.0/14', 'asia-southeast1': '10.32.0.0/14' } as const;
const JOIN = REGIONS.flatMap((r) => [0, 1].map((i) => `crdb-${i}.crdb.${NS}.svc.${domain(r)}:26257`));

function build(region: string, props: Partial<CockroachClusterProps> = {}, options?: MultiRegionOptions, namespace = NS) {
  const chart = newChart(namespace);
  const cluster = new CockroachCluster(chart, 'crdb', { multiRegion: MultiRegion.fromDeployment(description, region, options), ...props });
  const objects = synth(chart);
  const sts = only(objects, 'StatefulSet');
  return { cluster, objects, sts, container: sts.spec.template.spec.containers[0] };
}
/** Every object but the GoogleCASIssuer, whose CRD no kubernetes-models package describes (its fields are asserted one by one). */
const withSchemas = (objects: Manifest[]) => objects.filter((o) => o.kind !== 'GoogleCASIssuer');
const arg = (container: Manifest, flag: string) => container.args.filter((a: string) => a.startsWith(`--${flag}=`));
const initJobs = (objects: Manifest[]) => objects.filter((o) => o.kind === 'Job' && o.metadata.name.startsWith('crdb-init-'));

describe('MultiRegion.fromDeployment: what one region needs', () => {
  const primary = MultiRegion.fromDeployment(description, 'europe-west1');
  const us = MultiRegion.fromDeployment(description, 'us-east1');

  test('the region, the regions, the primary', () => {
    expect(primary.description).toBe(description);
    expect(primary.region).toBe(description.regions[0]);
    expect(us.region).toBe(description.regions[1]);
    expect(primary.regions).toEqual(REGIONS);
    expect(us.primaryRegion).toBe('europe-west1');
    expect([primary.isPrimaryRegion, us.isPrimaryRegion]).toEqual([true, false]);
  });

  test('names: advertised under the region\'s Cloud DNS domain; pods 0 and 1 of every region to join; the cluster name', () => {
    expect(primary.advertiseDomain).toBe('crdb-global-europe-west1.internal');
    expect(us.advertiseDomain).toBe('crdb-global-us-east1.internal');
    expect(primary.joinAddresses).toEqual(JOIN);
    expect(us.joinAddresses).toEqual(JOIN);
    expect(primary.clusterName).toBe('crdb-global');
  });

  test('the replicas are the region\'s nodes; the other regions\' pod ranges; the DNS servers', () => {
    expect([primary.replicas, us.replicas]).toEqual([3, 4]);
    expect(primary.otherRegionPodCidrs).toEqual([PODS_CIDRS['us-east1'], PODS_CIDRS['asia-southeast1']]);
    expect(us.otherRegionPodCidrs).toEqual([PODS_CIDRS['europe-west1'], PODS_CIDRS['asia-southeast1']]);
    expect(primary.dnsServerCidrs).toEqual(['169.254.169.254/32', '169.254.20.10/32']);
    expect(CLOUD_DNS_SERVER_CIDRS).toEqual(primary.dnsServerCidrs);
  });

  test('security: the GoogleCASIssuer of the description\'s CA Service pool, with the default lifetimes', () => {
    expect(us.casIssuer).toEqual({
      name: 'crdb-cas-issuer', project: 'crdb-book-demo', location: 'europe-west1', caPoolId: 'crdb-global-crdb', certificateAuthorityId: 'crdb-global-crdb-root',
    });
    expect(us.security.mode).toBe(SecurityMode.CERT_MANAGER_ISSUER);
    expect(us.security.issuer).toEqual(IssuerRef.of('crdb-cas-issuer', 'GoogleCASIssuer', 'cas-issuer.jetstack.io'));
    expect(us.security.options).toEqual({});
  });

  test('certificate options go to the CA Service issuer\'s certificates', () => {
    const certificates = { node: { duration: Duration.hours(2000), renewBefore: Duration.hours(100) }, additionalSans: ['crdb.example.com'] };
    const region = MultiRegion.fromDeployment(description, 'us-east1', { certificates });
    expect(region.security.options).toBe(certificates);
    expect(region.casIssuer?.name).toBe('crdb-cas-issuer');
  });

  test('another shared issuer, or Secrets: no GoogleCASIssuer', () => {
    const shared = ClusterSecurity.certManagerIssuer(IssuerRef.clusterIssuer('corp-ca'));
    const region = MultiRegion.fromDeployment(description, 'us-east1', { security: shared });
    expect(region.security).toBe(shared);
    expect(region.casIssuer).toBeUndefined();
    const secrets = ClusterSecurity.existingSecrets({ nodeSecretName: 'n', rootClientSecretName: 'r' });
    expect(MultiRegion.fromDeployment(description, 'us-east1', { security: secrets }).security).toBe(secrets);
  });

  const oneRegion = DeploymentDescription.of({ projectId: 'crdb-book-demo', region: 'europe-west1', bucketName: 'crdb-book-demo-backups' });
  test.each<[string, () => unknown, string, string]>([
    ['a one-region description', () => MultiRegion.fromDeployment(oneRegion, 'europe-west1'), 'description',
      '[MultiRegion] description: received "europe-west1"; expected a multi-region description (regions): this one has a single region'],
    ['no description', () => MultiRegion.fromDeployment({ regions: [] } as unknown as DeploymentDescription, 'europe-west1'), 'description',
      '[MultiRegion] description: received {"regions":[]}; expected a DeploymentDescription (DeploymentDescription.of({ regions: [...], ... }))'],
    ['a region the description does not declare', () => MultiRegion.fromDeployment(description, 'us-west1'), 'region',
      '[MultiRegion] region: received "us-west1"; expected one of the description\'s regions: europe-west1, us-east1, asia-southeast1'],
    ['an insecure cluster', () => MultiRegion.fromDeployment(description, 'us-east1', { security: ClusterSecurity.insecure() }), 'security',
      '[MultiRegion] security: received "insecure"; expected ClusterSecurity.certManagerIssuer(…) of an issuer every region shares, or ClusterSecurity.existingSecrets(…): the nodes of a multi-region cluster talk across the VPC, never without TLS'],
    ['a CA in each region', () => MultiRegion.fromDeployment(description, 'us-east1', { security: ClusterSecurity.certManager() }), 'security',
      '[MultiRegion] security: received "cert-manager"; expected ClusterSecurity.certManagerIssuer(…) of an issuer every region shares, or ClusterSecurity.existingSecrets(…): certManager() makes a CA in each region, and the other regions\' nodes would not trust it'],
    ['not a ClusterSecurity', () => MultiRegion.fromDeployment(description, 'us-east1', { security: { mode: 'insecure' } as unknown as ClusterSecurity }), 'security',
      '[MultiRegion] security: received {"mode":"insecure"}; expected a ClusterSecurity, e.g. ClusterSecurity.certManagerIssuer(IssuerRef.clusterIssuer(\'crdb-ca\'))'],
    ['certificates beside security', () => MultiRegion.fromDeployment(description, 'us-east1', {
      security: ClusterSecurity.certManagerIssuer(IssuerRef.clusterIssuer('corp-ca')), certificates: { additionalSans: ['a.example.com'] },
    }), 'certificates',
    '[MultiRegion] certificates: received {"additionalSans":["a.example.com"]}; expected no certificates beside security: give the lifetimes and names to the ClusterSecurity itself'],
  ])('refused: %s', (_what, fn, prop, message) => {
    const error = configError(fn);
    expect(error.prop).toBe(prop);
    expect(error.message).toBe(message);
  });
});

describe('three charts, one cluster', () => {
  const charts = REGIONS.map((region) => ({ region, ...build(region) }));
  const [eu, us, asia] = charts;

  test('every object passes its schema', () => {
    for (const c of charts) validateAgainstSchemas(withSchemas(c.objects));
  });

  test.each(charts.map((c) => [c.region, c]))('%s: the pods advertise names under the region\'s domain', (region, c) => {
    expect(arg(c.container, 'advertise-host')).toEqual([`--advertise-host=$(POD_NAME).crdb.${NS}.svc.${domain(region)}`]);
    expect(c.cluster.advertiseDomain).toBe(domain(region));
    expect(c.cluster.podDnsName(2)).toBe(`crdb-2.crdb.${NS}.svc.${domain(region)}`);
    // The Jobs of the chart reach the Services under GKE's own domain.
    expect(c.cluster.publicHost).toBe(`crdb-public.${NS}.svc.cluster.local`);
    expect(c.cluster.clusterDomain).toBe('cluster.local');
  });

  test('--join: the same six seeds in every chart; --cluster-name the same too', () => {
    for (const c of charts) {
      expect(arg(c.container, 'join')).toEqual([`--join=${JOIN.join(',')}`]);
      expect(c.cluster.joinAddresses).toEqual(JOIN);
      expect(arg(c.container, 'cluster-name')).toEqual(['--cluster-name=crdb-global']);
    }
  });

  test('replicas: each region\'s nodes', () => {
    expect(charts.map((c) => c.sts.spec.replicas)).toEqual([3, 4, 3]);
    expect(charts.map((c) => c.cluster.replicas)).toEqual([3, 4, 3]);
  });

  test('locality: each pod\'s region and zone from its node', () => {
    for (const c of charts) {
      expect(c.sts.spec.template.spec.initContainers.map((i: Manifest) => i.name)).toEqual(['locality']);
      const script: string = c.sts.spec.template.spec.initContainers[0].command[2];
      expect(script).toContain('add_tier region topology.kubernetes.io/region\nadd_tier zone topology.kubernetes.io/zone');
      expect(c.cluster.nodeReaderRole).toBeDefined();
    }
  });

  test('the cluster\'s attributes', () => {
    expect(charts.map((c) => c.cluster.isPrimaryRegion)).toEqual([true, false, false]);
    for (const c of charts) {
      expect(c.cluster.clusterRegions).toEqual(REGIONS);
      expect(c.cluster.multiRegion?.region.region).toBe(c.region);
      expect(c.cluster.dnsServerCidrs).toEqual(CLOUD_DNS_SERVER_CIDRS);
    }
    expect(us.cluster.otherRegionPodCidrs).toEqual([PODS_CIDRS['europe-west1'], PODS_CIDRS['asia-southeast1']]);
  });

  test('one GoogleCASIssuer per region, of the one CA Service pool; the certificates name it', () => {
    for (const c of charts) {
      const issuer = only(c.objects, 'GoogleCASIssuer');
      expect(issuer).toEqual({
        apiVersion: 'cas-issuer.jetstack.io/v1beta1',
        kind: 'GoogleCASIssuer',
        metadata: { name: 'crdb-cas-issuer', namespace: NS, labels: c.cluster._componentLabels('tls') },
        spec: { project: 'crdb-book-demo', location: 'europe-west1', caPoolId: 'crdb-global-crdb', certificateAuthorityId: 'crdb-global-crdb-root' },
      });
      expect(c.cluster.casIssuer?.name).toBe('crdb-cas-issuer');
      const ref = { name: 'crdb-cas-issuer', kind: 'GoogleCASIssuer', group: 'cas-issuer.jetstack.io' };
      expect(c.objects.filter((o) => o.kind === 'Certificate').map((o) => o.spec.issuerRef)).toEqual([ref, ref]);
      // No CA of the region's own.
      expect(c.objects.filter((o) => o.kind === 'Issuer')).toEqual([]);
    }
  });

  test('node certificate SANs: the names under the region\'s domain too', () => {
    const node = only(us.objects, 'Certificate', 'crdb-node').spec;
    expect(node.dnsNames).toEqual([
      'localhost', 'crdb-public', `crdb-public.${NS}`, `crdb-public.${NS}.svc.cluster.local`,
      '*.crdb', `*.crdb.${NS}`, `*.crdb.${NS}.svc.cluster.local`,
      `crdb-public.${NS}.svc.${domain('us-east1')}`, `*.crdb.${NS}.svc.${domain('us-east1')}`,
    ]);
    expect(us.cluster.certificates!.nodeSans).toContain(`*.crdb.${NS}.svc.${domain('us-east1')}`);
  });

  test('exactly one init Job: the primary region\'s, through its own pod 0', () => {
    expect(charts.map((c) => initJobs(c.objects).length)).toEqual([1, 0, 0]);
    expect([us.cluster.initJob, asia.cluster.initJob]).toEqual([undefined, undefined]);
    expect(initJobs(eu.objects)[0].spec.template.spec.containers[0].command[2]).toContain(`--host=crdb-0.crdb.${NS}.svc.${domain('europe-west1')}:26257`);
  });

  test('init disabled in the primary region too, when asked', () => {
    expect(initJobs(build('europe-west1', { init: { enabled: false } }).objects)).toEqual([]);
  });
});

describe('the NetworkPolicy admits the other regions on 26257, and DNS goes to Cloud DNS', () => {
  const { cluster, objects } = build('us-east1', { networkPolicy: { egress: {} } });
  const others = [{ ipBlock: { cidr: PODS_CIDRS['europe-west1'] } }, { ipBlock: { cidr: PODS_CIDRS['asia-southeast1'] } }];
  const DNS = {
    to: [
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
      { ipBlock: { cidr: '169.254.169.254/32' } }, { ipBlock: { cidr: '169.254.20.10/32' } },
    ],
    ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
  };

  test('schemas', () => {
    validateAgainstSchemas(withSchemas(objects));
  });

  test('ingress: the cluster\'s own pods and clients, then the other regions\' pods on the SQL port only', () => {
    expect(only(objects, 'NetworkPolicy', 'crdb').spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: cluster.selectorLabels } }, { podSelector: { matchLabels: cluster.clientLabels } }], ports: [{ port: 26257, protocol: 'TCP' }, { port: 8080, protocol: 'TCP' }] },
      { from: others, ports: [{ port: 26257, protocol: 'TCP' }] },
    ]);
  });

  test('database egress: DNS (kube-dns and Cloud DNS), the cluster\'s pods, the other regions\' pods, the API server', () => {
    expect(only(objects, 'NetworkPolicy', 'crdb-database-egress').spec.egress).toEqual([
      DNS,
      { to: [{ podSelector: { matchLabels: cluster.selectorLabels } }], ports: [{ port: 26257, protocol: 'TCP' }] },
      { to: others, ports: [{ port: 26257, protocol: 'TCP' }] },
      // The locality init container reads the node.
      { ports: [{ port: 443, protocol: 'TCP' }] },
    ]);
  });

  test('client egress: DNS (kube-dns and Cloud DNS) and the cluster\'s own pods only', () => {
    expect(only(objects, 'NetworkPolicy', 'crdb-client-egress').spec.egress).toEqual([
      DNS, { to: [{ podSelector: { matchLabels: cluster.selectorLabels } }], ports: [{ port: 26257, protocol: 'TCP' }] },
    ]);
  });
});

describe('SQL, upgrades and scale-downs per region', () => {
  const SQL_REFUSED = (method: string, region: string) => `[test/crdb] ${method}(): received "${region}"; expected SQL declarations in the primary region's chart only (europe-west1): one SQL Job applies them for every region, and two would race`;

  test('the primary region declares SQL', () => {
    const { cluster } = build('europe-west1');
    cluster.addDatabase('books');
    expect(cluster.sqlProvisioner.statementsForDisplay).toEqual(['CREATE DATABASE IF NOT EXISTS "books";']);
  });

  test.each<[string, (c: CockroachCluster) => unknown]>([
    ['addDatabase', (c) => c.addDatabase('books')],
    ['addUser', (c) => c.addUser('app')],
    ['addRole', (c) => c.addRole('readers')],
    ['existingRole', (c) => c.existingRole('legacy')],
    ['setClusterSetting', (c) => c.setClusterSetting({ name: 'kv.rangefeed.enabled', value: true } as never)],
    ['setLicense', (c) => c.setLicense({ organization: 'Acme', key: {} as never })],
    ['addBackupSchedule', (c) => c.addBackupSchedule('nightly', {} as never)],
    ['restoreFrom', (c) => c.restoreFrom({} as never)],
    ['sqlProvisioner', (c) => c.sqlProvisioner],
  ])('a secondary region refuses %s', (method, fn) => {
    const { cluster } = build('asia-southeast1');
    const error = configError(() => fn(cluster));
    expect(error.message).toBe(SQL_REFUSED(method, 'asia-southeast1'));
    expect(error.prop).toBe(`${method}()`);
  });

  test('a secondary region still issues client certificates and runs loads', () => {
    const { cluster } = build('us-east1');
    expect(cluster.addClientCertificate('app').secretName).toBe('crdb-client-app');
    expect(() => cluster.addSqlClient()).not.toThrow();
  });

  test('an upgrade rolls out in every region; the finalization only from the primary region', () => {
    const upgrade = { version: CockroachDbVersion.of('v26.1.0'), upgrade: { from: CockroachDbVersion.of('v25.4.3') } };
    const us = build('us-east1', upgrade);
    expect(us.cluster.rollout?.finalizeJob).toBeUndefined();
    const roll = us.objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith('crdb-rollout-'))!.spec.template.spec.containers[0].command[2];
    expect(roll).toContain(`\nroll 3 crdb-3.crdb.${NS}.svc.${domain('us-east1')}:26257\n`);
    const eu = build('europe-west1', { ...upgrade, upgrade: { ...upgrade.upgrade, finalize: true } });
    expect(eu.cluster.rollout?.finalizeJob).toBeDefined();
  });

  test('a scale-down finds its nodes by the names they advertise', () => {
    const { objects } = build('us-east1', { replicas: 4, scaleDown: { from: 5, phase: ScaleDownPhase.DECOMMISSION } });
    const script: string = objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith('crdb-decommission-'))!.spec.template.spec.containers[0].command[2];
    expect(script).toContain(`crdb-4.crdb.${NS}.svc.${domain('us-east1')}:26257`);
    expect(script).not.toContain('svc.cluster.local:26257');
  });

  test('backups and monitoring from the description', () => {
    const { objects } = build('us-east1', { gcsCredentials: GcsCredentials.fromDeployment(description), managedPrometheus: ManagedPrometheus.fromDeployment(description) });
    expect(only(objects, 'ServiceAccount', 'crdb').metadata.annotations).toEqual({ 'iam.gke.io/gcp-service-account': 'crdb-backup@crdb-book-demo.iam.gserviceaccount.com' });
    // The collectors verify the nodes with a CA Secret the GoogleCASIssuer signs (it writes the pool's root into ca.crt).
    expect(only(objects, 'Certificate', 'crdb-scrape-ca').spec.issuerRef).toEqual({ name: 'crdb-cas-issuer', kind: 'GoogleCASIssuer', group: 'cas-issuer.jetstack.io' });
  });

  test('props that agree with the description are accepted', () => {
    const { cluster } = build('us-east1', {
      replicas: 4, clusterName: 'crdb-global', clusterDomain: 'cluster.local', name: 'crdb', init: { enabled: false },
      locality: Locality.of('region=us-east1,zone=us-east1-b'), upgrade: undefined,
    });
    expect(cluster.replicas).toBe(4);
    expect(build('us-east1', { locality: Locality.fromNode([{ tier: 'region', nodeLabel: 'topology.kubernetes.io/region' }]) }).cluster.nodeReaderRole).toBeDefined();
  });

  test('another issuer every region shares: no GoogleCASIssuer rendered', () => {
    const { cluster, objects } = build('us-east1', {}, { security: ClusterSecurity.certManagerIssuer(IssuerRef.clusterIssuer('corp-ca')) });
    expect(cluster.casIssuer).toBeUndefined();
    expect(objects.filter((o) => o.kind === 'GoogleCASIssuer')).toEqual([]);
    expect(only(objects, 'Certificate', 'crdb-node').spec.issuerRef).toEqual({ name: 'corp-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' });
  });
});

describe('a one-region cluster is unchanged', () => {
  const chart = newChart('db');
  const cluster = new CockroachCluster(chart, 'crdb');

  test('its attributes', () => {
    expect(cluster.multiRegion).toBeUndefined();
    expect(cluster.advertiseDomain).toBe('cluster.local');
    expect(cluster.clusterRegions).toEqual([]);
    expect(cluster.isPrimaryRegion).toBe(true);
    expect(cluster.otherRegionPodCidrs).toEqual([]);
    expect(cluster.dnsServerCidrs).toEqual([]);
    expect(cluster.casIssuer).toBeUndefined();
    expect(synth(chart).filter((o) => o.kind === 'GoogleCASIssuer')).toEqual([]);
  });
});

describe('props that would make a region disagree with the others are refused', () => {
  const US = 'us-east1';
  test.each<[string, Partial<CockroachClusterProps>, string, string, string?]>([
    ['replicas other than the region\'s nodes', { replicas: 3 }, 'replicas',
      'received 3; expected 4, the nodes of region us-east1 in the description (regions[1].nodes), or no replicas'],
    ['a static locality of another region', { locality: Locality.of('region=europe-west1,zone=europe-west1-b') }, 'locality',
      'received "region=europe-west1,zone=europe-west1-b"; expected region=us-east1 as the first tier (Locality.fromNode() reads it from topology.kubernetes.io/region): CockroachDB\'s database regions are the region tier, and this chart runs in us-east1'],
    ['a static locality whose first tier is the zone', { locality: Locality.of('zone=us-east1-b,region=us-east1') }, 'locality', 'received "zone=us-east1-b,region=us-east1"; expected region=us-east1 as the first tier'],
    ['a static locality of a region that only starts like it', { locality: Locality.of('region=us-east12') }, 'locality', 'received "region=us-east12";'],
    ['a node locality that starts with the zone', { locality: Locality.fromNode([{ tier: 'zone', nodeLabel: 'topology.kubernetes.io/zone' }, { tier: 'region', nodeLabel: 'topology.kubernetes.io/region' }]) },
      'locality', 'received "fromNode(zone=<topology.kubernetes.io/zone>,region=<topology.kubernetes.io/region>)"; expected region=us-east1 as the first tier'],
    ['a node locality whose region comes from another label', { locality: Locality.fromNode([{ tier: 'region', nodeLabel: 'example.com/region' }]) },
      'locality', 'received "fromNode(region=<example.com/region>)";'],
    ['a node locality whose first tier has another name', { locality: Locality.fromNode([{ tier: 'area', nodeLabel: 'topology.kubernetes.io/region' }]) },
      'locality', 'received "fromNode(area=<topology.kubernetes.io/region>)";'],
    ['a node locality without tiers', { locality: Locality.fromNode([]) }, 'locality', 'received "fromNode()"; expected region=us-east1 as the first tier'],
    ['another cluster name', { clusterName: 'crdb-us' }, 'clusterName',
      'received "crdb-us"; expected no clusterName, or "crdb-global" (the description\'s gkeClusterName): a node refuses to join nodes of another cluster name, so every region starts with the same'],
    ['another cluster domain', { clusterDomain: 'corp.local' }, 'clusterDomain',
      'received "corp.local"; expected no clusterDomain, or "cluster.local" (GKE\'s): the other regions reach the pods under crdb-global-us-east1.internal, and the Jobs of this chart the Services under cluster.local'],
    ['a Helm release to take over', { adoptHelmRelease: HelmRelease.of('crdb'), replicas: 4 }, 'adoptHelmRelease',
      'received "crdb"; expected no Helm release with multiRegion: a multi-region cluster is a new cluster of this library (restore a backup of the Helm release\'s cluster into it)'],
    ['a security of its own', { security: ClusterSecurity.certManager() }, 'security',
      'received "cert-manager"; expected no security with multiRegion: every region\'s certificates chain to one CA, set with MultiRegion.fromDeployment(description, region, { security })'],
    ['an init Job outside the primary region', { init: { enabled: true } }, 'init.enabled',
      'received true; expected no init Job outside the primary region (europe-west1): the cluster is initialized once, by the primary region\'s chart'],
    ['a finalization outside the primary region', { version: CockroachDbVersion.of('v26.1.0'), upgrade: { from: CockroachDbVersion.of('v25.4.3'), finalize: true } }, 'upgrade.finalize',
      'received true; expected the finalization in the primary region\'s chart (europe-west1), applied once every region runs the new version: it must never run while a region still runs the old binary'],
    ['another name', { name: 'orders' }, 'name',
      'received "orders"; expected "crdb", the description\'s cockroachClusterName: every region joins and resolves the pods by that name'],
    ['not a MultiRegion', { multiRegion: { region: US } as unknown as MultiRegion }, 'multiRegion',
      'received {"region":"us-east1"}; expected a MultiRegion, e.g. MultiRegion.fromDeployment(description, \'europe-west1\')'],
  ])('%s', (_what, props, prop, message) => {
    const error = configError(() => build(US, props));
    expect(error.prop).toBe(prop);
    expect(error.message).toContain(`[test/crdb] ${prop}: ${message}`);
  });

  test('another namespace', () => {
    const error = configError(() => build(US, {}, undefined, 'cockroachdb'));
    expect(error.message).toBe('[test/crdb] namespace (of the chart): received "cockroachdb"; expected "cockroachdb-global", the description\'s namespace: every region joins and resolves the pods in it');
  });

  test('in the primary region, init and finalize are the chart\'s to declare', () => {
    expect(initJobs(build('europe-west1', { init: { enabled: true } }).objects)).toHaveLength(1);
  });
});
