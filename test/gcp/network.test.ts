import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { GkeNetwork, GkeNetworkProps } from '../../lib/gcp';
import { configError } from '../support/errors';
import { description, synthScope } from './support';

const net = (props: Partial<GkeNetworkProps> = {}) => synthScope((scope) => {
  new GkeNetwork(scope, 'Network', { description: description(), ...props });
});

describe('GkeNetwork defaults', () => {
  const { json, resources, doc } = net();

  test('a custom-mode network named after the cluster', () => {
    expect(json).toHaveResourceWithProperties(ComputeNetwork, {
      name: 'cockroachdb-vpc', project: 'acme-prod-db', auto_create_subnetworks: false, routing_mode: 'REGIONAL', description: 'Dedicated VPC of the GKE cluster cockroachdb',
    });
  });

  test('one subnetwork in the region with named secondary ranges, Private Google Access and flow logs', () => {
    expect(resources('google_compute_subnetwork')).toHaveLength(1);
    expect(json).toHaveResourceWithProperties(ComputeSubnetwork, {
      name: 'cockroachdb-nodes', region: 'europe-west1', network: '${google_compute_network.vpc_cockroachdb.id}',
      ip_cidr_range: '10.10.0.0/20',
      secondary_ip_range: [{ range_name: 'pods', ip_cidr_range: '10.16.0.0/14' }, { range_name: 'services', ip_cidr_range: '10.20.0.0/20' }],
      private_ip_google_access: true,
      log_config: { aggregation_interval: 'INTERVAL_5_SEC', flow_sampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' },
    });
  });

  test('a Cloud Router and Cloud NAT for the subnetwork only, errors logged', () => {
    expect(json).toHaveResourceWithProperties(ComputeRouter, { name: 'cockroachdb-router', region: 'europe-west1', network: '${google_compute_network.vpc_cockroachdb.id}' });
    expect(json).toHaveResourceWithProperties(ComputeRouterNat, {
      name: 'cockroachdb-nat', router: '${google_compute_router.vpc_router_cockroachdb.name}', nat_ip_allocate_option: 'AUTO_ONLY',
      source_subnetwork_ip_ranges_to_nat: 'LIST_OF_SUBNETWORKS',
      subnetwork: [{ name: '${google_compute_subnetwork.vpc_subnet_cockroachdb.id}', source_ip_ranges_to_nat: ['ALL_IP_RANGES'] }],
      log_config: { enable: true, filter: 'ERRORS_ONLY' },
    });
  });

  test('firewall: egress to the cluster\'s own ranges and HTTPS only, everything else denied; no ingress rule added', () => {
    const rules = Object.fromEntries(resources('google_compute_firewall').map((f) => [f.name, f]));
    expect(Object.keys(rules).sort()).toEqual(['cockroachdb-vpc-allow-egress-https', 'cockroachdb-vpc-allow-egress-internal', 'cockroachdb-vpc-deny-egress']);
    expect(rules['cockroachdb-vpc-allow-egress-internal']).toMatchObject({
      direction: 'EGRESS', priority: 1000, destination_ranges: ['10.10.0.0/20', '10.16.0.0/14', '10.20.0.0/20', '172.16.0.0/28'], allow: [{ protocol: 'all' }],
    });
    expect(rules['cockroachdb-vpc-allow-egress-https']).toMatchObject({
      direction: 'EGRESS', priority: 1000, destination_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['443'] }],
    });
    expect(rules['cockroachdb-vpc-deny-egress']).toMatchObject({ direction: 'EGRESS', priority: 65534, destination_ranges: ['0.0.0.0/0'], deny: [{ protocol: 'all' }] });
    for (const rule of Object.values<any>(rules)) {
      expect(rule.network).toBe('${google_compute_network.vpc_cockroachdb.id}');
      expect(rule.log_config).toEqual({ metadata: 'INCLUDE_ALL_METADATA' });
      expect(rule.description).toEqual(expect.any(String));
    }
  });

  test('stable Terraform addresses from the cluster name', () => {
    expect(Object.keys(doc.resource).sort()).toEqual([
      'google_compute_firewall', 'google_compute_network', 'google_compute_router', 'google_compute_router_nat', 'google_compute_subnetwork',
    ]);
    expect(Object.keys(doc.resource.google_compute_firewall).sort()).toEqual([
      'vpc_fw_cockroachdb_allow-egress-https', 'vpc_fw_cockroachdb_allow-egress-internal', 'vpc_fw_cockroachdb_deny-egress',
    ].map((id) => id.replace(/-/g, '_')).sort());
  });
});

