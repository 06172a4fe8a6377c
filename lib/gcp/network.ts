import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { Construct } from 'constructs';
import { DeploymentDescription } from '../shared/description';
import { CockroachConfigError } from '../shared/errors';
import { reject } from '../shared/validate';
import { CIDR, cidrsOverlap, isNetworkAddress, isPrivateCidr, prefixLength } from './cidr';
import { dedicatedNetwork, egressRules, firewallRules, PODS_RANGE_NAME, SERVICES_RANGE_NAME, subnetworkWithNat } from './private/vpc';

/**
 * What a GKE cluster needs from its VPC: the network, the subnetwork of the nodes and the names of the
 * subnetwork's secondary ranges for pods and Services. {@link GkeNetwork} implements it; a VPC of one's
 * own can too (an object literal with its names).
 */
export interface IGkeNetwork {
  /** Name or self link of the VPC network. */
  readonly networkName: string;
  /** Name or self link of the nodes' subnetwork, in the cluster's region. */
  readonly subnetworkName: string;
  /** Name of the subnetwork's secondary range for pod IPs. */
  readonly podsRangeName: string;
  /** Name of the subnetwork's secondary range for Service (ClusterIP) IPs. */
  readonly servicesRangeName: string;
}

/** Properties of {@link GkeNetwork}. */
export interface GkeNetworkProps {
  /** The deployment: project, region and the names (after the GKE cluster) come from it. */
  readonly description: DeploymentDescription;
  /**
   * Primary range of the subnetwork: the nodes' IPs (a /20 holds 4,092 nodes).
   * @default '10.10.0.0/20'
   */
  readonly nodesCidr?: string;
  /**
   * Secondary range `pods`: the pods' IPs (GKE gives each node a /24 of it; a /14 serves 1,024 nodes).
   * @default '10.16.0.0/14'
   */
  readonly podsCidr?: string;
  /**
   * Secondary range `services`: the ClusterIPs of Services.
   * @default '10.20.0.0/20'
   */
  readonly servicesCidr?: string;
  /**
   * The GKE control plane's /28 (private cluster): the nodes' egress to it is allowed, and the ranges
   * above must not overlap it.
   * @default '172.16.0.0/28'
   */
  readonly controlPlaneCidr?: string;
}

export { PODS_RANGE_NAME, SERVICES_RANGE_NAME };
/** The control plane range of a private cluster unless one is chosen. */
export const DEFAULT_CONTROL_PLANE_CIDR = '172.16.0.0/28';

/**
 * A dedicated VPC for the GKE cluster, named after it: a custom-mode network (no subnetwork in every
 * region), one subnetwork in the description's region with the named secondary ranges `pods` and
 * `services` (VPC-native), Private Google Access (private nodes reach Google APIs and Cloud Storage
 * without public IPs), flow logs, and a Cloud Router with Cloud NAT so private nodes can pull public
 * images such as `docker.io/cockroachdb/cockroach`.
 *
 * Firewall: ingress stays at the VPC's implied "deny all"; GKE itself adds the ingress rules a cluster
 * needs (control plane to kubelet on 443 and 10250, node to node, pod to pod, which carries CockroachDB's
 * 26257 and 8080). Egress, open by default in a VPC, is closed to what the nodes need:
 *
 * - `<vpc>-allow-egress-internal`: every protocol to the nodes', pods' and Services' ranges and the
 *   control plane's /28 (kubelet, DNS, CockroachDB's RPCs between pods, the API server);
 * - `<vpc>-allow-egress-https`: TCP 443 anywhere (image pulls through Cloud NAT; Google APIs and the
 *   backup bucket through Private Google Access);
 * - `<vpc>-deny-egress`: everything else, at priority 65534, just above the implied "allow all egress".
 *
 * The metadata server (169.254.169.254, Workload Identity's tokens) is always reachable: firewall rules
 * do not apply to it.
 * @see https://cloud.google.com/kubernetes-engine/docs/concepts/firewall-rules
 */
