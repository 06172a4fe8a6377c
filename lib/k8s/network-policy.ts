import { isIPv4, isIPv6 } from 'net';
import { Lazy } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { withoutPruneLabels } from './prune';
import type { ILabelledCluster } from './cluster-ref';
import type { GcsCredentials } from './gcs-credentials';
import { ScaleDownPhase } from './scale-down';
import { checkInteger, reject } from '../shared/validate';

/** Who may reach the DB Console and HTTP API port (8080) when the NetworkPolicy is on. */
export enum DbConsoleAccess {
  /** The same sources as SQL: the cluster's own pods, its Jobs and the allowed clients. */
  CLIENTS = 'clients',
  /** Any source, e.g. a Prometheus or an Ingress controller in another namespace. */
  ANY = 'any',
}

/** Private, link-local and shared address space: never where Cloud Storage or a public API server is. */
export const PRIVATE_IPV4_RANGES: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'];

/**
 * Where the pods that call the Kubernetes API may connect. The API server is not a pod: a NetworkPolicy
 * sees the address `kubernetes.default.svc` is translated to (`kubectl get endpoints kubernetes -n
 * default`), on GKE the control plane's IP, on port 443.
 */
export class KubeApiEgress {
  /**
   * The API server's addresses, e.g. `['34.77.1.2/32']` (on GKE the control plane's endpoint; with
   * private nodes, the private endpoint in `controlPlaneCidr`). Exact, but the address must be known
   * at synth and changes if the control plane is re-created.
   * @param port the endpoint's port (443 on GKE, 8443 on minikube, 6443 with kubeadm). @default 443
   */
  public static toAddresses(cidrs: string[], port = 443): KubeApiEgress {
    return new KubeApiEgress(cidrs, port);
  }

  /**
   * Any destination on the port: works without knowing the address, but the pods that may call the API
   * may also reach any other server on that port.
   * @param port the endpoint's port (443 on GKE, 8443 on minikube, 6443 with kubeadm). @default 443
   */
  public static anyAddress(port = 443): KubeApiEgress {
    return new KubeApiEgress(undefined, port);
  }

  private constructor(
    /** The allowed addresses; undefined for any. */
    public readonly cidrs: readonly string[] | undefined,
    /** The API server endpoint's port. */
    public readonly port: number,
  ) {}

  /** @internal */
  public _validate(scope: Construct, prop: string): void {
    if (this.cidrs !== undefined) checkCidrs(scope, prop, this.cidrs);
    checkInteger(scope, `${prop} (port)`, this.port, 1, 65535);
  }

  /** @internal */
  public _rule(): k8s.NetworkPolicyEgressRule {
    return {
      to: this.cidrs?.map((cidr) => ({ ipBlock: { cidr } })),
      ports: [tcp(this.port)],
    };
  }

  /** The choice as text, for error messages. */
  public toString(): string {
    return this.cidrs ? `KubeApiEgress.toAddresses(${JSON.stringify(this.cidrs)}, ${this.port})` : `KubeApiEgress.anyAddress(${this.port})`;
  }
}

/**
 * Where the database pods may connect for backups and restores in Cloud Storage (HTTPS, 443).
 * `storage.googleapis.com` resolves to Google's public ranges, which change and are many, and a
 * NetworkPolicy has no DNS names: either the whole public internet, or the fixed ranges of Private Google
 * Access when the VPC sends `*.googleapis.com` there.
 * @see https://cloud.google.com/vpc/docs/configure-private-google-access#domain-options
 */
export class CloudStorageEgress {
  /** Any public IPv4 address on 443: every range but the private ones ({@link PRIVATE_IPV4_RANGES}). */
  public static publicInternet(): CloudStorageEgress {
    return new CloudStorageEgress('publicInternet', [{ ipBlock: { cidr: '0.0.0.0/0', except: [...PRIVATE_IPV4_RANGES] } }]);
  }

