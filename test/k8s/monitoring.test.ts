import { Duration, Size } from 'cdk8s';
import { ClusterSecurity, CockroachCluster, CockroachClusterProps, MonitoringOptions } from '../../lib/k8s';
import { newChart, only, synth, validateAgainstSchemas } from '../support/manifests';
import { configError } from '../support/errors';

import { metricNamesOf as metricsOf } from '../../lib/shared';
import { exported, KNOWN_METRICS } from '../support/metrics';

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
    expect(sm.namespaceSelector).toEqual({ matchNames: ['db'] });
    expect(only(build({}, { security: ClusterSecurity.insecure() }).objects, 'ServiceMonitor').spec.endpoints[0].scheme).toBe('http');
  });

  /** [alert, for, severity, summary] with the default thresholds */
  test.each([
    ['CockroachMetricsAbsent', '15m', 'critical', 'No CockroachDB node has been scraped for 15 minutes: no other alert of this cluster can fire.'],
    ['CockroachNodeDown', '5m', 'critical', 'A CockroachDB node has not answered Prometheus for 5 minutes.'],
    ['CockroachUnavailableRanges', '5m', 'critical', 'Some ranges have lost their quorum: part of the data cannot be read or written.'],
    ['CockroachUnderReplicatedRanges', '15m', 'warning', 'Some ranges have fewer replicas than configured.'],
    ['CockroachHighSqlLatencyP99', '10m', 'warning', 'p99 SQL latency above 500 ms for 10 minutes.'],
    ['CockroachHighCpu', '30m', 'warning', 'CPU above 80 % for 30 minutes.'],
    ['CockroachMemoryNearLimit', '10m', 'warning', 'Process memory above 90 % of the container\'s memory limit.'],
    ['CockroachDiskAlmostFull', '10m', 'warning', 'A store is more than 80 % full.'],
    ['CockroachDiskIopsSaturated', '15m', 'warning', 'More than 16 disk operations in progress for 15 minutes: the disk is saturated.'],
    ['CockroachDiskThroughputSaturated', '15m', 'warning', 'Disk throughput above 200 MiB/s for 15 minutes.'],
    ['CockroachNodeCertificateExpiresSoon', '1h', 'warning', 'A node certificate expires in less than 14 days.'],
    ['CockroachCaCertificateExpiresSoon', '1h', 'critical', 'The CA certificate expires in less than 14 days.'],
    ['CockroachClockOffset', '5m', 'critical', 'A node\'s clock is more than 300 ms away from the cluster mean.'],
  ])('%s: for %s, %s, "%s"', (name, duration, severity, summary) => {
    const a = alerts.find((r: any) => r.alert === name);
    expect(a.for).toBe(duration);
    expect(a.labels).toEqual({ severity });
    expect(a.annotations.summary).toBe(summary);
    expect(Object.keys(a.annotations).sort()).toEqual(['action', 'summary']);
  });

  test('the rule group is named after the namespace and the cluster', () => {
    expect(rule.metadata).toMatchObject({ name: 'crdb', namespace: 'db' });
    expect(rule.spec.groups.map((g: any) => g.name)).toEqual(['cockroachdb-db-crdb']);
  });

  test('the book\'s alerts, each with what to do', () => {
    expect(alerts.map((a: any) => a.alert)).toEqual([
      'CockroachMetricsAbsent', 'CockroachNodeDown', 'CockroachUnavailableRanges', 'CockroachUnderReplicatedRanges', 'CockroachHighSqlLatencyP99',
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

  test('the list of exported metrics is CockroachDB v26.2\'s, and the check refuses a name it lacks', () => {
    expect(KNOWN_METRICS.size).toBeGreaterThan(2400);
    expect(exported('sql_service_latency_bucket')).toBe(true);
    expect(exported('sql_service_latency')).toBe(true);
    expect(exported('sql_service_latency_p99')).toBe(false);
    expect(exported('cockroach_ranges_unavailable')).toBe(false);
    expect(metricsOf('time() - max(schedules_BACKUP_last_completed_time{a="b"} > 0)')).toEqual(['schedules_BACKUP_last_completed_time']);
    expect(metricsOf('sum by (le) (rate(x_bucket{job="y"}[5m]))')).toEqual(['x_bucket']);
  });

  test('every expression uses only metrics CockroachDB exports, scoped to this cluster', () => {
    for (const a of alerts) {
      const metrics = metricsOf(a.expr);
      expect(metrics.length).toBeGreaterThan(0);
      for (const m of metrics) expect([m, exported(m)]).toEqual([m, true]);
      expect(a.expr).toContain('namespace="db", service="crdb"');
    }
  });

  test('millisecond thresholds render as whole nanoseconds and whole milliseconds (no floating-point noise)', () => {
    const odd = build({ thresholds: { p99SqlLatency: Duration.millis(67), clockOffset: Duration.millis(267) } });
    const rules = only(odd.objects, 'PrometheusRule').spec.groups[0].rules;
    const rule = (name: string) => rules.find((a: any) => a.alert === name);
    expect(rule('CockroachHighSqlLatencyP99').expr).toMatch(/\) > 67000000$/);
    expect(rule('CockroachHighSqlLatencyP99').annotations.summary).toBe('p99 SQL latency above 67 ms for 10 minutes.');
    expect(rule('CockroachClockOffset').expr).toMatch(/\) > 267000000$/);
    expect(rule('CockroachClockOffset').annotations.summary).toBe('A node\'s clock is more than 267 ms away from the cluster mean.');
  });

  test('thresholds: defaults, and props', () => {
    const expr = (alertsOf: any[], name: string) => alertsOf.find((a) => a.alert === name).expr;
    expect(expr(alerts, 'CockroachHighSqlLatencyP99')).toMatch(/> 500000000$/);
    // 90 % of the container's limit, which CockroachDB exports as sys_totalmem
    expect(expr(alerts, 'CockroachMemoryNearLimit')).toBe('sys_rss{namespace="db", service="crdb"} / sys_totalmem{namespace="db", service="crdb"} > 0.9');
    expect(expr(alerts, 'CockroachDiskIopsSaturated')).toBe('sys_host_disk_iopsinprogress{namespace="db", service="crdb"} > 16');
    // 200 MiB/s
    expect(expr(alerts, 'CockroachDiskThroughputSaturated')).toMatch(/\) > 209715200$/);
    // 14 days, for the node and the CA certificates alike
    expect(expr(alerts, 'CockroachNodeCertificateExpiresSoon')).toMatch(/\) < 1209600$/);
    expect(expr(alerts, 'CockroachCaCertificateExpiresSoon')).toBe(
      '(security_certificate_expiration_ca{namespace="db", service="crdb"} > 0) and (security_certificate_expiration_ca{namespace="db", service="crdb"} - time()) < 1209600');
    // 300 ms, in nanoseconds
    expect(expr(alerts, 'CockroachClockOffset')).toBe('abs(clock_offset_meannanos{namespace="db", service="crdb"}) > 300000000');

    const custom = build({
      thresholds: {
        p99SqlLatency: Duration.millis(200), cpuHighFraction: 0.7, cpuHighFor: Duration.minutes(10), memoryFraction: 0.85, diskUsedFraction: 0.75,
        certificateExpiry: Duration.days(30), diskIopsInProgress: 32, diskThroughputBytesPerSecond: 100 * 1024 * 1024, clockOffset: Duration.millis(100),
      },
    }, { resources: { memory: { limit: Size.gibibytes(16) } } });
    const c = only(custom.objects, 'PrometheusRule').spec.groups[0].rules;
    expect(expr(c, 'CockroachHighSqlLatencyP99')).toMatch(/> 200000000$/);
    expect(expr(c, 'CockroachHighCpu')).toMatch(/> 0.7$/);
    expect(c.find((a: any) => a.alert === 'CockroachHighCpu').for).toBe('10m');
    expect(expr(c, 'CockroachMemoryNearLimit')).toMatch(/ > 0.85$/);
    expect(expr(c, 'CockroachDiskAlmostFull')).toMatch(/> 0.75$/);
    expect(expr(c, 'CockroachNodeCertificateExpiresSoon')).toMatch(/< 2592000$/);
    expect(expr(c, 'CockroachCaCertificateExpiresSoon')).toMatch(/< 2592000$/);
    expect(expr(c, 'CockroachDiskIopsSaturated')).toMatch(/ > 32$/);
    expect(expr(c, 'CockroachDiskThroughputSaturated')).toMatch(/\) > 104857600$/);
    expect(expr(c, 'CockroachClockOffset')).toMatch(/\) > 100000000$/);
    const summary = (name: string) => c.find((a: any) => a.alert === name).annotations.summary;
    expect(summary('CockroachDiskThroughputSaturated')).toBe('Disk throughput above 100 MiB/s for 15 minutes.');
    expect(summary('CockroachClockOffset')).toBe('A node\'s clock is more than 100 ms away from the cluster mean.');
    expect(summary('CockroachCaCertificateExpiresSoon')).toBe('The CA certificate expires in less than 30 days.');
    expect(summary('CockroachNodeCertificateExpiresSoon')).toBe('A node certificate expires in less than 30 days.');
    expect(summary('CockroachHighSqlLatencyP99')).toBe('p99 SQL latency above 200 ms for 10 minutes.');
    expect(summary('CockroachHighCpu')).toBe('CPU above 70 % for 10 minutes.');
    expect(summary('CockroachMemoryNearLimit')).toBe('Process memory above 85 % of the container\'s memory limit.');
    expect(summary('CockroachDiskAlmostFull')).toBe('A store is more than 75 % full.');
    expect(summary('CockroachDiskIopsSaturated')).toBe('More than 32 disk operations in progress for 15 minutes: the disk is saturated.');
  });

  test('off unless asked; each half can be turned off', () => {
    const chart = newChart();
    new CockroachCluster(chart, 'crdb');
    expect(synth(chart).filter((o) => o.apiVersion.startsWith('monitoring.coreos.com'))).toEqual([]);
    expect(build({ alerts: false }).objects.filter((o) => o.kind === 'PrometheusRule')).toEqual([]);
    expect(build({ serviceMonitor: false }).objects.filter((o) => o.kind === 'ServiceMonitor')).toEqual([]);
  });

  /** [thresholds, the prop named in the error, the received value as the message shows it] */
  test.each([
    [{ p99SqlLatency: Duration.millis(0) }, 'monitoring.thresholds.p99SqlLatency', '"0ms"'],
    [{ cpuHighFraction: 1.2 }, 'monitoring.thresholds.cpuHighFraction', '1.2'],
    [{ memoryFraction: 0 }, 'monitoring.thresholds.memoryFraction', '0'],
    [{ diskUsedFraction: 1 }, 'monitoring.thresholds.diskUsedFraction', '1'],
    [{ cpuHighFor: Duration.seconds(10) }, 'monitoring.thresholds.cpuHighFor (seconds)', '10'],
    // cdk8s's Duration refuses negative amounts; a stand-in with one is refused too, and shown in milliseconds.
    [{ p99SqlLatency: { toMilliseconds: () => -5 } as unknown as Duration }, 'monitoring.thresholds.p99SqlLatency', '"-5ms"'],
    // A fraction given as a string (from JavaScript) is refused even when its value is in range.
    [{ cpuHighFraction: '0.5' as unknown as number }, 'monitoring.thresholds.cpuHighFraction', '"0.5"'],
    [{ clockOffset: Duration.seconds(1) }, 'monitoring.thresholds.clockOffset', '"1000ms"'],
    [{ clockOffset: Duration.millis(500) }, 'monitoring.thresholds.clockOffset', '"500ms"'],
    [{ clockOffset: Duration.millis(0) }, 'monitoring.thresholds.clockOffset', '"0ms"'],
    [{ diskIopsInProgress: 0 }, 'monitoring.thresholds.diskIopsInProgress', '0'],
    [{ diskThroughputBytesPerSecond: 0 }, 'monitoring.thresholds.diskThroughputBytesPerSecond', '0'],
    [{ diskThroughputBytesPerSecond: 1.5 }, 'monitoring.thresholds.diskThroughputBytesPerSecond', '1.5'],
    [{ certificateExpiry: Duration.minutes(30) }, 'monitoring.thresholds.certificateExpiry (seconds)', '1800'],
  ])('bad threshold %o', (thresholds, prop, received) => {
    const error = configError(() => build({ thresholds } as MonitoringOptions));
    expect(error.prop).toBe(prop);
    expect(error.message).toContain(`${prop}: received ${received}; expected `);
  });
});
