/**
 * CockroachDB's alerts, defined once and rendered by both halves: the Kubernetes half's PrometheusRule and
 * Managed Service for Prometheus Rules, the Google Cloud half's alert policies. Pure data: no cdk8s, no
 * cdktf.
 */
import { ErrorScope } from './errors';
import { checkInteger, reject } from './validate';

/** One alert. */
export interface AlertRule {
  /** The alert's name, e.g. `CockroachNodeDown`. */
  readonly alert: string;
  /** The PromQL expression; the alert fires while it returns series. */
  readonly expr: string;
  /** How long the expression must hold before the alert fires, in seconds. */
  readonly forSeconds: number;
  /** The `severity` label. */
  readonly severity: 'critical' | 'warning';
  /** The `summary` annotation: what is wrong. */
  readonly summary: string;
  /** What to do, following the book. */
  readonly action: string;
}

/** The thresholds of the alerts, checked and in base units. */
export interface AlertThresholdValues {
  /** p99 SQL service latency, in nanoseconds. */
  readonly p99Nanos: number;
  /** Share of CPU (0 to 1). */
  readonly cpuFraction: number;
  /** How long CPU must stay high, in seconds. */
  readonly cpuForSeconds: number;
  /** Share of the memory limit (0 to 1). */
  readonly memoryFraction: number;
  /** Share of a store's disk in use (0 to 1). */
  readonly diskUsedFraction: number;
  /** Disk operations in progress. */
  readonly iopsInProgress: number;
  /** Disk throughput, bytes per second. */
  readonly throughputBytesPerSecond: number;
  /** Certificate lifetime left, in seconds. */
  readonly certificateExpirySeconds: number;
  /** Clock offset from the cluster mean, in nanoseconds. */
  readonly clockOffsetNanos: number;
}

/** The thresholds as the deployment description states them: plain numbers in the units their names say. */
export interface AlertThresholdsProps {
  /**
   * p99 SQL service latency above which to alert, in milliseconds (the book: watch p99 latency; scale out
   * when it climbs).
   * @default 500
   */
  readonly p99SqlLatencyMillis?: number;
  /**
   * Share of CPU used, sustained for `cpuHighForSeconds`, above which to alert (0 to 1).
   * @default 0.8
   */
  readonly cpuHighFraction?: number;
  /**
   * How long CPU must stay high, in seconds (60 to 86400).
   * @default 1800
   */
  readonly cpuHighForSeconds?: number;
  /**
   * Share of the container memory limit used by the process above which to alert (0 to 1).
   * @default 0.9
   */
  readonly memoryFraction?: number;
  /**
   * Share of a store's disk in use above which to alert (0 to 1).
   * @default 0.8
   */
  readonly diskUsedFraction?: number;
  /**
   * Disk operations in progress (queue depth) above which the disk counts as saturated.
   * @default 16
   */
  readonly diskIopsInProgress?: number;
  /**
   * Disk throughput (read + write, bytes per second) above which to alert; set it near the volume's
   * provisioned throughput.
   * @default 209715200 (200 MiB/s)
   */
  readonly diskThroughputBytesPerSecond?: number;
  /**
   * Alert when a node or CA certificate expires sooner than this, in seconds (an hour to ten years).
   * @default 1209600 (14 days)
   */
  readonly certificateExpirySeconds?: number;
  /**
   * Clock offset from the cluster mean above which to alert, in milliseconds (nodes stop at 80 % of
   * `--max-offset`, 500 ms).
   * @default 300
   */
  readonly clockOffsetMillis?: number;
}

/** The thresholds used when none is stated: the book's scaling chapter and CockroachDB's own alert rules. */
export const DEFAULT_ALERT_THRESHOLDS: AlertThresholdValues = {
  p99Nanos: 500e6,
  cpuFraction: 0.8,
  cpuForSeconds: 1800,
  memoryFraction: 0.9,
  diskUsedFraction: 0.8,
  iopsInProgress: 16,
  throughputBytesPerSecond: 200 * 1024 * 1024,
  certificateExpirySeconds: 14 * 86400,
  clockOffsetNanos: 300e6,
};

/** The prop each threshold is read from, as errors name it. */
export type AlertThresholdNames = { readonly [K in keyof AlertThresholdValues]: string };

/**
 * Checks thresholds in base units; errors name the props in `names`. Durations in nanoseconds show as
 * milliseconds.
 * @returns the thresholds
 */
