/**
 * The metric names PromQL expressions read: what the monitoring objects keep when they scrape (a keep
 * list costs far less than CockroachDB's 2,400 metrics) and what the tests check against the list of
 * metrics CockroachDB exports. Pure: no cdk8s, no cdktf.
 */
import { cockroachAlerts, DEFAULT_ALERT_THRESHOLDS } from './alerts';
import { cockroachDashboardPanels } from './dashboard';

/** PromQL's functions, aggregations and keywords, and the label names the expressions group by. */
const PROMQL_WORDS: ReadonlySet<string> = new Set([
  'sum', 'by', 'avg', 'min', 'max', 'rate', 'increase', 'histogram_quantile', 'abs', 'absent', 'and', 'time', 'label_replace',
  'le', 'instance', 'store',
]);

/**
 * The metric names an expression reads: its identifiers once strings, label matchers (`{…}`) and ranges
 * (`[5m]`) are removed, less PromQL's own words. Names may hold capitals (`schedules_BACKUP_failed`).
 */
export function metricNamesOf(expr: string): string[] {
  const bare = expr.replace(/\{[^}]*\}/g, '').replace(/"[^"]*"/g, '').replace(/\[[^\]]*\]/g, '');
  return (bare.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).filter((id) => !PROMQL_WORDS.has(id));
}

/**
 * Every metric the alerts and the dashboard read, sorted, once each: histograms by the series they read
 * (`sql_service_latency_bucket`). `up` is not among them: the scraper makes it, no scrape carries it.
 */
export function monitoredMetricNames(): string[] {
  const exprs = [
    ...cockroachAlerts('', DEFAULT_ALERT_THRESHOLDS).map((a) => a.expr),
    ...cockroachDashboardPanels('', DEFAULT_ALERT_THRESHOLDS).flatMap((p) => p.queries.map((q) => q.expr)),
  ];
  return [...new Set(exprs.flatMap(metricNamesOf))].filter((name) => name !== 'up').sort();
}
