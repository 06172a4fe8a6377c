import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Construct } from 'constructs';
import { DatabasePodResources, DeploymentDescription } from '../shared/description';
import { CockroachConfigError } from '../shared/errors';
import { checkInteger, checkRules, reject } from '../shared/validate';
import { checkGcpLabels } from './labels';
import { gkeAllocatable, MachineSize, machineTypeSize, NodeAllocatable, smallestOfFamily } from './machine-types';
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
   * @default 'n2-standard-8'
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
   * @default 1
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

/** A network allowed to reach the control plane. */
export interface AuthorizedNetwork {
  /** An IPv4 CIDR block, e.g. `203.0.113.0/24`. */
  readonly cidrBlock: string;
  /**
   * A label for it.
   * @default - none
   */
  readonly displayName?: string;
}

/** Properties of {@link GkeCluster}. */
export interface GkeClusterProps {
  /** The deployment: project, region, zones and cluster name come from it. */
  readonly description: DeploymentDescription;
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
   * Private nodes (no public IPs) with the control plane on this /28 range. Nodes then need Cloud NAT to
   * pull public images such as `cockroachdb/cockroach`.
   * @default - nodes have public IPs
   */
  readonly privateNodesMasterCidr?: string;
  /**
   * Networks allowed to reach the control plane.
   * @default - any network (access still needs IAM credentials)
   */
  readonly masterAuthorizedNetworks?: AuthorizedNetwork[];
  /**
   * VPC network and subnetwork.
   * @default 'default'
   */
  readonly network?: string;
  /** @default - the region's subnetwork of `network` */
  readonly subnetwork?: string;
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
const CIDR = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/([0-9]|[12][0-9]|3[0-2])$/;
/** CockroachDB needs three nodes for three replicas on distinct hosts. */
const MIN_NODES = 3;
/** GKE chooses three zones for a regional cluster when none are given. */
const DEFAULT_REGIONAL_ZONES = 3;

/**
 * A GKE Standard cluster with the secure defaults of terraform-google-modules' safer-cluster: no default
 * node pool, a dedicated least-privilege node service account, Workload Identity, shielded nodes with
 * secure boot, Dataplane V2 (so NetworkPolicy is enforced), VPC-native networking, the Persistent Disk
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

  constructor(scope: Construct, id: string, props: GkeClusterProps) {
    super(scope, id);
    const d = props.description;
    const location = props.location ?? GkeLocation.regional();
    const pool = props.nodePool ?? {};
    const nodesPerZone = pool.nodesPerZone ?? 1;
    const diskSizeGb = pool.diskSizeGb ?? 100;
    const machineType = pool.machineType ?? 'n2-standard-8';
    const diskType = pool.diskType ?? NodeDiskType.PD_BALANCED;
    const maxSurge = pool.maxSurge ?? 1;
    const maxUnavailable = pool.maxUnavailable ?? 0;

    if (!location.isRegional) {
      const zone = location.zone!;
      if (!new RegExp(`^${d.region}-[a-z]$`).test(zone)) {
        reject(this, 'location', zone, `expected a zone of the description's region ${d.region}, e.g. "${d.region}-b"`);
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
    if (props.privateNodesMasterCidr !== undefined && !(CIDR.test(props.privateNodesMasterCidr) && props.privateNodesMasterCidr.endsWith('/28'))) {
      reject(this, 'privateNodesMasterCidr', props.privateNodesMasterCidr, 'expected a private IPv4 /28 range, e.g. "172.16.0.0/28"');
    }
    (props.masterAuthorizedNetworks ?? []).forEach((n, i) => {
      if (!CIDR.test(n.cidrBlock)) reject(this, `masterAuthorizedNetworks[${i}].cidrBlock`, n.cidrBlock, 'expected an IPv4 CIDR block such as "203.0.113.0/24"');
    });
    if (props.releaseChannel !== undefined && !Object.values(ReleaseChannel).includes(props.releaseChannel)) {
      reject(this, 'releaseChannel', props.releaseChannel, 'expected ReleaseChannel.RAPID, REGULAR or STABLE');
    }
    checkGcpLabels(this, 'labels', props.labels ?? {});
    if (d.databasePod) checkPodFits(this, machineType, pool.machineSize, d.databasePod);

    const zoneCount = location.isRegional ? (d.zones.length || DEFAULT_REGIONAL_ZONES) : 1;
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
    ]);

    this.location = location.zone ?? d.region;
    this.gcloudLocationFlag = location.isRegional ? `--region ${d.region}` : `--zone ${location.zone}`;
    const labels = { ...(props.labels ?? {}) };

    // Never the Compute Engine default service account: a dedicated one that can only write logs and metrics.
    const nodeSaId = `${d.gkeClusterName.slice(0, 24).replace(/-+$/, '')}-nodes`;
    this.nodeServiceAccount = new ServiceAccount(this, 'NodeServiceAccount', {
      accountId: nodeSaId,
      displayName: `GKE nodes of ${d.gkeClusterName}`,
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
      name: d.gkeClusterName,
      project: d.projectId,
      location: this.location,
      nodeLocations: location.isRegional && d.zones.length > 0 ? d.zones : undefined,
      network: props.network ?? 'default',
      subnetwork: props.subnetwork,
      // The default pool is created then removed at once; a separately managed pool replaces it.
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      nodeConfig: { serviceAccount: this.nodeServiceAccount.email, workloadMetadataConfig: { mode: 'GKE_METADATA' }, shieldedInstanceConfig: shielded },
      workloadIdentityConfig: { workloadPool: d.workloadIdentityPool },
      enableShieldedNodes: true,
      releaseChannel: { channel: props.releaseChannel ?? ReleaseChannel.REGULAR },
      datapathProvider: 'ADVANCED_DATAPATH',
      networkingMode: 'VPC_NATIVE',
      ipAllocationPolicy: {},
      addonsConfig: { gcePersistentDiskCsiDriverConfig: { enabled: true } },
      privateClusterConfig: props.privateNodesMasterCidr
        ? { enablePrivateNodes: true, enablePrivateEndpoint: false, masterIpv4CidrBlock: props.privateNodesMasterCidr }
        : undefined,
      masterAuthorizedNetworksConfig: props.masterAuthorizedNetworks
        ? { cidrBlocks: props.masterAuthorizedNetworks.map((n) => ({ cidrBlock: n.cidrBlock, displayName: n.displayName })) }
        : undefined,
      deletionProtection: props.deletionProtection ?? true,
      resourceLabels: labels,
      lifecycle: { ignoreChanges: ['node_config', 'initial_node_count'] },
      dependsOn: [this.nodeServiceAccount],
    });
    // State addresses from the description, not the construct path: refactoring the app must never
    // plan a replacement of the cluster.
    this.cluster.overrideLogicalId(terraformId('gke', d.gkeClusterName));

    this.nodePool = new ContainerNodePool(this, 'NodePool', {
      name: `${d.gkeClusterName.slice(0, 34)}-pool`,
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
    this.nodePool.overrideLogicalId(terraformId('gke_pool', d.gkeClusterName));
  }
}

/** A stated machine size: whole vCPUs, positive memory, and the table's size for a type the library knows. */
function checkMachineSize(scope: Construct, machineType: string, size: MachineSize): void {
  checkInteger(scope, 'nodePool.machineSize.vcpus', size.vcpus, 1, 1000);
  if (typeof size.memoryGib !== 'number' || !Number.isFinite(size.memoryGib) || size.memoryGib <= 0) {
    reject(scope, 'nodePool.machineSize.memoryGib', size.memoryGib, 'expected a positive, finite number of GiB');
  }
  const known = machineTypeSize(machineType);
  if (known && (known.vcpus !== size.vcpus || known.memoryGib !== size.memoryGib)) {
    reject(scope, 'nodePool.machineSize', size,
      `expected the size of ${machineType} (${known.vcpus} vCPUs, ${known.memoryGib} GiB) or no machineSize: the library knows this machine type`);
  }
}

/** Rounds down to two decimals, for messages that must never overstate what a node offers. */
function floor2(value: number): string {
  return (Math.floor(value * 100) / 100).toString();
}

/**
 * One database pod must fit a node's allocatable CPU and memory, or the StatefulSet's pods stay Pending.
 * @see https://cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes#memory_and_cpu_reservations
 */
function checkPodFits(scope: Construct, machineType: string, stated: MachineSize | undefined, pod: DatabasePodResources): void {
  const podText = `${pod.cpuCores} CPU and ${pod.memoryGib} GiB`;
  const size = stated ?? machineTypeSize(machineType);
  if (!size) {
    reject(scope, 'nodePool.machineType', machineType,
      `the library does not know this machine type's size, so it cannot check that a database pod (${podText}, description.databasePod) fits a node: state it in nodePool.machineSize, e.g. { vcpus: 8, memoryGib: 32 }`);
  }
  const fits = (a: NodeAllocatable) => pod.cpuCores <= a.cpuCores && pod.memoryGib <= a.memoryGib;
  const allocatable = gkeAllocatable(size);
  if (fits(allocatable)) return;
  const larger = smallestOfFamily(machineType.slice(0, machineType.lastIndexOf('-')), fits);
  throw new CockroachConfigError(scope, 'nodePool.machineType, description.databasePod',
    `received ${JSON.stringify(machineType)} (${size.vcpus} vCPUs, ${size.memoryGib} GiB) and database pods of ${podText}; `
    + `GKE leaves ${floor2(allocatable.cpuCores)} CPU and ${floor2(allocatable.memoryGib)} GiB of such a node to pods, so the pods would stay Pending. `
    + (larger ? `Choose ${JSON.stringify(larger)} or larger, or smaller pods` : 'Choose a machine type with more CPU and memory, or smaller pods'));
}
