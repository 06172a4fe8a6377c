import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Construct } from 'constructs';
import { DeploymentDescription } from '../shared/description';
import { RegionDescription } from '../shared/regions';
import { checkInteger, checkRules, reject } from '../shared/validate';
import { BinaryAuthorization } from './binary-authorization';
import { ControlPlaneAccess } from './control-plane-access';
import { BoundKey, CustomerManagedKey } from './customer-managed-key';
import { checkGcpLabels } from './labels';
import { MachineSize } from './machine-types';
import { MaintenanceWindow } from './maintenance-window';
import { RegionalGkeNetwork } from './multi-region-network';
import { checkPrivateCidr, DEFAULT_CONTROL_PLANE_CIDR, GkeNetwork, IGkeNetwork } from './network';
import { checkMachineSize, checkNetworkNames, checkPodFits, regionRules } from './private/gke-checks';
import { terraformId } from './terraform-id';

/** Where the control plane and the nodes live. */
export class GkeLocation {
  /** A regional cluster: control plane replicated across zones, nodes in every zone (default: three). */
  public static regional(): GkeLocation {
    return new GkeLocation(undefined);
  }

  /** A zonal cluster in one zone of the description's region (cheaper, not zone-redundant). */
  public static zonal(zone: string): GkeLocation {
    return new GkeLocation(zone);
  }

  private constructor(
    /** The zone of a zonal cluster; undefined for a regional one. */
    public readonly zone: string | undefined,
  ) {}

  /** True for a regional cluster. */
  public get isRegional(): boolean {
    return this.zone === undefined;
  }
}

/** GKE release channels. */
export enum ReleaseChannel {
  /** The newest versions, first. */
  RAPID = 'RAPID',
  /** Versions that have been on RAPID for a while: features and stability balanced. */
  REGULAR = 'REGULAR',
  /** The most tested versions, last. */
  STABLE = 'STABLE',
}

/** Persistent disk types for the nodes' boot disks. */
export enum NodeDiskType {
  /** SSD-backed, balanced price and performance. */
  PD_BALANCED = 'pd-balanced',
  /** SSD-backed, the fastest. */
  PD_SSD = 'pd-ssd',
  /** Hard-disk-backed, the cheapest. */
  PD_STANDARD = 'pd-standard',
}

/** Node pool autoscaling, per zone. */
export interface NodePoolAutoscaling {
  /** Fewest nodes per zone. */
  readonly minNodesPerZone: number;
  /** Most nodes per zone. */
  readonly maxNodesPerZone: number;
}

/** The node pool that runs CockroachDB. */
export interface NodePoolOptions {
  /**
   * Machine type. The GKE profile's pods ask for 4 CPU and 16 GiB, which fit on an 8-vCPU, 32-GiB node.
   * When the description states the database pod's size (`databasePod`), a machine type whose
   * allocatable CPU or memory is smaller than one pod is refused at synth time.
   * @default - the `region`'s machineType when it states one, else 'n2-standard-8'
   */
  readonly machineType?: string;
  /**
   * The machine type's vCPUs and memory, for the pod-fit check when the library does not know the type:
   * it knows the predefined E2, N1, N2, N2D, T2D, C2, C2D, C3 and C3D types and custom types.
   * @default - the library's table; without it (and without `databasePod` in the description) no check
   */
  readonly machineSize?: MachineSize;
  /**
   * Boot disk type (the database's data lives on its own `premium-rwo` volumes).
   * @default NodeDiskType.PD_BALANCED
   */
  readonly diskType?: NodeDiskType;
  /**
   * Boot disk size in GB.
   * @default 100
   */
  readonly diskSizeGb?: number;
  /**
   * Nodes in each zone (without autoscaling).
   * @default - 1; with `region`, enough for the region's CockroachDB pods, one per node: `region.nodes`
   * divided by the zones, rounded up
   */
  readonly nodesPerZone?: number;
  /**
   * Autoscaling bounds per zone.
   * @default - no autoscaling
   */
  readonly autoscaling?: NodePoolAutoscaling;
  /**
   * Surge upgrades: extra nodes created during an upgrade. With maxUnavailable 0, one node at a time is
   * replaced only after its replacement is up, which suits a PodDisruptionBudget of one.
   * @default 1
   */
  readonly maxSurge?: number;
  /**
   * Nodes that may be unavailable during an upgrade.
   * @default 0
   */
  readonly maxUnavailable?: number;
}

