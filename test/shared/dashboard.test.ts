import { cockroachDashboardPanels, DASHBOARD_GRID_COLUMNS, DEFAULT_ALERT_THRESHOLDS } from '../../lib/shared';
import { metricNamesOf as metricsOf } from '../../lib/shared';
import { exported } from '../support/metrics';

const SELECTOR = 'cluster="gke", namespace="db", job="crdb"';
const panels = cockroachDashboardPanels(SELECTOR, DEFAULT_ALERT_THRESHOLDS);
const panel = (title: string) => panels.find((p) => p.title === title)!;

describe('the dashboard\'s panels, one definition for Grafana and Cloud Monitoring', () => {
  test('the book\'s key metrics, in order, each with its unit', () => {
    expect(panels.map((p) => [p.title, p.unit])).toEqual([
      ['CPU', 'fraction'],
      ['Memory: process vs container limit', 'bytes'],
      ['Disk used vs capacity', 'fraction'],
      ['Disk IOPS', 'perSecond'],
      ['Disk latency', 'nanoseconds'],
      ['SQL latency p99', 'nanoseconds'],
      ['SQL queries per second', 'perSecond'],
      ['Live nodes', 'count'],
      ['Under-replicated and unavailable ranges', 'count'],
      ['Scheduled backups', 'count'],
      ['Age of the last backup', 'seconds'],
      ['Certificates: time to expiry', 'seconds'],
    ]);
    for (const p of panels) expect(p.description.length).toBeGreaterThan(20);
  });

  test('every query reads only metrics CockroachDB exports, through the selector it was given', () => {
    for (const p of panels) {
      expect(p.queries.length).toBeGreaterThan(0);
      for (const q of p.queries) {
        const metrics = metricsOf(q.expr);
        expect(metrics.length).toBeGreaterThan(0);
        for (const m of metrics) expect([p.title, m, exported(m)]).toEqual([p.title, m, true]);
        for (const matcher of q.expr.match(/\{[^}]*\}/g) ?? []) expect(matcher).toBe(`{${SELECTOR}}`);
        expect((q.expr.match(/\{[^}]*\}/g) ?? []).length).toBeGreaterThanOrEqual(metrics.length);
        expect(q.legend.length).toBeGreaterThan(0);
      }
    }
  });

  test('the alert thresholds are drawn where they apply, in the panel\'s unit', () => {
    expect(Object.fromEntries(panels.filter((p) => p.threshold !== undefined).map((p) => [p.title, p.threshold]))).toEqual({
      'CPU': 0.8, 'Disk used vs capacity': 0.8, 'SQL latency p99': 500000000, 'Certificates: time to expiry': 1209600,
    });
    const t = { ...DEFAULT_ALERT_THRESHOLDS, cpuFraction: 0.6, diskUsedFraction: 0.7, p99Nanos: 2e8, certificateExpirySeconds: 86400 };
    expect(cockroachDashboardPanels(SELECTOR, t).filter((p) => p.threshold !== undefined).map((p) => p.threshold)).toEqual([0.6, 0.7, 2e8, 86400]);
  });

  test('the queries the book reads', () => {
    expect(panel('CPU').queries).toEqual([{ expr: `sys_cpu_combined_percent_normalized{${SELECTOR}}`, legend: '{{instance}}' }]);
    expect(panel('Memory: process vs container limit').queries.map((q) => q.expr)).toEqual([`sys_rss{${SELECTOR}}`, `sys_totalmem{${SELECTOR}}`]);
    expect(panel('SQL latency p99').queries[0].expr).toBe(`histogram_quantile(0.99, sum by (le) (rate(sql_service_latency_bucket{${SELECTOR}}[5m])))`);
    expect(panel('SQL queries per second').queries.map((q) => q.legend)).toEqual(['SELECT', 'INSERT', 'UPDATE', 'DELETE']);
    expect(panel('SQL queries per second').queries[1].expr).toBe(`sum(rate(sql_insert_count{${SELECTOR}}[5m]))`);
    expect(panel('Disk latency').queries[0].expr).toBe(`label_replace(rate(sys_host_disk_read_time{${SELECTOR}}[5m]) / rate(sys_host_disk_read_count{${SELECTOR}}[5m]), "op", "read", "", "")`);
    // Read and write told apart by a label, where a chart names series by their labels.
    expect(panel('Disk IOPS').queries.map((q) => q.expr)).toEqual([
      `label_replace(rate(sys_host_disk_read_count{${SELECTOR}}[5m]), "op", "read", "", "")`,
      `label_replace(rate(sys_host_disk_write_count{${SELECTOR}}[5m]), "op", "write", "", "")`,
    ]);
    expect(panel('Disk latency').queries[1].expr).toMatch(/, "op", "write", "", ""\)$/);
    expect(panel('Live nodes').queries[0].expr).toBe(`min(liveness_livenodes{${SELECTOR}})`);
    expect(panel('Age of the last backup').queries[0].expr).toBe(`time() - max(schedules_BACKUP_last_completed_time{${SELECTOR}} > 0)`);
    expect(panel('Scheduled backups').queries.map((q) => q.expr)).toEqual([
      `sum(increase(schedules_BACKUP_succeeded{${SELECTOR}}[1h]))`, `sum(increase(schedules_BACKUP_failed{${SELECTOR}}[1h]))`,
    ]);
    expect(panel('Certificates: time to expiry').queries.map((q) => q.legend)).toEqual(['node certificate', 'CA certificate']);
  });

  test('two panels a row, 12 columns by 8 rows each, inside the grid, none overlapping', () => {
    expect(panels.map((p) => [p.x, p.y, p.width, p.height])).toEqual(
      panels.map((_, i) => [(i % 2) * 12, Math.floor(i / 2) * 8, 12, 8]));
    for (const p of panels) expect(p.x + p.width).toBeLessThanOrEqual(DASHBOARD_GRID_COLUMNS);
    for (const a of panels) {
      for (const b of panels) {
        if (a === b) continue;
        const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        expect([a.title, b.title, overlap]).toEqual([a.title, b.title, false]);
      }
    }
  });
});
