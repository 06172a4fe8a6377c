import { Duration } from 'cdk8s';
import {
  ClusterSecurity, CockroachCluster, CockroachClusterProps, DEFAULT_ALERT_THRESHOLDS, DeploymentDescription, IssuerRef, ManagedPrometheus,
  ManagedPrometheusOptions, cockroachAlerts,
} from '../../lib/k8s';
import { DeploymentDescriptionProps, monitoredMetricNames } from '../../lib/shared';
import { configError } from '../support/errors';
import { newChart, only, synth, validateAgainstSchemas } from '../support/manifests';

// Google Cloud Managed Service for Prometheus. The field names are those of its CRDs
// (github.com/GoogleCloudPlatform/prometheus-engine v0.17.2, monitoring.googleapis.com/v1), which admit
// these objects on the real API server in test/cluster/managed-prometheus.test.ts.

function build(managedPrometheus: ManagedPrometheusOptions = {}, props: Partial<CockroachClusterProps> = {}) {
  const chart = newChart();
  const cluster = new CockroachCluster(chart, 'crdb', { managedPrometheus, ...props });
  return { cluster, objects: synth(chart) };
}
const DESCRIPTION: DeploymentDescriptionProps = { projectId: 'books-prod', region: 'europe-west1', bucketName: 'books-backups', namespace: 'db' };
const SELECTOR = 'namespace="db", job="crdb"';
/** Only what the alerts and dashboards read is kept: Managed Service for Prometheus bills per sample. */
const KEEP = [{ action: 'keep', sourceLabels: ['__name__'], regex: monitoredMetricNames().join('|') }];

describe('Managed Service for Prometheus, TLS through cert-manager (the default)', () => {
  const { cluster, objects } = build();
  const gmp = cluster.managedPrometheus!;

  test('the PodMonitoring scrapes /_status/vars on the database pods over HTTPS, verified with the cluster CA', () => {
    const pm = only(objects, 'PodMonitoring');
    expect(pm.apiVersion).toBe('monitoring.googleapis.com/v1');
    expect(pm.metadata).toMatchObject({ name: 'crdb', namespace: 'db' });
    // Pods, not a Service: GMP selects pods.
    expect(pm.spec.selector).toEqual({ matchLabels: cluster.selectorLabels });
    expect(pm.spec.endpoints).toEqual([{
      port: 'http', path: '/_status/vars', interval: '30s', scheme: 'https', metricRelabeling: KEEP,
      tls: { serverName: 'crdb-public.db.svc.cluster.local', ca: { secret: { name: 'crdb-scrape-ca', key: 'ca.crt' } } },
    }]);
    expect(cluster.certificates!.nodeSans).toContain(pm.spec.endpoints[0].tls.serverName);
    // Named port of the database container.
    const container = only(objects, 'StatefulSet').spec.template.spec.containers[0];
    expect(container.ports.map((p: any) => p.name)).toContain('http');
  });

  test('the collectors read a Secret with the CA and no key of ours: a server-auth-only certificate for a Service that does not exist', () => {
    const cert = only(objects, 'Certificate', 'crdb-scrape-ca');
    expect(cert.spec).toMatchObject({
      secretName: 'crdb-scrape-ca', usages: ['server auth'], dnsNames: ['crdb-scrape-ca.db.svc.cluster.local'], commonName: 'crdb scrape CA bundle',
      issuerRef: { name: 'crdb-ca-issuer', kind: 'Issuer', group: 'cert-manager.io' },
      // Renewed every 8 hours: its copy of the CA follows a renewed CA within that.
      duration: '24h', renewBefore: '16h',
    });
    expect(objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name)).not.toContain('crdb-scrape-ca');
    expect(cert.spec.usages).not.toContain('client auth');
    expect(gmp.caCertificate).toBeDefined();
  });

  test('a Role lets gmp-system\'s collector ServiceAccount read that one Secret, nothing else', () => {
    const role = only(objects, 'Role', 'crdb-gmp-ca-reader');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['crdb-scrape-ca'], verbs: ['get', 'list', 'watch'] }]);
    const binding = only(objects, 'RoleBinding', 'crdb-gmp-ca-reader');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'crdb-gmp-ca-reader' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'collector', namespace: 'gmp-system' }]);
    expect(gmp.caReaderRole!.name).toBe('crdb-gmp-ca-reader');
  });

  test('the alerts as Rules, with GMP\'s labels (namespace, job) instead of prometheus-operator\'s service', () => {
    const rules = only(objects, 'Rules');
    expect(rules.apiVersion).toBe('monitoring.googleapis.com/v1');
    expect(rules.metadata).toMatchObject({ name: 'crdb', namespace: 'db' });
    const group = rules.spec.groups[0];
    expect(rules.spec.groups).toHaveLength(1);
    expect(group.name).toBe('cockroachdb-db-crdb');
    expect(group.interval).toBe('30s');
    const shared = cockroachAlerts(SELECTOR, DEFAULT_ALERT_THRESHOLDS);
    expect(group.rules).toEqual(shared.map((a) => ({
      alert: a.alert, expr: a.expr, for: expect.any(String), labels: { severity: a.severity }, annotations: { summary: a.summary, action: a.action },
    })));
    expect(group.rules.map((r: any) => r.for)).toEqual(['15m', '5m', '5m', '15m', '10m', '30m', '10m', '10m', '15m', '15m', '1h', '1h', '5m']);
    for (const r of group.rules) expect(r.expr).not.toContain('service=');
    expect(gmp.selector).toBe(SELECTOR);
    expect(gmp.alerts).toEqual(shared);
  });

  test('the other objects pass their schemas; every object carries the cluster\'s labels', () => {
    validateAgainstSchemas(objects);
    for (const kind of ['PodMonitoring', 'Rules', 'Role', 'RoleBinding']) {
      expect(objects.filter((o) => o.kind === kind && o.metadata.name.startsWith('crdb')).every((o) => o.metadata.labels['app.kubernetes.io/instance'] === 'crdb')).toBe(true);
    }
  });
});