test('ranges of one\'s own', () => {
  const { json } = net({ nodesCidr: '192.168.0.0/22', podsCidr: '10.64.0.0/16', servicesCidr: '10.80.0.0/22', controlPlaneCidr: '172.31.255.240/28' });
  expect(json).toHaveResourceWithProperties(ComputeSubnetwork, {
    ip_cidr_range: '192.168.0.0/22',
    secondary_ip_range: [{ range_name: 'pods', ip_cidr_range: '10.64.0.0/16' }, { range_name: 'services', ip_cidr_range: '10.80.0.0/22' }],
  });
});

const RFC1918 = 'private (RFC 1918) IPv4 range written as its network address';
/** [what, props, the whole error message] */
const BAD: Array<[string, Partial<GkeNetworkProps>, string]> = [
  ['nodes range not a CIDR', { nodesCidr: '10.10.0.0' }, `[stack/Network] nodesCidr: received "10.10.0.0"; expected a /8 to /29 ${RFC1918}, e.g. "10.10.0.0/20"`],
  ['nodes range public', { nodesCidr: '34.0.0.0/20' }, `[stack/Network] nodesCidr: received "34.0.0.0/20"; expected a /8 to /29 ${RFC1918}, e.g. "10.10.0.0/20"`],
  ['nodes range with host bits', { nodesCidr: '10.10.0.1/20' }, `[stack/Network] nodesCidr: received "10.10.0.1/20"; expected a /8 to /29 ${RFC1918}, e.g. "10.10.0.0/20"`],
  ['nodes range too small', { nodesCidr: '10.10.0.0/30' }, `[stack/Network] nodesCidr: received "10.10.0.0/30"; expected a /8 to /29 ${RFC1918}, e.g. "10.10.0.0/20"`],
  ['pods range too small for a node\'s /24', { podsCidr: '10.16.0.0/25' }, `[stack/Network] podsCidr: received "10.16.0.0/25"; expected a /8 to /24 ${RFC1918}, e.g. "10.10.0.0/20"`],
  ['services range octet above 255', { servicesCidr: '10.256.0.0/20' }, `[stack/Network] servicesCidr: received "10.256.0.0/20"; expected a /8 to /27 ${RFC1918}, e.g. "10.10.0.0/20"`],
  ['control plane range not a /28', { controlPlaneCidr: '172.16.0.0/27' }, `[stack/Network] controlPlaneCidr: received "172.16.0.0/27"; expected a /28 ${RFC1918}, e.g. "172.16.0.0/28"`],
  ['pods overlapping nodes', { podsCidr: '10.10.0.0/16' }, '[stack/Network] nodesCidr, podsCidr: received "10.10.0.0/20" and "10.10.0.0/16"; expected ranges that do not overlap'],
  ['services inside pods', { servicesCidr: '10.17.0.0/20' }, '[stack/Network] podsCidr, servicesCidr: received "10.16.0.0/14" and "10.17.0.0/20"; expected ranges that do not overlap'],
  ['control plane inside nodes', { controlPlaneCidr: '10.10.0.16/28' }, '[stack/Network] nodesCidr, controlPlaneCidr: received "10.10.0.0/20" and "10.10.0.16/28"; expected ranges that do not overlap'],
  ['a number for a range', { nodesCidr: 10 as unknown as string }, `[stack/Network] nodesCidr: received 10; expected a /8 to /29 ${RFC1918}, e.g. "10.10.0.0/20"`],
];

describe('GkeNetwork errors are thrown', () => {
  test.each(BAD)('%s', (_what, props, message) => {
    expect(configError(() => net(props)).message).toBe(message);
  });
});