  /** `private.googleapis.com` (199.36.153.8/30): only where DNS and routes send Google APIs there. */
  public static privateGoogleAccess(): CloudStorageEgress {
    return new CloudStorageEgress('privateGoogleAccess', [{ ipBlock: { cidr: '199.36.153.8/30' } }]);
  }

  /** `restricted.googleapis.com` (199.36.153.4/30), for VPC Service Controls. */
  public static restrictedGoogleAccess(): CloudStorageEgress {
    return new CloudStorageEgress('restrictedGoogleAccess', [{ ipBlock: { cidr: '199.36.153.4/30' } }]);
  }

  /** Ranges of your own, e.g. a proxy's address. */
  public static toAddresses(cidrs: string[]): CloudStorageEgress {
    return new CloudStorageEgress('toAddresses', undefined, cidrs);
  }

  private constructor(
    private readonly kind: string,
    private readonly peers: k8s.NetworkPolicyPeer[] | undefined,
    /** The ranges given to `toAddresses`. */
    public readonly cidrs?: readonly string[],
  ) {}

  /** @internal */
  public _validate(scope: Construct, prop: string): void {
    if (this.cidrs !== undefined) checkCidrs(scope, prop, this.cidrs);
  }

  /** @internal */
  public _rule(): k8s.NetworkPolicyEgressRule {
    return { to: this.peers ?? this.cidrs!.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(443)] };
  }

  /** The choice as text, for error messages. */
  public toString(): string {
    return this.cidrs ? `CloudStorageEgress.toAddresses(${JSON.stringify(this.cidrs)})` : `CloudStorageEgress.${this.kind}()`;
  }
}

/** Egress of the library's pods (see {@link NetworkPolicyOptions.egress}). */
export interface EgressOptions {
  /**
   * Where the pods that call the Kubernetes API may connect: the SQL Job (its Lease), the scale-down Jobs
   * and, with `Locality.fromNode()`, the database pods (their locality init container reads the node).
   * @default KubeApiEgress.anyAddress(443)
   */
  readonly kubeApi?: KubeApiEgress;
  /**
   * Where the database pods may reach Cloud Storage for backups and restores.
   * @default - CloudStorageEgress.publicInternet() when `gcsCredentials` is set, none otherwise
   */
  readonly cloudStorage?: CloudStorageEgress;
  /**
   * Let the database pods reach the GKE metadata server, where Workload Identity gets their tokens:
   * 169.254.169.254/32 on port 80 (the address pods dial) and 169.254.169.252/32 on port 988 (where the
   * node's metadata server listens): which of the two a datapath checks depends on whether it applies the
   * policy before or after translating the address, so both are allowed.
   * @default - true when `gcsCredentials` is Workload Identity
   * @see https://cloud.google.com/kubernetes-engine/docs/how-to/network-policy
   */
  readonly metadataServer?: boolean;
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
  /**
   * A NetworkPolicy `<name>-default-deny` that selects every pod of the namespace and allows nothing,
   * in or out: each other workload of the namespace then needs allow rules of its own (`allowFrom(workload)`
   * lets it reach the cluster, DNS included; anything else it talks to is yours to allow). Turns on
   * `egress` with its defaults.
   * @default false
   */
  readonly namespaceDefaultDeny?: boolean;
  /**
   * Restrict the egress of the library's pods to what each needs: DNS, the database pods on 26257, and
   * the Kubernetes API, Cloud Storage and the GKE metadata server only for the pods that use them.
   * @default - egress not restricted, unless `namespaceDefaultDeny` is on (then these defaults)
   */
  readonly egress?: EgressOptions;
}

