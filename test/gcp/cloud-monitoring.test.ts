import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { Testing } from 'cdktf';
import {
  cockroachAlerts, cockroachDashboardPanels, CockroachCloudMonitoring, DEFAULT_ALERT_THRESHOLDS, DeploymentDescription,
  DeploymentDescriptionProps, GKE_STACK_APIS, GkeCluster, GkeStack,
} from '../../lib/gcp';
import { configError } from '../support/errors';
import { description, synthScope } from './support';

const EMAILS = ['dba@example.com', 'oncall@example.com'];
const CHANNELS = ['projects/acme-prod-db/notificationChannels/123', 'projects/acme-prod-db/notificationChannels/456'];
const SELECTOR = 'cluster="cockroachdb", namespace="cockroachdb", job="crdb"';
type Monitoring = NonNullable<DeploymentDescriptionProps['monitoring']>;
const withMonitoring = (monitoring: Monitoring = { notificationEmails: EMAILS, notificationChannels: CHANNELS }, props: Partial<DeploymentDescriptionProps> = {}) =>
  description({ ...props, monitoring });
const synth = (d: DeploymentDescription) => {
  let construct: CockroachCloudMonitoring | undefined;
  const out = synthScope((scope) => { construct = new CockroachCloudMonitoring(scope, 'Monitoring', { description: d }); });
  return { ...out, construct: construct! };
};
const dashboardOf = (doc: any) => JSON.parse(Object.values<any>(doc.resource.google_monitoring_dashboard)[0].dashboard_json);
const channelRef = (id: string) => `\${google_monitoring_notification_channel.${id}.name}`;
const stackDoc = (d: DeploymentDescription, enableApis?: boolean) => {
  const stack = new GkeStack(Testing.app(), 'gke', { description: d, enableApis });
  return { stack, doc: JSON.parse(Testing.synth(stack)) };
};

