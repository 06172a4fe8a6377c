import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { MultiRegionNetwork, RegionalGkeNetwork } from '../../lib/gcp';
import { cidrsOverlap } from '../../lib/gcp/cidr';
import { configError } from '../support/errors';
import { description, multiRegionDescription, REGIONS, synthScope } from './support';

const d = multiRegionDescription();
let network: MultiRegionNetwork | undefined;
const { json, doc, resources } = synthScope((scope) => {
  network = new MultiRegionNetwork(scope, 'Network', { description: d });
});
const byName = (type: string) => Object.fromEntries(resources(type).map((r) => [r.name, r]));

describe('MultiRegionNetwork: one VPC across the regions', () => {
  test('one custom-mode network named after the deployment, with global dynamic routing', () => {
    expect(resources('google_compute_network')).toHaveLength(1);
    expect(json).toHaveResourceWithProperties(ComputeNetwork, {
      name: 'crdb-global-vpc', project: 'crdb-book-demo', auto_create_subnetworks: false, routing_mode: 'GLOBAL',
      description: 'Dedicated VPC of the GKE clusters of crdb-global in europe-west1, us-east1, asia-southeast1',
    });
    expect(network!.networkName).toBe('crdb-global-vpc');
  });

  test.each(REGIONS)('%s: a subnetwork named after the region\'s cluster, on the description\'s ranges, with Private Google Access and flow logs', (region) => {
    const r = d.regionOf(region);
    expect(byName('google_compute_subnetwork')[r.gkeClusterName]).toEqual({
      name: `crdb-global-${region}`, project: 'crdb-book-demo', region, network: '${google_compute_network.vpc_crdb_global.id}',
      ip_cidr_range: r.networkRanges.nodesCidr,
      secondary_ip_range: [{ range_name: 'pods', ip_cidr_range: r.networkRanges.podsCidr }, { range_name: 'services', ip_cidr_range: r.networkRanges.servicesCidr }],
      private_ip_google_access: true,
      log_config: { aggregation_interval: 'INTERVAL_5_SEC', flow_sampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' },
    });
  });

  test('one subnetwork per region, and no two ranges of the VPC (control planes included) overlap', () => {
    expect(resources('google_compute_subnetwork').map((s) => s.region).sort()).toEqual([...REGIONS].sort());
    const ranges = [
      ...resources('google_compute_subnetwork').flatMap((s) => [s.ip_cidr_range, ...s.secondary_ip_range.map((r: any) => r.ip_cidr_range)]),
      ...d.regions.map((r) => r.networkRanges.controlPlaneCidr),
    ];
    expect(ranges).toHaveLength(12);
    ranges.forEach((a, i) => ranges.slice(i + 1).forEach((b) => expect([a, b, cidrsOverlap(a, b)]).toEqual([a, b, false])));
  });

  test.each(REGIONS)('%s: a Cloud Router and a Cloud NAT for the region\'s subnetwork only', (region) => {
    const id = `crdb_global_${region.replace(/-/g, '_')}`;
    expect(byName('google_compute_router')[`crdb-global-${region}-router`]).toEqual({
      name: `crdb-global-${region}-router`, project: 'crdb-book-demo', region, network: '${google_compute_network.vpc_crdb_global.id}',
    });
    expect(byName('google_compute_router_nat')[`crdb-global-${region}-nat`]).toEqual({
      name: `crdb-global-${region}-nat`, project: 'crdb-book-demo', region, router: `\${google_compute_router.vpc_router_${id}.name}`,
      nat_ip_allocate_option: 'AUTO_ONLY', source_subnetwork_ip_ranges_to_nat: 'LIST_OF_SUBNETWORKS',
      subnetwork: [{ name: `\${google_compute_subnetwork.vpc_subnet_${id}.id}`, source_ip_ranges_to_nat: ['ALL_IP_RANGES'] }],
      log_config: { enable: true, filter: 'ERRORS_ONLY' },
    });
  });

  test('egress as in one region, to every region\'s ranges and control plane', () => {
    const rules = byName('google_compute_firewall');
    expect(Object.keys(rules).sort()).toEqual([
      'crdb-global-vpc-allow-crdb-cross-region', 'crdb-global-vpc-allow-egress-https', 'crdb-global-vpc-allow-egress-internal', 'crdb-global-vpc-deny-egress',
    ]);
    expect(rules['crdb-global-vpc-allow-egress-internal']).toMatchObject({
      direction: 'EGRESS', priority: 1000, allow: [{ protocol: 'all' }],
      destination_ranges: d.regions.flatMap((r) => [r.networkRanges.nodesCidr, r.networkRanges.podsCidr, r.networkRanges.servicesCidr, r.networkRanges.controlPlaneCidr]),
    });
    expect(rules['crdb-global-vpc-allow-egress-https']).toMatchObject({ direction: 'EGRESS', destination_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['443'] }] });
    expect(rules['crdb-global-vpc-deny-egress']).toMatchObject({ direction: 'EGRESS', priority: 65534, destination_ranges: ['0.0.0.0/0'], deny: [{ protocol: 'all' }] });
    expect(Object.values<any>(rules).map((rule) => rule.description).sort()).toEqual([
      'CockroachDB between the regions\' pods: TCP 26257 (RPCs and SQL) from every region\'s pod range to every region\'s pod range',
      'Every other egress (the VPC would otherwise allow all egress)',
      'HTTPS anywhere: image pulls through Cloud NAT, Google APIs and the backup bucket through Private Google Access',
      'Nodes and pods to the nodes, pods, Services and GKE control plane: kubelet, DNS, CockroachDB RPC (26257) and HTTP (8080), the API server',
    ]);
    for (const rule of Object.values<any>(rules)) {
      expect(rule.network).toBe('${google_compute_network.vpc_crdb_global.id}');
      expect(rule.project).toBe('crdb-book-demo');
      expect(rule.log_config).toEqual({ metadata: 'INCLUDE_ALL_METADATA' });
    }
  });

  test('between the regions: TCP 26257 only, from the pods\' ranges to the pods\' ranges only, the one ingress rule', () => {
    const ingress = resources('google_compute_firewall').filter((f) => f.direction === 'INGRESS');
    expect(ingress).toHaveLength(1);
    const [rule] = ingress;
    const pods = d.regions.map((r) => r.networkRanges.podsCidr);
    expect(rule).toEqual({
      name: 'crdb-global-vpc-allow-crdb-cross-region', project: 'crdb-book-demo', network: '${google_compute_network.vpc_crdb_global.id}',
      description: 'CockroachDB between the regions\' pods: TCP 26257 (RPCs and SQL) from every region\'s pod range to every region\'s pod range',
      direction: 'INGRESS', priority: 1000, source_ranges: pods, destination_ranges: pods,
      allow: [{ protocol: 'tcp', ports: ['26257'] }], log_config: { metadata: 'INCLUDE_ALL_METADATA' },
    });
    expect(pods).toEqual(['10.16.0.0/14', '10.24.0.0/14', '10.32.0.0/14']);
    expect(rule.deny).toBeUndefined();
  });

  test('stable Terraform addresses from the names', () => {
    expect(Object.keys(doc.resource.google_compute_network)).toEqual(['vpc_crdb_global']);
    expect(Object.keys(doc.resource.google_compute_subnetwork).sort()).toEqual(REGIONS.map((r) => `vpc_subnet_crdb_global_${r.replace(/-/g, '_')}`).sort());
    expect(Object.keys(doc.resource.google_compute_firewall).sort()).toEqual([
      'vpc_fw_crdb_global_allow_crdb_cross_region', 'vpc_fw_crdb_global_allow_egress_https', 'vpc_fw_crdb_global_allow_egress_internal', 'vpc_fw_crdb_global_deny_egress',
    ]);
  });
});

