import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { AlertRule, AlertThresholdValues, checkAlertThresholds, cockroachAlerts, DEFAULT_ALERT_THRESHOLDS, prometheusRuleOf } from '../shared/alerts';
import { GrafanaDashboard, GrafanaDashboardOptions, IGrafanaDashboardTarget } from './grafana-dashboard';
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

/** Options of the cluster's monitoring objects (Prometheus Operator, and Grafana). */
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
   * A Grafana dashboard of the cluster in a ConfigMap that Grafana's dashboard sidecar loads: CPU,
   * memory, disk, IOPS, SQL latency and throughput, live nodes, ranges, backups and certificates, with
   * the alert thresholds drawn (the Cloud Monitoring dashboard's panels).
   * @default - rendered, labelled `grafana_dashboard: "1"`
   */
  readonly grafanaDashboard?: GrafanaDashboardOptions;
  /**
   * Labels Prometheus selects ServiceMonitors and PrometheusRules by (e.g. `release: kube-prometheus-stack`).
   * @default - none
   */
  readonly labels?: { readonly [key: string]: string };
}

/** What monitoring needs from its cluster (see {@link ClusterMonitoring}). */
export interface IMonitoringTarget extends IGrafanaDashboardTarget {
  /**
   * The cluster's certificates: Prometheus verifies the nodes with their CA.
   * @default - none: an insecure cluster, scraped over HTTP
   */
  readonly certificates?: ClusterCertificates;
  /** DNS name of the public Service, the name Prometheus verifies. */
  readonly publicHost: string;
  /** Its labels. */
  readonly discoveryServiceLabels: { [key: string]: string };
}

/** Properties of {@link ClusterMonitoring}. */
export interface ClusterMonitoringProps extends MonitoringOptions {
  /** The cluster to monitor. */
  readonly cluster: IMonitoringTarget;
}

/**
 * Thresholds in base units, checked; defaults for what `t` leaves out. Errors name the props under
 * `monitoring.thresholds`.
 */
export function alertThresholdValues(scope: Construct, t: AlertThresholds): AlertThresholdValues {
  const d = DEFAULT_ALERT_THRESHOLDS;
  // Whole nanoseconds, from milliseconds: seconds × 1e9 in floating point renders 67 ms as 67000000.00000001.
  const nanos = (duration: Duration | undefined, fallback: number) => (duration ? Math.round(duration.toMilliseconds() * 1e6) : fallback);
  const seconds = (duration: Duration | undefined, fallback: number) => (duration ? durationSeconds(duration) : fallback);
  const prop = 'monitoring.thresholds';
  return checkAlertThresholds(scope, {
    p99Nanos: `${prop}.p99SqlLatency`,
    cpuFraction: `${prop}.cpuHighFraction`,
    cpuForSeconds: `${prop}.cpuHighFor (seconds)`,
    memoryFraction: `${prop}.memoryFraction`,
    diskUsedFraction: `${prop}.diskUsedFraction`,
    iopsInProgress: `${prop}.diskIopsInProgress`,
    throughputBytesPerSecond: `${prop}.diskThroughputBytesPerSecond`,
    certificateExpirySeconds: `${prop}.certificateExpiry (seconds)`,
    clockOffsetNanos: `${prop}.clockOffset`,
  }, {
    p99Nanos: nanos(t.p99SqlLatency, d.p99Nanos),
    cpuFraction: t.cpuHighFraction ?? d.cpuFraction,
    cpuForSeconds: seconds(t.cpuHighFor, d.cpuForSeconds),
    memoryFraction: t.memoryFraction ?? d.memoryFraction,
    diskUsedFraction: t.diskUsedFraction ?? d.diskUsedFraction,
    iopsInProgress: t.diskIopsInProgress ?? d.iopsInProgress,
    throughputBytesPerSecond: t.diskThroughputBytesPerSecond ?? d.throughputBytesPerSecond,
    certificateExpirySeconds: seconds(t.certificateExpiry, d.certificateExpirySeconds),
    clockOffsetNanos: nanos(t.clockOffset, d.clockOffsetNanos),
  });
}

/**
 * Prometheus Operator objects for a cluster: a ServiceMonitor for `/_status/vars`, and a PrometheusRule
 * whose alerts say what to do: scale out, scale up, add disk.
 */
export class ClusterMonitoring extends Construct {
  /** The ServiceMonitor, when enabled (escape hatch). */
  public readonly serviceMonitor?: ApiObject;
  /** The PrometheusRule, when enabled (escape hatch). */
  public readonly prometheusRule?: ApiObject;
  /** The Grafana dashboard, when enabled. */
  public readonly grafanaDashboard?: GrafanaDashboard;
  /** The alerts, as rendered. */
  public readonly alerts: AlertRule[];
  /** The thresholds, checked, in base units. */
  public readonly thresholds: AlertThresholdValues;

  constructor(scope: Construct, id: string, props: ClusterMonitoringProps) {
    super(scope, id);
    const cluster = props.cluster;
    this.thresholds = alertThresholdValues(cluster, props.thresholds ?? {});
    // prometheus-operator labels the series of a ServiceMonitor's targets with their Service's name.
    const selector = `namespace="${cluster.namespace}", service="${cluster.discoveryServiceName}"`;
    this.alerts = cockroachAlerts(selector, this.thresholds);
    if (props.grafanaDashboard?.enabled ?? true) {
      this.grafanaDashboard = new GrafanaDashboard(this, 'GrafanaDashboard', { ...props.grafanaDashboard, cluster, selector, thresholds: this.thresholds });
    }

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
            rules: this.alerts.map(prometheusRuleOf),
          }],
        },
      });
    }
  }
}