describe('CockroachCloudMonitoring: the dashboard', () => {
  const { doc, construct } = synth(withMonitoring());
  const dashboard = dashboardOf(doc);
  const panels = cockroachDashboardPanels(SELECTOR, DEFAULT_ALERT_THRESHOLDS);
  const tiles: any[] = dashboard.mosaicLayout.tiles;
  const byTitle = (title: string) => tiles.find((t) => t.widget.title === title);

  test('one dashboard, named after the cluster, in the description\'s project, at an address from the names', () => {
    expect(Object.keys(doc.resource.google_monitoring_dashboard)).toEqual(['dashboard_cockroachdb_crdb']);
    expect(Object.values<any>(doc.resource.google_monitoring_dashboard)[0].project).toBe('acme-prod-db');
    expect(dashboard.displayName).toBe('CockroachDB cockroachdb/crdb on cockroachdb');
    expect(Object.keys(dashboard)).toEqual(['displayName', 'mosaicLayout']);
    expect(construct.dashboard.dashboardJsonInput).toBe(Object.values<any>(doc.resource.google_monitoring_dashboard)[0].dashboard_json);
  });

  test('a 48-column mosaic, one tile per shared panel, in the panels\' order, with their titles', () => {
    expect(dashboard.mosaicLayout.columns).toBe(48);
    expect(Object.keys(dashboard.mosaicLayout)).toEqual(['columns', 'tiles']);
    expect(tiles).toHaveLength(panels.length);
    expect(tiles.map((t) => t.widget.title)).toEqual(panels.map((p) => p.title));
  });

  test('every position and size is the shared grid\'s, doubled; positions of 0 are left out', () => {
    tiles.forEach((t, i) => {
      const p = panels[i];
      expect([t.xPos ?? 0, t.yPos ?? 0, t.width, t.height]).toEqual([p.x * 2, p.y * 2, p.width * 2, p.height * 2]);
      expect('xPos' in t).toBe(p.x !== 0);
      expect('yPos' in t).toBe(p.y !== 0);
    });
    expect(tiles[0]).toMatchObject({ width: 24, height: 16 });
    expect(Object.keys(tiles[0])).toEqual(['width', 'height', 'widget']);
    expect(Object.keys(tiles[3])).toEqual(['xPos', 'yPos', 'width', 'height', 'widget']);
    expect([tiles[3].xPos, tiles[3].yPos]).toEqual([24, 16]);
  });

  test('the tiles fit in 48 columns and never overlap', () => {
    const box = (t: any) => ({ x: t.xPos ?? 0, y: t.yPos ?? 0, w: t.width, h: t.height });
    for (const t of tiles.map(box)) {
      expect(t.x).toBeGreaterThanOrEqual(0);
      expect(t.w).toBeGreaterThanOrEqual(1);
      expect(t.x + t.w).toBeLessThanOrEqual(48);
    }
    const boxes = tiles.map(box);
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
      const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
      expect(apart).toBe(true);
    }));
  });

  test('one line chart per tile: each panel query is a PromQL data set, with the cluster\'s selector', () => {
    tiles.forEach((t, i) => {
      expect(Object.keys(t.widget)).toEqual(['title', 'xyChart']);
      const sets: any[] = t.widget.xyChart.dataSets;
      expect(sets.map((s) => s.timeSeriesQuery.prometheusQuery)).toEqual(panels[i].queries.map((q) => q.expr));
      for (const s of sets) {
        expect(s.timeSeriesQuery.prometheusQuery).toContain(`{${SELECTOR}}`);
        expect(s.plotType).toBe('LINE');
        expect(s.targetAxis).toBe('Y1');
      }
      expect(t.widget.xyChart.yAxis).toEqual({ scale: 'LINEAR' });
    });
  });

  test('units in UCUM: a fraction and a count are dimensionless, never a percentage', () => {
    const unit = (title: string) => byTitle(title).widget.xyChart.dataSets.map((s: any) => s.timeSeriesQuery.unitOverride);
    expect(unit('CPU')).toEqual(['1']);
    expect(unit('Disk used vs capacity')).toEqual(['1']);
    expect(unit('Memory: process vs container limit')).toEqual(['By', 'By']);
    expect(unit('Disk IOPS')).toEqual(['1/s', '1/s']);
    expect(unit('Disk latency')).toEqual(['ns', 'ns']);
    expect(unit('SQL latency p99')).toEqual(['ns']);
    expect(unit('Age of the last backup')).toEqual(['s']);
    expect(unit('Live nodes')).toEqual(['1']);
    expect(unit('SQL queries per second')).toEqual(['1/s', '1/s', '1/s', '1/s']);
    expect(unit('Certificates: time to expiry')).toEqual(['s', 's']);
  });

  test('legends: the shared legend when it names no label, none when it does (Grafana\'s {{label}})', () => {
    const legends = (title: string) => byTitle(title).widget.xyChart.dataSets.map((s: any) => s.legendTemplate);
    expect(legends('SQL latency p99')).toEqual(['p99']);
    expect(legends('SQL queries per second')).toEqual(['SELECT', 'INSERT', 'UPDATE', 'DELETE']);
    expect(legends('Under-replicated and unavailable ranges')).toEqual(['under-replicated', 'unavailable']);
    expect(legends('CPU')).toEqual([undefined]);
    expect(legends('Disk IOPS')).toEqual([undefined, undefined]);
    expect(Object.keys(byTitle('CPU').widget.xyChart.dataSets[0])).toEqual(['timeSeriesQuery', 'plotType', 'targetAxis']);
    expect(byTitle('Live nodes').widget.xyChart.dataSets[0]).toEqual({
      timeSeriesQuery: { prometheusQuery: `min(liveness_livenodes{${SELECTOR}})`, unitOverride: '1' },
      plotType: 'LINE', targetAxis: 'Y1', legendTemplate: 'live nodes',
    });
  });

  test('the alert thresholds drawn on the panels that have one, without the color and direction an XyChart refuses', () => {
    tiles.forEach((t, i) => {
      const threshold = panels[i].threshold;
      if (threshold === undefined) {
        expect('thresholds' in t.widget.xyChart).toBe(false);
      } else {
        expect(t.widget.xyChart.thresholds).toEqual([{ label: 'alert threshold', value: threshold, targetAxis: 'Y1' }]);
      }
    });
    expect(byTitle('CPU').widget.xyChart.thresholds[0].value).toBe(0.8);
    expect(byTitle('SQL latency p99').widget.xyChart.thresholds[0].value).toBe(500e6);
    expect(byTitle('Certificates: time to expiry').widget.xyChart.thresholds[0].value).toBe(14 * 86400);
    expect(tiles.filter((t) => t.widget.xyChart.thresholds).map((t) => t.widget.title))
      .toEqual(['CPU', 'Disk used vs capacity', 'SQL latency p99', 'Certificates: time to expiry']);
  });

  test('the description\'s thresholds and names reach the dashboard', () => {
    const d = withMonitoring({ notificationEmails: EMAILS, alertThresholds: { cpuHighFraction: 0.65, p99SqlLatencyMillis: 250 } },
      { gkeClusterName: 'orders-gke', namespace: 'orders', cockroachClusterName: 'ordersdb' });
    const { doc: d2 } = synth(d);
    const dash = dashboardOf(d2);
    expect(Object.keys(d2.resource.google_monitoring_dashboard)).toEqual(['dashboard_orders_ordersdb']);
    expect(dash.displayName).toBe('CockroachDB orders/ordersdb on orders-gke');
    const t = (title: string) => dash.mosaicLayout.tiles.find((x: any) => x.widget.title === title).widget.xyChart;
    expect(t('CPU').thresholds[0].value).toBe(0.65);
    expect(t('SQL latency p99').thresholds[0].value).toBe(250e6);
    expect(t('CPU').dataSets[0].timeSeriesQuery.prometheusQuery)
      .toBe('sys_cpu_combined_percent_normalized{cluster="orders-gke", namespace="orders", job="ordersdb"}');
  });
});

