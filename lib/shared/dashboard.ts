/**
 * The panels of CockroachDB's dashboard, defined once and rendered by both halves: the Kubernetes half's
 * Grafana dashboard (a ConfigMap for Grafana's sidecar) and the Google Cloud half's Cloud Monitoring
 * dashboard. Pure data: no cdk8s, no cdktf.
 */
import type { AlertThresholdValues } from './alerts';

/** What a panel's values measure; each renderer maps it to its own unit names. */
export type PanelUnit = 'fraction' | 'bytes' | 'nanoseconds' | 'seconds' | 'perSecond' | 'count';

/** One line of a panel. */
export interface PanelQuery {
  /** The PromQL expression. */
  readonly expr: string;
  /** The legend, with `{{label}}` for a label's value (Grafana's syntax), e.g. `{{instance}} read`. */
  readonly legend: string;
}

/** One panel of the dashboard. */
export interface DashboardPanel {
  /** The panel's title. */
  readonly title: string;
  /** What the panel shows and what to do when it looks wrong (the book's advice). */
  readonly description: string;
  /** What its values measure. */
  readonly unit: PanelUnit;
  /** Its lines (one query or more). */
  readonly queries: readonly PanelQuery[];
  /**
   * The alert threshold drawn on the panel, in the panel's unit.
   * @default - none
   */
  readonly threshold?: number;
  /** Column of the panel's left edge on a grid 24 columns wide. */
  readonly x: number;
  /** Row of the panel's top edge (a row is 30 pixels in Grafana). */
  readonly y: number;
  /** Width in columns. */
  readonly width: number;
  /** Height in rows. */
  readonly height: number;
}

/** Width of the grid the panels are laid out on (Grafana's). */
export const DASHBOARD_GRID_COLUMNS = 24;

const PANEL_WIDTH = 12;
const PANEL_HEIGHT = 8;

/**
 * The dashboard of one cluster: the metrics the book reads to decide when to scale out, scale up or add
 * disk, and whether backups and certificates are healthy. Two panels a row.
 * @param selector the label matchers of the cluster's series, e.g. `namespace="db", job="crdb"`
 * @param t the alert thresholds, drawn on the panels they apply to
 */
export function cockroachDashboardPanels(selector: string, t: AlertThresholdValues): DashboardPanel[] {
  const s = `{${selector}}`;
  const rate = (metric: string) => `rate(${metric}${s}[5m])`;
  // The read and the write series of a node would carry the same labels once rate() drops their names:
  // a label of their own tells them apart where a legend cannot name them (Cloud Monitoring's charts).
  const op = (expr: string, value: 'read' | 'write') => `label_replace(${expr}, "op", "${value}", "", "")`;
  const panels: Omit<DashboardPanel, 'x' | 'y' | 'width' | 'height'>[] = [
    { title: 'CPU', unit: 'fraction', threshold: t.cpuFraction,
      description: 'Share of its CPU limit each node uses. Sustained above the line: scale out (more nodes) or up (more CPU).',
      queries: [{ expr: `sys_cpu_combined_percent_normalized${s}`, legend: '{{instance}}' }] },
    { title: 'Memory: process vs container limit', unit: 'bytes',
      description: "Each node's resident memory and its container's memory limit (what --cache and --max-sql-memory are shares of). Close to the limit: scale up.",
      queries: [{ expr: `sys_rss${s}`, legend: '{{instance}} used' }, { expr: `sys_totalmem${s}`, legend: '{{instance}} limit' }] },
    { title: 'Disk used vs capacity', unit: 'fraction', threshold: t.diskUsedFraction,
      description: 'Share of each store in use. Above the line: grow the volumes or scale out; a full store stops its node.',
      queries: [{ expr: `1 - sum by (instance, store) (capacity_available${s}) / sum by (instance, store) (capacity${s})`, legend: '{{instance}} store {{store}}' }] },
    { title: 'Disk IOPS', unit: 'perSecond',
      description: 'Read and write operations per second on the nodes\' disks. Flat at the volume\'s limit: faster or larger volumes.',
      queries: [
        { expr: op(rate('sys_host_disk_read_count'), 'read'), legend: '{{instance}} read' },
        { expr: op(rate('sys_host_disk_write_count'), 'write'), legend: '{{instance}} write' },
      ] },
    { title: 'Disk latency', unit: 'nanoseconds',
      description: 'Average time of a disk read and of a disk write. Climbing with IOPS flat: the disk is saturated.',
      queries: [
        { expr: op(`${rate('sys_host_disk_read_time')} / ${rate('sys_host_disk_read_count')}`, 'read'), legend: '{{instance}} read' },
        { expr: op(`${rate('sys_host_disk_write_time')} / ${rate('sys_host_disk_write_count')}`, 'write'), legend: '{{instance}} write' },
      ] },
    { title: 'SQL latency p99', unit: 'nanoseconds', threshold: t.p99Nanos,
      description: '99th percentile of SQL statement latency across the cluster. Above the line with CPU high: scale out.',
      queries: [{ expr: `histogram_quantile(0.99, sum by (le) (${rate('sql_service_latency_bucket')}))`, legend: 'p99' }] },
    { title: 'SQL queries per second', unit: 'perSecond',
      description: 'Statements per second by kind, across the cluster.',
      queries: ['select', 'insert', 'update', 'delete'].map((kind) => ({ expr: `sum(${rate(`sql_${kind}_count`)})`, legend: kind.toUpperCase() })) },
    { title: 'Live nodes', unit: 'count',
      description: 'Nodes the cluster sees as live. Below the replica count: a node is down; do not scale down now.',
      queries: [{ expr: `min(liveness_livenodes${s})`, legend: 'live nodes' }] },
    { title: 'Under-replicated and unavailable ranges', unit: 'count',
      description: 'Ranges short of replicas (a node is down or was removed without decommissioning) and ranges without quorum (data cannot be read or written).',
      queries: [{ expr: `sum(ranges_underreplicated${s})`, legend: 'under-replicated' }, { expr: `sum(ranges_unavailable${s})`, legend: 'unavailable' }] },
    { title: 'Scheduled backups', unit: 'count',
      description: 'Scheduled backups that succeeded and failed in the last hour. Any failure: read the schedule\'s jobs (SHOW JOBS).',
      queries: [
        { expr: `sum(increase(schedules_BACKUP_succeeded${s}[1h]))`, legend: 'succeeded' },
        { expr: `sum(increase(schedules_BACKUP_failed${s}[1h]))`, legend: 'failed' },
      ] },
    { title: 'Age of the last backup', unit: 'seconds',
      description: 'Time since the last scheduled backup completed. Growing past the schedule\'s period: backups have stopped. (The node that ran the backup keeps the time: after it restarts, the panel shows again with the next backup.)',
      queries: [{ expr: `time() - max(schedules_BACKUP_last_completed_time${s} > 0)`, legend: 'since the last backup' }] },
    { title: 'Certificates: time to expiry', unit: 'seconds', threshold: t.certificateExpirySeconds,
      description: 'Time left before the node and CA certificates expire. cert-manager renews them well before the line.',
      queries: [
        { expr: `min(security_certificate_expiration_node${s} > 0) - time()`, legend: 'node certificate' },
        { expr: `min(security_certificate_expiration_ca${s} > 0) - time()`, legend: 'CA certificate' },
      ] },
  ];
  return panels.map((panel, i) => ({
    ...panel,
    x: (i % 2) * PANEL_WIDTH,
    y: Math.floor(i / 2) * PANEL_HEIGHT,
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT,
  }));
}
