import { ComputeFirewall, ComputeFirewallConfig } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { Construct } from 'constructs';
import { terraformId } from '../terraform-id';

// What the one-region VPC (GkeNetwork) and the multi-region one (MultiRegionNetwork) build alike.

/** Name of the subnetwork's secondary range for pods. */
export const PODS_RANGE_NAME = 'pods';
/** Name of the subnetwork's secondary range for Services. */
export const SERVICES_RANGE_NAME = 'services';

/**
 * The custom-mode network (no subnetwork in every region) of a dedicated VPC, `<name>-vpc`, at a Terraform
 * address from `name`.
 */
export function dedicatedNetwork(scope: Construct, projectId: string, name: string, routingMode: 'REGIONAL' | 'GLOBAL', description: string): ComputeNetwork {
  const network = new ComputeNetwork(scope, 'Network', {
    name: `${name}-vpc`,
    project: projectId,
    autoCreateSubnetworks: false,
    routingMode,
    description,
  });
  network.overrideLogicalId(terraformId('vpc', name));
  return network;
}

/** A nodes' subnetwork and its NAT in one region of a dedicated VPC. */
export interface SubnetworkWithNatProps {
  readonly projectId: string;
  readonly region: string;
  readonly network: ComputeNetwork;
  /** Name of the subnetwork. */
  readonly subnetworkName: string;
  /** What the router, the NAT and the Terraform addresses are named after (`<name>-router`, `<name>-nat`). */
  readonly name: string;
  readonly nodesCidr: string;
  readonly podsCidr: string;
  readonly servicesCidr: string;
}

/** The resources of {@link subnetworkWithNat}. */
export interface SubnetworkWithNat {
  readonly subnetwork: ComputeSubnetwork;
  readonly router: ComputeRouter;
  readonly nat: ComputeRouterNat;
}

/**
 * The nodes' subnetwork with the named secondary ranges `pods` and `services` (VPC-native), Private Google
 * Access and flow logs, and a Cloud Router with Cloud NAT for that subnetwork only (private nodes pull
 * public images through it).
 */
export function subnetworkWithNat(scope: Construct, p: SubnetworkWithNatProps): SubnetworkWithNat {
  const subnetwork = new ComputeSubnetwork(scope, 'Subnetwork', {
    name: p.subnetworkName,
    project: p.projectId,
    region: p.region,
    network: p.network.id,
    ipCidrRange: p.nodesCidr,
    secondaryIpRange: [
      { rangeName: PODS_RANGE_NAME, ipCidrRange: p.podsCidr },
      { rangeName: SERVICES_RANGE_NAME, ipCidrRange: p.servicesCidr },
    ],
    privateIpGoogleAccess: true,
    logConfig: { aggregationInterval: 'INTERVAL_5_SEC', flowSampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' },
  });
  subnetwork.overrideLogicalId(terraformId('vpc_subnet', p.name));

  const router = new ComputeRouter(scope, 'Router', {
    name: `${p.name}-router`,
    project: p.projectId,
    region: p.region,
    network: p.network.id,
  });
  router.overrideLogicalId(terraformId('vpc_router', p.name));

  // Only the nodes' subnetwork (all its ranges) goes out through the NAT; errors are logged.
  const nat = new ComputeRouterNat(scope, 'Nat', {
    name: `${p.name}-nat`,
    project: p.projectId,
    region: p.region,
    router: router.name,
    natIpAllocateOption: 'AUTO_ONLY',
    sourceSubnetworkIpRangesToNat: 'LIST_OF_SUBNETWORKS',
    subnetwork: [{ name: subnetwork.id, sourceIpRangesToNat: ['ALL_IP_RANGES'] }],
    logConfig: { enable: true, filter: 'ERRORS_ONLY' },
  });
  nat.overrideLogicalId(terraformId('vpc_nat', p.name));
  return { subnetwork, router, nat };
}

/** What a rule of {@link firewallRules} states besides its name, network and project. */
export type FirewallRuleConfig = Omit<ComputeFirewallConfig, 'name' | 'network' | 'project'>;

/** The VPC that {@link firewallRules} adds rules to. */
export interface FirewallTarget {
  readonly projectId: string;
  readonly network: ComputeNetwork;
  readonly networkName: string;
  /** What the Terraform addresses are named after, with the suffix. */
  readonly name: string;
}

/** Firewall rules of a dedicated VPC, by suffix: each named `<vpc>-<suffix>`, logged. */
export function firewallRules(scope: Construct, vpc: FirewallTarget, rules: ReadonlyArray<[suffix: string, config: FirewallRuleConfig]>): ComputeFirewall[] {
  return rules.map(([suffix, config]) => {
    const fw = new ComputeFirewall(scope, `Firewall-${suffix}`, {
      name: `${vpc.networkName}-${suffix}`,
      project: vpc.projectId,
      network: vpc.network.id,
      logConfig: { metadata: 'INCLUDE_ALL_METADATA' },
      ...config,
    });
    fw.overrideLogicalId(terraformId('vpc_fw', `${vpc.name}_${suffix}`));
    return fw;
  });
}

/**
 * The egress rules of a dedicated VPC: every protocol to the internal ranges, HTTPS anywhere, everything
 * else denied just above the VPC's implied "allow all egress".
 */
export function egressRules(internalRanges: string[]): Array<[string, FirewallRuleConfig]> {
  return [
    ['allow-egress-internal', {
      description: 'Nodes and pods to the nodes, pods, Services and GKE control plane: kubelet, DNS, CockroachDB RPC (26257) and HTTP (8080), the API server',
      direction: 'EGRESS',
      priority: 1000,
      destinationRanges: internalRanges,
      allow: [{ protocol: 'all' }],
    }],
    ['allow-egress-https', {
      description: 'HTTPS anywhere: image pulls through Cloud NAT, Google APIs and the backup bucket through Private Google Access',
      direction: 'EGRESS',
      priority: 1000,
      destinationRanges: ['0.0.0.0/0'],
      allow: [{ protocol: 'tcp', ports: ['443'] }],
    }],
    ['deny-egress', {
      description: 'Every other egress (the VPC would otherwise allow all egress)',
      direction: 'EGRESS',
      priority: 65534,
      destinationRanges: ['0.0.0.0/0'],
      deny: [{ protocol: 'all' }],
    }],
  ];
}