describe('CockroachCloudMonitoring: notification channels', () => {
  const { json, doc, resources, construct } = synth(withMonitoring());

  test('one e-mail channel per address, named after the cluster, with stable labels', () => {
    const channels = resources('google_monitoring_notification_channel');
    expect(channels).toHaveLength(EMAILS.length);
    expect(json).toHaveResourceWithProperties(MonitoringNotificationChannel, {
      project: 'acme-prod-db', type: 'email', labels: { email_address: 'dba@example.com' },
      display_name: 'CockroachDB cockroachdb/crdb on cockroachdb: dba@example.com',
    });
    for (const c of channels) {
      expect(c.type).toBe('email');
      expect(c.project).toBe('acme-prod-db');
      expect(c.user_labels).toEqual({ 'managed-by': 'cdk-cockroachdb', 'gke-cluster': 'cockroachdb', 'namespace': 'cockroachdb', 'cockroach-cluster': 'crdb' });
      expect(c.sensitive_labels).toBeUndefined();
    }
    expect(channels.map((c) => c.labels.email_address).sort()).toEqual([...EMAILS].sort());
    expect(construct.notificationChannels.map((c) => c.labelsInput)).toEqual(EMAILS.map((email_address) => ({ email_address })));
  });

  test('each channel\'s address derives from its e-mail alone: removing the first keeps the second where it was', () => {
    /** email → address */
    const ids = (notificationEmails: string[]) => Object.fromEntries(Object.entries<any>(
      synth(withMonitoring({ notificationEmails })).doc.resource.google_monitoring_notification_channel,
    ).map(([id, c]) => [c.labels.email_address, id]));
    const all = ids(EMAILS);
    expect(all['dba@example.com']).toMatch(/^alert_email_cockroachdb_crdb_dba_example_com_[0-9a-f]{8}$/);
    expect(all['oncall@example.com']).toMatch(/^alert_email_cockroachdb_crdb_oncall_example_com_[0-9a-f]{8}$/);
    expect(ids([EMAILS[1]])).toEqual({ [EMAILS[1]]: all[EMAILS[1]] });
    expect(ids([EMAILS[1], EMAILS[0]])).toEqual(all);
    expect(Object.keys(doc.resource.google_monitoring_notification_channel).sort()).toEqual(Object.values(all).sort());
  });

  test('addresses whose readable ids would be the same still get channels of their own', () => {
    const emails = ['a.b@example.com', 'a_b@example.com', 'a-b@example.com'];
    const channels = Object.keys(synth(withMonitoring({ notificationEmails: emails })).doc.resource.google_monitoring_notification_channel);
    expect(channels).toHaveLength(3);
    expect(new Set(channels).size).toBe(3);
  });

  test('existing channels only: no channel is created, the policies notify those', () => {
    const { doc: d2, construct: c2 } = synth(withMonitoring({ notificationChannels: CHANNELS }));
    expect(d2.resource.google_monitoring_notification_channel).toBeUndefined();
    expect(c2.notificationChannels).toEqual([]);
    for (const p of Object.values<any>(d2.resource.google_monitoring_alert_policy)) expect(p.notification_channels).toEqual(CHANNELS);
  });
});

