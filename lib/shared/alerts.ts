/**
 * CockroachDB's alerts, defined once and rendered by both halves: the Kubernetes half's PrometheusRule
 * (and, later, Managed Service for Prometheus Rules), the Google Cloud half's alert policies. Pure data:
 * no cdk8s, no cdktf.
 */

/** One alert. */
export interface AlertRule {
  /** The alert's name, e.g. `CockroachNodeDown`. */
  readonly alert: string;
  /** The PromQL expression; the alert fires while it returns series. */
  readonly expr: string;
  /** How long the expression must hold before the alert fires, e.g. `5m`. */
  readonly for: string;
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

/**
 * The alerts of one cluster.
 * @param selector the label matchers of its series, e.g. `namespace="db", service="crdb"`
 * @param memoryLimitBytes the database container's memory limit
 * @param t the thresholds
 */
export function cockroachAlerts(selector: string, memoryLimitBytes: number, t: AlertThresholdValues): AlertRule[] {
return [
    { alert: 'CockroachNodeDown', expr: `up{${selector}} == 0`, for: '5m', severity: 'critical',
      summary: 'A CockroachDB node has not answered Prometheus for 5 minutes.',
      action: 'Check the pod (kubectl describe/logs). Ranges stay available while only one node of three is down; do not scale down now.' },
    { alert: 'CockroachUnavailableRanges', expr: `sum(ranges_unavailable{${selector}}) > 0`, for: '5m', severity: 'critical',
      summary: 'Some ranges have lost their quorum: part of the data cannot be read or written.',
      action: 'Bring the down nodes back before anything else; never decommission or delete volumes now.' },
    { alert: 'CockroachUnderReplicatedRanges', expr: `sum(ranges_underreplicated{${selector}}) > 0`, for: '15m', severity: 'warning',
      summary: 'Some ranges have fewer replicas than configured.',
      action: 'A node is down or was removed without decommissioning: restore it, or add a node (scale out) so the ranges can re-replicate.' },
    { alert: 'CockroachHighSqlLatencyP99', expr: `histogram_quantile(0.99, sum by (le) (rate(sql_service_latency_bucket{${selector}}[5m]))) > ${t.p99Nanos}`, for: '10m', severity: 'warning',
      summary: `p99 SQL latency above ${t.p99Nanos / 1e6} ms for 10 minutes.`,
      action: 'If CPU is also high, scale out (add replicas); if memory is tight, scale up; check the slowest statements in the DB Console first.' },
    { alert: 'CockroachHighCpu', expr: `avg by (instance) (sys_cpu_combined_percent_normalized{${selector}}) > ${t.cpuFraction}`, for: `${Math.round(t.cpuForSeconds / 60)}m`, severity: 'warning',
      summary: `CPU above ${Math.round(t.cpuFraction * 100)} % for ${Math.round(t.cpuForSeconds / 60)} minutes.`,
      action: 'Scale out (more replicas spread the load) or scale up (raise the CPU limit; pods roll one at a time).' },
    { alert: 'CockroachMemoryNearLimit', expr: `sys_rss{${selector}} > ${Math.floor(memoryLimitBytes * t.memoryFraction)}`, for: '10m', severity: 'warning',
      summary: `Process memory above ${Math.round(t.memoryFraction * 100)} % of the ${Math.round(memoryLimitBytes / 1024 ** 2)} MiB limit.`,
      action: 'Scale up: raise the memory limit (cache and SQL memory follow it), before the kernel OOM-kills the node.' },
    { alert: 'CockroachDiskAlmostFull', expr: `(1 - sum by (instance, store) (capacity_available{${selector}}) / sum by (instance, store) (capacity{${selector}})) > ${t.diskUsedFraction}`, for: '10m', severity: 'warning',
      summary: `A store is more than ${Math.round(t.diskUsedFraction * 100)} % full.`,
      action: 'Add disk (grow the volumes) or scale out (data rebalances onto new nodes). A full store stops its node.' },
    { alert: 'CockroachDiskIopsSaturated', expr: `sys_host_disk_iopsinprogress{${selector}} > ${t.iopsInProgress}`, for: '15m', severity: 'warning',
      summary: `More than ${t.iopsInProgress} disk operations in progress for 15 minutes: the disk is saturated.`,
      action: 'Use faster disks (premium-rwo, larger volumes get more IOPS) or scale out to spread the I/O.' },
    { alert: 'CockroachDiskThroughputSaturated', expr: `(rate(sys_host_disk_read_bytes{${selector}}[5m]) + rate(sys_host_disk_write_bytes{${selector}}[5m])) > ${t.throughputBytesPerSecond}`, for: '15m', severity: 'warning',
      summary: `Disk throughput above ${Math.round(t.throughputBytesPerSecond / 1024 ** 2)} MiB/s for 15 minutes.`,
      action: 'Provision more throughput (larger or faster volumes) or scale out.' },
    { alert: 'CockroachNodeCertificateExpiresSoon', expr: `(security_certificate_expiration_node{${selector}} > 0) and (security_certificate_expiration_node{${selector}} - time()) < ${t.certificateExpirySeconds}`, for: '1h', severity: 'warning',
      summary: `A node certificate expires in less than ${Math.round(t.certificateExpirySeconds / 86400)} days.`,
      action: 'cert-manager should have renewed it: check the Certificate and the cert-reloader log (see the rotation runbook).' },
    { alert: 'CockroachCaCertificateExpiresSoon', expr: `(security_certificate_expiration_ca{${selector}} > 0) and (security_certificate_expiration_ca{${selector}} - time()) < ${t.certificateExpirySeconds}`, for: '1h', severity: 'critical',
      summary: `The CA certificate expires in less than ${Math.round(t.certificateExpirySeconds / 86400)} days.`,
      action: 'Check the CA Certificate in cert-manager and follow the rotation runbook.' },
    { alert: 'CockroachClockOffset', expr: `abs(clock_offset_meannanos{${selector}}) > ${t.clockOffsetNanos}`, for: '5m', severity: 'critical',
      summary: `A node's clock is more than ${t.clockOffsetNanos / 1e6} ms away from the cluster mean.`,
      action: 'Fix time synchronization on the Kubernetes node; CockroachDB stops a node whose clock drifts too far.' },
];
}
