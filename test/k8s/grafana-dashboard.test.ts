import { Construct } from 'constructs';
import {
  ClusterSecurity, cockroachDashboardPanels, CockroachCluster, DEFAULT_ALERT_THRESHOLDS, GrafanaDashboard, grafanaDashboardModel, MonitoringOptions,
} from '../../lib/k8s';
import { configError } from '../support/errors';
import { newChart, only, synth, validateAgainstSchemas } from '../support/manifests';

// Grafana's dashboard JSON model: `panels[].gridPos` on a 24-column grid, `fieldConfig.defaults.unit`,
// `targets[].expr/legendFormat`, a `datasource` template variable; the sidecar of Grafana's Helm chart
// (and kube-prometheus-stack's) loads ConfigMaps labelled `grafana_dashboard: "1"`.

function build(monitoring: MonitoringOptions = {}, namespace = 'db', name = 'crdb') {
  const chart = newChart(namespace);
  const cluster = new CockroachCluster(chart, 'crdb', { name, monitoring, security: ClusterSecurity.insecure() });
  return { cluster, objects: synth(chart) };
}
const SELECTOR = 'namespace="db", service="crdb"';

describe('the Grafana dashboard beside the ServiceMonitor', () => {
  const { cluster, objects } = build();
  const cm = only(objects, 'ConfigMap', 'crdb-grafana-dashboard');
  const model = JSON.parse(cm.data['cockroachdb-db-crdb.json']);

  test('a ConfigMap the sidecar discovers, holding one dashboard', () => {
    validateAgainstSchemas([cm]);
    expect(cm.metadata.namespace).toBe('db');
    expect(cm.metadata.labels.grafana_dashboard).toBe('1');
    expect(cm.metadata.labels['app.kubernetes.io/instance']).toBe('crdb');
    expect(cm.metadata.annotations).toBeUndefined();
    expect(Object.keys(cm.data)).toEqual(['cockroachdb-db-crdb.json']);
    expect(cm.data['cockroachdb-db-crdb.json'].endsWith('}\n')).toBe(true);
    expect(cluster.monitoring!.grafanaDashboard!.model).toEqual(model);
  });

  test('the dashboard: stable uid, title, a Prometheus datasource variable, read-only', () => {
    expect(model).toMatchObject({ uid: 'cockroachdb-db-crdb', title: 'CockroachDB db/crdb', schemaVersion: 39, editable: false, tags: ['cockroachdb'] });
    expect(model.templating.list).toEqual([{ name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', hide: 0 }]);
    expect(model.time).toEqual({ from: 'now-6h', to: 'now' });
  });

  test('the shared panels, with prometheus-operator\'s labels (the discovery Service)', () => {
    const panels = cockroachDashboardPanels(SELECTOR, DEFAULT_ALERT_THRESHOLDS);
    expect(model.panels.map((p: any) => p.title)).toEqual(panels.map((p) => p.title));
    model.panels.forEach((p: any, i: number) => {
      const shared = panels[i];
      expect(p.id).toBe(i + 1);
      expect(p.type).toBe('timeseries');
      expect(p.description).toBe(shared.description);
      expect(p.gridPos).toEqual({ x: shared.x, y: shared.y, w: shared.width, h: shared.height });
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(p.targets).toEqual(shared.queries.map((q, j) => ({
        refId: 'ABCD'[j], datasource: { type: 'prometheus', uid: '${datasource}' }, expr: q.expr, legendFormat: q.legend,
      })));
    });
  });

  test('Grafana\'s units, and the alert thresholds as red lines', () => {
    const byTitle = (title: string) => model.panels.find((p: any) => p.title === title);
    expect(Object.fromEntries(model.panels.map((p: any) => [p.title, p.fieldConfig.defaults.unit]))).toEqual({
      'CPU': 'percentunit', 'Memory: process vs container limit': 'bytes', 'Disk used vs capacity': 'percentunit', 'Disk IOPS': 'ops',
      'Disk latency': 'ns', 'SQL latency p99': 'ns', 'SQL queries per second': 'ops', 'Live nodes': 'short',
      'Under-replicated and unavailable ranges': 'short', 'Scheduled backups': 'short', 'Age of the last backup': 's',
      'Certificates: time to expiry': 's',
    });
    expect(byTitle('Live nodes').fieldConfig.defaults.decimals).toBe(0);
    expect(byTitle('CPU').fieldConfig.defaults.decimals).toBeUndefined();
    expect(byTitle('CPU').fieldConfig.defaults.thresholds).toEqual({ mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'red', value: 0.8 }] });
    expect(byTitle('CPU').fieldConfig.defaults.custom).toEqual({ thresholdsStyle: { mode: 'line' } });
    expect(byTitle('SQL latency p99').fieldConfig.defaults.thresholds.steps[1].value).toBe(500000000);
    expect(byTitle('Disk IOPS').fieldConfig.defaults.thresholds).toBeUndefined();
    expect(byTitle('Disk IOPS').fieldConfig.defaults.custom).toBeUndefined();
    // Thresholds of one's own move the lines.
    const custom = build({ thresholds: { cpuHighFraction: 0.6 } });
    const cpu = JSON.parse(only(custom.objects, 'ConfigMap', 'crdb-grafana-dashboard').data['cockroachdb-db-crdb.json']).panels[0];
    expect(cpu.fieldConfig.defaults.thresholds.steps[1].value).toBe(0.6);
  });

  test('labels and annotations for another sidecar configuration', () => {
    const { objects: o } = build({ grafanaDashboard: { discoveryLabels: { dashboards: 'crdb' }, annotations: { grafana_folder: 'Databases' } } });
    const c = only(o, 'ConfigMap', 'crdb-grafana-dashboard');
    expect(c.metadata.labels.dashboards).toBe('crdb');
    expect(c.metadata.labels.grafana_dashboard).toBeUndefined();
    expect(c.metadata.annotations).toEqual({ grafana_folder: 'Databases' });
  });

  test('off on request, and off with the rest of monitoring', () => {
    expect(build({ grafanaDashboard: { enabled: false } }).objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('grafana-dashboard'))).toEqual([]);
    const chart = newChart();
    new CockroachCluster(chart, 'crdb');
    expect(synth(chart).filter((o) => o.metadata.name.endsWith('grafana-dashboard'))).toEqual([]);
  });

  test('a uid within Grafana\'s 40 characters, stable and distinct for long names', () => {
    const long = (ns: string) => {
      const { objects: o } = build({}, ns, 'orders-database-eu');
      const c = only(o, 'ConfigMap', 'orders-database-eu-grafana-dashboard');
      return JSON.parse(Object.values(c.data)[0] as string).uid as string;
    };
    const a = long('production-europe-west');
    expect(a.length).toBe(40);
    expect(a).toMatch(/^cockroachdb-production-europe-[0-9a-f]{10}$/);
    expect(long('production-europe-west')).toBe(a);
    expect(long('production-europe-wesx')).not.toBe(a);
    expect(build({}, 'db', 'x').objects.some((o) => o.kind === 'ConfigMap' && JSON.parse(Object.values(o.data ?? { a: '{}' })[0] as string).uid === 'cockroachdb-db-x')).toBe(true);
  });

  test.each<[MonitoringOptions['grafanaDashboard'], string, string]>([
    [{ discoveryLabels: { 'bad key!': '1' } }, 'monitoring.grafanaDashboard.discoveryLabels (key)', '"bad key!"'],
    [{ discoveryLabels: { grafana_dashboard: 'not valid!' } }, 'monitoring.grafanaDashboard.discoveryLabels.grafana_dashboard', '"not valid!"'],
    [{ annotations: { 'no/good/key': 'x' } }, 'monitoring.grafanaDashboard.annotations (key)', '"no/good/key"'],
  ])('refused: %o', (grafanaDashboard, prop, received) => {
    const error = configError(() => build({ grafanaDashboard }));
    expect(error.prop).toBe(prop);
    expect(error.message).toContain(`received ${received}`);
  });
});

