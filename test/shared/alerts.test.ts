import {
  AlertThresholdsProps, checkAlertThresholds, cockroachAlerts, DEFAULT_ALERT_THRESHOLDS, prometheusDuration, prometheusRuleOf, resolveAlertThresholds,
} from '../../lib/shared';
import { configError } from '../support/errors';
import { metricNamesOf as metricsOf } from '../../lib/shared';
import { exported } from '../support/metrics';

const SELECTOR = 'namespace="db", job="crdb"';

describe('cockroachAlerts: one definition for the PrometheusRule, the GMP Rules and the Cloud Monitoring policies', () => {
  const alerts = cockroachAlerts(SELECTOR, DEFAULT_ALERT_THRESHOLDS);

  test('every expression reads only metrics CockroachDB exports, each through the selector it was given', () => {
    for (const a of alerts) {
      const metrics = metricsOf(a.expr);
      expect(metrics.length).toBeGreaterThan(0);
      for (const m of metrics) expect([a.alert, m, exported(m)]).toEqual([a.alert, m, true]);
      // Every label matcher is the selector: no series of another cluster can make an alert fire.
      const matchers = a.expr.match(/\{[^}]*\}/g) ?? [];
      expect(matchers.length).toBeGreaterThanOrEqual(metrics.length);
      for (const m of matchers) expect(m).toBe(`{${SELECTOR}}`);
    }
  });

  test('how long each must hold, in seconds', () => {
    expect(Object.fromEntries(alerts.map((a) => [a.alert, a.forSeconds]))).toEqual({
      CockroachMetricsAbsent: 900, CockroachNodeDown: 300, CockroachUnavailableRanges: 300, CockroachUnderReplicatedRanges: 900, CockroachHighSqlLatencyP99: 600,
      CockroachHighCpu: 1800, CockroachMemoryNearLimit: 600, CockroachDiskAlmostFull: 600, CockroachDiskIopsSaturated: 900,
      CockroachDiskThroughputSaturated: 900, CockroachNodeCertificateExpiresSoon: 3600, CockroachCaCertificateExpiresSoon: 3600,
      CockroachClockOffset: 300,
    });
  });

  test('silence is an alert too: no series at all for 15 minutes', () => {
    expect(alerts[0]).toMatchObject({ alert: 'CockroachMetricsAbsent', expr: `absent(up{${SELECTOR}})`, severity: 'critical' });
  });

  test('memory against the container limit CockroachDB reads from its cgroup (sys_totalmem): no limit typed twice', () => {
    const memory = alerts.find((a) => a.alert === 'CockroachMemoryNearLimit')!;
    expect(memory.expr).toBe(`sys_rss{${SELECTOR}} / sys_totalmem{${SELECTOR}} > 0.9`);
    expect(memory.summary).toBe('Process memory above 90 % of the container\'s memory limit.');
  });

  test('a CPU window that is not whole minutes', () => {
    const cpu = cockroachAlerts(SELECTOR, { ...DEFAULT_ALERT_THRESHOLDS, cpuForSeconds: 90 }).find((a) => a.alert === 'CockroachHighCpu')!;
    expect(cpu.forSeconds).toBe(90);
    expect(cpu.summary).toBe('CPU above 80 % for 1.5 minutes.');
  });
});

test('an alert as a Prometheus rule (the PrometheusRule\'s and GMP Rules\' form)', () => {
  expect(prometheusRuleOf({ alert: 'A', expr: 'up == 0', forSeconds: 5400, severity: 'warning', summary: 'S', action: 'Do' })).toEqual({
    alert: 'A', expr: 'up == 0', for: '90m', labels: { severity: 'warning' }, annotations: { summary: 'S', action: 'Do' },
  });
});

test.each([[30, '30s'], [60, '1m'], [90, '90s'], [600, '10m'], [3600, '1h'], [5400, '90m'], [7200, '2h']])('prometheusDuration(%d) is %s', (seconds, text) => {
  expect(prometheusDuration(seconds)).toBe(text);
});