describe('CockroachCloudMonitoring: alert policies', () => {
  const { doc, construct } = synth(withMonitoring());
  const rules = cockroachAlerts(SELECTOR, DEFAULT_ALERT_THRESHOLDS);
  const policies = doc.resource.google_monitoring_alert_policy;
  const policy = (alert: string) => policies[`alert_cockroachdb_crdb_${alert}`];
  const channelIds = Object.entries<any>(doc.resource.google_monitoring_notification_channel)
    .sort(([, a], [, b]) => EMAILS.indexOf(a.labels.email_address) - EMAILS.indexOf(b.labels.email_address)).map(([id]) => id);

  test('one policy per shared alert, at an address from the cluster and the alert', () => {
    expect(Object.keys(policies).sort()).toEqual(rules.map((r) => `alert_cockroachdb_crdb_${r.alert}`).sort());
    expect(Object.keys(construct.alertPolicies)).toEqual(rules.map((r) => r.alert));
    expect(construct.alertPolicies.CockroachNodeDown.displayNameInput).toBe('CockroachNodeDown (CockroachDB cockroachdb/crdb on cockroachdb)');
  });

  test.each(cockroachAlerts(SELECTOR, DEFAULT_ALERT_THRESHOLDS).map((r) => [r.alert, r] as const))('%s: the shared alert as a PromQL condition', (alert, rule) => {
    const p = policy(alert);
    expect(p.project).toBe('acme-prod-db');
    expect(p.display_name).toBe(`${alert} (CockroachDB cockroachdb/crdb on cockroachdb)`);
    expect(p.combiner).toBe('OR');
    expect(p.severity).toBe(rule.severity === 'critical' ? 'CRITICAL' : 'WARNING');
    expect(p.conditions).toEqual([{
      display_name: alert,
      condition_prometheus_query_language: {
        query: rule.expr,
        duration: `${rule.forSeconds}s`,
        evaluation_interval: '30s',
        alert_rule: alert,
        rule_group: 'cockroachdb-cockroachdb-crdb',
        labels: { severity: rule.severity },
        disable_metric_validation: true,
      },
    }]);
    expect(p.documentation).toEqual({
      subject: `[${rule.severity.toUpperCase()}] ${alert}: CockroachDB cockroachdb/crdb on cockroachdb`,
      content: `${rule.summary}\n\n${rule.action}`,
      mime_type: 'text/markdown',
    });
    expect(p.notification_channels).toEqual([...channelIds.map(channelRef), ...CHANNELS]);
    expect(p.user_labels).toEqual({
      'managed-by': 'cdk-cockroachdb', 'gke-cluster': 'cockroachdb', 'namespace': 'cockroachdb', 'cockroach-cluster': 'crdb', 'severity': rule.severity,
    });
    expect(p.enabled).toBeUndefined();
    expect(p.alert_strategy).toBeUndefined();
  });

  test('a few policies by hand: the query, the wait and the severity', () => {
    expect(policy('CockroachNodeDown').conditions[0].condition_prometheus_query_language.query).toBe(`up{${SELECTOR}} == 0`);
    expect(policy('CockroachNodeDown').conditions[0].condition_prometheus_query_language.duration).toBe('300s');
    expect(policy('CockroachNodeDown').severity).toBe('CRITICAL');
    expect(policy('CockroachUnderReplicatedRanges').severity).toBe('WARNING');
    expect(policy('CockroachUnderReplicatedRanges').conditions[0].condition_prometheus_query_language.duration).toBe('900s');
    expect(policy('CockroachHighCpu').conditions[0].condition_prometheus_query_language.duration).toBe('1800s');
    expect(policy('CockroachHighCpu').conditions[0].condition_prometheus_query_language.labels).toEqual({ severity: 'warning' });
    expect(policy('CockroachNodeDown').documentation.content)
      .toBe('A CockroachDB node has not answered Prometheus for 5 minutes.\n\nCheck the pod (kubectl describe/logs). Ranges stay available while only one node of three is down; do not scale down now.');
    expect(channelIds).toHaveLength(2);
    expect(policy('CockroachNodeDown').notification_channels[0]).toMatch(/^\$\{google_monitoring_notification_channel\.alert_email_cockroachdb_crdb_dba_example_com_[0-9a-f]{8}\.name\}$/);
  });

  test('the description\'s thresholds and names reach the conditions', () => {
    const d = withMonitoring({ notificationEmails: ['dba@example.com'], alertThresholds: { cpuHighFraction: 0.7, cpuHighForSeconds: 600, clockOffsetMillis: 200 } },
      { gkeClusterName: 'orders-gke', namespace: 'orders', cockroachClusterName: 'ordersdb' });
    const ps = synth(d).doc.resource.google_monitoring_alert_policy;
    const cpu = ps.alert_orders_ordersdb_CockroachHighCpu;
    const selector = 'cluster="orders-gke", namespace="orders", job="ordersdb"';
    expect(cpu.conditions[0].condition_prometheus_query_language).toMatchObject({
      query: `avg by (instance) (sys_cpu_combined_percent_normalized{${selector}}) > 0.7`, duration: '600s', rule_group: 'cockroachdb-orders-ordersdb',
    });
    expect(ps.alert_orders_ordersdb_CockroachClockOffset.conditions[0].condition_prometheus_query_language.query)
      .toBe(`abs(clock_offset_meannanos{${selector}}) > 200000000`);
    expect(cpu.display_name).toBe('CockroachHighCpu (CockroachDB orders/ordersdb on orders-gke)');
    expect(cpu.user_labels).toMatchObject({ 'gke-cluster': 'orders-gke', 'namespace': 'orders', 'cockroach-cluster': 'ordersdb' });
    expect(Object.keys(ps)).toHaveLength(cockroachAlerts(selector, d.monitoring!.alertThresholds).length);
  });

  test('only monitoring resources: no API, no cluster setting', () => {
    expect(Object.keys(doc.resource).sort()).toEqual(['google_monitoring_alert_policy', 'google_monitoring_dashboard', 'google_monitoring_notification_channel']);
  });
});

