import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { checkInteger, reject } from '../shared/validate';
import type { ILabelledCluster } from './cluster-ref';
import type { ClusterCertificates } from './tls';
import { durationSeconds } from './private/units';

/** Alert thresholds. The defaults follow the book's scaling chapter and CockroachDB's own alert rules. */
export interface AlertThresholds {
  /**
   * p99 SQL service latency above which to alert (the book: watch p99 latency; scale out when it climbs).
   * @default Duration.millis(500)
   */
  readonly p99SqlLatency?: Duration;
  /**
   * Share of CPU used, sustained for `cpuHighFor`, above which to alert (0 to 1).
   * @default 0.8
   */
  readonly cpuHighFraction?: number;
  /**
   * How long CPU must stay high.
   * @default Duration.minutes(30)
   */
  readonly cpuHighFor?: Duration;
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
   * @default 200 MiB/s (209715200)
   */
  readonly diskThroughputBytesPerSecond?: number;
  /**
   * Alert when a node or CA certificate expires sooner than this.
   * @default Duration.days(14)
   */
  readonly certificateExpiry?: Duration;
  /**
   * Clock offset from the cluster mean above which to alert (nodes stop at 80 % of `--max-offset`, 500 ms).
   * @default Duration.millis(300)
   */
  readonly clockOffset?: Duration;
}

/** Options of the cluster's monitoring objects (Prometheus Operator). */
export interface MonitoringOptions {
  /**
   * A ServiceMonitor that scrapes `/_status/vars` on every pod (HTTPS with the cluster CA when TLS is on).
   * @default true
   */
  readonly serviceMonitor?: boolean;
  /**
   * A PrometheusRule with the alerts.
   * @default true
   */
  readonly alerts?: boolean;
  /**
   * Alert thresholds.
   * @default - see AlertThresholds
   */
  readonly thresholds?: AlertThresholds;
  /**
   * Labels Prometheus selects ServiceMonitors and PrometheusRules by (e.g. `release: kube-prometheus-stack`).
   * @default - none
   */
  readonly labels?: { readonly [key: string]: string };
}

/** One alert of the PrometheusRule. */
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

/** What monitoring needs from its cluster (see {@link ClusterMonitoring}). */
export interface IMonitoringTarget extends ILabelledCluster {
  /** Container memory limit in bytes, for the memory alert. */
  readonly memoryLimitBytes: number;
  /**
   * The cluster's certificates: Prometheus verifies the nodes with their CA.
   * @default - none: an insecure cluster, scraped over HTTP
   */
  readonly certificates?: ClusterCertificates;
  /** DNS name of the public Service, the name Prometheus verifies. */
  readonly publicHost: string;
  /** The headless Service the ServiceMonitor selects. */
  readonly discoveryServiceName: string;
  /** Its labels. */
  readonly discoveryServiceLabels: { [key: string]: string };
}

/** Properties of {@link ClusterMonitoring}. */
export interface ClusterMonitoringProps extends MonitoringOptions {
  /** The cluster to monitor. */
  readonly cluster: IMonitoringTarget;
}

const fraction = (scope: Construct, prop: string, v: number) => {
  if (typeof v !== 'number' || !(v > 0 && v < 1)) reject(scope, prop, v, 'expected a fraction strictly between 0 and 1');
  return v;
};

/**
 * Prometheus Operator objects for a cluster: a ServiceMonitor for `/_status/vars`, and a PrometheusRule
 * whose alerts say what to do: scale out, scale up, add disk.
 */
export class ClusterMonitoring extends Construct {
  /** The ServiceMonitor, when enabled (escape hatch). */
  public readonly serviceMonitor?: ApiObject;
  /** The PrometheusRule, when enabled (escape hatch). */
  public readonly prometheusRule?: ApiObject;
  /** The alerts, as rendered. */
  public readonly alerts: AlertRule[];