/** What the NetworkPolicy needs from its cluster (see {@link ClusterNetworkPolicy}). */
export interface INetworkPolicyTarget extends ILabelledCluster {
  /** Labels of the database pods. */
  readonly selectorLabels: { [key: string]: string };
  /** The label that marks a pod as a client. */
  readonly clientLabels: { [key: string]: string };
  /** The SQL port. */
  readonly sqlPort: number;
  /** The DB Console port. */
  readonly httpPort: number;
  /**
   * Present when the pods read their node (per-pod locality): they then reach the API server.
   * @default - none: the database pods never call the API server
   */
  readonly nodeReaderRole?: k8s.KubeClusterRole;
  /**
   * How the nodes reach Cloud Storage: they then need egress to it.
   * @default - none: no egress to Cloud Storage
   */
  readonly gcsCredentials?: GcsCredentials;
  /**
   * Where an Ingress of the DB Console reaches the pods from, when known (Google's front ends with IAP):
   * allowed on 8080 whatever `dbConsole` says, or the Ingress would never reach a pod.
   * @default - none
   */
  readonly dbConsoleSourceRanges?: readonly string[];
  /**
   * Who scrapes the metrics on 8080 from outside the namespace (Managed Service for Prometheus'
   * collectors): allowed on 8080 whatever `dbConsole` says.
   * @default - none
   */
  readonly metricsScrapers?: readonly k8s.NetworkPolicyPeer[];
  /**
   * The pod ranges of the other regions of a multi-region cluster: their nodes reach these on the SQL port
   * (inter-node traffic), and these reach them.
   * @default - none: a one-region cluster
   */
  readonly otherRegionPodCidrs?: readonly string[];
  /**
   * DNS servers that are not pods of kube-system (Cloud DNS for GKE, NodeLocal DNSCache), which the pods'
   * DNS queries go to by address.
   * @default - none: kube-dns pods only
   */
  readonly dnsServerCidrs?: readonly string[];
}

/** Properties of {@link ClusterNetworkPolicy}. */
export interface ClusterNetworkPolicyProps extends NetworkPolicyOptions {
  /** The cluster to protect. */
  readonly cluster: INetworkPolicyTarget;
}