/** Properties of {@link GkeCluster}. */
export interface GkeClusterProps {
  /** The deployment: project, region, zones and cluster name come from it. */
  readonly description: DeploymentDescription;
  /**
   * One region of a multi-region description, as the description gives it (`description.regionOf('us-east1')`
   * or `description.regions[i]`): the cluster is that region's. It is named `region.gkeClusterName`, runs in
   * `region.region` and its zones with its control plane on `region.networkRanges.controlPlaneCidr`, its
   * nodes are of `region.machineType` and enough for `region.nodes` CockroachDB pods (one per node), and
   * Cloud DNS for GKE serves its Services and pods to the whole VPC under `region.dnsDomain`: the names the
   * pods advertise to the other regions. Its control plane's private endpoint is reachable from every
   * region of the VPC (global access), so one admin VM reaches every region's cluster. Needs `network`, the
   * region's part of the shared VPC (`MultiRegionNetwork.forRegion`).
   * @default - the description's one region (a multi-region description needs this prop)
   * @see https://cloud.google.com/kubernetes-engine/docs/how-to/cloud-dns#vpc_scope_dns
   */
  readonly region?: RegionDescription;
  /**
   * Regional (three zones) or zonal.
   * @default GkeLocation.regional()
   */
  readonly location?: GkeLocation;
  /**
   * The node pool.
   * @default - 1 node of n2-standard-8 per zone, pd-balanced 100 GB boot disks, no autoscaling
   */
  readonly nodePool?: NodePoolOptions;
  /**
   * Release channel.
   * @default ReleaseChannel.REGULAR
   */
  readonly releaseChannel?: ReleaseChannel;
  /**
   * Who may reach the control plane. Nodes are always private (no public IPs; they reach the internet
   * through the VPC's Cloud NAT); this chooses the endpoint: private only, or public for a named list of
   * networks, or (named) for anyone.
   * @default ControlPlaneAccess.privateEndpoint() - kubectl from inside the VPC only
   */
  readonly controlPlaneAccess?: ControlPlaneAccess;
  /**
   * The control plane's private /28 range (VPC peering with the nodes' network).
   * @default - the network's `controlPlaneCidr` when it is a {@link GkeNetwork} or a region's part of a
   * `MultiRegionNetwork`, else `region.networkRanges.controlPlaneCidr` with a region, else '172.16.0.0/28'
   */
  readonly controlPlaneCidr?: string;
  /**
   * The VPC: its network, the nodes' subnetwork and the named secondary ranges for pods and Services.
   * @default - a dedicated {@link GkeNetwork} (child `Network`) with its default ranges
   */
  readonly network?: IGkeNetwork;
  /**
   * When GKE may upgrade the cluster, and exclusions.
   * @default MaintenanceWindow.WEEKENDS - Saturday and Sunday 03:00–11:00 UTC, no exclusions
   */
  readonly maintenanceWindow?: MaintenanceWindow;
  /**
   * Application-layer Secrets encryption: Kubernetes Secrets (the CockroachDB CA and node keys among
   * them) are encrypted in etcd with this Cloud KMS key, on top of Google's default encryption. The GKE
   * service agent (`service-<project number>@container-engine-robot.iam.gserviceaccount.com`) gets
   * `roles/cloudkms.cryptoKeyEncrypterDecrypter` on that key only.
   * @default - no application-layer encryption (Google-managed encryption at rest only)
   * @see https://cloud.google.com/kubernetes-engine/docs/how-to/encrypting-secrets
   */
  readonly secretsEncryption?: CustomerManagedKey;
  /**
   * Binary Authorization: admit only images the project's policy allows.
   * @default - off: any image runs
   */
  readonly binaryAuthorization?: BinaryAuthorization;
  /**
   * Refuse `terraform destroy` of the cluster.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Labels of the cluster and its nodes.
   * @default - none
   */
  readonly labels?: { readonly [key: string]: string };
}

