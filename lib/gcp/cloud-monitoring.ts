import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { MonitoringDashboard } from '@cdktf/provider-google/lib/monitoring-dashboard';
import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { AlertRule, cockroachAlerts } from '../shared/alerts';
import { cockroachDashboardPanels, DashboardPanel, PanelQuery, PanelUnit } from '../shared/dashboard';
import { DeploymentDescription } from '../shared/description';
import { reject } from '../shared/validate';
import { terraformId } from './terraform-id';

/** Properties of {@link CockroachCloudMonitoring}. */
export interface CockroachCloudMonitoringProps {
  /** The deployment: its `monitoring` (notification targets, thresholds), project and names. */
  readonly description: DeploymentDescription;
}

/**
 * The Google Cloud half of CockroachDB's monitoring (the description's `monitoring`): a Cloud Monitoring
 * dashboard, one alert policy per alert of the shared set (the same alerts the Kubernetes half renders as
 * Managed Service for Prometheus Rules), and an e-mail notification channel per address. Every query is
 * PromQL over the series Managed Service for Prometheus collects through the Kubernetes half's
 * PodMonitoring, selected by the description's `cloudMonitoringSelector` (GKE cluster, namespace and job),
 * so that other clusters of the project never show up.
 *
 * Nothing here waits for the GKE cluster: the policies skip metric validation
 * (`disable_metric_validation`), so they can be created before the first series arrives, and a PromQL
 * alert over series that do not exist yet stays quiet.
 * @see https://cloud.google.com/stackdriver/docs/managed-prometheus/promql
 * @see https://cloud.google.com/monitoring/alerts/promql-alerts
 */
export class CockroachCloudMonitoring extends Construct {
  /** The dashboard (escape hatch). */
  public readonly dashboard: MonitoringDashboard;
  /** The e-mail notification channels this construct creates (escape hatch), in the order of `notificationEmails`. */
  public readonly notificationChannels: MonitoringNotificationChannel[];
  /** The alert policies (escape hatch), by alert name, e.g. `alertPolicies.CockroachNodeDown`. */
  public readonly alertPolicies: { readonly [alert: string]: MonitoringAlertPolicy };

  constructor(scope: Construct, id: string, props: CockroachCloudMonitoringProps) {
    super(scope, id);
    const d = props.description;
    const monitoring = d.monitoring;
    if (monitoring === undefined) {
      reject(this, 'description.monitoring', monitoring, 'expected a description with monitoring (its notification targets and alert thresholds)');
    }
    const cluster = `${d.namespace}/${d.cockroachClusterName}`;
    const userLabels = {
      'managed-by': 'cdk-cockroachdb', 'gke-cluster': d.gkeClusterName, 'namespace': d.namespace, 'cockroach-cluster': d.cockroachClusterName,
    };

    const panels = cockroachDashboardPanels(d.cloudMonitoringSelector, monitoring.alertThresholds);
    this.dashboard = new MonitoringDashboard(this, 'Dashboard', {
      project: d.projectId,
      dashboardJson: JSON.stringify({
        displayName: `CockroachDB ${cluster} on ${d.gkeClusterName}`,
        mosaicLayout: { columns: MOSAIC_COLUMNS, tiles: panels.map(tile) },
      }),
    });
    this.dashboard.overrideLogicalId(terraformId('dashboard', `${d.namespace}_${d.cockroachClusterName}`));

    this.notificationChannels = monitoring.notificationEmails.map((email) => {
      const logicalId = channelId(d, email);
      const channel = new MonitoringNotificationChannel(this, logicalId, {
        project: d.projectId,
        type: 'email',
        displayName: `CockroachDB ${cluster} on ${d.gkeClusterName}: ${email}`,
        labels: { email_address: email },
        userLabels,
      });
      channel.overrideLogicalId(logicalId);
      return channel;
    });
    const channels = [...this.notificationChannels.map((c) => c.name), ...monitoring.notificationChannels];

    const policies: { [alert: string]: MonitoringAlertPolicy } = {};
    for (const rule of cockroachAlerts(d.cloudMonitoringSelector, monitoring.alertThresholds)) {
      const policy = new MonitoringAlertPolicy(this, rule.alert, {
        project: d.projectId,
        displayName: `${rule.alert} (CockroachDB ${cluster} on ${d.gkeClusterName})`,
        combiner: 'OR',
        severity: rule.severity.toUpperCase(),
        conditions: [{ displayName: rule.alert, conditionPrometheusQueryLanguage: promqlCondition(rule, d) }],
        documentation: {
          subject: `[${rule.severity.toUpperCase()}] ${rule.alert}: CockroachDB ${cluster} on ${d.gkeClusterName}`,
          content: `${rule.summary}\n\n${rule.action}`,
          mimeType: 'text/markdown',
        },
        notificationChannels: channels,
        userLabels: { ...userLabels, severity: rule.severity },
      });
      policy.overrideLogicalId(terraformId('alert', `${d.namespace}_${d.cockroachClusterName}_${rule.alert}`));
      policies[rule.alert] = policy;
    }
    this.alertPolicies = policies;
  }
}