describe('options', () => {
  test('without alerts: no Rules; another scrape interval; every metric kept', () => {
    const { objects } = build({ alerts: false, scrapeInterval: Duration.seconds(15), keepAllMetrics: true });
    expect(objects.filter((o) => o.kind === 'Rules')).toEqual([]);
    expect(only(objects, 'PodMonitoring').spec.endpoints[0].interval).toBe('15s');
    expect(only(objects, 'PodMonitoring').spec.endpoints[0].metricRelabeling).toBeUndefined();
    expect(only(build({ keepAllMetrics: false, scrapeInterval: Duration.seconds(60) }).objects, 'PodMonitoring').spec.endpoints[0]).toMatchObject({ metricRelabeling: KEEP, interval: '60s' });
    expect(only(build({ scrapeInterval: Duration.seconds(5) }).objects, 'PodMonitoring').spec.endpoints[0].interval).toBe('5s');
  });

  test('an insecure cluster is scraped over HTTP: no CA, no Role', () => {
    const { cluster, objects } = build({}, { security: ClusterSecurity.insecure() });
    expect(only(objects, 'PodMonitoring').spec.endpoints).toEqual([{ port: 'http', path: '/_status/vars', interval: '30s', scheme: 'http', metricRelabeling: KEEP }]);
    expect(objects.filter((o) => /scrape|gmp/.test(o.metadata.name))).toEqual([]);
    expect(cluster.managedPrometheus!.caReaderRole).toBeUndefined();
    expect(cluster.managedPrometheus!.caCertificate).toBeUndefined();
  });

  test('an issuer of one\'s own issues the scrape CA Secret too', () => {
    const { objects } = build({}, { security: ClusterSecurity.certManagerIssuer(IssuerRef.clusterIssuer('corp-ca')) });
    expect(only(objects, 'Certificate', 'crdb-scrape-ca').spec.issuerRef).toEqual({ name: 'corp-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' });
  });

  test('a GoogleCASIssuer (which writes the CA Service pool\'s root into ca.crt) issues the scrape CA Secret too', () => {
    const cas = IssuerRef.of('crdb-cas-issuer', 'GoogleCASIssuer', 'cas-issuer.jetstack.io');
    const { objects } = build({}, { security: ClusterSecurity.certManagerIssuer(cas) });
    expect(only(objects, 'Certificate', 'crdb-scrape-ca').spec.issuerRef).toEqual({ name: 'crdb-cas-issuer', kind: 'GoogleCASIssuer', group: 'cas-issuer.jetstack.io' });
    expect(only(objects, 'PodMonitoring').spec.endpoints[0].tls.ca).toEqual({ secret: { name: 'crdb-scrape-ca', key: 'ca.crt' } });
  });

  test('existing Secrets: a CA-only Secret of one\'s own, which the collectors may read', () => {
    const security = ClusterSecurity.existingSecrets({ nodeSecretName: 'n', rootClientSecretName: 'r' });
    const { objects } = build({ caSecretName: 'crdb-ca-bundle' }, { security });
    expect(only(objects, 'PodMonitoring').spec.endpoints[0].tls.ca).toEqual({ secret: { name: 'crdb-ca-bundle', key: 'ca.crt' } });
    expect(only(objects, 'Role', 'crdb-gmp-ca-reader').rules[0].resourceNames).toEqual(['crdb-ca-bundle']);
    expect(objects.filter((o) => o.kind === 'Certificate')).toEqual([]);
    const error = configError(() => build({}, { security }));
    expect(error.prop).toBe('managedPrometheus.caSecretName');
    expect(error.message).toContain('must not read a Secret that holds a private key');
  });

  test('an issuer outside cert-manager.io, with a CA Secret of one\'s own', () => {
    const security = ClusterSecurity.certManagerIssuer(IssuerRef.of('pca', 'AWSPCAClusterIssuer', 'awspca.cert-manager.io'));
    const { objects } = build({ caSecretName: 'pca-root' }, { security });
    expect(only(objects, 'PodMonitoring').spec.endpoints[0].tls.ca.secret.name).toBe('pca-root');
    expect(objects.filter((o) => o.kind === 'Certificate' && o.metadata.name === 'crdb-scrape-ca')).toEqual([]);
  });

  test('with cert-manager, a CA Secret of one\'s own replaces the issued one', () => {
    const { objects } = build({ caSecretName: 'bundle' });
    expect(objects.filter((o) => o.kind === 'Certificate' && o.metadata.name === 'crdb-scrape-ca')).toEqual([]);
    expect(only(objects, 'PodMonitoring').spec.endpoints[0].tls.ca.secret.name).toBe('bundle');
  });

  test('thresholds of one\'s own', () => {
    const { objects } = build({ thresholds: { cpuHighFraction: 0.6, cpuHighFor: Duration.minutes(10) } });
    const cpu = only(objects, 'Rules').spec.groups[0].rules.find((r: any) => r.alert === 'CockroachHighCpu');
    expect(cpu.expr).toBe(`avg by (instance) (sys_cpu_combined_percent_normalized{${SELECTOR}}) > 0.6`);
    expect(cpu.for).toBe('10m');
  });
});