/** Roles of the node service account: write logs and metrics, nothing else. */
export const NODE_SERVICE_ACCOUNT_ROLES = [
  'roles/logging.logWriter',
  'roles/monitoring.metricWriter',
  'roles/monitoring.viewer',
  'roles/stackdriver.resourceMetadata.writer',
];

const MACHINE_TYPE = /^[a-z][a-z0-9]*-[a-z0-9-]+$/;
/** CockroachDB needs three nodes for three replicas on distinct hosts. */
const MIN_NODES = 3;
/** GKE chooses three zones for a regional cluster when none are given. */
const DEFAULT_REGIONAL_ZONES = 3;

/**
 * A GKE Standard cluster with the secure defaults of terraform-google-modules' safer-cluster: private
 * nodes in a dedicated VPC ({@link GkeNetwork}), a control plane reachable only as chosen
 * ({@link ControlPlaneAccess}), no client certificate, a maintenance window, no default node pool, a
 * dedicated least-privilege node service account, Workload Identity, shielded nodes with secure boot, Dataplane V2 (so NetworkPolicy is enforced), VPC-native networking, the Persistent Disk
 * CSI driver (for `premium-rwo`), a release channel, auto-repair and auto-upgrade with surge upgrades,
 * and deletion protection.
 */
export class GkeCluster extends Construct {
  /** The cluster (escape hatch). */
  public readonly cluster: ContainerCluster;
  /** The node pool (escape hatch). */
  public readonly nodePool: ContainerNodePool;
  /** The nodes' service account (escape hatch). */
  public readonly nodeServiceAccount: ServiceAccount;
  /** `--region <r>` or `--zone <z>`, for gcloud. */
  public readonly gcloudLocationFlag: string;
  /** Region or zone of the cluster. */
  public readonly location: string;
  /** Name of the GKE cluster: the description's `gkeClusterName`, or the region's. */
  public readonly clusterName: string;
  /** The region of a multi-region description the cluster is; undefined for a one-region description. */
  public readonly region: RegionDescription | undefined;
  /** The VPC the cluster runs in. */
  public readonly network: IGkeNetwork;
  /** Who may reach the control plane. */
  public readonly controlPlaneAccess: ControlPlaneAccess;
  /** The Secrets encryption key and its grant; undefined without `secretsEncryption`. */
  public readonly secretsEncryptionKey: BoundKey | undefined;

