import { ErrorScope } from './errors';
import { checkInteger, reject } from './validate';

/** One region of a multi-region deployment (see `DeploymentDescriptionProps.regions`). */
export interface RegionProps {
  /** Google Cloud region, e.g. `europe-west1`. */
  readonly region: string;
  /**
   * Zones of the region the nodes run in.
   * @default - the region's default zones (three), chosen by GKE
   */
  readonly zones?: readonly string[];
  /**
   * CockroachDB nodes (pods) in the region: the StatefulSet's replicas there. Three per region keep a
   * region's replicas on distinct hosts and let `SURVIVE ZONE FAILURE` hold inside it.
   * @default 3
   */
  readonly nodes?: number;
  /**
   * Compute Engine machine type of the region's GKE node pool.
   * @default - the GKE stack's default (n2-standard-8)
   */
  readonly machineType?: string;
}

/**
 * The IP ranges of one region's GKE cluster in the shared VPC. They never overlap across regions, so
 * pods of every region reach each other by their own IPs (VPC-native routing, no NAT between regions).
 */
export interface GkeNetworkRanges {
  /** The subnetwork's primary range (nodes). */
  readonly nodesCidr: string;
  /** The secondary range `pods`. */
  readonly podsCidr: string;
  /** The secondary range `services`. */
  readonly servicesCidr: string;
  /** The private control plane's /28. */
  readonly controlPlaneCidr: string;
}

/** One region of a multi-region deployment, checked and with defaults and derived names. */
export interface RegionDescription {
  /** Google Cloud region. */
  readonly region: string;
  /** Zones of the nodes; empty when GKE chooses. */
  readonly zones: readonly string[];
  /** CockroachDB nodes (pods) in the region. */
  readonly nodes: number;
  /** Machine type of the region's node pool; undefined for the GKE stack's default. */
  readonly machineType: string | undefined;
  /** Position in the description's list: 0 is the primary region. */
  readonly index: number;
  /** Name of the region's GKE cluster: `<gkeClusterName>-<region>`. */
  readonly gkeClusterName: string;
  /**
   * The DNS domain Cloud DNS for GKE serves the cluster's Services and pods under for the whole VPC
   * (additive VPC scope): `<gkeClusterName>.internal`, with the region's cluster name. Every pod advertises
   * `<pod>.<headless service>.<namespace>.svc.<this>`, a name the other regions' pods resolve.
   */
  readonly dnsDomain: string;
  /** The region's IP ranges in the shared VPC. */
  readonly networkRanges: GkeNetworkRanges;
}

/** At most this many regions: the VPC's ranges are cut in sixteen non-overlapping blocks. */
export const MAX_NETWORK_REGIONS = 16;
/** `SURVIVE REGION FAILURE` needs three regions: a majority of replicas outlives one region. */
export const MIN_REGIONS = 3;
/** GKE cluster names are at most 40 characters. */
const GKE_CLUSTER_NAME_MAX = 40;
const REGION = /^[a-z]+(-[a-z]+)+[0-9]+$/;
const MACHINE_TYPE = /^[a-z][a-z0-9]*-[a-z0-9-]+$/;
/** CockroachDB pods per region at most (a StatefulSet in one region; more is a typo). */
const MAX_NODES_PER_REGION = 100;

/**
 * The IP ranges of the region at `index` in the shared VPC: nodes `10.10.<16·i>.0/20`, pods
 * `10.<16+8·i>.0.0/14`, Services `10.<20+8·i>.0.0/20`, control plane `172.16.0.<16·i>/28`.
 */
export function regionNetworkRanges(index: number): GkeNetworkRanges {
  checkInteger('regionNetworkRanges', 'index', index, 0, MAX_NETWORK_REGIONS - 1);
  return {
    nodesCidr: `10.10.${16 * index}.0/20`,
    podsCidr: `10.${16 + 8 * index}.0.0/14`,
    servicesCidr: `10.${20 + 8 * index}.0.0/20`,
    controlPlaneCidr: `172.16.0.${16 * index}/28`,
  };
}

/**
 * Checks a description's regions and derives each one's names and ranges. `gkeClusterName` is the
 * description's, which every region's cluster name starts with.
 */
export function resolveRegions(scope: ErrorScope, regions: readonly RegionProps[], gkeClusterName: string): RegionDescription[] {
  if (!Array.isArray(regions) || regions.length < MIN_REGIONS || regions.length > MAX_NETWORK_REGIONS) {
    reject(scope, 'regions', regions, `expected ${MIN_REGIONS} to ${MAX_NETWORK_REGIONS} regions, the primary first: SURVIVE REGION FAILURE needs three, and the shared VPC's ranges are cut for sixteen`);
  }
  const seen = new Set<string>();
  return regions.map((props, index) => {
    const prop = `regions[${index}]`;
    const region = props?.region;
    if (typeof region !== 'string' || !REGION.test(region)) {
      reject(scope, `${prop}.region`, region, 'expected a Google Cloud region such as "europe-west1" or "us-east1" (not a zone)');
    }
    if (seen.has(region)) reject(scope, `${prop}.region`, region, 'expected each region once');
    seen.add(region);
    const zones = props.zones ?? [];
    if (!Array.isArray(zones)) reject(scope, `${prop}.zones`, zones, 'expected a list of zones');
    zones.forEach((zone, i) => {
      if (typeof zone !== 'string' || !new RegExp(`^${region}-[a-z]$`).test(zone)) {
        reject(scope, `${prop}.zones[${i}]`, zone, `expected a zone of region ${region}, e.g. "${region}-b"`);
      }
      if (zones.indexOf(zone) !== i) reject(scope, `${prop}.zones[${i}]`, zone, 'expected each zone once');
    });
    const nodes = props.nodes ?? 3;
    checkInteger(scope, `${prop}.nodes`, nodes, 3, MAX_NODES_PER_REGION);
    if (props.machineType !== undefined && (typeof props.machineType !== 'string' || !MACHINE_TYPE.test(props.machineType))) {
      reject(scope, `${prop}.machineType`, props.machineType, 'expected a Compute Engine machine type such as "n2-standard-8"');
    }
    const name = `${gkeClusterName}-${region}`;
    if (name.length > GKE_CLUSTER_NAME_MAX) {
      reject(scope, 'gkeClusterName', gkeClusterName, `expected a name short enough for "${name}" (the GKE cluster of ${region}) to be at most ${GKE_CLUSTER_NAME_MAX} characters`);
    }
    return {
      region, zones: [...zones], nodes, machineType: props.machineType, index,
      gkeClusterName: name, dnsDomain: `${name}.internal`, networkRanges: regionNetworkRanges(index),
    };
  });
}

/**
 * The Cloud Storage multi-region that holds every region of the list (`EU`, `US` or `ASIA`), or undefined
 * when they span continents: then no single bucket location survives the loss of any one region.
 */
export function storageMultiRegionOf(regions: readonly string[]): 'EU' | 'US' | 'ASIA' | undefined {
  const continent = (region: string): 'EU' | 'US' | 'ASIA' | undefined => {
    if (region.startsWith('europe-')) return 'EU';
    if (region.startsWith('us-')) return 'US';
    if (region.startsWith('asia-')) return 'ASIA';
    return undefined;
  };
  const first = continent(regions[0]);
  return regions.every((r) => continent(r) === first) ? first : undefined;
}