describe('the dashboard model and its uid, without a cluster', () => {
  test('every panel: a legend listed below the chart, a tooltip of every series', () => {
    const model: any = grafanaDashboardModel('u', 't', cockroachDashboardPanels(SELECTOR, DEFAULT_ALERT_THRESHOLDS));
    for (const p of model.panels) {
      expect(p.options).toEqual({ legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'none' } });
      expect(p.fieldConfig.overrides).toEqual([]);
    }
  });

  test('a uid of exactly 40 characters is kept as it is; one more is shortened', () => {
    const dashboard = (namespace: string) => {
      const chart = newChart(namespace);
      const cluster = Object.assign(new Construct(chart, 'crdb'), {
        name: 'crdb', namespace, discoveryServiceName: 'crdb', _objectLabels: () => ({}), _componentLabels: () => ({}),
      });
      return new GrafanaDashboard(chart, 'Dashboard', { cluster, selector: SELECTOR, thresholds: DEFAULT_ALERT_THRESHOLDS }).model as any;
    };
    // "cockroachdb-" + 23 characters + "-crdb" = 40
    const forty = dashboard('abcdefghijklmnopqrstuvw');
    expect(forty.uid).toBe('cockroachdb-abcdefghijklmnopqrstuvw-crdb');
    expect(forty.uid).toHaveLength(40);
    const fortyOne = dashboard('abcdefghijklmnopqrstuvwx');
    expect(fortyOne.uid).toMatch(/^cockroachdb-abcdefghijklmnopq-[0-9a-f]{10}$/);
    expect(fortyOne.uid).toHaveLength(40);
  });
});
