import {
  BinaryAuthorization, CustomerManagedKey, GkeCluster, GkeClusterProps, GkeLocation, MultiRegionNetwork, NodePoolOptions,
} from '../../lib/gcp';
import { DeploymentDescription, RegionDescription } from '../../lib/shared';
import { configError } from '../support/errors';
import { description, multiRegionDescription, REGIONS, synthScope } from './support';

// GkeCluster's `region` (lib/gcp/gke-cluster.ts): the rest of its tests are in gke-cluster.test.ts.
const gke = (props: Partial<GkeClusterProps> = {}, d = description()) => synthScope((scope) => {
  new GkeCluster(scope, 'Gke', { description: d, ...props });
});

// A region of a multi-region description: the cluster is that region's, in the shared VPC.
describe('GkeCluster for one region of a multi-region description', () => {
  const d = multiRegionDescription();
  /** The region's cluster in the VPC of `md`, with props; the stack also has the VPC. */
  const regional = (region: string, props: Partial<GkeClusterProps> = {}, md: DeploymentDescription = d) => {
    let cluster: GkeCluster | undefined;
    const out = synthScope((scope) => {
      const network = new MultiRegionNetwork(scope, 'Network', { description: md });
      cluster = new GkeCluster(scope, 'Gke', { description: md, region: md.regionOf(region), network: network.forRegion(region), ...props });
    });
    return { ...out, cluster: cluster!, gke: out.resources('google_container_cluster')[0], pool: out.resources('google_container_node_pool')[0] };
  };

  test.each(REGIONS)('%s: named after the region, in its zones, on its control plane range and subnetwork', (name) => {
    const r = d.regionOf(name);
    const { gke, pool, cluster, doc } = regional(name);
    expect(gke).toMatchObject({
      name: r.gkeClusterName, location: name, node_locations: r.zones, network: 'crdb-global-vpc', subnetwork: `crdb-global-${name}`,
      ip_allocation_policy: { cluster_secondary_range_name: 'pods', services_secondary_range_name: 'services' },
      private_cluster_config: {
        enable_private_nodes: true, enable_private_endpoint: true, master_ipv4_cidr_block: r.networkRanges.controlPlaneCidr,
        master_global_access_config: { enabled: true },
      },
    });
    const id = r.gkeClusterName.replace(/-/g, '_');
    expect(gke.depends_on).toEqual(expect.arrayContaining([`google_compute_subnetwork.vpc_subnet_${id}`, `google_compute_router_nat.vpc_nat_${id}`]));
    expect(pool).toMatchObject({ name: `${r.gkeClusterName}-pool`, location: name, node_count: 1, node_config: expect.objectContaining({ machine_type: 'n2-standard-8' }) });
    expect(Object.keys(doc.resource.google_container_cluster)).toEqual([`gke_${id}`]);
    expect(Object.keys(doc.resource.google_container_node_pool)).toEqual([`gke_pool_${id}`]);
    expect([cluster.clusterName, cluster.location, cluster.gcloudLocationFlag, cluster.region]).toEqual([r.gkeClusterName, name, `--region ${name}`, r]);
  });

  test.each(REGIONS)('%s: Cloud DNS for GKE serves the cluster to the VPC under the region\'s dnsDomain, the domain the pods advertise', (name) => {
    expect(regional(name).gke.dns_config).toEqual({
      cluster_dns: 'CLOUD_DNS', cluster_dns_scope: 'CLUSTER_SCOPE', additive_vpc_scope_dns_domain: d.regionOf(name).dnsDomain,
    });
    expect(d.regionOf(name).dnsDomain).toBe(`crdb-global-${name}.internal`);
  });

  test('a one-region cluster keeps kube-dns: no dns_config', () => {
    expect(gke().resources('google_container_cluster')[0].dns_config).toBeUndefined();
  });

  test('a node service account per region, told apart by the region\'s index within 30 characters', () => {
    const ids = REGIONS.map((name) => regional(name).resources('google_service_account')[0]);
    expect(ids.map((sa) => [sa.account_id, sa.display_name])).toEqual([
      ['crdb-global-r0-nodes', 'GKE nodes of crdb-global-europe-west1'],
      ['crdb-global-r1-nodes', 'GKE nodes of crdb-global-us-east1'],
      ['crdb-global-r2-nodes', 'GKE nodes of crdb-global-asia-southeast1'],
    ]);
  });

  /** [gkeClusterName, the region's node service account, the one-region cluster's] */
  test.each([
    ['crdb-production-a-xxxx', 'crdb-production-a-xx-r1-nodes', 'crdb-production-a-xxxx-nodes'],
    ['crdb-production-abc-d', 'crdb-production-abc-r1-nodes', 'crdb-production-abc-d-nodes'],
    ['crdb-production-ab--x', 'crdb-production-ab-r1-nodes', 'crdb-production-ab--x-nodes'],
    ['crdb-production-europe-m-x', 'crdb-production-euro-r1-nodes', 'crdb-production-europe-m-nodes'],
    ['crdb-production-europe--x', 'crdb-production-euro-r1-nodes', 'crdb-production-europe-nodes'],
  ])('%s: cut to fit, no hyphen before the suffix', (gkeClusterName, regionSa, oneRegionSa) => {
    const multi = DeploymentDescription.of({ projectId: 'crdb-book-demo', gkeClusterName, bucketName: 'crdb-book-demo-backups', regions: [
      { region: 'europe-west1' }, { region: 'us-east1' }, { region: 'us-west1' },
    ] });
    expect(regional('us-east1', {}, multi).resources('google_service_account')[0].account_id).toBe(regionSa);
    expect(gke({}, description({ gkeClusterName })).resources('google_service_account')[0].account_id).toBe(oneRegionSa);
  });

  test('a node pool named after the region\'s cluster, cut to 34 characters', () => {
    const long = DeploymentDescription.of({ projectId: 'crdb-book-demo', gkeClusterName: 'crdb-production-global', bucketName: 'crdb-book-demo-backups', regions: [
      { region: 'europe-west1' }, { region: 'us-east1' }, { region: 'asia-southeast1' },
    ] });
    expect(regional('asia-southeast1', {}, long).pool.name).toBe('crdb-production-global-asia-southe-pool');
    expect(regional('us-east1', {}, long).pool.name).toBe('crdb-production-global-us-east1-pool');
  });

  test('without zones, GKE\'s three: no node_locations', () => {
    const md = multiRegionDescription({ regions: [{ region: 'europe-west1' }, { region: 'us-east1' }, { region: 'asia-southeast1' }] });
    const { gke: cluster, pool } = regional('us-east1', {}, md);
    expect(cluster.node_locations).toBeUndefined();
    expect(pool.node_count).toBe(1);
  });

  /** [what, region props, node pool, nodes per zone and machine type expected] */
  test.each<[string, Record<string, unknown>, NodePoolOptions, number, string]>([
    ['3 nodes in 3 zones: one per zone', {}, {}, 1, 'n2-standard-8'],
    ['5 nodes in 3 zones: two per zone', { nodes: 5 }, {}, 2, 'n2-standard-8'],
    ['6 nodes in 3 zones: two per zone', { nodes: 6 }, {}, 2, 'n2-standard-8'],
    ['4 nodes in 2 zones: two per zone', { nodes: 4, zones: ['us-east1-b', 'us-east1-c'] }, {}, 2, 'n2-standard-8'],
    ['4 nodes in GKE\'s three zones: two per zone', { nodes: 4, zones: [] }, {}, 2, 'n2-standard-8'],
    ['the region\'s machine type', { machineType: 'n2-highmem-8' }, {}, 1, 'n2-highmem-8'],
    ['more nodes per zone than needed', {}, { nodesPerZone: 3 }, 3, 'n2-standard-8'],
    ['a machine type for the pool when the region has none', {}, { machineType: 'n2-standard-16' }, 1, 'n2-standard-16'],
  ])('the pool of us-east1: %s', (_what, region, nodePool, perZone, machineType) => {
    const md = multiRegionDescription({ regions: [
      { region: 'europe-west1' }, { region: 'us-east1', zones: ['us-east1-b', 'us-east1-c', 'us-east1-d'], ...region }, { region: 'asia-southeast1' },
    ] });
    const { pool } = regional('us-east1', { nodePool }, md);
    expect([pool.node_count, pool.node_config.machine_type]).toEqual([perZone, machineType]);
  });

  test('a zone of the region, for a zonal cluster', () => {
    const { gke, cluster } = regional('us-east1', { location: GkeLocation.zonal('us-east1-c'), nodePool: { nodesPerZone: 3 } });
    expect([gke.location, gke.node_locations, cluster.gcloudLocationFlag]).toEqual(['us-east1-c', undefined, '--zone us-east1-c']);
  });

  test('a VPC of one\'s own: the region\'s control plane range, nothing to wait for', () => {
    const { resources } = synthScope((scope) => {
      new GkeCluster(scope, 'Gke', {
        description: d, region: d.regionOf('us-east1'), network: { networkName: 'shared', subnetworkName: 'crdb-us', podsRangeName: 'p', servicesRangeName: 's' },
      });
    });
    const [cluster] = resources('google_container_cluster');
    expect(cluster.private_cluster_config.master_ipv4_cidr_block).toBe('172.16.0.16/28');
    expect(cluster.depends_on).toEqual([expect.stringMatching(/^google_service_account\.Gke_NodeServiceAccount_/)]);
    expect(resources('google_compute_network')).toEqual([]);
  });
});

