import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { GkeCluster, GkeClusterProps, GkeLocation, NODE_SERVICE_ACCOUNT_ROLES, NodeDiskType, ReleaseChannel } from '../../lib/gcp';
import { description, synthScope } from './support';
import { configError } from '../support/errors';

const gke = (props: Partial<GkeClusterProps> = {}, d = description()) => synthScope((scope) => {
  new GkeCluster(scope, 'Gke', { description: d, ...props });
});

// cdktf's jest matcher matches top-level properties partially and nested objects exactly, hence
// expect.objectContaining for nested blocks checked in part.
describe('GkeCluster secure defaults', () => {
  const { json, resources } = gke({}, description({ zones: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'] }));

  test('regional across three zones, default node pool removed', () => {
    expect(json).toHaveResourceWithProperties(ContainerCluster, {
      name: 'cockroachdb', location: 'europe-west1', node_locations: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'],
      remove_default_node_pool: true, initial_node_count: 1,
    });
  });

  test('Workload Identity on the cluster and GKE_METADATA on the nodes', () => {
    expect(json).toHaveResourceWithProperties(ContainerCluster, { workload_identity_config: { workload_pool: 'acme-prod-db.svc.id.goog' } });
    expect(json).toHaveResourceWithProperties(ContainerNodePool, { node_config: expect.objectContaining({ workload_metadata_config: { mode: 'GKE_METADATA' } }) });
  });

  test('shielded nodes with secure boot and integrity monitoring', () => {
    expect(json).toHaveResourceWithProperties(ContainerCluster, { enable_shielded_nodes: true });
    expect(json).toHaveResourceWithProperties(ContainerNodePool, {
      node_config: expect.objectContaining({ shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true }, image_type: 'COS_CONTAINERD' }),
    });
  });

  test('release channel REGULAR, Dataplane V2, VPC-native, PD CSI driver, deletion protection', () => {
    expect(json).toHaveResourceWithProperties(ContainerCluster, {
      release_channel: { channel: 'REGULAR' },
      datapath_provider: 'ADVANCED_DATAPATH',
      networking_mode: 'VPC_NATIVE',
      ip_allocation_policy: {},
      addons_config: { gce_persistent_disk_csi_driver_config: { enabled: true } },
      deletion_protection: true,
    });
  });

  test('a dedicated node service account with logging and monitoring roles only, never the default one', () => {
    expect(json).toHaveResourceWithProperties(ServiceAccount, { account_id: 'cockroachdb-nodes' });
    const roles = resources('google_project_iam_member').map((m) => m.role).sort();
    expect(roles).toEqual([...NODE_SERVICE_ACCOUNT_ROLES].sort());
    expect(json).toHaveResourceWithProperties(ProjectIamMember, { role: 'roles/logging.logWriter', member: expect.stringContaining('google_service_account.') });
    const [pool] = resources('google_container_node_pool');
    expect(pool.node_config.service_account).toMatch(/^\$\{google_service_account\.[^.]+\.email\}$/);
    // The short-lived default pool uses it too.
    expect(resources('google_container_cluster')[0].node_config.service_account).toBe(pool.node_config.service_account);
  });

  test('separately managed node pool: machine, disks, count, auto-repair, auto-upgrade, surge upgrades', () => {
    expect(json).toHaveResourceWithProperties(ContainerNodePool, {
      cluster: '${google_container_cluster.gke_cockroachdb.name}',
      node_count: 1,
      node_config: expect.objectContaining({ machine_type: 'n2-standard-8', disk_type: 'pd-balanced', disk_size_gb: 100 }),
      management: { auto_repair: true, auto_upgrade: true },
      upgrade_settings: { strategy: 'SURGE', max_surge: 1, max_unavailable: 0 },
    });
  });

  test('the default VPC network and its regional subnetwork unless asked otherwise', () => {
    const [cluster] = resources('google_container_cluster');
    expect(cluster.network).toBe('default');
    expect(cluster.subnetwork).toBeUndefined();
  });

  test('public nodes and an open control plane unless asked otherwise', () => {
    const [cluster] = resources('google_container_cluster');
    expect(cluster.private_cluster_config).toBeUndefined();
    expect(cluster.master_authorized_networks_config).toBeUndefined();
  });

  test('stable Terraform addresses for the cluster and its pool', () => {
    const doc = JSON.parse(json);
    expect(Object.keys(doc.resource.google_container_cluster)).toEqual(['gke_cockroachdb']);
    expect(Object.keys(doc.resource.google_container_node_pool)).toEqual(['gke_pool_cockroachdb']);
  });
});

describe('GkeCluster options', () => {
  test('zonal cluster', () => {
    const r = gke({ location: GkeLocation.zonal('europe-west1-c'), nodePool: { nodesPerZone: 3 } });
    expect(r.json).toHaveResourceWithProperties(ContainerCluster, { location: 'europe-west1-c' });
    expect(r.resources('google_container_cluster')[0].node_locations).toBeUndefined();
    expect(r.json).toHaveResourceWithProperties(ContainerNodePool, { location: 'europe-west1-c', node_count: 3 });
  });

  test('location and gcloud flag: --region for a regional cluster, --zone for a zonal one', () => {
    let regional: GkeCluster | undefined;
    let zonal: GkeCluster | undefined;
    synthScope((scope) => {
      regional = new GkeCluster(scope, 'Regional', { description: description() });
      zonal = new GkeCluster(scope, 'Zonal', { description: description({ gkeClusterName: 'crdb-zonal' }), location: GkeLocation.zonal('europe-west1-c'), nodePool: { nodesPerZone: 3 } });
    });
    expect(regional!.location).toBe('europe-west1');
    expect(regional!.gcloudLocationFlag).toBe('--region europe-west1');
    expect(zonal!.location).toBe('europe-west1-c');
    expect(zonal!.gcloudLocationFlag).toBe('--zone europe-west1-c');
  });

  test('a VPC network and subnetwork of one\'s own', () => {
    const r = gke({ network: 'crdb-vpc', subnetwork: 'crdb-europe-west1' });
    expect(r.json).toHaveResourceWithProperties(ContainerCluster, { network: 'crdb-vpc', subnetwork: 'crdb-europe-west1' });
  });

  test('private nodes and master authorized networks', () => {
    const r = gke({ privateNodesMasterCidr: '172.16.0.0/28', masterAuthorizedNetworks: [{ cidrBlock: '203.0.113.0/24', displayName: 'office' }] });
    expect(r.json).toHaveResourceWithProperties(ContainerCluster, {
      private_cluster_config: { enable_private_nodes: true, enable_private_endpoint: false, master_ipv4_cidr_block: '172.16.0.0/28' },
      master_authorized_networks_config: { cidr_blocks: [{ cidr_block: '203.0.113.0/24', display_name: 'office' }] },
    });
  });

  test('autoscaling, machine and disk, channel, labels, deletion protection off', () => {
    const r = gke({
      nodePool: { autoscaling: { minNodesPerZone: 1, maxNodesPerZone: 3 }, machineType: 'n2-highmem-8', diskType: NodeDiskType.PD_SSD, diskSizeGb: 200 },
      releaseChannel: ReleaseChannel.STABLE, labels: { team: 'data' }, deletionProtection: false,
    });
    const [pool] = r.resources('google_container_node_pool');
    expect(pool.autoscaling).toEqual({ min_node_count: 1, max_node_count: 3 });
    expect(pool.node_count).toBeUndefined();
    expect(pool.node_config).toMatchObject({ machine_type: 'n2-highmem-8', disk_type: 'pd-ssd', disk_size_gb: 200, labels: { team: 'data' } });
    expect(r.json).toHaveResourceWithProperties(ContainerCluster, { release_channel: { channel: 'STABLE' }, deletion_protection: false, resource_labels: { team: 'data' } });
  });
});

/** [what, props, prop named in the error] */
const BAD: Array<[string, Partial<GkeClusterProps>, string]> = [
  ['zero nodes per zone', { nodePool: { nodesPerZone: 0 } }, 'nodePool.nodesPerZone'],
  ['fractional nodes per zone', { nodePool: { nodesPerZone: 1.5 } }, 'nodePool.nodesPerZone'],
  ['a zonal cluster with fewer than 3 nodes', { location: GkeLocation.zonal('europe-west1-b'), nodePool: { nodesPerZone: 2 } }, 'nodePool.nodesPerZone, nodePool.autoscaling, location'],
  ['autoscaling min above max', { nodePool: { autoscaling: { minNodesPerZone: 4, maxNodesPerZone: 2 } } }, 'nodePool.autoscaling'],
  ['autoscaling down to zero nodes', { nodePool: { autoscaling: { minNodesPerZone: 0, maxNodesPerZone: 2 } } }, 'nodePool.nodesPerZone, nodePool.autoscaling, location'],
  ['boot disk too small', { nodePool: { diskSizeGb: 5 } }, 'nodePool.diskSizeGb'],
  ['boot disk size fractional', { nodePool: { diskSizeGb: 100.5 } }, 'nodePool.diskSizeGb'],
  ['unknown disk type', { nodePool: { diskType: 'hdd' as NodeDiskType } }, 'nodePool.diskType'],
  ['machine type malformed', { nodePool: { machineType: 'N2 Standard 8' } }, 'nodePool.machineType'],
  ['zone outside the region', { location: GkeLocation.zonal('us-central1-a') }, 'location'],
  ['private control plane range not /28', { privateNodesMasterCidr: '172.16.0.0/24' }, 'privateNodesMasterCidr'],
  ['authorized network not a CIDR', { masterAuthorizedNetworks: [{ cidrBlock: '203.0.113.7' }] }, 'masterAuthorizedNetworks[0].cidrBlock'],
  ['label key with uppercase', { labels: { Team: 'data' } }, 'labels'],
  ['more than 64 labels', { labels: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`l${i}`, 'x'])) }, 'labels'],
  ['negative surge', { nodePool: { maxSurge: -1 } }, 'nodePool.maxSurge'],
  ['surge above 100', { nodePool: { maxSurge: 101 } }, 'nodePool.maxSurge'],
  ['fractional unavailability', { nodePool: { maxUnavailable: 0.5 } }, 'nodePool.maxUnavailable'],
  ['unavailability above 100', { nodePool: { maxUnavailable: 101 } }, 'nodePool.maxUnavailable'],
  ['negative autoscaling minimum', { nodePool: { autoscaling: { minNodesPerZone: -1, maxNodesPerZone: 3 } } }, 'nodePool.autoscaling.minNodesPerZone'],
  ['autoscaling minimum above 1000', { nodePool: { autoscaling: { minNodesPerZone: 1001, maxNodesPerZone: 1000 } } }, 'nodePool.autoscaling.minNodesPerZone'],
  ['autoscaling maximum of zero', { nodePool: { autoscaling: { minNodesPerZone: 1, maxNodesPerZone: 0 } } }, 'nodePool.autoscaling.maxNodesPerZone'],
  ['autoscaling maximum above 1000', { nodePool: { autoscaling: { minNodesPerZone: 1, maxNodesPerZone: 1001 } } }, 'nodePool.autoscaling.maxNodesPerZone'],
  ['no surge and no unavailability', { nodePool: { maxSurge: 0, maxUnavailable: 0 } }, 'nodePool.maxSurge, nodePool.maxUnavailable'],
  ['unknown release channel', { releaseChannel: 'BETA' as ReleaseChannel }, 'releaseChannel'],
];

describe('GkeCluster errors are thrown', () => {
  test.each(BAD)('%s', (_what, props, prop) => {
    const error = configError(() => gke(props));
    expect(error.prop).toBe(prop);
    expect(error.message).toMatch(/received .+; (expected|CockroachDB needs|the minimum|an upgrade)/);
  });
});