  constructor(scope: Construct, id: string, props: ClusterMonitoringProps) {
    super(scope, id);
    const cluster = props.cluster;
    const t = props.thresholds ?? {};
    // Thresholds in whole nanoseconds, from milliseconds: seconds × 1e9 in floating point renders 67 ms as
    // 67000000.00000001.
    const nanos = (d: Duration) => Math.round(d.toMilliseconds() * 1e6);
    const p99Nanos = nanos(t.p99SqlLatency ?? Duration.millis(500));
    const cpu = fraction(cluster, 'monitoring.thresholds.cpuHighFraction', t.cpuHighFraction ?? 0.8);
    const cpuFor = durationSeconds(t.cpuHighFor ?? Duration.minutes(30));
    const mem = fraction(cluster, 'monitoring.thresholds.memoryFraction', t.memoryFraction ?? 0.9);
    const disk = fraction(cluster, 'monitoring.thresholds.diskUsedFraction', t.diskUsedFraction ?? 0.8);
    const iops = t.diskIopsInProgress ?? 16;
    const throughput = t.diskThroughputBytesPerSecond ?? 200 * 1024 * 1024;
    const certSeconds = durationSeconds(t.certificateExpiry ?? Duration.days(14));
    const clockNanos = nanos(t.clockOffset ?? Duration.millis(300));
    if (!(p99Nanos > 0)) reject(cluster, 'monitoring.thresholds.p99SqlLatency', `${p99Nanos / 1e6}ms`, 'expected a positive duration');
    checkInteger(cluster, 'monitoring.thresholds.cpuHighFor (seconds)', cpuFor, 60, 86400);
    checkInteger(cluster, 'monitoring.thresholds.diskIopsInProgress', iops, 1, 100000);
    checkInteger(cluster, 'monitoring.thresholds.diskThroughputBytesPerSecond', throughput, 1, 1e12);
    checkInteger(cluster, 'monitoring.thresholds.certificateExpiry (seconds)', certSeconds, 3600, 10 * 366 * 86400);
    if (!(clockNanos > 0 && clockNanos < 5e8)) reject(cluster, 'monitoring.thresholds.clockOffset', `${clockNanos / 1e6}ms`, 'expected more than 0 and less than the 500 ms maximum offset');

    const sel = `namespace="${cluster.namespace}", service="${cluster.discoveryServiceName}"`;
    this.alerts = [
      { alert: 'CockroachNodeDown', expr: `up{${sel}} == 0`, for: '5m', severity: 'critical',
        summary: 'A CockroachDB node has not answered Prometheus for 5 minutes.',
        action: 'Check the pod (kubectl describe/logs). Ranges stay available while only one node of three is down; do not scale down now.' },
      { alert: 'CockroachUnavailableRanges', expr: `sum(ranges_unavailable{${sel}}) > 0`, for: '5m', severity: 'critical',
        summary: 'Some ranges have lost their quorum: part of the data cannot be read or written.',
        action: 'Bring the down nodes back before anything else; never decommission or delete volumes now.' },
      { alert: 'CockroachUnderReplicatedRanges', expr: `sum(ranges_underreplicated{${sel}}) > 0`, for: '15m', severity: 'warning',
        summary: 'Some ranges have fewer replicas than configured.',
        action: 'A node is down or was removed without decommissioning: restore it, or add a node (scale out) so the ranges can re-replicate.' },
      { alert: 'CockroachHighSqlLatencyP99', expr: `histogram_quantile(0.99, sum by (le) (rate(sql_service_latency_bucket{${sel}}[5m]))) > ${p99Nanos}`, for: '10m', severity: 'warning',
        summary: `p99 SQL latency above ${p99Nanos / 1e6} ms for 10 minutes.`,
        action: 'If CPU is also high, scale out (add replicas); if memory is tight, scale up; check the slowest statements in the DB Console first.' },
      { alert: 'CockroachHighCpu', expr: `avg by (instance) (sys_cpu_combined_percent_normalized{${sel}}) > ${cpu}`, for: `${Math.round(cpuFor / 60)}m`, severity: 'warning',
        summary: `CPU above ${Math.round(cpu * 100)} % for ${Math.round(cpuFor / 60)} minutes.`,
        action: 'Scale out (more replicas spread the load) or scale up (raise the CPU limit; pods roll one at a time).' },
      { alert: 'CockroachMemoryNearLimit', expr: `sys_rss{${sel}} > ${Math.floor(cluster.memoryLimitBytes * mem)}`, for: '10m', severity: 'warning',
        summary: `Process memory above ${Math.round(mem * 100)} % of the ${Math.round(cluster.memoryLimitBytes / 1024 ** 2)} MiB limit.`,
        action: 'Scale up: raise the memory limit (cache and SQL memory follow it), before the kernel OOM-kills the node.' },
      { alert: 'CockroachDiskAlmostFull', expr: `(1 - sum by (instance, store) (capacity_available{${sel}}) / sum by (instance, store) (capacity{${sel}})) > ${disk}`, for: '10m', severity: 'warning',
        summary: `A store is more than ${Math.round(disk * 100)} % full.`,
        action: 'Add disk (grow the volumes) or scale out (data rebalances onto new nodes). A full store stops its node.' },
      { alert: 'CockroachDiskIopsSaturated', expr: `sys_host_disk_iopsinprogress{${sel}} > ${iops}`, for: '15m', severity: 'warning',
        summary: `More than ${iops} disk operations in progress for 15 minutes: the disk is saturated.`,
        action: 'Use faster disks (premium-rwo, larger volumes get more IOPS) or scale out to spread the I/O.' },
      { alert: 'CockroachDiskThroughputSaturated', expr: `(rate(sys_host_disk_read_bytes{${sel}}[5m]) + rate(sys_host_disk_write_bytes{${sel}}[5m])) > ${throughput}`, for: '15m', severity: 'warning',
        summary: `Disk throughput above ${Math.round(throughput / 1024 ** 2)} MiB/s for 15 minutes.`,
        action: 'Provision more throughput (larger or faster volumes) or scale out.' },
      { alert: 'CockroachNodeCertificateExpiresSoon', expr: `(security_certificate_expiration_node{${sel}} > 0) and (security_certificate_expiration_node{${sel}} - time()) < ${certSeconds}`, for: '1h', severity: 'warning',
        summary: `A node certificate expires in less than ${Math.round(certSeconds / 86400)} days.`,
        action: 'cert-manager should have renewed it: check the Certificate and the cert-reloader log (see the rotation runbook).' },
      { alert: 'CockroachCaCertificateExpiresSoon', expr: `(security_certificate_expiration_ca{${sel}} > 0) and (security_certificate_expiration_ca{${sel}} - time()) < ${certSeconds}`, for: '1h', severity: 'critical',
        summary: `The CA certificate expires in less than ${Math.round(certSeconds / 86400)} days.`,
        action: 'Check the CA Certificate in cert-manager and follow the rotation runbook.' },
      { alert: 'CockroachClockOffset', expr: `abs(clock_offset_meannanos{${sel}}) > ${clockNanos}`, for: '5m', severity: 'critical',
        summary: `A node's clock is more than ${clockNanos / 1e6} ms away from the cluster mean.`,
        action: 'Fix time synchronization on the Kubernetes node; CockroachDB stops a node whose clock drifts too far.' },
    ];

    const labels = { ...cluster._objectLabels(), ...(props.labels ?? {}) };
    if (props.serviceMonitor ?? true) {
      const tls = cluster.certificates
        ? {
          scheme: 'https',
          tlsConfig: {
            ca: { secret: { name: cluster.certificates.rootClientSecretName, key: 'ca.crt' } },
            serverName: cluster.publicHost,
          },
        }
        : { scheme: 'http' };
      this.serviceMonitor = new ApiObject(this, 'ServiceMonitor', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { name: cluster.name, namespace: cluster.namespace, labels },
        spec: {
          // The discovery Service only: the public one selects the same pods, which would scrape them twice.
          selector: { matchLabels: cluster.discoveryServiceLabels },
          namespaceSelector: { matchNames: [cluster.namespace] },
          endpoints: [{ port: 'http', path: '/_status/vars', interval: '30s', ...tls }],
        },
      });
    }
    if (props.alerts ?? true) {
      this.prometheusRule = new ApiObject(this, 'PrometheusRule', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: { name: cluster.name, namespace: cluster.namespace, labels },
        spec: {
          groups: [{
            name: `cockroachdb-${cluster.namespace}-${cluster.name}`,
            rules: this.alerts.map((a) => ({
              alert: a.alert,
              expr: a.expr,
              for: a.for,
              labels: { severity: a.severity },
              annotations: { summary: a.summary, action: a.action },
            })),
          }],
        },
      });
    }
  }
}
