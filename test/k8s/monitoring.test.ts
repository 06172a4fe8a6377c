import * as fs from 'fs';
import * as path from 'path';
import { Duration, Size } from 'cdk8s';
import { ClusterSecurity, CockroachCluster, CockroachClusterProps, CockroachConfigError, MonitoringOptions } from '../../lib/k8s';
import { newChart, only, synth, validateAgainstSchemas } from '../support/manifests';

const KNOWN_METRICS = fs.readFileSync(path.join(__dirname, '../fixtures/cockroachdb-metrics.txt'), 'utf8')
  .split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
const PROMQL_WORDS = new Set(['sum', 'by', 'avg', 'rate', 'histogram_quantile', 'abs', 'and', 'time', 'le', 'instance', 'store', 'namespace', 'service']);

function build(monitoring: MonitoringOptions = {}, props: Partial<CockroachClusterProps> = {}) {
  const chart = newChart();
  const cluster = new CockroachCluster(chart, 'crdb', { monitoring, ...props });
  return { cluster, objects: synth(chart) };
}

describe('monitoring', () => {
  const { cluster, objects } = build({ labels: { release: 'kube-prometheus-stack' } });
  const rule = only(objects, 'PrometheusRule');
  const alerts = rule.spec.groups[0].rules;

  test('ServiceMonitor and PrometheusRule pass the prometheus-operator schemas', () => {
    validateAgainstSchemas(objects);
    expect(only(objects, 'ServiceMonitor').metadata.labels.release).toBe('kube-prometheus-stack');
  });

  test('scrapes /_status/vars over HTTPS with the cluster CA, from the discovery Service only', () => {
    const sm = only(objects, 'ServiceMonitor').spec;
    expect(sm.selector.matchLabels).toEqual(cluster.discoveryServiceLabels);
    expect(only(objects, 'Service', 'crdb').metadata.labels).toMatchObject(sm.selector.matchLabels);
    expect(only(objects, 'Service', 'crdb-public').metadata.labels['cockroachdb/service']).toBeUndefined();
    expect(sm.endpoints).toEqual([{
      port: 'http', path: '/_status/vars', interval: '30s', scheme: 'https',
      tlsConfig: { ca: { secret: { name: 'crdb-client-root', key: 'ca.crt' } }, serverName: 'crdb-public.db.svc.cluster.local' },
    }]);
    expect(only(build({}, { security: ClusterSecurity.insecure() }).objects, 'ServiceMonitor').spec.endpoints[0].scheme).toBe('http');
  });

  test('the book\'s alerts, each with what to do', () => {
    expect(alerts.map((a: any) => a.alert)).toEqual([
      'CockroachNodeDown', 'CockroachUnavailableRanges', 'CockroachUnderReplicatedRanges', 'CockroachHighSqlLatencyP99',
      'CockroachHighCpu', 'CockroachMemoryNearLimit', 'CockroachDiskAlmostFull', 'CockroachDiskIopsSaturated',
      'CockroachDiskThroughputSaturated', 'CockroachNodeCertificateExpiresSoon', 'CockroachCaCertificateExpiresSoon', 'CockroachClockOffset',
    ]);
    for (const a of alerts) {
      expect(a.annotations.action).toMatch(/scale out|scale up|add disk|disk|Check|Fix|Bring|restore|cert/i);
      expect(['critical', 'warning']).toContain(a.labels.severity);
    }
    const action = (name: string) => alerts.find((a: any) => a.alert === name).annotations.action;
    expect(action('CockroachHighCpu')).toMatch(/Scale out/);
    expect(action('CockroachMemoryNearLimit')).toMatch(/Scale up/);
    expect(action('CockroachDiskAlmostFull')).toMatch(/Add disk/);
  });

  test('every expression uses only metrics CockroachDB exports, scoped to this cluster', () => {
    for (const a of alerts) {
      const identifiers = (a.expr.replace(/\{[^}]*\}/g, '').replace(/\[[^\]]*\]/g, '').match(/[a-z_][a-z0-9_]*/g) ?? []) as string[];
      const metrics = identifiers.filter((id) => !PROMQL_WORDS.has(id));
      expect(metrics.length).toBeGreaterThan(0);
      for (const m of metrics) expect(KNOWN_METRICS).toContain(m);
      expect(a.expr).toContain('namespace="db", service="crdb"');
    }
  });

  test('thresholds: defaults, and props', () => {
    const expr = (alertsOf: any[], name: string) => alertsOf.find((a) => a.alert === name).expr;
    expect(expr(alerts, 'CockroachHighSqlLatencyP99')).toMatch(/> 500000000$/);
    expect(expr(alerts, 'CockroachMemoryNearLimit')).toBe(`sys_rss{namespace="db", service="crdb"} > ${Math.floor(8 * 1024 ** 3 * 0.9)}`);
    const custom = build({
      thresholds: { p99SqlLatency: Duration.millis(200), cpuHighFraction: 0.7, cpuHighFor: Duration.minutes(10), memoryFraction: 0.85, diskUsedFraction: 0.75, certificateExpiry: Duration.days(30) },
    }, { resources: { memory: { limit: Size.gibibytes(16) } } });
    const c = only(custom.objects, 'PrometheusRule').spec.groups[0].rules;
    expect(expr(c, 'CockroachHighSqlLatencyP99')).toMatch(/> 200000000$/);
    expect(expr(c, 'CockroachHighCpu')).toMatch(/> 0.7$/);
    expect(c.find((a: any) => a.alert === 'CockroachHighCpu').for).toBe('10m');
    expect(expr(c, 'CockroachMemoryNearLimit')).toMatch(new RegExp(`> ${Math.floor(16 * 1024 ** 3 * 0.85)}$`));
    expect(expr(c, 'CockroachDiskAlmostFull')).toMatch(/> 0.75$/);
    expect(expr(c, 'CockroachNodeCertificateExpiresSoon')).toMatch(/< 2592000$/);
  });

  test('off unless asked; each half can be turned off', () => {
    const chart = newChart();
    new CockroachCluster(chart, 'crdb');
    expect(synth(chart).filter((o) => o.apiVersion.startsWith('monitoring.coreos.com'))).toEqual([]);
    expect(build({ alerts: false }).objects.filter((o) => o.kind === 'PrometheusRule')).toEqual([]);
    expect(build({ serviceMonitor: false }).objects.filter((o) => o.kind === 'ServiceMonitor')).toEqual([]);
  });

  test.each([
    [{ thresholds: { cpuHighFraction: 1.2 } }, 'monitoring.thresholds.cpuHighFraction'],
    [{ thresholds: { memoryFraction: 0 } }, 'monitoring.thresholds.memoryFraction'],
    [{ thresholds: { cpuHighFor: Duration.seconds(10) } }, 'monitoring.thresholds.cpuHighFor (seconds)'],
    [{ thresholds: { clockOffset: Duration.seconds(1) } }, 'monitoring.thresholds.clockOffset'],
    [{ thresholds: { diskIopsInProgress: 0 } }, 'monitoring.thresholds.diskIopsInProgress'],
  ])('bad threshold %o', (monitoring, prop) => {
    let error: unknown;
    try {
      build(monitoring as MonitoringOptions);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CockroachConfigError);
    expect((error as CockroachConfigError).prop).toBe(prop);
  });
});