describe('GkeCluster errors of a region, in full', () => {
  const d = multiRegionDescription();
  const east = d.regionOf('us-east1');
  const own = { networkName: 'shared', subnetworkName: 'crdb-us', podsRangeName: 'p', servicesRangeName: 's' };
  const build = (props: Partial<GkeClusterProps>, md: DeploymentDescription = d) => synthScope((scope) => {
    const network = md.isMultiRegion ? new MultiRegionNetwork(scope, 'Network', { description: md }) : undefined;
    new GkeCluster(scope, 'Gke', { description: md, region: east, network: network?.forRegion('us-east1'), ...props });
  });
  test.each<[string, Partial<GkeClusterProps>, string, DeploymentDescription?]>([
    ['no region with a multi-region description', { region: undefined },
      '[stack/Gke] region: received undefined; expected one of the description\'s regions, as description.regionOf(region) gives it: europe-west1, us-east1, asia-southeast1'],
    ['a region with a one-region description', { network: own },
      '[stack/Gke] region: received "us-east1"; expected no region: the description has a single region', description()],
    ['a region of another description', { region: multiRegionDescription({ gkeClusterName: 'crdb-other' }).regionOf('us-east1') },
      '[stack/Gke] region: received "us-east1"; expected one of the description\'s regions, as description.regionOf(region) gives it: europe-west1, us-east1, asia-southeast1'],
    ['a copy of the region', { region: { ...east } as RegionDescription },
      '[stack/Gke] region: received "us-east1"; expected one of the description\'s regions, as description.regionOf(region) gives it: europe-west1, us-east1, asia-southeast1'],
    ['no network', { network: undefined },
      '[stack/Gke] network: received undefined; expected the region\'s part of the shared VPC (MultiRegionNetwork.forRegion("us-east1")) or a VPC of one\'s own: the regions\' clusters share one network'],
    ['the network of another region', { region: d.regionOf('asia-southeast1') },
      '[stack/Gke] network, region: received the network of us-east1 for the cluster of asia-southeast1; expected that region\'s part of the VPC: forRegion("asia-southeast1")'],
    ['a zone of another region', { location: GkeLocation.zonal('europe-west1-b'), nodePool: { nodesPerZone: 3 } },
      '[stack/Gke] location: received "europe-west1-b"; expected a zone of the description\'s region us-east1, e.g. "us-east1-b"'],
    ['too few nodes per zone for the region\'s pods', { nodePool: { nodesPerZone: 1 } },
      '[stack/Gke] nodePool.nodesPerZone, nodePool.autoscaling, region: received 1 node(s) per zone × 3 zone(s) = 3; us-east1 runs 4 CockroachDB pods, one per node: raise nodesPerZone (or the autoscaling minimum), or leave it out',
      multiRegionDescription({ regions: [{ region: 'europe-west1' }, { region: 'us-east1', nodes: 4 }, { region: 'asia-southeast1' }] })],
    ['an autoscaling minimum too low for the region\'s pods', { nodePool: { autoscaling: { minNodesPerZone: 1, maxNodesPerZone: 3 } } },
      '[stack/Gke] nodePool.nodesPerZone, nodePool.autoscaling, region: received 1 node(s) per zone × 3 zone(s) = 3; us-east1 runs 4 CockroachDB pods, one per node: raise nodesPerZone (or the autoscaling minimum), or leave it out',
      multiRegionDescription({ regions: [{ region: 'europe-west1' }, { region: 'us-east1', nodes: 4 }, { region: 'asia-southeast1' }] })],
    ['a machine type in the pool and in the region', { nodePool: { machineType: 'n2-standard-16' } },
      '[stack/Gke] nodePool.machineType, region: received "n2-standard-16" and the region\'s "n2-highmem-8"; the description\'s regions[1].machineType is the machine type of the region: leave nodePool.machineType out',
      multiRegionDescription({ regions: [{ region: 'europe-west1' }, { region: 'us-east1', machineType: 'n2-highmem-8' }, { region: 'asia-southeast1' }] })],
    ['Secrets encryption', { secretsEncryption: CustomerManagedKey.create() },
      '[stack/Gke] secretsEncryption, region: received a key for the cluster of us-east1; the library\'s keys are in the description\'s primary region, and GKE encrypts with a key of the cluster\'s own region only: leave secretsEncryption out'],
    ['Binary Authorization', { binaryAuthorization: BinaryAuthorization.projectPolicy({ allowedImages: ['docker.io/cockroachdb/cockroach@sha256:*'] }) },
      '[stack/Gke] binaryAuthorization, region: received a policy for the cluster of us-east1; Binary Authorization has one policy per project, which each region\'s cluster would claim: leave binaryAuthorization out'],
    // A rest parameter: jest passes a done callback to a function of more parameters than the row has.
  ])('%s', (...[, props, message, md]) => {
    const m = md ?? d;
    const region = 'region' in props ? props.region : m.isMultiRegion ? m.regionOf('us-east1') : east;
    expect(configError(() => build({ ...props, region }, m)).message).toBe(message);
  });
});
