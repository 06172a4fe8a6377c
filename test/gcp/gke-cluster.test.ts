import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import {
  BackupsStack, ControlPlaneAccess, gkeAllocatable, GkeNetwork, MaintenanceExclusionScope, MaintenanceWindow, Weekday, GkeCluster, GkeClusterProps, GkeLocation, GkeStack, NODE_SERVICE_ACCOUNT_ROLES, NodeDiskType, NodePoolOptions,
  ReleaseChannel,
} from '../../lib/gcp';
import { DatabasePodResources } from '../../lib/shared';
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
      ip_allocation_policy: { cluster_secondary_range_name: 'pods', services_secondary_range_name: 'services' },
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

  test('a dedicated VPC of its own: the cluster runs in its network and subnetwork, on its named ranges', () => {
    const [cluster] = resources('google_container_cluster');
    expect(cluster.network).toBe('cockroachdb-vpc');
    expect(cluster.subnetwork).toBe('cockroachdb-nodes');
    const [subnet] = resources('google_compute_subnetwork');
    expect(subnet.secondary_ip_range.map((r: any) => r.range_name).sort()).toEqual(
      [cluster.ip_allocation_policy.cluster_secondary_range_name, cluster.ip_allocation_policy.services_secondary_range_name].sort());
    // The nodes are created once the NAT exists, so they can pull images.
    expect(cluster.depends_on).toEqual(expect.arrayContaining(['google_compute_subnetwork.vpc_subnet_cockroachdb', 'google_compute_router_nat.vpc_nat_cockroachdb']));
  });

  test('private nodes and a private endpoint by default, on the default /28', () => {
    expect(json).toHaveResourceWithProperties(ContainerCluster, {
      private_cluster_config: { enable_private_nodes: true, enable_private_endpoint: true, master_ipv4_cidr_block: '172.16.0.0/28' },
      master_authorized_networks_config: { cidr_blocks: [], gcp_public_cidrs_access_enabled: false },
    });
  });

  test('no client certificate: clients authenticate with IAM', () => {
    expect(json).toHaveResourceWithProperties(ContainerCluster, { master_auth: { client_certificate_config: { issue_client_certificate: false } } });
  });

  test('a weekend maintenance window, 03:00 to 11:00 UTC, no exclusions', () => {
    expect(json).toHaveResourceWithProperties(ContainerCluster, {
      maintenance_policy: { recurring_window: { start_time: '2024-01-01T03:00:00Z', end_time: '2024-01-01T11:00:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=SA,SU' } },
    });
  });

  test('the pool is never replaced over initial_node_count (unset without autoscaling, ignored once created)', () => {
    const [pool] = resources('google_container_node_pool');
    expect(pool.initial_node_count).toBeUndefined();
    expect(pool.lifecycle).toEqual({ ignore_changes: ['initial_node_count'] });
  });

  test('the node roles, each a resource of its own, the same service account for both pools', () => {
    expect(NODE_SERVICE_ACCOUNT_ROLES).toEqual([
      'roles/logging.logWriter', 'roles/monitoring.metricWriter', 'roles/monitoring.viewer', 'roles/stackdriver.resourceMetadata.writer',
    ]);
    let cluster: GkeCluster | undefined;
    synthScope((scope) => {
      cluster = new GkeCluster(scope, 'Gke', { description: description() });
    });
    expect(cluster!.node.children.map((c) => c.node.id).filter((id) => id.startsWith('NodeRole-'))).toEqual([
      'NodeRole-logging.logWriter', 'NodeRole-monitoring.metricWriter', 'NodeRole-monitoring.viewer', 'NodeRole-stackdriver.resourceMetadata.writer',
    ]);
    const [gkeCluster] = resources('google_container_cluster');
    expect(gkeCluster.node_config).toEqual({
      service_account: resources('google_container_node_pool')[0].node_config.service_account,
      workload_metadata_config: { mode: 'GKE_METADATA' },
      shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true },
    });
  });

  test('the pool\'s nodes: the cloud-platform scope (IAM decides), no legacy metadata endpoints', () => {
    const [pool] = resources('google_container_node_pool');
    expect(pool.node_config.oauth_scopes).toEqual(['https://www.googleapis.com/auth/cloud-platform']);
    expect(pool.node_config.metadata).toEqual({ 'disable-legacy-endpoints': 'true' });
  });

  test('the cluster never replaced over its short-lived default pool', () => {
    expect(resources('google_container_cluster')[0].lifecycle).toEqual({ ignore_changes: ['node_config', 'initial_node_count'] });
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

  test('a VPC of one\'s own, by its names', () => {
    const r = gke({ network: { networkName: 'shared-vpc', subnetworkName: 'crdb-europe-west1', podsRangeName: 'crdb-pods', servicesRangeName: 'crdb-svc' } });
    const link = gke({ network: { networkName: 'projects/acme-host/global/networks/shared', subnetworkName: 'projects/acme-host/regions/europe-west1/subnetworks/crdb', podsRangeName: 'p', servicesRangeName: 's' } });
    expect(link.json).toHaveResourceWithProperties(ContainerCluster, { network: 'projects/acme-host/global/networks/shared' });
    expect(r.json).toHaveResourceWithProperties(ContainerCluster, {
      network: 'shared-vpc', subnetwork: 'crdb-europe-west1',
      ip_allocation_policy: { cluster_secondary_range_name: 'crdb-pods', services_secondary_range_name: 'crdb-svc' },
    });
    expect(r.resources('google_compute_network')).toEqual([]);
  });

  test('a public endpoint for named networks', () => {
    const r = gke({ controlPlaneAccess: ControlPlaneAccess.authorizedNetworks([{ cidrBlock: '203.0.113.0/24', displayName: 'office' }]), controlPlaneCidr: '172.16.0.16/28' });
    expect(r.json).toHaveResourceWithProperties(ContainerCluster, {
      private_cluster_config: { enable_private_nodes: true, enable_private_endpoint: false, master_ipv4_cidr_block: '172.16.0.16/28' },
      master_authorized_networks_config: { cidr_blocks: [{ cidr_block: '203.0.113.0/24', display_name: 'office' }], gcp_public_cidrs_access_enabled: false },
    });
    // The dedicated VPC's firewall lets the nodes reach that control plane range.
    const internal = r.resources('google_compute_firewall').find((f) => f.name === 'cockroachdb-vpc-allow-egress-internal');
    expect(internal.destination_ranges).toContain('172.16.0.16/28');
  });

  test('a public endpoint for anyone, by name', () => {
    const r = gke({ controlPlaneAccess: ControlPlaneAccess.anywhere() });
    expect(r.json).toHaveResourceWithProperties(ContainerCluster, {
      private_cluster_config: expect.objectContaining({ enable_private_endpoint: false }),
      master_authorized_networks_config: { cidr_blocks: [{ cidr_block: '0.0.0.0/0', display_name: 'anywhere (ControlPlaneAccess.anywhere())' }], gcp_public_cidrs_access_enabled: false },
    });
  });

  test('a private endpoint with an admin range', () => {
    const r = gke({ controlPlaneAccess: ControlPlaneAccess.privateEndpoint([{ cidrBlock: '10.200.0.0/24', displayName: 'vpn' }]) });
    expect(r.json).toHaveResourceWithProperties(ContainerCluster, {
      private_cluster_config: expect.objectContaining({ enable_private_endpoint: true }),
      master_authorized_networks_config: { cidr_blocks: [{ cidr_block: '10.200.0.0/24', display_name: 'vpn' }], gcp_public_cidrs_access_enabled: false },
    });
  });

  test('a daily maintenance window crossing midnight, with exclusions', () => {
    const r = gke({
      maintenanceWindow: MaintenanceWindow.daily({
        startHourUtc: 22, durationHours: 4,
        exclusions: [
          { name: 'black-friday', startTime: '2026-11-20T00:00:00Z', endTime: '2026-12-01T00:00:00Z' },
          { name: 'year-end', startTime: '2026-12-01T00:00:00Z', endTime: '2027-02-01T00:00:00Z', scope: MaintenanceExclusionScope.NO_MINOR_UPGRADES },
        ],
      }),
    });
    expect(r.json).toHaveResourceWithProperties(ContainerCluster, {
      maintenance_policy: {
        recurring_window: { start_time: '2024-01-01T22:00:00Z', end_time: '2024-01-02T02:00:00Z', recurrence: 'FREQ=DAILY' },
        maintenance_exclusion: [
          { exclusion_name: 'black-friday', start_time: '2026-11-20T00:00:00Z', end_time: '2026-12-01T00:00:00Z', exclusion_options: { scope: 'NO_UPGRADES' } },
          { exclusion_name: 'year-end', start_time: '2026-12-01T00:00:00Z', end_time: '2027-02-01T00:00:00Z', exclusion_options: { scope: 'NO_MINOR_UPGRADES' } },
        ],
      },
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
    // GKE starts the pool at the minimum; when the autoscaler or a resize moves it, the provider would
    // otherwise plan a new pool, i.e. every database node replaced.
    expect(pool.initial_node_count).toBe(1);
    expect(pool.lifecycle).toEqual({ ignore_changes: ['initial_node_count'] });
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

/** [what, props, the whole error message] */
const BAD_ACCESS: Array<[string, Partial<GkeClusterProps>, string]> = [
  ['control plane range not a /28', { controlPlaneCidr: '172.16.0.0/24' },
    '[stack/Gke] controlPlaneCidr: received "172.16.0.0/24"; expected a /28 private (RFC 1918) IPv4 range written as its network address, e.g. "172.16.0.0/28"'],
  ['control plane range public', { controlPlaneCidr: '8.8.8.0/28' },
    '[stack/Gke] controlPlaneCidr: received "8.8.8.0/28"; expected a /28 private (RFC 1918) IPv4 range written as its network address, e.g. "172.16.0.0/28"'],
  ['control plane range with host bits', { controlPlaneCidr: '172.16.0.5/28' },
    '[stack/Gke] controlPlaneCidr: received "172.16.0.5/28"; expected a /28 private (RFC 1918) IPv4 range written as its network address, e.g. "172.16.0.0/28"'],
  ['authorized networks: an empty list', { controlPlaneAccess: ControlPlaneAccess.authorizedNetworks([]) },
    '[stack/Gke] controlPlaneAccess: received []; expected at least one network in ControlPlaneAccess.authorizedNetworks([...]); choose ControlPlaneAccess.privateEndpoint() for no public access, or ControlPlaneAccess.anywhere() to open the endpoint to every address'],
  ['authorized networks: 0.0.0.0/0 hidden in the list', { controlPlaneAccess: ControlPlaneAccess.authorizedNetworks([{ cidrBlock: '203.0.113.0/24' }, { cidrBlock: '0.0.0.0/0' }]) },
    '[stack/Gke] controlPlaneAccess.authorizedNetworks[1].cidrBlock: received "0.0.0.0/0"; expected a network narrower than every address; opening the control plane to all is ControlPlaneAccess.anywhere(), by name'],
  ['authorized network not a CIDR', { controlPlaneAccess: ControlPlaneAccess.authorizedNetworks([{ cidrBlock: '203.0.113.7' }]) },
    '[stack/Gke] controlPlaneAccess.authorizedNetworks[0].cidrBlock: received "203.0.113.7"; expected an IPv4 CIDR block such as "203.0.113.0/24"'],
  ['private endpoint network not a CIDR', { controlPlaneAccess: ControlPlaneAccess.privateEndpoint([{ cidrBlock: '10.0.0.0/33' }]) },
    '[stack/Gke] controlPlaneAccess.authorizedNetworks[0].cidrBlock: received "10.0.0.0/33"; expected an IPv4 CIDR block such as "203.0.113.0/24"'],
  ['own network: a name with uppercase', { network: { networkName: 'Shared', subnetworkName: 'crdb', podsRangeName: 'pods', servicesRangeName: 'svc' } },
    '[stack/Gke] network.networkName: received "Shared"; expected a Compute Engine name: 1 to 63 lowercase letters, digits or hyphens, starting with a letter, or a self link'],
  ['own network: an empty pods range name', { network: { networkName: 'shared', subnetworkName: 'crdb', podsRangeName: '', servicesRangeName: 'svc' } },
    '[stack/Gke] network.podsRangeName: received ""; expected a Compute Engine name: 1 to 63 lowercase letters, digits or hyphens, starting with a letter'],
  ['own network: one range for pods and Services', { network: { networkName: 'shared', subnetworkName: 'crdb', podsRangeName: 'ranges', servicesRangeName: 'ranges' } },
    '[stack/Gke] network.servicesRangeName: received "ranges"; expected a secondary range other than the pods\' range'],
  ['maintenance: start hour 24', { maintenanceWindow: MaintenanceWindow.daily({ startHourUtc: 24, durationHours: 4 }) },
    '[stack/Gke] maintenanceWindow.startHourUtc: received 24; expected an integer from 0 to 23'],
  ['maintenance: windows shorter than 4 hours', { maintenanceWindow: MaintenanceWindow.daily({ startHourUtc: 2, durationHours: 3 }) },
    '[stack/Gke] maintenanceWindow.durationHours: received 3; expected an integer from 4 to 24'],
  ['maintenance: no days', { maintenanceWindow: MaintenanceWindow.weekly({ days: [], startHourUtc: 2, durationHours: 8 }) },
    '[stack/Gke] maintenanceWindow.days: received []; expected one or more distinct weekdays'],
  ['maintenance: a day twice', { maintenanceWindow: MaintenanceWindow.weekly({ days: [Weekday.SUNDAY, Weekday.SUNDAY], startHourUtc: 2, durationHours: 8 }) },
    '[stack/Gke] maintenanceWindow.days: received ["SU","SU"]; expected one or more distinct weekdays'],
  ['maintenance: not a weekday', { maintenanceWindow: MaintenanceWindow.weekly({ days: ['SUN' as Weekday], startHourUtc: 2, durationHours: 8 }) },
    '[stack/Gke] maintenanceWindow.days[0]: received "SUN"; expected a Weekday (MONDAY … SUNDAY)'],
  ['maintenance: under 48 hours in 32 days', { maintenanceWindow: MaintenanceWindow.weekly({ days: [Weekday.SUNDAY], startHourUtc: 2, durationHours: 8 }) },
    '[stack/Gke] maintenanceWindow.days, maintenanceWindow.durationHours: received 1 day(s) × 8 h a week (32 h in 32 days); GKE requires at least 48 h of maintenance availability in any 32 days: add days or hours'],
  ['maintenance: exclusion name with spaces', { maintenanceWindow: MaintenanceWindow.daily({ startHourUtc: 2, durationHours: 4, exclusions: [{ name: 'Black Friday', startTime: '2026-11-20T00:00:00Z', endTime: '2026-11-30T00:00:00Z' }] }) },
    '[stack/Gke] maintenanceWindow.exclusions[0].name: received "Black Friday"; expected a name of 1 to 63 lowercase letters, digits or hyphens, such as "black-friday"'],
  ['maintenance: exclusion start not RFC 3339 UTC', { maintenanceWindow: MaintenanceWindow.daily({ startHourUtc: 2, durationHours: 4, exclusions: [{ name: 'peak', startTime: '2026-11-20', endTime: '2026-11-30T00:00:00Z' }] }) },
    '[stack/Gke] maintenanceWindow.exclusions[0].startTime: received "2026-11-20"; expected a UTC time in RFC 3339, e.g. "2026-11-20T00:00:00Z"'],
  ['maintenance: exclusion ends before it starts', { maintenanceWindow: MaintenanceWindow.daily({ startHourUtc: 2, durationHours: 4, exclusions: [{ name: 'peak', startTime: '2026-11-30T00:00:00Z', endTime: '2026-11-20T00:00:00Z' }] }) },
    '[stack/Gke] maintenanceWindow.exclusions[0].endTime: received "2026-11-20T00:00:00Z"; expected a time after startTime 2026-11-30T00:00:00Z'],
  ['maintenance: NO_UPGRADES longer than 30 days', { maintenanceWindow: MaintenanceWindow.daily({ startHourUtc: 2, durationHours: 4, exclusions: [{ name: 'freeze', startTime: '2026-11-01T00:00:00Z', endTime: '2026-12-15T00:00:00Z' }] }) },
    '[stack/Gke] maintenanceWindow.exclusions[0].endTime: received "2026-12-15T00:00:00Z"; expected at most 30 days after startTime for a NO_UPGRADES exclusion (GKE\'s limit); longer ones hold back minor upgrades only (NO_MINOR_UPGRADES)'],
  ['maintenance: an exclusion name twice', { maintenanceWindow: MaintenanceWindow.daily({ startHourUtc: 2, durationHours: 4, exclusions: [
    { name: 'peak', startTime: '2026-11-01T00:00:00Z', endTime: '2026-11-02T00:00:00Z' }, { name: 'peak', startTime: '2026-12-01T00:00:00Z', endTime: '2026-12-02T00:00:00Z' }] }) },
    '[stack/Gke] maintenanceWindow.exclusions[1].name: received "peak"; expected each exclusion name once'],
];

describe('GkeCluster control plane and maintenance errors are thrown, in full', () => {
  test.each(BAD_ACCESS)('%s', (_what, props, message) => {
    expect(configError(() => gke(props)).message).toBe(message);
  });

  test('a control plane range other than the one the network\'s firewall allows', () => {
    const error = configError(() => synthScope((scope) => {
      const network = new GkeNetwork(scope, 'Net', { description: description() });
      new GkeCluster(scope, 'Gke', { description: description(), network, controlPlaneCidr: '172.16.0.32/28' });
    }));
    expect(error.message).toBe('[stack/Gke] controlPlaneCidr, network: received "172.16.0.32/28" and a network whose firewall allows the control plane at "172.16.0.0/28"; expected the same range in both (set the network\'s controlPlaneCidr)');
  });
});

describe('GkeCluster node pool limits, at their edges', () => {
  test.each<[string, NodePoolOptions, string]>([
    ['a machine type of a three-character family', { machineType: 'c3d-standard-8' }, 'c3d-standard-8'],
    ['autoscaling with its minimum equal to its maximum', { autoscaling: { minNodesPerZone: 2, maxNodesPerZone: 2 } }, 'n2-standard-8'],
    ['no surge, one node unavailable at a time', { maxSurge: 0, maxUnavailable: 1 }, 'n2-standard-8'],
  ])('accepted: %s', (_what, nodePool, machineType) => {
    expect(gke({ nodePool }).resources('google_container_node_pool')[0].node_config.machine_type).toBe(machineType);
  });

  test.each<[string, Partial<GkeClusterProps>, string, string[]?]>([
    ['a machine type after other text', { nodePool: { machineType: '1n2-standard-8' } },
      '[stack/Gke] nodePool.machineType: received "1n2-standard-8"; expected a Compute Engine machine type such as "n2-standard-8"'],
    ['a machine type before other text', { nodePool: { machineType: 'n2-standard-8!' } },
      '[stack/Gke] nodePool.machineType: received "n2-standard-8!"; expected a Compute Engine machine type such as "n2-standard-8"'],
    ['a disk type GKE does not have', { nodePool: { diskType: 'pd-extreme' as NodeDiskType } },
      '[stack/Gke] nodePool.diskType: received "pd-extreme"; expected one of pd-balanced, pd-ssd, pd-standard'],
    ['a stated size with the known memory but other vCPUs', { nodePool: { machineSize: { vcpus: 4, memoryGib: 32 } } },
      '[stack/Gke] nodePool.machineSize: received {"vcpus":4,"memoryGib":32}; expected the size of n2-standard-8 (8 vCPUs, 32 GiB) or no machineSize: the library knows this machine type'],
    ['own network: a range name with a trailing underscore', { network: { networkName: 'shared', subnetworkName: 'crdb', podsRangeName: 'pods_', servicesRangeName: 'svc' } },
      '[stack/Gke] network.podsRangeName: received "pods_"; expected a Compute Engine name: 1 to 63 lowercase letters, digits or hyphens, starting with a letter'],
    ['own network: a self link after other text', { network: { networkName: 'xprojects/acme-host/global/networks/shared', subnetworkName: 'crdb', podsRangeName: 'p', servicesRangeName: 's' } },
      '[stack/Gke] network.networkName: received "xprojects/acme-host/global/networks/shared"; expected a Compute Engine name: 1 to 63 lowercase letters, digits or hyphens, starting with a letter, or a self link'],
    ['own network: a self link before other text', { network: { networkName: 'shared', subnetworkName: 'projects/acme-host/regions/europe-west1/subnetworks/crdb/', podsRangeName: 'p', servicesRangeName: 's' } },
      '[stack/Gke] network.subnetworkName: received "projects/acme-host/regions/europe-west1/subnetworks/crdb/"; expected a Compute Engine name: 1 to 63 lowercase letters, digits or hyphens, starting with a letter, or a self link'],
    ['one node in each of two zones', {},
      '[stack/Gke] nodePool.nodesPerZone, nodePool.autoscaling, location: received 1 node(s) per zone × 2 zone(s) = 2; CockroachDB needs at least 3 nodes to keep three replicas on distinct hosts. Raise nodesPerZone (or the autoscaling minimum), or use a regional cluster',
      ['europe-west1-b', 'europe-west1-c']],
  ])('refused, in full: %s', (...[, props, message, zones]) => {
    expect(configError(() => gke(props, description({ zones }))).message).toBe(message);
  });
});

describe('GkeCluster errors are thrown', () => {
  test.each(BAD)('%s', (_what, props, prop) => {
    const error = configError(() => gke(props));
    expect(error.prop).toBe(prop);
    expect(error.message).toMatch(/received .+; (expected|CockroachDB needs|the minimum|an upgrade)/);
  });
});

// One description for both halves: the pods' size (databasePod) against the node pool's machine type.
describe('the database pods fit a node of the pool', () => {
  const pod = (cpuCores: number, memoryGib: number): DatabasePodResources => ({ cpuCores, memoryGib });

  test.each<[string, NodePoolOptions, DatabasePodResources | undefined]>([
    ['the default n2-standard-8 and the GKE profile\'s 4 CPU and 16 GiB', {}, pod(4, 16)],
    ['exactly what GKE leaves on an n2-standard-8', {}, gkeAllocatable({ vcpus: 8, memoryGib: 32 })],
    ['a custom machine type', { machineType: 'n2-custom-6-24576' }, pod(4, 16)],
    ['an unknown machine type with its size stated', { machineType: 'm3-megamem-64', machineSize: { vcpus: 64, memoryGib: 976 } }, pod(32, 512)],
    ['a known machine type with its own size stated', { machineType: 'n2-highmem-8', machineSize: { vcpus: 8, memoryGib: 64 } }, pod(4, 48)],
    ['no databasePod: an unknown machine type is not checked', { machineType: 'm3-megamem-64' }, undefined],
    ['no databasePod: a small machine type is not checked', { machineType: 'e2-standard-2' }, undefined],
  ])('%s', (_what, nodePool, databasePod) => {
    const { resources } = gke({ nodePool }, description({ databasePod }));
    expect(resources('google_container_node_pool')[0].node_config.machine_type).toBe(nodePool.machineType ?? 'n2-standard-8');
  });
});

/** [what, databasePod, node pool, the whole error message] */
const MISFITS: Array<[string, DatabasePodResources, NodePoolOptions, string]> = [
  ['too little CPU: 4 CPU on an n2-standard-4 (3.92 left)', { cpuCores: 4, memoryGib: 8 }, { machineType: 'n2-standard-4' },
    '[crdb-gke/Gke] nodePool.machineType, description.databasePod: received "n2-standard-4" (4 vCPUs, 16 GiB) and database pods of 4 CPU and 8 GiB; GKE leaves 3.92 CPU and 13.3 GiB of such a node to pods, so the pods would stay Pending. Choose "n2-standard-8" or larger, or smaller pods'],
  ['the README\'s example: the GKE profile\'s pods on an n2-standard-4', { cpuCores: 4, memoryGib: 16 }, { machineType: 'n2-standard-4' },
    '[crdb-gke/Gke] nodePool.machineType, description.databasePod: received "n2-standard-4" (4 vCPUs, 16 GiB) and database pods of 4 CPU and 16 GiB; GKE leaves 3.92 CPU and 13.3 GiB of such a node to pods, so the pods would stay Pending. Choose "n2-standard-8" or larger, or smaller pods'],
  ['too little memory: 16 GiB on an n2-highcpu-16', { cpuCores: 4, memoryGib: 16 }, { machineType: 'n2-highcpu-16' },
    '[crdb-gke/Gke] nodePool.machineType, description.databasePod: received "n2-highcpu-16" (16 vCPUs, 16 GiB) and database pods of 4 CPU and 16 GiB; GKE leaves 15.89 CPU and 13.3 GiB of such a node to pods, so the pods would stay Pending. Choose "n2-highcpu-32" or larger, or smaller pods'],
  ['CPU just above what the default n2-standard-8 leaves', { cpuCores: 7.92, memoryGib: 16 }, {},
    '[crdb-gke/Gke] nodePool.machineType, description.databasePod: received "n2-standard-8" (8 vCPUs, 32 GiB) and database pods of 7.92 CPU and 16 GiB; GKE leaves 7.91 CPU and 28.34 GiB of such a node to pods, so the pods would stay Pending. Choose "n2-standard-16" or larger, or smaller pods'],
  ['memory just above what the default n2-standard-8 leaves', { cpuCores: 4, memoryGib: 28.35 }, {},
    '[crdb-gke/Gke] nodePool.machineType, description.databasePod: received "n2-standard-8" (8 vCPUs, 32 GiB) and database pods of 4 CPU and 28.35 GiB; GKE leaves 7.91 CPU and 28.34 GiB of such a node to pods, so the pods would stay Pending. Choose "n2-standard-16" or larger, or smaller pods'],
  ['no machine type of the family is large enough', { cpuCores: 64, memoryGib: 16 }, { machineType: 'e2-standard-32' },
    '[crdb-gke/Gke] nodePool.machineType, description.databasePod: received "e2-standard-32" (32 vCPUs, 128 GiB) and database pods of 64 CPU and 16 GiB; GKE leaves 31.85 CPU and 118.58 GiB of such a node to pods, so the pods would stay Pending. Choose a machine type with more CPU and memory, or smaller pods'],
  ['a custom machine type too small', { cpuCores: 4, memoryGib: 16 }, { machineType: 'n2-custom-4-16384' },
    '[crdb-gke/Gke] nodePool.machineType, description.databasePod: received "n2-custom-4-16384" (4 vCPUs, 16 GiB) and database pods of 4 CPU and 16 GiB; GKE leaves 3.92 CPU and 13.3 GiB of such a node to pods, so the pods would stay Pending. Choose a machine type with more CPU and memory, or smaller pods'],
  ['the stated size of an unknown machine type too small', { cpuCores: 2, memoryGib: 4 }, { machineType: 'm3-megamem-64', machineSize: { vcpus: 2, memoryGib: 8 } },
    '[crdb-gke/Gke] nodePool.machineType, description.databasePod: received "m3-megamem-64" (2 vCPUs, 8 GiB) and database pods of 2 CPU and 4 GiB; GKE leaves 1.93 CPU and 6.1 GiB of such a node to pods, so the pods would stay Pending. Choose a machine type with more CPU and memory, or smaller pods'],
  ['an unknown machine type without its size', { cpuCores: 4, memoryGib: 16 }, { machineType: 'm3-megamem-64' },
    '[crdb-gke/Gke] nodePool.machineType: received "m3-megamem-64"; the library does not know this machine type\'s size, so it cannot check that a database pod (4 CPU and 16 GiB, description.databasePod) fits a node: state it in nodePool.machineSize, e.g. { vcpus: 8, memoryGib: 32 }'],
  ['a stated size that contradicts the table', { cpuCores: 4, memoryGib: 16 }, { machineSize: { vcpus: 16, memoryGib: 64 } },
    '[crdb-gke/Gke] nodePool.machineSize: received {"vcpus":16,"memoryGib":64}; expected the size of n2-standard-8 (8 vCPUs, 32 GiB) or no machineSize: the library knows this machine type'],
  ['a stated memory that contradicts the table', { cpuCores: 4, memoryGib: 16 }, { machineSize: { vcpus: 8, memoryGib: 30 } },
    '[crdb-gke/Gke] nodePool.machineSize: received {"vcpus":8,"memoryGib":30}; expected the size of n2-standard-8 (8 vCPUs, 32 GiB) or no machineSize: the library knows this machine type'],
  ['a fractional vCPU count', { cpuCores: 1, memoryGib: 1 }, { machineType: 'm3-megamem-64', machineSize: { vcpus: 0.5, memoryGib: 4 } },
    '[crdb-gke/Gke] nodePool.machineSize.vcpus: received 0.5; expected an integer from 1 to 1000'],
  ['no memory', { cpuCores: 1, memoryGib: 1 }, { machineType: 'm3-megamem-64', machineSize: { vcpus: 4, memoryGib: 0 } },
    '[crdb-gke/Gke] nodePool.machineSize.memoryGib: received 0; expected a positive, finite number of GiB'],
  ['memory as a string', { cpuCores: 1, memoryGib: 1 }, { machineType: 'm3-megamem-64', machineSize: { vcpus: 4, memoryGib: '16' as unknown as number } },
    '[crdb-gke/Gke] nodePool.machineSize.memoryGib: received "16"; expected a positive, finite number of GiB'],
  ['infinite memory', { cpuCores: 1, memoryGib: 1 }, { machineType: 'm3-megamem-64', machineSize: { vcpus: 4, memoryGib: Infinity } },
    '[crdb-gke/Gke] nodePool.machineSize.memoryGib: received Infinity; expected a positive, finite number of GiB'],
];

describe('a machine type too small for the database pods fails the app\'s synth, and nothing is written', () => {
  const parents: string[] = [];
  const outdir = () => {
    parents.push(fs.mkdtempSync(path.join(os.tmpdir(), 'crdb-gcp-bad-')));
    return path.join(parents[parents.length - 1], 'cdktf.out');
  };
  afterAll(() => {
    for (const dir of parents) fs.rmSync(dir, { recursive: true, force: true });
  });
  /** The files under a folder (cdktf's App makes the empty folders <outdir>/stacks/ when it is created). */
  const filesUnder = (dir: string) => fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
  /** Both stacks from one description, as a cdktf app of one's own builds them. */
  const synthToDisk = (dir: string, databasePod: DatabasePodResources, nodePool: NodePoolOptions) => {
    const app = new App({ outdir: dir, stackTraces: false });
    const d = description({ databasePod });
    new BackupsStack(app, 'crdb-backups', { description: d });
    new GkeStack(app, 'crdb-gke', { description: d, gke: { nodePool } });
    app.synth();
  };

  test('control: pods that fit write both stacks', () => {
    const dir = outdir();
    synthToDisk(dir, { cpuCores: 4, memoryGib: 16 }, {});
    expect(filesUnder(dir)).toEqual(['manifest.json', 'stacks/crdb-backups/cdk.tf.json', 'stacks/crdb-gke/cdk.tf.json']);
  });

  test.each(MISFITS)('%s', (_what, databasePod, nodePool, message) => {
    const dir = outdir();
    const error = configError(() => synthToDisk(dir, databasePod, nodePool));
    expect(error.message).toBe(message);
    expect(filesUnder(dir)).toEqual([]);
  });
});