  constructor(scope: Construct, id: string, props: GkeClusterProps) {
    super(scope, id);
    const d = props.description;
    const region = props.region;
    if (region === undefined ? d.isMultiRegion : !d.regions.includes(region)) {
      reject(this, 'region', region?.region, d.isMultiRegion
        ? `expected one of the description's regions, as description.regionOf(region) gives it: ${d.regions.map((r) => r.region).join(', ')}`
        : 'expected no region: the description has a single region');
    }
    if (region && !props.network) {
      reject(this, 'network', props.network, `expected the region's part of the shared VPC (MultiRegionNetwork.forRegion("${region.region}")) or a VPC of one's own: the regions' clusters share one network`);
    }
    const clusterName = region?.gkeClusterName ?? d.gkeClusterName;
    const regionName = region?.region ?? d.region;
    const zones = region?.zones ?? d.zones;
    const location = props.location ?? GkeLocation.regional();
    const zoneCount = location.isRegional ? (zones.length || DEFAULT_REGIONAL_ZONES) : 1;
    const pool = props.nodePool ?? {};
    const nodesPerZone = pool.nodesPerZone ?? (region ? Math.ceil(region.nodes / zoneCount) : 1);
    const diskSizeGb = pool.diskSizeGb ?? 100;
    const machineType = pool.machineType ?? region?.machineType ?? 'n2-standard-8';
    const diskType = pool.diskType ?? NodeDiskType.PD_BALANCED;
    const maxSurge = pool.maxSurge ?? 1;
    const maxUnavailable = pool.maxUnavailable ?? 0;

    if (!location.isRegional) {
      const zone = location.zone!;
      if (!new RegExp(`^${regionName}-[a-z]$`).test(zone)) {
        reject(this, 'location', zone, `expected a zone of the description's region ${regionName}, e.g. "${regionName}-b"`);
      }
    }
    if (!MACHINE_TYPE.test(machineType)) reject(this, 'nodePool.machineType', machineType, 'expected a Compute Engine machine type such as "n2-standard-8"');
    if (!Object.values(NodeDiskType).includes(diskType)) reject(this, 'nodePool.diskType', diskType, `expected one of ${Object.values(NodeDiskType).join(', ')}`);
    checkInteger(this, 'nodePool.diskSizeGb', diskSizeGb, 10, 65536);
    checkInteger(this, 'nodePool.nodesPerZone', nodesPerZone, 1, 1000);
    checkInteger(this, 'nodePool.maxSurge', maxSurge, 0, 100);
    checkInteger(this, 'nodePool.maxUnavailable', maxUnavailable, 0, 100);
    if (pool.machineSize) checkMachineSize(this, machineType, pool.machineSize);
    if (pool.autoscaling) {
      checkInteger(this, 'nodePool.autoscaling.minNodesPerZone', pool.autoscaling.minNodesPerZone, 0, 1000);
      checkInteger(this, 'nodePool.autoscaling.maxNodesPerZone', pool.autoscaling.maxNodesPerZone, 1, 1000);
    }
    const access = props.controlPlaneAccess ?? ControlPlaneAccess.privateEndpoint();
    access._validate(this, 'controlPlaneAccess');
    const givenNetwork = libraryNetwork(props.network);
    if (props.network && !givenNetwork) checkNetworkNames(this, props.network);
    const controlPlaneCidr = props.controlPlaneCidr ?? givenNetwork?.controlPlaneCidr ?? region?.networkRanges.controlPlaneCidr ?? DEFAULT_CONTROL_PLANE_CIDR;
    checkPrivateCidr(this, 'controlPlaneCidr', controlPlaneCidr, 28, 28);
    const maintenance = props.maintenanceWindow ?? MaintenanceWindow.WEEKENDS;
    maintenance._validate(this, 'maintenanceWindow');
    if (props.releaseChannel !== undefined && !Object.values(ReleaseChannel).includes(props.releaseChannel)) {
      reject(this, 'releaseChannel', props.releaseChannel, 'expected ReleaseChannel.RAPID, REGULAR or STABLE');
    }
    checkGcpLabels(this, 'labels', props.labels ?? {});
    if (d.databasePod) checkPodFits(this, machineType, pool.machineSize, d.databasePod);

    const minPerZone = pool.autoscaling ? pool.autoscaling.minNodesPerZone : nodesPerZone;
    checkRules(this, [
      {
        props: 'nodePool.autoscaling',
        violated: pool.autoscaling !== undefined && pool.autoscaling.minNodesPerZone > pool.autoscaling.maxNodesPerZone,
        message: `received min ${pool.autoscaling?.minNodesPerZone} > max ${pool.autoscaling?.maxNodesPerZone} nodes per zone; the minimum must not exceed the maximum`,
      },
      {
        props: 'nodePool.nodesPerZone, nodePool.autoscaling, location',
        violated: minPerZone * zoneCount < MIN_NODES,
        message: `received ${minPerZone} node(s) per zone × ${zoneCount} zone(s) = ${minPerZone * zoneCount}; CockroachDB needs at least ${MIN_NODES} nodes to keep three replicas on distinct hosts. Raise nodesPerZone (or the autoscaling minimum), or use a regional cluster`,
      },
      {
        props: 'nodePool.maxSurge, nodePool.maxUnavailable',
        violated: maxSurge === 0 && maxUnavailable === 0,
        message: 'received maxSurge 0 and maxUnavailable 0; an upgrade could never replace a node. Set maxSurge ≥ 1',
      },
      {
        props: 'controlPlaneCidr, network',
        violated: givenNetwork !== undefined && controlPlaneCidr !== givenNetwork.controlPlaneCidr,
        message: `received ${JSON.stringify(controlPlaneCidr)} and a network whose firewall allows the control plane at ${JSON.stringify(givenNetwork?.controlPlaneCidr)}; expected the same range in both (set the network's controlPlaneCidr)`,
      },
    ]);
    if (region) checkRules(this, regionRules(region, props, givenNetwork, minPerZone, zoneCount));

    this.region = region;
    this.clusterName = clusterName;
    this.location = location.zone ?? regionName;
    this.gcloudLocationFlag = location.isRegional ? `--region ${regionName}` : `--zone ${location.zone}`;
    const labels = { ...(props.labels ?? {}) };
    this.network = props.network ?? new GkeNetwork(this, 'Network', { description: d, controlPlaneCidr });
    const builtNetwork = libraryNetwork(this.network);
    let secretsKey: BoundKey | undefined;
    if (props.secretsEncryption) {
      // The service agent's email holds the project number, which only the API knows.
      const project = new DataGoogleProject(this, 'Project', { projectId: d.projectId });
      project.overrideLogicalId(terraformId('project', d.projectId));
      secretsKey = props.secretsEncryption._bind(this, 'SecretsEncryption', 'secretsEncryption', d,
        { keyRingName: `${d.gkeClusterName}-gke`, keyName: 'secrets' },
        `serviceAccount:service-${project.number}@container-engine-robot.iam.gserviceaccount.com`);
    }
    this.secretsEncryptionKey = secretsKey;
    const binauthzPolicy = props.binaryAuthorization?._bind(this, 'BinaryAuthorizationPolicy', 'binaryAuthorization', d);
    this.controlPlaneAccess = access;

    // Never the Compute Engine default service account: a dedicated one that can only write logs and metrics.
    // An account id is at most 30 characters: a region's is told apart by its index (`<gke>-r1-nodes`), as
    // regions cut alike (europe-west1, europe-west2) would not be.
    const nodeSaId = region
      ? `${d.gkeClusterName.slice(0, 20).replace(/-+$/, '')}-r${region.index}-nodes`
      : `${d.gkeClusterName.slice(0, 24).replace(/-+$/, '')}-nodes`;
    this.nodeServiceAccount = new ServiceAccount(this, 'NodeServiceAccount', {
      accountId: nodeSaId,
      displayName: `GKE nodes of ${clusterName}`,
      project: d.projectId,
    });
    for (const role of NODE_SERVICE_ACCOUNT_ROLES) {
      new ProjectIamMember(this, `NodeRole-${role.replace('roles/', '')}`, {
        project: d.projectId,
        role,
        member: `serviceAccount:${this.nodeServiceAccount.email}`,
      });
    }

    const shielded = { enableSecureBoot: true, enableIntegrityMonitoring: true };
    const nodeConfig = {
      machineType,
      diskType,
      diskSizeGb,
      imageType: 'COS_CONTAINERD',
      serviceAccount: this.nodeServiceAccount.email,
      oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
      workloadMetadataConfig: { mode: 'GKE_METADATA' },
      shieldedInstanceConfig: shielded,
      metadata: { 'disable-legacy-endpoints': 'true' },
      labels,
    };

    this.cluster = new ContainerCluster(this, 'Cluster', {
      name: clusterName,
      project: d.projectId,
      location: this.location,
      nodeLocations: location.isRegional && zones.length > 0 ? [...zones] : undefined,
      network: this.network.networkName,
      subnetwork: this.network.subnetworkName,
      // The default pool is created then removed at once; a separately managed pool replaces it.
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      nodeConfig: { serviceAccount: this.nodeServiceAccount.email, workloadMetadataConfig: { mode: 'GKE_METADATA' }, shieldedInstanceConfig: shielded },
      workloadIdentityConfig: { workloadPool: d.workloadIdentityPool },
      enableShieldedNodes: true,
      releaseChannel: { channel: props.releaseChannel ?? ReleaseChannel.REGULAR },
      datapathProvider: 'ADVANCED_DATAPATH',
      networkingMode: 'VPC_NATIVE',
      // Cloud DNS for GKE: in-cluster names as before (cluster scope), and the same records under the
      // region's domain for the whole VPC (additive VPC scope), which the other regions' pods resolve.
      dnsConfig: region ? { clusterDns: 'CLOUD_DNS', clusterDnsScope: 'CLUSTER_SCOPE', additiveVpcScopeDnsDomain: region.dnsDomain } : undefined,
      ipAllocationPolicy: {
        clusterSecondaryRangeName: this.network.podsRangeName,
        servicesSecondaryRangeName: this.network.servicesRangeName,
      },
      addonsConfig: { gcePersistentDiskCsiDriverConfig: { enabled: true } },
      // Nodes never have public IPs; the endpoint is private or limited to the networks named.
      privateClusterConfig: {
        enablePrivateNodes: true, enablePrivateEndpoint: access.privateEndpoint, masterIpv4CidrBlock: controlPlaneCidr,
        // A region's control plane answers on its private address from every region of the shared VPC.
        masterGlobalAccessConfig: region ? { enabled: true } : undefined,
      },
      masterAuthorizedNetworksConfig: {
        cidrBlocks: access.authorizedNetworks.map((n) => ({ cidrBlock: n.cidrBlock, displayName: n.displayName })),
        gcpPublicCidrsAccessEnabled: false,
      },
      // Clients authenticate with IAM, never with a long-lived client certificate.
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      maintenancePolicy: maintenance._render(),
      binaryAuthorization: props.binaryAuthorization ? { evaluationMode: 'PROJECT_SINGLETON_POLICY_ENFORCE' } : undefined,
      databaseEncryption: secretsKey ? { state: 'ENCRYPTED', keyName: secretsKey.keyId } : undefined,
      // Managed collection, which scrapes the Kubernetes half's PodMonitoring. The components are stated:
      // left out, the provider still sends an empty list, which GKE reads as "no system metrics".
      monitoringConfig: d.monitoring ? { managedPrometheus: { enabled: true }, enableComponents: ['SYSTEM_COMPONENTS'] } : undefined,
      deletionProtection: props.deletionProtection ?? true,
      resourceLabels: labels,
      lifecycle: { ignoreChanges: ['node_config', 'initial_node_count'] },
      // Stryker disable ArrayDeclaration: cdktf leaves out a dependency that is not a construct, such as the string of this mutant
      dependsOn: [
        this.nodeServiceAccount,
        ...(builtNetwork ? [builtNetwork.subnetwork, builtNetwork.nat] : []),
        ...(secretsKey ? [secretsKey.grant] : []),
        ...(binauthzPolicy ? [binauthzPolicy] : []),
      ],
      // Stryker restore ArrayDeclaration
    });
    // State addresses from the description, not the construct path: refactoring the app must never
    // plan a replacement of the cluster.
    this.cluster.overrideLogicalId(terraformId('gke', clusterName));

    this.nodePool = new ContainerNodePool(this, 'NodePool', {
      name: `${clusterName.slice(0, 34)}-pool`,
      project: d.projectId,
      cluster: this.cluster.name,
      location: this.location,
      nodeCount: pool.autoscaling ? undefined : nodesPerZone,
      initialNodeCount: pool.autoscaling ? pool.autoscaling.minNodesPerZone : undefined,
      autoscaling: pool.autoscaling
        ? { minNodeCount: pool.autoscaling.minNodesPerZone, maxNodeCount: pool.autoscaling.maxNodesPerZone }
        : undefined,
      management: { autoRepair: true, autoUpgrade: true },
      upgradeSettings: { strategy: 'SURGE', maxSurge, maxUnavailable },
      nodeConfig,
      // initial_node_count forces a new pool (every database node) when it changes, and GKE changes it when
      // a pool is resized: set only with autoscaling, and never compared again.
      lifecycle: { ignoreChanges: ['initial_node_count'] },
    });
    this.nodePool.overrideLogicalId(terraformId('gke_pool', clusterName));
  }
}

/** The network when the library made it (its firewall allows one control plane range, its NAT is to wait for). */
function libraryNetwork(network: IGkeNetwork | undefined): GkeNetwork | RegionalGkeNetwork | undefined {
  return network instanceof GkeNetwork || network instanceof RegionalGkeNetwork ? network : undefined;
}
