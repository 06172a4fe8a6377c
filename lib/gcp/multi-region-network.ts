import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { Construct } from 'constructs';
import { DeploymentDescription } from '../shared/description';
import { RegionDescription } from '../shared/regions';
import { reject } from '../shared/validate';
import { IGkeNetwork } from './network';
import { dedicatedNetwork, egressRules, firewallRules, PODS_RANGE_NAME, SERVICES_RANGE_NAME, subnetworkWithNat } from './private/vpc';

/** CockroachDB's port for SQL and for the RPCs between its nodes: the only port open between regions. */
export const COCKROACH_CROSS_REGION_PORT = 26257;

/** Properties of {@link MultiRegionNetwork}. */
export interface MultiRegionNetworkProps {
  /** A multi-region deployment (`regions`): the project, the regions, their ranges and names come from it. */
  readonly description: DeploymentDescription;
}

/**
 * One region of a {@link MultiRegionNetwork}: what that region's GKE cluster needs of the shared VPC
 * (`GkeClusterProps.network`), and the region's subnetwork, Cloud Router and Cloud NAT.
 */
export class RegionalGkeNetwork extends Construct implements IGkeNetwork {
  /** The region, as the description has it. */
  public readonly region: RegionDescription;
  /** The region's subnetwork (escape hatch). */
  public readonly subnetwork: ComputeSubnetwork;
  /** The Cloud Router of the region's NAT (escape hatch). */
  public readonly router: ComputeRouter;
  /** The region's Cloud NAT (escape hatch). */
  public readonly nat: ComputeRouterNat;
  public readonly networkName: string;
  /** `<gkeClusterName>-<region>`, the name of the region's GKE cluster. */
  public readonly subnetworkName: string;
  public readonly podsRangeName = PODS_RANGE_NAME;
  public readonly servicesRangeName = SERVICES_RANGE_NAME;
  /** The private control plane's /28 of the region's cluster (the firewall lets the nodes reach it). */
  public readonly controlPlaneCidr: string;

  /** @internal Built by {@link MultiRegionNetwork} only. */
  constructor(scope: Construct, id: string, d: DeploymentDescription, network: ComputeNetwork, networkName: string, region: RegionDescription) {
    super(scope, id);
    this.region = region;
    this.networkName = networkName;
    this.subnetworkName = region.gkeClusterName;
    this.controlPlaneCidr = region.networkRanges.controlPlaneCidr;
    ({ subnetwork: this.subnetwork, router: this.router, nat: this.nat } = subnetworkWithNat(this, {
      projectId: d.projectId, region: region.region, network, subnetworkName: this.subnetworkName, name: region.gkeClusterName,
      ...region.networkRanges,
    }));
  }
}

/**
 * The one VPC of a multi-region deployment, named after the description's `gkeClusterName`: a custom-mode
 * network with global dynamic routing, and in each region a subnetwork `<gkeClusterName>-<region>` (nodes,
 * and the secondary ranges `pods` and `services`, from `region.networkRanges`: they never overlap, so pods
 * reach each other across regions by their own IPs), Private Google Access, flow logs, a Cloud Router and
 * Cloud NAT.
 *
 * Firewall, as `GkeNetwork`'s: egress to every region's ranges and control plane /28 and HTTPS
 * anywhere, the rest denied. GKE's own ingress rules let a cluster's pods reach only that cluster's pods;
 * `<vpc>-allow-crdb-cross-region` adds the one ingress between regions: TCP 26257 (CockroachDB's RPCs and
 * SQL) from any region's pod range to any region's pod range. Egress rules cannot tell the regions'
 * nodes apart without network tags, so the ingress rule is the gate.
 * @see https://cloud.google.com/kubernetes-engine/docs/concepts/firewall-rules
 */
export class MultiRegionNetwork extends Construct {
  /** The VPC network (escape hatch). */
  public readonly network: ComputeNetwork;
  /** `<gkeClusterName>-vpc` */
  public readonly networkName: string;
  /** Each region's part, in the description's order (the primary region first). */
  public readonly regions: readonly RegionalGkeNetwork[];
  /** The firewall rules (escape hatch). */
  public readonly firewallRules: ComputeFirewall[];

  constructor(scope: Construct, id: string, props: MultiRegionNetworkProps) {
    super(scope, id);
    const d = props.description;
    if (!d.isMultiRegion) {
      reject(this, 'description.regions', d.regions, 'expected a multi-region description (regions); GkeNetwork is the VPC of one region');
    }
    const name = d.gkeClusterName;
    this.networkName = `${name}-vpc`;
    // Global dynamic routing: routes a region's Cloud Router learns (VPN, Interconnect) reach every region.
    this.network = dedicatedNetwork(this, d.projectId, name, 'GLOBAL',
      `Dedicated VPC of the GKE clusters of ${name} in ${d.regions.map((r) => r.region).join(', ')}`);
    this.regions = d.regions.map((region) => new RegionalGkeNetwork(this, region.region, d, this.network, this.networkName, region));

    const ranges = d.regions.map((r) => r.networkRanges);
    const pods = ranges.map((r) => r.podsCidr);
    this.firewallRules = firewallRules(this, { projectId: d.projectId, network: this.network, networkName: this.networkName, name }, [
      ...egressRules(ranges.flatMap((r) => [r.nodesCidr, r.podsCidr, r.servicesCidr, r.controlPlaneCidr])),
      ['allow-crdb-cross-region', {
        description: `CockroachDB between the regions' pods: TCP ${COCKROACH_CROSS_REGION_PORT} (RPCs and SQL) from every region's pod range to every region's pod range`,
        direction: 'INGRESS',
        priority: 1000,
        sourceRanges: pods,
        destinationRanges: pods,
        allow: [{ protocol: 'tcp', ports: [String(COCKROACH_CROSS_REGION_PORT)] }],
      }],
    ]);
  }

  /** The part of the VPC in `region` (a region of the description, or its name). */
  public forRegion(region: RegionDescription | string): RegionalGkeNetwork {
    const name = typeof region === 'string' ? region : region.region;
    const found = this.regions.find((r) => r.region.region === name);
    if (!found) {
      reject(this, 'region', name, `expected one of the network's regions: ${this.regions.map((r) => r.region.region).join(', ')}`);
    }
    return found;
  }
}
