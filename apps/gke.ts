import { App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { ClientCertificate, CockroachCluster, Locality, PodAntiAffinity, TopologySpread } from '../lib';
import { DEPLOYMENT } from './deployment';
import { RestrictedNamespaceChart } from './namespace';

/**
 * The book's production path on GKE: TLS and mTLS through cert-manager, three nodes on three hosts spread
 * across zones with each pod's own locality, premium SSDs, production-sized pods, a NetworkPolicy, a
 * client certificate for the application user and a SQL client pod. Its ServiceAccount is bound to the
 * backup service account through Workload Identity.
 */
export class GkeChart extends Chart {
  public readonly cluster: CockroachCluster;
  /** The application user's client certificate (CN `app`). */
  public readonly appCertificate: ClientCertificate;

  constructor(app: App, id = 'cockroachdb') {
    // Namespace, cluster name and the Workload Identity annotation come from the shared description, so
    // they match the IAM binding that the cdktf app creates.
    super(app, id, { namespace: DEPLOYMENT.namespace, disableResourceNameHashes: true });
    this.addDependency(new RestrictedNamespaceChart(app, 'namespace', DEPLOYMENT.namespace));

    this.cluster = new CockroachCluster(this, 'crdb', {
      name: DEPLOYMENT.cockroachClusterName,
      serviceAccountAnnotations: DEPLOYMENT.workloadIdentityAnnotations,
      // security: TLS with cert-manager is the default.
      replicas: 3,
      resources: {
        cpu: { limit: Cpu.units(4) },
        memory: { limit: Size.gibibytes(16) },
      },
      storage: { size: Size.gibibytes(100), storageClassName: 'premium-rwo' },
      placement: {
        antiAffinity: PodAntiAffinity.required(),
        topologySpread: TopologySpread.acrossZones({ required: true }),
      },
      locality: Locality.fromNode(),
      networkPolicy: {},
    });
    this.appCertificate = this.cluster.addClientCertificate('app');
    this.cluster.addSqlClient();
  }
}