describe('DB Console Ingress', () => {
  test('off by default; with TLS on the Ingress and HTTPS to the backend for ingress-nginx', () => {
    expect(build().objects.filter((o) => o.kind === 'Ingress')).toEqual([]);
    const { objects } = build({}, { dbConsoleIngress: { host: 'crdb.example.com', tlsSecretName: 'crdb-console-tls', ingressClassName: 'nginx' } });
    validateAgainstSchemas(objects);
    const ing = only(objects, 'Ingress');
    expect(ing.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS' });
    expect(ing.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['crdb.example.com'], secretName: 'crdb-console-tls' }],
      rules: [{ host: 'crdb.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'crdb-public', port: { name: 'http' } } } }] } }],
    });
  });

  test.each([
    [{ host: '*.example.com', tlsSecretName: 'x' }, 'dbConsoleIngress.host'],
    [{ host: 'Crdb.Example.com', tlsSecretName: 'x' }, 'dbConsoleIngress.host'],
    [{ host: 'crdb.example.com', tlsSecretName: 'Bad Secret' }, 'dbConsoleIngress.tlsSecretName'],
  ])('bad input %o', (dbConsoleIngress, prop) => {
    let error: unknown;
    try {
      build({}, { dbConsoleIngress });
    } catch (e) {
      error = e;
    }
    expect((error as CockroachConfigError).prop).toBe(prop);
  });
});
