import { Construct } from 'constructs';
import { DatabasePodResources } from '../../shared/description';
import { CockroachConfigError } from '../../shared/errors';
import { RegionDescription } from '../../shared/regions';
import { checkInteger, CrossPropRule, reject } from '../../shared/validate';
import type { GkeClusterProps } from '../gke-cluster';
import { gkeAllocatable, MachineSize, machineTypeSize, NodeAllocatable, smallestOfFamily } from '../machine-types';
import { RegionalGkeNetwork } from '../multi-region-network';
import { GkeNetwork, IGkeNetwork } from '../network';

// The checks of GkeCluster's props that need more than a line.

const GCE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const SELF_LINK = /^(https:\/\/www\.googleapis\.com\/compute\/v1\/)?projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/(global\/networks|regions\/[a-z0-9-]+\/subnetworks)\/[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The names of a VPC of one's own: Compute Engine names (or self links for the network and subnetwork). */
export function checkNetworkNames(scope: Construct, network: IGkeNetwork): void {
  for (const key of ['networkName', 'subnetworkName', 'podsRangeName', 'servicesRangeName'] as const) {
    const value = network[key];
    const linkable = key === 'networkName' || key === 'subnetworkName';
    if (typeof value !== 'string' || !(GCE_NAME.test(value) || (linkable && SELF_LINK.test(value)))) {
      reject(scope, `network.${key}`, value, `expected a Compute Engine name: 1 to 63 lowercase letters, digits or hyphens, starting with a letter${linkable ? ', or a self link' : ''}`);
    }
  }
  if (network.podsRangeName === network.servicesRangeName) {
    reject(scope, 'network.servicesRangeName', network.servicesRangeName, 'expected a secondary range other than the pods\' range');
  }
}

/** A stated machine size: whole vCPUs, positive memory, and the table's size for a type the library knows. */
export function checkMachineSize(scope: Construct, machineType: string, size: MachineSize): void {
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
export function checkPodFits(scope: Construct, machineType: string, stated: MachineSize | undefined, pod: DatabasePodResources): void {
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

/** The rules of a region's cluster (`GkeClusterProps.region`). */
export function regionRules(region: RegionDescription, props: GkeClusterProps, network: GkeNetwork | RegionalGkeNetwork | undefined,
  minPerZone: number, zoneCount: number): CrossPropRule[] {
  const pool = props.nodePool ?? {};
  const networkRegion = network instanceof RegionalGkeNetwork ? network.region : region;
  return [
    {
      props: 'network, region',
      violated: networkRegion !== region,
      message: `received the network of ${networkRegion.region} for the cluster of ${region.region}; expected that region's part of the VPC: forRegion("${region.region}")`,
    },
    {
      props: 'nodePool.machineType, region',
      violated: pool.machineType !== undefined && region.machineType !== undefined,
      message: `received ${JSON.stringify(pool.machineType)} and the region's ${JSON.stringify(region.machineType)}; the description's regions[${region.index}].machineType is the machine type of the region: leave nodePool.machineType out`,
    },
    {
      props: 'nodePool.nodesPerZone, nodePool.autoscaling, region',
      violated: minPerZone * zoneCount < region.nodes,
      message: `received ${minPerZone} node(s) per zone × ${zoneCount} zone(s) = ${minPerZone * zoneCount}; ${region.region} runs ${region.nodes} CockroachDB pods, one per node: raise nodesPerZone (or the autoscaling minimum), or leave it out`,
    },
    {
      props: 'secretsEncryption, region',
      violated: props.secretsEncryption !== undefined,
      message: `received a key for the cluster of ${region.region}; the library's keys are in the description's primary region, and GKE encrypts with a key of the cluster's own region only: leave secretsEncryption out`,
    },
    {
      props: 'binaryAuthorization, region',
      violated: props.binaryAuthorization !== undefined,
      message: `received a policy for the cluster of ${region.region}; Binary Authorization has one policy per project, which each region's cluster would claim: leave binaryAuthorization out`,
    },
  ];
}