export function checkAlertThresholds(scope: ErrorScope, names: AlertThresholdNames, t: AlertThresholdValues): AlertThresholdValues {
  const millis = (nanos: number) => `${nanos / 1e6}ms`;
  if (!(t.p99Nanos > 0)) reject(scope, names.p99Nanos, millis(t.p99Nanos), 'expected a positive duration');
  for (const key of ['cpuFraction', 'memoryFraction', 'diskUsedFraction'] as const) {
    const v = t[key];
    if (typeof v !== 'number' || !(v > 0 && v < 1)) reject(scope, names[key], v, 'expected a fraction strictly between 0 and 1');
  }
  checkInteger(scope, names.cpuForSeconds, t.cpuForSeconds, 60, 86400);
  checkInteger(scope, names.iopsInProgress, t.iopsInProgress, 1, 100000);
  checkInteger(scope, names.throughputBytesPerSecond, t.throughputBytesPerSecond, 1, 1e12);
  checkInteger(scope, names.certificateExpirySeconds, t.certificateExpirySeconds, 3600, 10 * 366 * 86400);
  if (!(t.clockOffsetNanos > 0 && t.clockOffsetNanos < 5e8)) {
    reject(scope, names.clockOffsetNanos, millis(t.clockOffsetNanos), 'expected more than 0 and less than the 500 ms maximum offset');
  }
  return t;
}

/**
 * The thresholds of a deployment description, checked; defaults for what it leaves out.
 * @param scope where errors point
 * @param prefix the props' path, e.g. `monitoring.alertThresholds`
 */
export function resolveAlertThresholds(scope: ErrorScope, prefix: string, p: AlertThresholdsProps): AlertThresholdValues {
  const d = DEFAULT_ALERT_THRESHOLDS;
  // Whole nanoseconds from milliseconds: 67 × 1e6 in floating point is not always a whole number.
  const nanos = (ms: number | undefined, fallback: number) => (ms === undefined ? fallback : Math.round(ms * 1e6));
  return checkAlertThresholds(scope, {
    p99Nanos: `${prefix}.p99SqlLatencyMillis`,
    cpuFraction: `${prefix}.cpuHighFraction`,
    cpuForSeconds: `${prefix}.cpuHighForSeconds`,
    memoryFraction: `${prefix}.memoryFraction`,
    diskUsedFraction: `${prefix}.diskUsedFraction`,
    iopsInProgress: `${prefix}.diskIopsInProgress`,
    throughputBytesPerSecond: `${prefix}.diskThroughputBytesPerSecond`,
    certificateExpirySeconds: `${prefix}.certificateExpirySeconds`,
    clockOffsetNanos: `${prefix}.clockOffsetMillis`,
  }, {
    p99Nanos: nanos(p.p99SqlLatencyMillis, d.p99Nanos),
    cpuFraction: p.cpuHighFraction ?? d.cpuFraction,
    cpuForSeconds: p.cpuHighForSeconds ?? d.cpuForSeconds,
    memoryFraction: p.memoryFraction ?? d.memoryFraction,
    diskUsedFraction: p.diskUsedFraction ?? d.diskUsedFraction,
    iopsInProgress: p.diskIopsInProgress ?? d.iopsInProgress,
    throughputBytesPerSecond: p.diskThroughputBytesPerSecond ?? d.throughputBytesPerSecond,
    certificateExpirySeconds: p.certificateExpirySeconds ?? d.certificateExpirySeconds,
    clockOffsetNanos: nanos(p.clockOffsetMillis, d.clockOffsetNanos),
  });
}

/** A number of seconds as a Prometheus duration: `30m`, `1h`, `90s`. */
export function prometheusDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

/** An alert as a rule of a Prometheus rule group, the form the PrometheusRule and GMP's Rules both take. */
export function prometheusRuleOf(a: AlertRule): object {
  return {
    alert: a.alert,
    expr: a.expr,
    for: prometheusDuration(a.forSeconds),
    labels: { severity: a.severity },
    annotations: { summary: a.summary, action: a.action },
  };
}

/**
 * The alerts of one cluster.
 * @param selector the label matchers of its series, e.g. `namespace="db", service="crdb"`
 * @param t the thresholds
 */