describe('MultiRegionNetwork: each region\'s part is what a GKE cluster takes', () => {
  test.each(REGIONS)('%s', (region) => {
    const part = network!.forRegion(region);
    expect(part).toBeInstanceOf(RegionalGkeNetwork);
    expect(network!.forRegion(d.regionOf(region))).toBe(part);
    expect(part.region).toBe(d.regionOf(region));
    expect([part.networkName, part.subnetworkName, part.podsRangeName, part.servicesRangeName, part.controlPlaneCidr])
      .toEqual(['crdb-global-vpc', `crdb-global-${region}`, 'pods', 'services', d.regionOf(region).networkRanges.controlPlaneCidr]);
    expect(part.node.path).toBe(`stack/Network/${region}`);
    expect(part.subnetwork.nameInput).toBe(`crdb-global-${region}`);
    expect(part.router.regionInput).toBe(region);
    expect(part.nat.regionInput).toBe(region);
  });

  test('the parts in the description\'s order, the primary region first', () => {
    expect(network!.regions.map((r) => r.region.region)).toEqual(REGIONS);
    expect(network!.network.nameInput).toBe('crdb-global-vpc');
    expect(network!.firewallRules.map((f) => f.nameInput)).toEqual([
      'crdb-global-vpc-allow-egress-internal', 'crdb-global-vpc-allow-egress-https', 'crdb-global-vpc-deny-egress', 'crdb-global-vpc-allow-crdb-cross-region',
    ]);
  });
});

describe('MultiRegionNetwork errors are thrown, in full', () => {
  test.each<[string, () => unknown, string]>([
    ['a one-region description', () => synthScope((scope) => new MultiRegionNetwork(scope, 'Network', { description: description() })),
      '[stack/Network] description.regions: received []; expected a multi-region description (regions); GkeNetwork is the VPC of one region'],
    ['a region the network does not have', () => network!.forRegion('us-west1'),
      '[stack/Network] region: received "us-west1"; expected one of the network\'s regions: europe-west1, us-east1, asia-southeast1'],
  ])('%s', (_what, fn, message) => {
    expect(configError(fn).message).toBe(message);
  });
});
