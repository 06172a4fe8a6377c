import { Lazy } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import type { CockroachCluster } from './cluster';

/** Who may reach the DB Console and HTTP API port (8080) when the NetworkPolicy is on. */
export enum DbConsoleAccess {
  /** The same sources as SQL: the cluster's own pods, its Jobs and the allowed clients. */
  CLIENTS = 'clients',
  /** Any source, e.g. a Prometheus or an Ingress controller in another namespace. */
  ANY = 'any',
}

/** Options of the cluster's NetworkPolicy. */
export interface NetworkPolicyOptions {
  /**
   * Create the NetworkPolicy. It only has an effect where the network plugin enforces NetworkPolicy
   * (GKE Dataplane V2, Calico, Cilium…).
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Who may reach port 8080.
   * @default DbConsoleAccess.CLIENTS
   */
  readonly dbConsole?: DbConsoleAccess;
}

/** Properties of {@link ClusterNetworkPolicy}. */
export interface ClusterNetworkPolicyProps extends NetworkPolicyOptions {
  /** The cluster to protect. */
  readonly cluster: CockroachCluster;
}

/**
 * Ingress rules for the CockroachDB pods: SQL (26257) only from the cluster's own pods (inter-node
 * traffic), its Jobs and pods labelled as clients (`cluster.allowFrom(workload)`); 8080 per
 * `dbConsole`. Egress is not restricted.
 */
export class ClusterNetworkPolicy extends Construct {
  /** The NetworkPolicy (escape hatch). */
  public readonly policy: k8s.KubeNetworkPolicy;
  private readonly cluster: CockroachCluster;
  private readonly extraPeers: k8s.NetworkPolicyPeer[] = [];

  constructor(scope: Construct, id: string, props: ClusterNetworkPolicyProps) {
    super(scope, id);
    const cluster = props.cluster;
    this.cluster = cluster;
    const dbConsole = props.dbConsole ?? DbConsoleAccess.CLIENTS;
    const port = (p: number): k8s.NetworkPolicyPort => ({ port: k8s.IntOrString.fromNumber(p), protocol: 'TCP' });

    this.policy = new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: cluster.name, namespace: cluster.namespace, labels: cluster._objectLabels() },
      spec: {
        podSelector: { matchLabels: cluster.selectorLabels },
        policyTypes: ['Ingress'],
        ingress: Lazy.any({
          produce: () => {
            const from: k8s.NetworkPolicyPeer[] = [
              { podSelector: { matchLabels: cluster.selectorLabels } },
              { podSelector: { matchLabels: cluster.clientLabels } },
              ...this.extraPeers,
            ];
            const rules: k8s.NetworkPolicyIngressRule[] = [
              { from, ports: dbConsole === DbConsoleAccess.CLIENTS ? [port(cluster.sqlPort), port(cluster.httpPort)] : [port(cluster.sqlPort)] },
            ];
            if (dbConsole === DbConsoleAccess.ANY) rules.push({ ports: [port(cluster.httpPort)] });
            return rules;
          },
        }) as unknown as k8s.NetworkPolicyIngressRule[],
      },
    });
  }

  /**
   * Allows client pods of another namespace (labelled with the cluster's client label).
   * @internal
   */
  public _allowNamespace(namespace: string): void {
    const exists = this.extraPeers.some((p) => p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === namespace);
    if (exists) return;
    this.extraPeers.push({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
      podSelector: { matchLabels: this.cluster.clientLabels },
    });
  }
}