export function cockroachAlerts(selector: string, t: AlertThresholdValues): AlertRule[] {
  return [
    { alert: 'CockroachMetricsAbsent', expr: `absent(up{${selector}})`, forSeconds: 900, severity: 'critical',
      summary: 'No CockroachDB node has been scraped for 15 minutes: no other alert of this cluster can fire.',
      action: 'Check that the cluster runs, that its ServiceMonitor or PodMonitoring exists and selects the pods, and the scraper\'s targets; with the NetworkPolicy on, that the scraper may reach port 8080.' },
    { alert: 'CockroachNodeDown', expr: `up{${selector}} == 0`, forSeconds: 300, severity: 'critical',
      summary: 'A CockroachDB node has not answered Prometheus for 5 minutes.',
      action: 'Check the pod (kubectl describe/logs). Ranges stay available while only one node of three is down; do not scale down now.' },
    { alert: 'CockroachUnavailableRanges', expr: `sum(ranges_unavailable{${selector}}) > 0`, forSeconds: 300, severity: 'critical',
      summary: 'Some ranges have lost their quorum: part of the data cannot be read or written.',
      action: 'Bring the down nodes back before anything else; never decommission or delete volumes now.' },
    { alert: 'CockroachUnderReplicatedRanges', expr: `sum(ranges_underreplicated{${selector}}) > 0`, forSeconds: 900, severity: 'warning',
      summary: 'Some ranges have fewer replicas than configured.',
      action: 'A node is down or was removed without decommissioning: restore it, or add a node (scale out) so the ranges can re-replicate.' },
    { alert: 'CockroachHighSqlLatencyP99', expr: `histogram_quantile(0.99, sum by (le) (rate(sql_service_latency_bucket{${selector}}[5m]))) > ${t.p99Nanos}`, forSeconds: 600, severity: 'warning',
      summary: `p99 SQL latency above ${t.p99Nanos / 1e6} ms for 10 minutes.`,
      action: 'If CPU is also high, scale out (add replicas); if memory is tight, scale up; check the slowest statements in the DB Console first.' },
    { alert: 'CockroachHighCpu', expr: `avg by (instance) (sys_cpu_combined_percent_normalized{${selector}}) > ${t.cpuFraction}`, forSeconds: t.cpuForSeconds, severity: 'warning',
      summary: `CPU above ${Math.round(t.cpuFraction * 100)} % for ${t.cpuForSeconds / 60} minutes.`,
      action: 'Scale out (more replicas spread the load) or scale up (raise the CPU limit; pods roll one at a time).' },
    // sys_totalmem is the container's memory limit: CockroachDB reads its cgroup's limit (the figure its
    // --cache and --max-sql-memory percentages are taken of), so every renderer states the same alert.
    { alert: 'CockroachMemoryNearLimit', expr: `sys_rss{${selector}} / sys_totalmem{${selector}} > ${t.memoryFraction}`, forSeconds: 600, severity: 'warning',
      summary: `Process memory above ${Math.round(t.memoryFraction * 100)} % of the container's memory limit.`,
      action: 'Scale up: raise the memory limit (cache and SQL memory follow it), before the kernel OOM-kills the node.' },
    { alert: 'CockroachDiskAlmostFull', expr: `(1 - sum by (instance, store) (capacity_available{${selector}}) / sum by (instance, store) (capacity{${selector}})) > ${t.diskUsedFraction}`, forSeconds: 600, severity: 'warning',
      summary: `A store is more than ${Math.round(t.diskUsedFraction * 100)} % full.`,
      action: 'Add disk (grow the volumes) or scale out (data rebalances onto new nodes). A full store stops its node.' },
    { alert: 'CockroachDiskIopsSaturated', expr: `sys_host_disk_iopsinprogress{${selector}} > ${t.iopsInProgress}`, forSeconds: 900, severity: 'warning',
      summary: `More than ${t.iopsInProgress} disk operations in progress for 15 minutes: the disk is saturated.`,
      action: 'Use faster disks (premium-rwo, larger volumes get more IOPS) or scale out to spread the I/O.' },
    { alert: 'CockroachDiskThroughputSaturated', expr: `(rate(sys_host_disk_read_bytes{${selector}}[5m]) + rate(sys_host_disk_write_bytes{${selector}}[5m])) > ${t.throughputBytesPerSecond}`, forSeconds: 900, severity: 'warning',
      summary: `Disk throughput above ${Math.round(t.throughputBytesPerSecond / 1024 ** 2)} MiB/s for 15 minutes.`,
      action: 'Provision more throughput (larger or faster volumes) or scale out.' },
    { alert: 'CockroachNodeCertificateExpiresSoon', expr: `(security_certificate_expiration_node{${selector}} > 0) and (security_certificate_expiration_node{${selector}} - time()) < ${t.certificateExpirySeconds}`, forSeconds: 3600, severity: 'warning',
      summary: `A node certificate expires in less than ${Math.round(t.certificateExpirySeconds / 86400)} days.`,
      action: 'cert-manager should have renewed it: check the Certificate and the cert-reloader log (see the rotation runbook).' },
    { alert: 'CockroachCaCertificateExpiresSoon', expr: `(security_certificate_expiration_ca{${selector}} > 0) and (security_certificate_expiration_ca{${selector}} - time()) < ${t.certificateExpirySeconds}`, forSeconds: 3600, severity: 'critical',
      summary: `The CA certificate expires in less than ${Math.round(t.certificateExpirySeconds / 86400)} days.`,
      action: 'Check the CA Certificate in cert-manager and follow the rotation runbook.' },
    { alert: 'CockroachClockOffset', expr: `abs(clock_offset_meannanos{${selector}}) > ${t.clockOffsetNanos}`, forSeconds: 300, severity: 'critical',
      summary: `A node's clock is more than ${t.clockOffsetNanos / 1e6} ms away from the cluster mean.`,
      action: 'Fix time synchronization on the Kubernetes node; CockroachDB stops a node whose clock drifts too far.' },
  ];
}
