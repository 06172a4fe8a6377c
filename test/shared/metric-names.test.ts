import { cockroachAlerts, cockroachDashboardPanels, DEFAULT_ALERT_THRESHOLDS, metricNamesOf, monitoredMetricNames } from '../../lib/shared';
import { exported } from '../support/metrics';

test.each<[string, string[]]>([
  ['up{a="b"} == 0', ['up']],
  ['time() - max(schedules_BACKUP_last_completed_time{a="b"} > 0)', ['schedules_BACKUP_last_completed_time']],
  ['histogram_quantile(0.99, sum by (le) (rate(x_bucket{job="y"}[5m])))', ['x_bucket']],
  ['label_replace(rate(a_count{s="t"}[5m]) / rate(b_count[1h]), "op", "read", "", "")', ['a_count', 'b_count']],
  ['1 - sum by (instance, store) (capacity_available{x="1"}) / sum by (instance, store) (capacity)', ['capacity_available', 'capacity']],
  ['absent(up{job="x"})', ['up']],
  ['avg by (instance) (m1) and abs(m2) > 0.5 and min(m3) and increase(m4[1h])', ['m1', 'm2', 'm3', 'm4']],
])('metricNamesOf(%s)', (expr, names) => {
  expect(metricNamesOf(expr)).toEqual(names);
});

test('the metrics the alerts and the dashboard read, sorted, once each, without `up` (the scraper makes it)', () => {
  const names = monitoredMetricNames();
  expect(names).toEqual([...names].sort());
  expect(new Set(names).size).toBe(names.length);
  expect(names).not.toContain('up');
  const used = new Set([
    ...cockroachAlerts('', DEFAULT_ALERT_THRESHOLDS).flatMap((a) => metricNamesOf(a.expr)),
    ...cockroachDashboardPanels('', DEFAULT_ALERT_THRESHOLDS).flatMap((p) => p.queries.flatMap((q) => metricNamesOf(q.expr))),
  ]);
  expect(names).toEqual([...used].filter((n) => n !== 'up').sort());
  expect(names).toHaveLength(26);
  expect(names).toContain('sql_service_latency_bucket');
  expect(names).toContain('sys_totalmem');
  expect(names).toContain('schedules_BACKUP_last_completed_time');
  for (const n of names) expect([n, exported(n)]).toEqual([n, true]);
});