describe('from the deployment description, which the Google Cloud half reads too', () => {
  const description = DeploymentDescription.of({ ...DESCRIPTION, monitoring: { notificationEmails: ['dba@example.com'], alertThresholds: { cpuHighFraction: 0.7, p99SqlLatencyMillis: 250 } } });

  test('the description\'s thresholds: the Rules and the alert policies agree', () => {
    const { cluster, objects } = build(ManagedPrometheus.fromDeployment(description));
    expect(cluster.managedPrometheus!.thresholds).toBe(description.monitoring!.alertThresholds);
    expect(only(objects, 'Rules').spec.groups[0].rules.map((r: any) => r.expr)).toEqual(
      cockroachAlerts(description.managedPrometheusSelector, description.monitoring!.alertThresholds).map((a) => a.expr));
    expect(description.managedPrometheusSelector).toBe(SELECTOR);
  });

  test('options beside the description', () => {
    const { objects } = build(ManagedPrometheus.fromDeployment(description, { alerts: false }));
    expect(objects.filter((o) => o.kind === 'Rules')).toEqual([]);
  });

  test('a description without monitoring: the default thresholds', () => {
    const { cluster } = build(ManagedPrometheus.fromDeployment(DeploymentDescription.of(DESCRIPTION)));
    expect(cluster.managedPrometheus!.thresholds).toEqual(DEFAULT_ALERT_THRESHOLDS);
  });

  test.each<[string, () => ReturnType<typeof build>, string, string]>([
    ['another namespace', () => build(ManagedPrometheus.fromDeployment(DeploymentDescription.of({ ...DESCRIPTION, namespace: 'other' }))),
      'managedPrometheus.deployment', 'received "other/crdb"; expected the description of this cluster, db/crdb'],
    ['another cluster name', () => build(ManagedPrometheus.fromDeployment(DeploymentDescription.of({ ...DESCRIPTION, cockroachClusterName: 'orders' }))),
      'managedPrometheus.deployment', 'received "db/orders"; expected the description of this cluster, db/crdb'],
    ['thresholds beside a description', () => build({ deployment: description, thresholds: { cpuHighFraction: 0.5 } }),
      'managedPrometheus.thresholds', 'expected no thresholds beside a deployment description'],
    ['not a description', () => build({ deployment: { namespace: 'db', cockroachClusterName: 'crdb' } as unknown as DeploymentDescription }),
      'managedPrometheus.deployment', 'expected a DeploymentDescription'],
    ['a scrape interval too short', () => build({ scrapeInterval: Duration.seconds(1) }), 'managedPrometheus.scrapeInterval (seconds)', 'received 1;'],
    ['a scrape interval too long for rate(…[5m])', () => build({ scrapeInterval: Duration.seconds(61) }), 'managedPrometheus.scrapeInterval (seconds)', 'received 61;'],
    ['an issuer outside cert-manager.io, without a CA Secret', () => build({}, { security: ClusterSecurity.certManagerIssuer(IssuerRef.of('pca', 'AWSPCAClusterIssuer', 'awspca.cert-manager.io')) }),
      'managedPrometheus.caSecretName', 'an issuer outside cert-manager.io'],
    ['a CA Secret name that is no name', () => build({ caSecretName: 'Bad_Name' }), 'managedPrometheus.caSecretName', 'received "Bad_Name";'],
    ['a bad threshold', () => build({ thresholds: { memoryFraction: 2 } }), 'monitoring.thresholds.memoryFraction', 'received 2;'],
  ])('refused: %s', (_name, fn, prop, message) => {
    const error = configError(fn);
    expect(error.prop).toBe(prop);
    expect(error.message).toContain(message);
    expect(error.constructPath).toBe('test/crdb');
  });
});

describe('the NetworkPolicy lets the collectors in on 8080 only', () => {
  test('with managed Prometheus: gmp-system\'s collector pods reach 8080', () => {
    const { objects } = build({}, { networkPolicy: {} });
    const rules = only(objects, 'NetworkPolicy', 'crdb').spec.ingress;
    expect(rules[rules.length - 1]).toEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gmp-system' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'collector' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    });
    expect(JSON.stringify(rules.slice(0, -1))).not.toContain('gmp-system');
  });

  test('without it, no such rule', () => {
    const chart = newChart();
    new CockroachCluster(chart, 'crdb', { networkPolicy: {} });
    expect(JSON.stringify(only(synth(chart), 'NetworkPolicy', 'crdb').spec.ingress)).not.toContain('gmp-system');
  });
});
