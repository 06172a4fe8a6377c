import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { AlertRule, cockroachAlerts } from '../shared/alerts';
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
    this.alerts = cockroachAlerts(sel, cluster.memoryLimitBytes, {
      p99Nanos, cpuFraction: cpu, cpuForSeconds: cpuFor, memoryFraction: mem, diskUsedFraction: disk, iopsInProgress: iops,
      throughputBytesPerSecond: throughput, certificateExpirySeconds: certSeconds, clockOffsetNanos: clockNanos,
    });

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