describe('thresholds of the deployment description', () => {
  test('defaults', () => {
    expect(DEFAULT_ALERT_THRESHOLDS).toEqual({
      p99Nanos: 500000000, cpuFraction: 0.8, cpuForSeconds: 1800, memoryFraction: 0.9, diskUsedFraction: 0.8, iopsInProgress: 16,
      throughputBytesPerSecond: 209715200, certificateExpirySeconds: 1209600, clockOffsetNanos: 300000000,
    });
    expect(resolveAlertThresholds('D', 'monitoring.alertThresholds', {})).toEqual(DEFAULT_ALERT_THRESHOLDS);
  });

  test('every prop, in base units; milliseconds become whole nanoseconds', () => {
    expect(resolveAlertThresholds('D', 'p', {
      p99SqlLatencyMillis: 67, cpuHighFraction: 0.7, cpuHighForSeconds: 600, memoryFraction: 0.85, diskUsedFraction: 0.75,
      diskIopsInProgress: 32, diskThroughputBytesPerSecond: 104857600, certificateExpirySeconds: 2592000, clockOffsetMillis: 267,
    })).toEqual({
      p99Nanos: 67000000, cpuFraction: 0.7, cpuForSeconds: 600, memoryFraction: 0.85, diskUsedFraction: 0.75, iopsInProgress: 32,
      throughputBytesPerSecond: 104857600, certificateExpirySeconds: 2592000, clockOffsetNanos: 267000000,
    });
  });

  /** [props, the prop the error names, the received value as it shows] */
  test.each<[AlertThresholdsProps, string, string]>([
    [{ p99SqlLatencyMillis: 0 }, 'monitoring.alertThresholds.p99SqlLatencyMillis', '"0ms"'],
    [{ p99SqlLatencyMillis: -3 }, 'monitoring.alertThresholds.p99SqlLatencyMillis', '"-3ms"'],
    [{ cpuHighFraction: 1.5 }, 'monitoring.alertThresholds.cpuHighFraction', '1.5'],
    [{ cpuHighFraction: 0 }, 'monitoring.alertThresholds.cpuHighFraction', '0'],
    [{ cpuHighFraction: '0.5' as unknown as number }, 'monitoring.alertThresholds.cpuHighFraction', '"0.5"'],
    [{ memoryFraction: 1 }, 'monitoring.alertThresholds.memoryFraction', '1'],
    [{ diskUsedFraction: -0.1 }, 'monitoring.alertThresholds.diskUsedFraction', '-0.1'],
    [{ cpuHighForSeconds: 30 }, 'monitoring.alertThresholds.cpuHighForSeconds', '30'],
    [{ cpuHighForSeconds: 86401 }, 'monitoring.alertThresholds.cpuHighForSeconds', '86401'],
    [{ cpuHighForSeconds: 60.5 }, 'monitoring.alertThresholds.cpuHighForSeconds', '60.5'],
    [{ diskIopsInProgress: 0 }, 'monitoring.alertThresholds.diskIopsInProgress', '0'],
    [{ diskIopsInProgress: 100001 }, 'monitoring.alertThresholds.diskIopsInProgress', '100001'],
    [{ diskThroughputBytesPerSecond: 0 }, 'monitoring.alertThresholds.diskThroughputBytesPerSecond', '0'],
    [{ diskThroughputBytesPerSecond: 1e13 }, 'monitoring.alertThresholds.diskThroughputBytesPerSecond', '10000000000000'],
    [{ certificateExpirySeconds: 60 }, 'monitoring.alertThresholds.certificateExpirySeconds', '60'],
    [{ certificateExpirySeconds: 11 * 366 * 86400 }, 'monitoring.alertThresholds.certificateExpirySeconds', String(11 * 366 * 86400)],
    [{ clockOffsetMillis: 500 }, 'monitoring.alertThresholds.clockOffsetMillis', '"500ms"'],
    [{ clockOffsetMillis: 0 }, 'monitoring.alertThresholds.clockOffsetMillis', '"0ms"'],
  ])('bad thresholds %o', (props, prop, received) => {
    const error = configError(() => resolveAlertThresholds('DeploymentDescription', 'monitoring.alertThresholds', props));
    expect(error.prop).toBe(prop);
    expect(error.constructPath).toBe('DeploymentDescription');
    expect(error.message).toContain(`${prop}: received ${received}; expected `);
  });

  test('the bounds themselves are allowed', () => {
    const names = Object.fromEntries(Object.keys(DEFAULT_ALERT_THRESHOLDS).map((k) => [k, k])) as any;
    for (const t of [
      { cpuForSeconds: 60 }, { cpuForSeconds: 86400 }, { iopsInProgress: 1 }, { iopsInProgress: 100000 }, { throughputBytesPerSecond: 1 },
      { throughputBytesPerSecond: 1e12 }, { certificateExpirySeconds: 3600 }, { certificateExpirySeconds: 10 * 366 * 86400 }, { clockOffsetNanos: 1 },
      { clockOffsetNanos: 499999999 }, { p99Nanos: 1 },
    ]) {
      expect(checkAlertThresholds('D', names, { ...DEFAULT_ALERT_THRESHOLDS, ...t })).toEqual({ ...DEFAULT_ALERT_THRESHOLDS, ...t });
    }
  });
});
