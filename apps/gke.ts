import { App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { ClientCertificate, CockroachCluster, Locality, PodAntiAffinity, TopologySpread } from '../lib';
import { RestrictedNamespaceChart } from './namespace';

/** Namespace of the GKE profile. */
export const GKE_NAMESPACE = 'cockroachdb';

/**
 * The book's production path on GKE: TLS and mTLS through cert-manager, three nodes on three hosts spread
 * across zones with each pod's own locality, premium SSDs, production-sized pods, a NetworkPolicy, a
 * client certificate for the application user and a SQL client pod.
 */
export class GkeChart extends Chart {
  public readonly cluster: CockroachCluster;
  /** The application user's client certificate (CN `app`). */
  public readonly appCertificate: ClientCertificate;

  constructor(app: App, id = 'cockroachdb') {
    super(app, id, { namespace: GKE_NAMESPACE, disableResourceNameHashes: true });
    this.addDependency(new RestrictedNamespaceChart(app, 'namespace', GKE_NAMESPACE));

    this.cluster = new CockroachCluster(this, 'crdb', {
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