export class GkeNetwork extends Construct implements IGkeNetwork {
  /** The VPC network (escape hatch). */
  public readonly network: ComputeNetwork;
  /** The nodes' subnetwork (escape hatch). */
  public readonly subnetwork: ComputeSubnetwork;
  /** The Cloud Router of the NAT (escape hatch). */
  public readonly router: ComputeRouter;
  /** The Cloud NAT (escape hatch). */
  public readonly nat: ComputeRouterNat;
  /** The firewall rules, by name (escape hatch). */
  public readonly firewallRules: ComputeFirewall[];
  public readonly networkName: string;
  public readonly subnetworkName: string;
  public readonly podsRangeName = PODS_RANGE_NAME;
  public readonly servicesRangeName = SERVICES_RANGE_NAME;
  /** Primary range of the subnetwork. */
  public readonly nodesCidr: string;
  /** Pods' secondary range. */
  public readonly podsCidr: string;
  /** Services' secondary range. */
  public readonly servicesCidr: string;
  /** The control plane's /28. */
  public readonly controlPlaneCidr: string;

  constructor(scope: Construct, id: string, props: GkeNetworkProps) {
    super(scope, id);
    const d = props.description;
    this.nodesCidr = props.nodesCidr ?? '10.10.0.0/20';
    this.podsCidr = props.podsCidr ?? '10.16.0.0/14';
    this.servicesCidr = props.servicesCidr ?? '10.20.0.0/20';
    this.controlPlaneCidr = props.controlPlaneCidr ?? DEFAULT_CONTROL_PLANE_CIDR;
    const ranges: Array<[string, string, number, number]> = [
      ['nodesCidr', this.nodesCidr, 8, 29],
      ['podsCidr', this.podsCidr, 8, 24],
      ['servicesCidr', this.servicesCidr, 8, 27],
      ['controlPlaneCidr', this.controlPlaneCidr, 28, 28],
    ];
    for (const [prop, cidr, min, max] of ranges) checkPrivateCidr(this, prop, cidr, min, max);
    ranges.forEach(([propA, a], i) => ranges.slice(i + 1).forEach(([propB, b]) => {
      if (cidrsOverlap(a, b)) {
        throw new CockroachConfigError(this, `${propA}, ${propB}`, `received ${JSON.stringify(a)} and ${JSON.stringify(b)}; expected ranges that do not overlap`);
      }
    }));

    const name = d.gkeClusterName;
    this.networkName = `${name}-vpc`;
    this.subnetworkName = `${name}-nodes`;
    this.network = dedicatedNetwork(this, d.projectId, name, 'REGIONAL', `Dedicated VPC of the GKE cluster ${name}`);

    ({ subnetwork: this.subnetwork, router: this.router, nat: this.nat } = subnetworkWithNat(this, {
      projectId: d.projectId, region: d.region, network: this.network, subnetworkName: this.subnetworkName, name,
      nodesCidr: this.nodesCidr, podsCidr: this.podsCidr, servicesCidr: this.servicesCidr,
    }));
    this.firewallRules = firewallRules(this, { projectId: d.projectId, network: this.network, networkName: this.networkName, name },
      egressRules([this.nodesCidr, this.podsCidr, this.servicesCidr, this.controlPlaneCidr]));
  }
}

/** A private (RFC 1918) IPv4 range, written as its network address, with a prefix length in [min, max]. */
export function checkPrivateCidr(scope: Construct, prop: string, cidr: string, min: number, max: number): void {
  const size = min === max ? `a /${min}` : `a /${min} to /${max}`;
  if (typeof cidr !== 'string' || !CIDR.test(cidr) || !isNetworkAddress(cidr) || !isPrivateCidr(cidr)
    || prefixLength(cidr) < min || prefixLength(cidr) > max) {
    reject(scope, prop, cidr, `expected ${size} private (RFC 1918) IPv4 range written as its network address, e.g. "${min === 28 ? '172.16.0.0/28' : '10.10.0.0/20'}"`);
  }
}