/** kube-dns (CoreDNS on most clusters keeps the label) in kube-system. */
const DNS_PEER: k8s.NetworkPolicyPeer = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
};
const DNS_PORTS: k8s.NetworkPolicyPort[] = [{ port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' }, { port: k8s.IntOrString.fromNumber(53), protocol: 'TCP' }];
/** The GKE metadata server's two address and port pairs: both allowed, as which one a datapath checks differs (see `metadataServer`). */
const METADATA_RULES: k8s.NetworkPolicyEgressRule[] = [
  { to: [{ ipBlock: { cidr: '169.254.169.254/32' } }], ports: [tcp(80)] },
  { to: [{ ipBlock: { cidr: '169.254.169.252/32' } }], ports: [tcp(988)] },
];
/** The Jobs that call the Kubernetes API: the SQL Job (its Lease) and the scale-down phases. */
const KUBE_API_COMPONENTS = ['sql', ScaleDownPhase.DECOMMISSION, ScaleDownPhase.SHRINK, 'rollout', 'finalize', 'expand-storage'];

function tcp(port: number): k8s.NetworkPolicyPort {
  return { port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' };
}

function isCidr(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = /^([^/]+)\/(\d{1,3})$/.exec(value);
  if (!m) return false;
  const prefix = Number(m[2]);
  if (isIPv4(m[1])) return prefix <= 32;
  return isIPv6(m[1]) && prefix <= 128;
}

function checkCidrs(scope: Construct, prop: string, cidrs: readonly string[]): void {
  if (!Array.isArray(cidrs) || cidrs.length === 0) reject(scope, prop, cidrs, 'expected at least one CIDR block, e.g. ["34.77.1.2/32"]');
  for (const cidr of cidrs) {
    if (!isCidr(cidr)) reject(scope, prop, cidr, 'expected an IPv4 or IPv6 CIDR block such as "34.77.1.2/32" or "2001:db8::/64"');
  }
}

/**
 * Ingress rules for the CockroachDB pods: SQL (26257) only from the cluster's own pods (inter-node
 * traffic), its Jobs and pods labelled as clients (`cluster.allowFrom(workload)`); 8080 per
 * `dbConsole`. With `egress` (or `namespaceDefaultDeny`), egress rules for the library's pods, each
 * group allowed only what it needs; with `namespaceDefaultDeny`, a policy that denies everything else
 * in the namespace.
 */
export class ClusterNetworkPolicy extends Construct {
  /** The NetworkPolicy of the database pods' ingress (escape hatch). */
  public readonly policy: k8s.KubeNetworkPolicy;
  /** The namespace's default-deny NetworkPolicy, with `namespaceDefaultDeny` (escape hatch). */
  public readonly defaultDenyPolicy?: k8s.KubeNetworkPolicy;
  /** Egress of the database pods, when egress is restricted (escape hatch). */
  public readonly databaseEgressPolicy?: k8s.KubeNetworkPolicy;
  /**
   * Egress of the library's Jobs and SQL client pod (and, under `namespaceDefaultDeny`, of every client
   * labelled by `allowFrom` in the namespace): DNS and the database pods (escape hatch).
   */
  public readonly clientEgressPolicy?: k8s.KubeNetworkPolicy;
  /** Egress to the Kubernetes API of the Jobs that call it (escape hatch). */
  public readonly kubeApiEgressPolicy?: k8s.KubeNetworkPolicy;
  private readonly cluster: INetworkPolicyTarget;
  private readonly extraPeers: k8s.NetworkPolicyPeer[] = [];

  constructor(scope: Construct, id: string, props: ClusterNetworkPolicyProps) {
    super(scope, id);
    const cluster = props.cluster;
    this.cluster = cluster;
    const dbConsole = props.dbConsole ?? DbConsoleAccess.CLIENTS;
    if (!Object.values(DbConsoleAccess).includes(dbConsole)) {
      reject(cluster, 'networkPolicy.dbConsole', dbConsole, 'expected DbConsoleAccess.CLIENTS or DbConsoleAccess.ANY');
    }
    const egress = props.egress ?? (props.namespaceDefaultDeny ? {} : undefined);
    const kubeApi = egress?.kubeApi ?? KubeApiEgress.anyAddress();
    for (const [prop, value] of [['networkPolicy.namespaceDefaultDeny', props.namespaceDefaultDeny], ['networkPolicy.egress.metadataServer', egress?.metadataServer]] as const) {
      if (value !== undefined && typeof value !== 'boolean') reject(cluster, prop, value, 'expected true or false');
    }
    if (egress) {
      if (!(kubeApi instanceof KubeApiEgress)) reject(cluster, 'networkPolicy.egress.kubeApi', kubeApi, 'expected a KubeApiEgress, e.g. KubeApiEgress.toAddresses([\'34.77.1.2/32\'])');
      kubeApi._validate(cluster, 'networkPolicy.egress.kubeApi');
      if (egress.cloudStorage !== undefined) {
        if (!(egress.cloudStorage instanceof CloudStorageEgress)) reject(cluster, 'networkPolicy.egress.cloudStorage', egress.cloudStorage, 'expected a CloudStorageEgress, e.g. CloudStorageEgress.publicInternet()');
        egress.cloudStorage._validate(cluster, 'networkPolicy.egress.cloudStorage');
      }
    }
    const port = (p: number): k8s.NetworkPolicyPort => tcp(p);
    const otherRegions = (cluster.otherRegionPodCidrs ?? []).map((cidr) => ({ ipBlock: { cidr } }));
    const metadata = (suffix: string) => ({
      name: `${cluster.name}${suffix}`, namespace: cluster.namespace, labels: cluster._objectLabels(),
    });

    this.policy = new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: metadata(''),
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
              // The other regions' nodes, on the SQL port only (their DB Console traffic stays in their region).
              ...(otherRegions.length > 0 ? [{ from: otherRegions, ports: [port(cluster.sqlPort)] }] : []),
            ];
            const ingressRanges = cluster.dbConsoleSourceRanges ?? [];
            const httpPeers = [...ingressRanges.map((cidr) => ({ ipBlock: { cidr } })), ...(cluster.metricsScrapers ?? [])];
            if (dbConsole === DbConsoleAccess.ANY) {
              rules.push({ ports: [port(cluster.httpPort)] });
            } else if (httpPeers.length > 0) {
              rules.push({ from: httpPeers, ports: [port(cluster.httpPort)] });
            }
            return rules;
          },
        }) as unknown as k8s.NetworkPolicyIngressRule[],
      },
    });

    if (props.namespaceDefaultDeny) {
      this.defaultDenyPolicy = new k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
        metadata: metadata('-default-deny'),
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      });
    }
    if (!egress) return;

    const databasePods: k8s.NetworkPolicyPeer = { podSelector: { matchLabels: cluster.selectorLabels } };
    // kube-dns, and the DNS servers that are no pods (Cloud DNS for GKE).
    const dns: k8s.NetworkPolicyEgressRule = { to: [DNS_PEER, ...(cluster.dnsServerCidrs ?? []).map((cidr) => ({ ipBlock: { cidr } }))], ports: DNS_PORTS };
    const toDatabase: k8s.NetworkPolicyEgressRule = { to: [databasePods], ports: [port(cluster.sqlPort)] };
    // Read from the cluster: per-pod locality is the only reason the database pods call the API.
    const perPodLocality = cluster.nodeReaderRole !== undefined;
    const gcs = cluster.gcsCredentials;
    const cloudStorage = egress.cloudStorage ?? (gcs ? CloudStorageEgress.publicInternet() : undefined);
    const metadataServer = egress.metadataServer ?? gcs?.serviceAccountEmail !== undefined;
    this.databaseEgressPolicy = new k8s.KubeNetworkPolicy(this, 'DatabaseEgress', {
      metadata: metadata('-database-egress'),
      spec: {
        podSelector: { matchLabels: cluster.selectorLabels },
        policyTypes: ['Egress'],
        egress: [
          dns,
          toDatabase,
          ...(otherRegions.length > 0 ? [{ to: otherRegions, ports: [port(cluster.sqlPort)] }] : []),
          ...(perPodLocality ? [kubeApi._rule()] : []),
          ...(cloudStorage ? [cloudStorage._rule()] : []),
          ...(metadataServer ? METADATA_RULES : []),
        ],
      },
    });
    // The pods of the cluster's Jobs and client pod: its labels but the component (and who manages them).
    const ownPods = Object.fromEntries(Object.entries(withoutPruneLabels(cluster._objectLabels()))
      .filter(([key]) => key !== 'app.kubernetes.io/component' && key !== 'app.kubernetes.io/managed-by'));
    this.clientEgressPolicy = new k8s.KubeNetworkPolicy(this, 'ClientEgress', {
      metadata: metadata('-client-egress'),
      spec: {
        // Under the namespace default-deny every pod is already isolated, so this only adds: it also lets
        // the workloads of the namespace labelled by allowFrom reach the cluster. Without it, only the
        // library's own pods: selecting a workload of the user's would cut it off from everything else.
        podSelector: { matchLabels: props.namespaceDefaultDeny ? { ...cluster.clientLabels } : { ...ownPods, ...cluster.clientLabels } },
        policyTypes: ['Egress'],
        egress: [dns, toDatabase],
      },
    });
    this.kubeApiEgressPolicy = new k8s.KubeNetworkPolicy(this, 'KubeApiEgress', {
      metadata: metadata('-kube-api-egress'),
      spec: {
        podSelector: {
          matchLabels: { ...ownPods, ...cluster.clientLabels },
          matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: [...KUBE_API_COMPONENTS] }],
        },
        policyTypes: ['Egress'],
        egress: [kubeApi._rule()],
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