/** Columns of the dashboard's mosaic: what the Cloud console uses, twice the shared grid's 24. */
const MOSAIC_COLUMNS = 48;
/**
 * Mosaic blocks per shared grid cell, across and down. Across, 48 columns are 2 × 24. Down, a mosaic row is
 * about half as tall as Grafana's 30-pixel row: the console lays out a half-width chart as 24 × 16 blocks,
 * the shape of a Grafana 12 × 8 panel, so the same factor keeps every panel's proportions and positions.
 */
const SCALE = 2;

/**
 * UCUM units (what `unitOverride` takes, as a metric descriptor's `unit`). A fraction stays `1`
 * (dimensionless): `%` or `10^2.%` would show 0.8 as 0.8 % or 80 % of a value already between 0 and 1.
 */
const UNITS: { readonly [unit in PanelUnit]: string } = {
  fraction: '1', bytes: 'By', nanoseconds: 'ns', seconds: 's', perSecond: '1/s', count: '1',
};

/** One tile of the mosaic; positions of 0 left out, as the API returns them (else Terraform plans a change each run). */
function tile(panel: DashboardPanel) {
  return {
    ...(panel.x ? { xPos: panel.x * SCALE } : {}),
    ...(panel.y ? { yPos: panel.y * SCALE } : {}),
    width: panel.width * SCALE,
    height: panel.height * SCALE,
    widget: {
      title: panel.title,
      xyChart: {
        dataSets: panel.queries.map((q) => dataSet(q, panel.unit)),
        // Color and direction are not allowed in an XyChart (metrics.proto, Threshold): a line and a label.
        ...(panel.threshold === undefined ? {} : { thresholds: [{ label: 'alert threshold', value: panel.threshold, targetAxis: 'Y1' }] }),
        yAxis: { scale: 'LINEAR' },
      },
    },
  };
}

/**
 * One line of a chart. The legend is kept only when it names no label: Grafana's `{{instance}}` has no
 * documented PromQL counterpart in `legendTemplate`, which then names each series by its labels.
 */
function dataSet(query: PanelQuery, unit: PanelUnit) {
  return {
    timeSeriesQuery: { prometheusQuery: query.expr, unitOverride: UNITS[unit] },
    plotType: 'LINE',
    targetAxis: 'Y1',
    ...(query.legend.includes('{{') ? {} : { legendTemplate: query.legend }),
  };
}

/** The condition of a policy: the alert as Managed Service for Prometheus' rule evaluator would run it. */
function promqlCondition(rule: AlertRule, d: DeploymentDescription) {
  return {
    query: rule.expr,
    duration: `${rule.forSeconds}s`,
    evaluationInterval: '30s',
    alertRule: rule.alert,
    ruleGroup: `cockroachdb-${d.namespace}-${d.cockroachClusterName}`,
    labels: { severity: rule.severity },
    // The series exist only once the Kubernetes half's PodMonitoring scrapes: create the policy before.
    disableMetricValidation: true,
  };
}

/**
 * A logical id per address that stays put when addresses are added or removed. The hash keeps it unique:
 * the readable part alone is not (`a.b@x.com` and `a_b@x.com` would share it).
 */
function channelId(d: DeploymentDescription, email: string): string {
  const hash = createHash('sha256').update(email).digest('hex').slice(0, 8);
  return terraformId('alert_email', `${d.namespace}_${d.cockroachClusterName}_${email}_${hash}`);
}
