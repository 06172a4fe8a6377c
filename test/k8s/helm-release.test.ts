import { Size } from 'cdk8s';
import { ClusterSecurity, CockroachCluster, CockroachClusterProps, HelmRelease, HelmReleaseOptions, PvcRetention } from '../../lib/k8s';
import { newChart, only, podSpecs, synth, validateAgainstSchemas } from '../support/manifests';
import { configError } from '../support/errors';
import { synthEverything } from '../support/everything';

// What the chart renders for these (names, selector, claim template) is compared with the chart itself,
// rendered by helm, in test/cluster/helm-adoption.test.ts; here, the rules of the construct.

const BOOK = HelmRelease.of('crdb');

function adopt(props: Partial<CockroachClusterProps> = {}) {
  const chart = newChart('default');
  const cluster = new CockroachCluster(chart, 'crdb', {
    adoptHelmRelease: BOOK,
    replicas: 3,
    security: ClusterSecurity.insecure(),
    storage: { size: Size.gibibytes(5), storageClassName: 'standard' },
    ...props,
  });
  const objects = synth(chart);
  return { cluster, objects, sts: only(objects, 'StatefulSet') };
}

/** True when the labels carry every key of the selector with its value. */
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('the chart\'s names, from the release and its values', () => {
  test.each<[string, HelmReleaseOptions, string, string]>([
    ['the book\'s release', { release: 'crdb' }, 'crdb-cockroachdb', 'cockroachdb'],
    ['a release named like the chart', { release: 'cockroachdb' }, 'cockroachdb', 'cockroachdb'],
    ['a release that contains the chart\'s name', { release: 'my-cockroachdb-prod' }, 'my-cockroachdb-prod', 'cockroachdb'],
    ['nameOverride', { release: 'books', nameOverride: 'db' }, 'books-db', 'db'],
    ['nameOverride contained in the release', { release: 'crdb', nameOverride: 'db' }, 'crdb', 'db'],
    ['an empty nameOverride is the chart\'s default', { release: 'crdb', nameOverride: '' }, 'crdb-cockroachdb', 'cockroachdb'],
    ['fullnameOverride', { release: 'crdb', fullnameOverride: 'books-db' }, 'books-db', 'cockroachdb'],
    ['cut at 56 characters', { release: 'a'.repeat(44) + '-' + 'b'.repeat(8) }, 'a'.repeat(44) + '-' + 'b'.repeat(8) + '-co', 'cockroachdb'],
    ['55 characters: not cut', { release: 'a'.repeat(43) }, 'a'.repeat(43) + '-cockroachdb', 'cockroachdb'],
    ['a cut that ends on "-", which goes', { release: 'a'.repeat(44), nameOverride: 'b'.repeat(10) + '-x' }, 'a'.repeat(44) + '-' + 'b'.repeat(10), 'b'.repeat(10) + '-x'],
    ['a cut of the release itself', { release: 'cockroachdb-' + 'x'.repeat(41) }, 'cockroachdb-' + 'x'.repeat(41), 'cockroachdb'],
  ])('%s', (_case, options, fullname, chartName) => {
    const r = HelmRelease.withValues(options);
    expect(r.fullname).toBe(fullname);
    expect(r.chartName).toBe(chartName);
    expect(r.release).toBe(options.release);
  });

  test('trunc 56 then trimSuffix "-": exactly the chart\'s helper', () => {
    expect(HelmRelease.withValues({ release: 'r', fullnameOverride: 'x'.repeat(55) + '-yz' }).fullname).toBe('x'.repeat(55));
    expect(HelmRelease.withValues({ release: 'r', fullnameOverride: 'x'.repeat(56) }).fullname).toBe('x'.repeat(56));
    expect(HelmRelease.withValues({ release: 'r', fullnameOverride: 'x'.repeat(57) }).fullname).toBe('x'.repeat(56));
    expect(HelmRelease.withValues({ release: 'r', nameOverride: 'n'.repeat(60) }).chartName).toBe('n'.repeat(56));
  });

  test('the selector: the chart\'s name and the release, and statefulset.labels (by default, the component)', () => {
    expect(BOOK.selectorLabels).toEqual({ 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/instance': 'crdb', 'app.kubernetes.io/component': 'cockroachdb' });
    // statefulset.labels as rendered: given, it replaces the chart's default (Helm merged the values into it).
    expect(HelmRelease.withValues({ release: 'crdb', statefulSetLabels: { 'app.kubernetes.io/component': 'cockroachdb', 'team': 'books' } }).selectorLabels)
      .toEqual({ 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/instance': 'crdb', 'app.kubernetes.io/component': 'cockroachdb', 'team': 'books' });
    expect(HelmRelease.withValues({ release: 'crdb', statefulSetLabels: {} }).selectorLabels)
      .toEqual({ 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/instance': 'crdb' });
    expect(HelmRelease.withValues({ release: 'crdb', nameOverride: 'db', statefulSetLabels: { 'app.kubernetes.io/component': 'sql' } }).selectorLabels)
      .toEqual({ 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'crdb', 'app.kubernetes.io/component': 'sql' });
    expect(HelmRelease.withValues({ release: 'crdb', statefulSetLabels: { team: 'books' } }).claimLabels)
      .toEqual({ 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/instance': 'crdb' });
  });
});

describe('a cluster taken over from the book\'s release', () => {
  const { cluster, objects, sts } = adopt();

  test('valid objects, named as the chart named them', () => {
    validateAgainstSchemas(objects);
    expect(cluster.name).toBe('crdb-cockroachdb');
    expect(cluster.helmRelease).toBe(BOOK);
    expect(sts.metadata.name).toBe('crdb-cockroachdb');
    expect(sts.spec.serviceName).toBe('crdb-cockroachdb');
    expect(only(objects, 'Service', 'crdb-cockroachdb').spec.clusterIP).toBe('None');
    expect(only(objects, 'Service', 'crdb-cockroachdb-public').spec.type).toBe('ClusterIP');
    expect(only(objects, 'ServiceAccount', 'crdb-cockroachdb').metadata.name).toBe('crdb-cockroachdb');
    expect(only(objects, 'PodDisruptionBudget', 'crdb-cockroachdb-budget').spec.maxUnavailable).toBe(1);
  });

  test('the StatefulSet keeps the chart\'s selector and claim template, and its pods match the selector', () => {
    const selector = { 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/instance': 'crdb', 'app.kubernetes.io/component': 'cockroachdb' };
    const claimLabels = { 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/instance': 'crdb' };
    expect(sts.spec.selector).toEqual({ matchLabels: selector });
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    // apiVersion, kind and status as the API server stores them: see lib/k8s/private/apply-stable.ts.
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'datadir', labels: claimLabels },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard', volumeMode: 'Filesystem', resources: { requests: { storage: '5Gi' } } },
      status: { phase: 'Pending' },
    }]);
    expect(sts.spec.template.metadata.labels).toEqual({ ...selector, 'app.kubernetes.io/managed-by': 'cdk8s', 'app.kubernetes.io/version': cluster.version.tag });
    expect(sts.metadata.labels).toEqual({ ...selector, 'app.kubernetes.io/managed-by': 'cdk8s' });
    // The same data directory as the chart's pods (its conf.path default).
    expect(sts.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'datadir', mountPath: '/cockroach/cockroach-data' });
  });

  test('the Services and the budget select the database pods by the chart\'s selector', () => {
    for (const s of objects.filter((o) => o.kind === 'Service')) {
      expect(s.spec.selector).toEqual(sts.spec.selector.matchLabels);
    }
    expect(only(objects, 'PodDisruptionBudget').spec.selector).toEqual(sts.spec.selector);
  });

  test('the SQL port keeps the chart\'s name, so that the Services reach the chart\'s pods until each is replaced', () => {
    expect(sts.spec.template.spec.containers[0].ports).toEqual([
      { name: 'grpc', containerPort: 26257, protocol: 'TCP' },
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
    ]);
    for (const s of objects.filter((o) => o.kind === 'Service')) {
      expect(s.spec.ports).toEqual([
        { name: 'grpc', port: 26257, targetPort: 'grpc', protocol: 'TCP' },
        { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' },
      ]);
    }
  });

  test('no init Job: the chart initialized the cluster', () => {
    expect(cluster.initJob).toBeUndefined();
    expect(objects.filter((o) => o.kind === 'Job')).toEqual([]);
  });

  test('init.enabled false is accepted; the init Job stays out', () => {
    expect(adopt({ init: { enabled: false } }).objects.filter((o) => o.kind === 'Job')).toEqual([]);
  });
});

describe('no pod but the database\'s matches the chart\'s selector', () => {
  // The chart's selector has no component: a Job's pod with its name and instance labels would join the
  // Services' endpoints and count in the budget.
  test.each([
    ['the book\'s release', HelmRelease.of('crdb')],
    ['a release whose full name is the release (the instance labels agree)', HelmRelease.of('cockroachdb')],
    ['statefulset.labels whose component is a Job\'s', HelmRelease.withValues({ release: 'cockroachdb', statefulSetLabels: { 'app.kubernetes.io/component': 'sql' } })],
    ['statefulset.labels emptied: the selector is the name and the release only', HelmRelease.withValues({ release: 'cockroachdb', statefulSetLabels: {} })],
  ])('%s, every feature on', (_case, release) => {
    const { cluster, objects } = synthEverything({ adoptHelmRelease: release, scaleDown: undefined, locality: undefined });
    const selector = only(objects, 'StatefulSet').spec.selector.matchLabels;
    const pods = podSpecs(objects);
    expect(pods.length).toBeGreaterThan(4);
    const matching = objects.flatMap((o) => {
      const labels = o.kind === 'Pod' ? o.metadata.labels : o.spec?.template?.metadata?.labels ?? o.spec?.jobTemplate?.spec?.template?.metadata?.labels;
      return labels && matches(selector, labels) ? [`${o.kind}/${o.metadata.name}`] : [];
    });
    expect(matching).toEqual([`StatefulSet/${cluster.name}`]);
    // The other objects say whose they are without the name label.
    const job = objects.find((o) => o.kind === 'Job')!;
    expect(job.spec.template.metadata.labels).toEqual(expect.objectContaining({ 'app.kubernetes.io/part-of': 'cockroachdb', 'app.kubernetes.io/instance': cluster.name }));
    expect(job.spec.template.metadata.labels['app.kubernetes.io/name']).toBeUndefined();
  });

  test('the client egress policy selects the cluster\'s own Job pods', () => {
    const { objects } = synthEverything({ adoptHelmRelease: BOOK, scaleDown: undefined, locality: undefined, networkPolicy: { egress: {} } });
    const policy = only(objects, 'NetworkPolicy', 'crdb-cockroachdb-client-egress');
    const selector = policy.spec.podSelector.matchLabels;
    expect(selector).toEqual({ 'app.kubernetes.io/part-of': 'cockroachdb', 'app.kubernetes.io/instance': 'crdb-cockroachdb', 'cockroachdb/client-crdb-cockroachdb': 'true' });
    const jobs = objects.filter((o) => o.kind === 'Job');
    expect(jobs.length).toBeGreaterThan(3);
    for (const j of jobs) expect(matches(selector, j.spec.template.metadata.labels)).toBe(true);
  });
});

describe('a cluster of this library renders as before', () => {
  test('selector, pod and claim labels', () => {
    const chart = newChart();
    const cluster = new CockroachCluster(chart, 'crdb', { init: { enabled: false } });
    const sts = only(synth(chart), 'StatefulSet');
    const selector = { 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/instance': 'crdb', 'app.kubernetes.io/component': 'database' };
    expect(cluster.helmRelease).toBeUndefined();
    expect(sts.spec.selector.matchLabels).toEqual(selector);
    expect(sts.spec.volumeClaimTemplates[0].metadata.labels).toEqual(selector);
    expect(cluster.labels).toEqual({ ...selector, 'app.kubernetes.io/managed-by': 'cdk8s' });
    expect(sts.spec.template.spec.containers[0].ports[0]).toEqual({ name: 'sql', containerPort: 26257, protocol: 'TCP' });
  });
});

describe('bad input is refused at synth, naming the prop', () => {
  test.each<[string, Partial<CockroachClusterProps>, string, string]>([
    ['a plain object', { adoptHelmRelease: { release: 'crdb' } as any }, 'adoptHelmRelease', 'received {"release":"crdb"}; expected a HelmRelease, e.g. HelmRelease.of(\'crdb\')'],
    ['no release name', { adoptHelmRelease: HelmRelease.of(undefined as any) }, 'adoptHelmRelease.release', 'received undefined; expected the release name given to helm install, e.g. "crdb"'],
    ['an upper-case release', { adoptHelmRelease: HelmRelease.of('CRDB') }, 'adoptHelmRelease.release', 'received "CRDB"'],
    ['a release longer than Helm allows', { adoptHelmRelease: HelmRelease.of('r'.repeat(54)) }, 'adoptHelmRelease.release', 'received "' + 'r'.repeat(54) + '"'],
    ['a bad nameOverride', { adoptHelmRelease: HelmRelease.withValues({ release: 'crdb', nameOverride: 'Db' }) }, 'adoptHelmRelease.nameOverride', 'received "Db"'],
    ['a bad fullnameOverride', { adoptHelmRelease: HelmRelease.withValues({ release: 'crdb', fullnameOverride: 'db_1' }) }, 'adoptHelmRelease.fullnameOverride', 'received "db_1"'],
    ['a bad selector label key', { adoptHelmRelease: HelmRelease.withValues({ release: 'crdb', statefulSetLabels: { 'a b': 'x' } }) }, 'adoptHelmRelease.statefulSetLabels', 'received "a b"'],
    ['a bad selector label value', { adoptHelmRelease: HelmRelease.withValues({ release: 'crdb', statefulSetLabels: { team: 'a b' } }) }, 'adoptHelmRelease.statefulSetLabels["team"]', 'received "a b"'],
    ['a selector label the chart sets from the release', { adoptHelmRelease: HelmRelease.withValues({ release: 'crdb', statefulSetLabels: { 'app.kubernetes.io/instance': 'x' } }) }, 'adoptHelmRelease.statefulSetLabels',
      'received "app.kubernetes.io/instance"; expected labels other than app.kubernetes.io/name and app.kubernetes.io/instance, which the chart sets from nameOverride and the release'],
    ['the name label in statefulset.labels', { adoptHelmRelease: HelmRelease.withValues({ release: 'crdb', statefulSetLabels: { 'app.kubernetes.io/name': 'x' } }) }, 'adoptHelmRelease.statefulSetLabels', 'received "app.kubernetes.io/name"'],
    ['another name', { adoptHelmRelease: BOOK, name: 'crdb' }, 'name',
      'received "crdb"; expected no name, or "crdb-cockroachdb": the chart named the StatefulSet, its Services and volumes after release "crdb"'],
    ['a full name too long for the names derived from it', { adoptHelmRelease: HelmRelease.of('r'.repeat(30)) }, 'name', 'received "' + 'r'.repeat(30) + '-cockroachdb"'],
    ['no replicas stated', { adoptHelmRelease: BOOK, replicas: undefined }, 'adoptHelmRelease, replicas',
      'received no replicas for a cluster taken over from a Helm release; expected the chart\'s statefulset.replicas, stated: the new StatefulSet is created, not updated, so the replica guard cannot stop a smaller count from deleting live nodes'],
    ['volumes deleted on a scale-down', { adoptHelmRelease: BOOK, storage: { whenScaled: PvcRetention.DELETE } }, 'adoptHelmRelease, storage.whenScaled',
      'received storage.whenScaled DELETE for a cluster taken over from a Helm release; expected RETAIN (the default): the chart\'s volumes hold the only copy of data a miscounted takeover would drop'],
    ['a second init', { adoptHelmRelease: BOOK, init: { enabled: true } }, 'adoptHelmRelease, init.enabled',
      'received init.enabled true for a cluster taken over from a Helm release; expected no init Job: the chart\'s install hook initialized the cluster, and it must never be initialized again'],
  ])('%s', (_case, props, prop, message) => {
    const error = configError(() => new CockroachCluster(newChart('default'), 'crdb', { security: ClusterSecurity.insecure(), replicas: 3, ...props }));
    expect(error.prop).toBe(prop);
    expect(error.message).toContain(`${prop}: ${message}`);
  });

  test('the name a cluster is given when it matches is accepted', () => {
    expect(adopt({ name: 'crdb-cockroachdb' }).sts.metadata.name).toBe('crdb-cockroachdb');
  });
});

describe('TLS: the certificates stay where the chart put them, under its CA', () => {
  const secretNames = (objects: any[]) => only(objects, 'StatefulSet').spec.template.spec.volumes
    .flatMap((v: any) => [v.secret?.secretName, ...(v.projected?.sources ?? []).map((p: any) => p.secret?.name)]).filter((n: any) => n !== undefined);

  test('the self-signer\'s Secrets (the chart\'s default)', () => {
    const security = BOOK.selfSignerSecurity();
    expect(security.secrets).toEqual({ nodeSecretName: 'crdb-cockroachdb-node-secret', rootClientSecretName: 'crdb-cockroachdb-client-secret' });
    const { objects } = adopt({ security });
    expect(secretNames(objects)).toEqual(['crdb-cockroachdb-node-secret', 'crdb-cockroachdb-client-secret']);
    // No certificate issued anew: no cert-manager object at all.
    expect(objects.filter((o) => o.apiVersion.startsWith('cert-manager.io/'))).toEqual([]);
  });

  test('cert-manager\'s Secrets: the chart\'s defaults, or the names its values gave', () => {
    expect(BOOK.certManagerSecurity().secrets).toEqual({ nodeSecretName: 'cockroachdb-node', rootClientSecretName: 'cockroachdb-root' });
    expect(BOOK.certManagerSecurity('crdb-node', 'crdb-root').secrets).toEqual({ nodeSecretName: 'crdb-node', rootClientSecretName: 'crdb-root' });
  });
});
