import { App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { BackupDestination, ClusterSecurity, CockroachCluster, GcsCredentials, PodAntiAffinity, TopologySpread } from '../lib/k8s';
import { DEPLOYMENT, SECRETS } from './deployment';

/** Options of the minikube app. */
export interface MinikubeOptions {
  /**
   * The book's backup chapter: mount the `gcs-key` Secret into the pods and schedule backups of the
   * whole cluster to the bucket of apps/deployment.ts. Off unless asked for, because the Secret must
   * exist first (`MINIKUBE_BACKUPS=1 npm run synth`).
   * @default false
   */
  readonly backups?: boolean;
  /**
   * For a minikube that runs kube-prometheus-stack: a ServiceMonitor, the alerts as a PrometheusRule and
   * the Grafana dashboard's ConfigMap, labelled for that stack (`MINIKUBE_PROMETHEUS_OPERATOR=1 npm run
   * synth`). Without it, the discovery Service's scrape annotations are what a Prometheus follows.
   * @default false
   */
  readonly prometheusOperator?: boolean;
}

/** Namespace of the minikube profile. */
export const MINIKUBE_NAMESPACE = 'cockroachdb';

/**
 * The book's minikube deployment: three insecure nodes of 1 CPU and 1 GiB on the single minikube node,
 * 5 GiB volumes on the `standard` StorageClass, and the init Job.
 */
export class MinikubeChart extends Chart {
  public readonly cluster: CockroachCluster;

  constructor(app: App, options: MinikubeOptions = {}, id = 'cockroachdb') {
    super(app, id, { namespace: MINIKUBE_NAMESPACE, disableResourceNameHashes: true });

    this.cluster = new CockroachCluster(this, 'crdb', {
      security: ClusterSecurity.insecure(),
      replicas: 3,
      resources: {
        cpu: { request: Cpu.units(1), limit: Cpu.units(1) },
        memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) },
      },
      storage: { size: Size.gibibytes(5), storageClassName: 'standard' },
      // One node: no anti-affinity, no spread, and no pin to a node name (a profile started with
      // `minikube start -p other` names its node "other").
      placement: { antiAffinity: PodAntiAffinity.none(), topologySpread: TopologySpread.none() },
      gcsCredentials: options.backups ? GcsCredentials.keyFromSecret(SECRETS.gcsKey) : undefined,
      // kube-prometheus-stack's Prometheus selects ServiceMonitors and rules by its release label; its Grafana
      // loads the dashboards of ConfigMaps labelled grafana_dashboard: "1" from every namespace.
      monitoring: options.prometheusOperator ? { labels: { release: 'kube-prometheus-stack' } } : undefined,
    });
    // The book's "small load on the cluster", watched in the DB Console.
    this.cluster.addBooksLoad();
    if (options.backups) {
      // The book's schedule: hourly incremental, daily full, revision history, first backup now.
      this.cluster.addBackupSchedule('backup_cluster', { destination: BackupDestination.fromDeployment(DEPLOYMENT) });
    }
  }
}
