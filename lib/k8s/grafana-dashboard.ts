import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import type { AlertThresholdValues } from '../shared/alerts';
import { cockroachDashboardPanels, DashboardPanel, PanelUnit } from '../shared/dashboard';
import { checkLabelKey, checkLabelValue } from '../shared/validate';
import type { ILabelledCluster } from './cluster-ref';
import { shortHash } from './private/hash';

/** Options of the Grafana dashboard (see {@link MonitoringOptions.grafanaDashboard}). */
export interface GrafanaDashboardOptions {
  /**
   * Render the dashboard's ConfigMap.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * The label Grafana's dashboard sidecar discovers ConfigMaps by (the Grafana chart's
   * `sidecar.dashboards.label` and `labelValue`; kube-prometheus-stack's are `grafana_dashboard` and `1`).
   * @default { grafana_dashboard: '1' }
   */
  readonly discoveryLabels?: { readonly [key: string]: string };
  /**
   * Annotations of the ConfigMap, e.g. the folder the sidecar puts the dashboard in (the chart's
   * `sidecar.dashboards.folderAnnotation`).
   * @default - none
   */
  readonly annotations?: { readonly [key: string]: string };
}

/** Grafana's unit of each panel unit. */
const GRAFANA_UNITS: { readonly [U in PanelUnit]: string } = {
  fraction: 'percentunit',
  bytes: 'bytes',
  nanoseconds: 'ns',
  seconds: 's',
  perSecond: 'ops',
  count: 'short',
};

/** Grafana's uid: at most 40 characters. */
const MAX_UID = 40;

/**
 * A Grafana dashboard (JSON model, schema 39) of the panels, with a `datasource` variable so that it
 * works with whichever Prometheus data source the Grafana has.
 * @param uid the dashboard's uid (at most 40 characters)
 * @param title its title
 * @param panels the panels, from `cockroachDashboardPanels`
 */
export function grafanaDashboardModel(uid: string, title: string, panels: readonly DashboardPanel[]): object {
  return {
    uid,
    title,
    tags: ['cockroachdb'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    editable: false,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [{ name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', hide: 0 }],
    },
    panels: panels.map((p, i) => ({
      id: i + 1,
      type: 'timeseries',
      title: p.title,
      description: p.description,
      gridPos: { x: p.x, y: p.y, w: p.width, h: p.height },
      datasource: { type: 'prometheus', uid: '${datasource}' },
      fieldConfig: {
        defaults: {
          unit: GRAFANA_UNITS[p.unit],
          ...(p.unit === 'count' ? { decimals: 0 } : {}),
          ...(p.threshold === undefined ? {} : {
            thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'red', value: p.threshold }] },
            custom: { thresholdsStyle: { mode: 'line' } },
          }),
        },
        overrides: [],
      },
      options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'none' } },
      targets: p.queries.map((q, j) => ({
        refId: String.fromCharCode(65 + j),
        datasource: { type: 'prometheus', uid: '${datasource}' },
        expr: q.expr,
        legendFormat: q.legend,
      })),
    })),
  };
}

/** What the Grafana dashboard needs from its cluster. */
export interface IGrafanaDashboardTarget extends ILabelledCluster {
  /** The discovery Service, whose name labels the series (`service`) as prometheus-operator scrapes them. */
  readonly discoveryServiceName: string;
}

/** Properties of {@link GrafanaDashboard}. */
export interface GrafanaDashboardProps extends GrafanaDashboardOptions {
  /** The cluster. */
  readonly cluster: IGrafanaDashboardTarget;
  /** The label matchers of the cluster's series, e.g. `namespace="db", service="crdb"`. */
  readonly selector: string;
  /** The alert thresholds, drawn on their panels. */
  readonly thresholds: AlertThresholdValues;
}

/**
 * A ConfigMap `<name>-grafana-dashboard` holding the cluster's Grafana dashboard, labelled for Grafana's
 * dashboard sidecar: the same panels as the Cloud Monitoring dashboard of the Google Cloud half.
 */
export class GrafanaDashboard extends Construct {
  /** The ConfigMap (escape hatch). */
  public readonly configMap: k8s.KubeConfigMap;
  /** The dashboard's JSON model. */
  public readonly model: object;

  constructor(scope: Construct, id: string, props: GrafanaDashboardProps) {
    super(scope, id);
    const cluster = props.cluster;
    const discoveryLabels = props.discoveryLabels ?? { grafana_dashboard: '1' };
    for (const [key, value] of Object.entries(discoveryLabels)) {
      checkLabelKey(cluster, 'monitoring.grafanaDashboard.discoveryLabels (key)', key);
      checkLabelValue(cluster, `monitoring.grafanaDashboard.discoveryLabels.${key}`, value);
    }
    for (const key of Object.keys(props.annotations ?? {})) checkLabelKey(cluster, 'monitoring.grafanaDashboard.annotations (key)', key);
    const base = `cockroachdb-${cluster.namespace}-${cluster.name}`;
    // Stable and unique per cluster; a long namespace and name give a shortened one with their digest.
    const uid = base.length <= MAX_UID ? base : `${base.slice(0, MAX_UID - 11)}-${shortHash(base, 10)}`;
    this.model = grafanaDashboardModel(uid, `CockroachDB ${cluster.namespace}/${cluster.name}`, cockroachDashboardPanels(props.selector, props.thresholds));
    this.configMap = new k8s.KubeConfigMap(this, 'Resource', {
      metadata: {
        name: `${cluster.name}-grafana-dashboard`,
        namespace: cluster.namespace,
        labels: { ...cluster._objectLabels(), ...discoveryLabels },
        ...(props.annotations ? { annotations: { ...props.annotations } } : {}),
      },
      data: { [`${base}.json`]: `${JSON.stringify(this.model, undefined, 2)}\n` },
    });
  }
}