describe('CockroachCloudMonitoring errors are thrown', () => {
  test('a description without monitoring', () => {
    const error = configError(() => synthScope((scope) => { new CockroachCloudMonitoring(scope, 'Monitoring', { description: description() }); }));
    expect(error.prop).toBe('description.monitoring');
    expect(error.message).toBe('[stack/Monitoring] description.monitoring: received undefined; expected a description with monitoring (its notification targets and alert thresholds)');
  });
});

describe('the GKE cluster with and without monitoring', () => {
  const cluster = (d: DeploymentDescription) => synthScope((scope) => { new GkeCluster(scope, 'Gke', { description: d }); })
    .resources('google_container_cluster')[0];

  test('with it: managed collection on, system metrics stated', () => {
    expect(cluster(withMonitoring()).monitoring_config).toEqual({ managed_prometheus: { enabled: true }, enable_components: ['SYSTEM_COMPONENTS'] });
  });

  test('without it: no monitoring_config, GKE\'s defaults', () => {
    const c = cluster(description());
    expect(c.monitoring_config).toBeUndefined();
    expect('monitoring_config' in c).toBe(false);
  });
});

describe('GkeStack with and without monitoring', () => {
  test('with it: the construct, its resources, the dashboard\'s id as an output, the Monitoring API it already enables', () => {
    const { stack, doc } = stackDoc(withMonitoring());
    expect(stack.monitoring).toBeInstanceOf(CockroachCloudMonitoring);
    expect(stack.monitoring!.node.path).toBe('gke/Monitoring');
    expect(Object.keys(doc.resource.google_monitoring_dashboard)).toEqual(['dashboard_cockroachdb_crdb']);
    expect(Object.keys(doc.resource.google_monitoring_alert_policy)).toHaveLength(cockroachAlerts(SELECTOR, DEFAULT_ALERT_THRESHOLDS).length);
    expect(Object.keys(doc.resource.google_monitoring_notification_channel)).toHaveLength(EMAILS.length);
    expect(doc.output.monitoring_dashboard_id).toEqual({
      value: '${google_monitoring_dashboard.dashboard_cockroachdb_crdb.id}',
      description: 'Cloud Monitoring dashboard of the CockroachDB cluster',
    });
    expect(GKE_STACK_APIS).toContain('monitoring.googleapis.com');
    expect(stack.apis!.services.map((s) => s.serviceInput)).toEqual(GKE_STACK_APIS);
    expect(Object.values<any>(doc.resource.google_container_cluster)[0].monitoring_config.managed_prometheus).toEqual({ enabled: true });
  });

  test('with it: the monitoring resources wait for the APIs, the Monitoring API among them', () => {
    const { doc } = stackDoc(withMonitoring());
    const apis = Object.keys(doc.resource.google_project_service).map((id) => `google_project_service.${id}`).sort();
    expect(apis).toContain('google_project_service.api_monitoring_googleapis_com');
    const created = ['google_monitoring_dashboard', 'google_monitoring_alert_policy', 'google_monitoring_notification_channel']
      .flatMap((type) => Object.values<any>(doc.resource[type]));
    expect(created).toHaveLength(1 + cockroachAlerts(SELECTOR, DEFAULT_ALERT_THRESHOLDS).length + EMAILS.length);
    for (const r of created) expect([...r.depends_on].sort()).toEqual(apis);
  });

  test('without it: nothing of it, and the rest exactly what monitoring adds to', () => {
    const { stack, doc: without } = stackDoc(description());
    expect(stack.monitoring).toBeUndefined();
    expect(without.output.monitoring_dashboard_id).toBeUndefined();
    const { doc: withIt } = stackDoc(withMonitoring());
    for (const type of ['google_monitoring_dashboard', 'google_monitoring_alert_policy', 'google_monitoring_notification_channel']) {
      expect(without.resource[type]).toBeUndefined();
      delete withIt.resource[type];
    }
    delete withIt.output.monitoring_dashboard_id;
    for (const c of Object.values<any>(withIt.resource.google_container_cluster)) delete c.monitoring_config;
    expect(withIt).toEqual(without);
  });
});
