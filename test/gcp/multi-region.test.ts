import { Testing } from 'cdktf';
import {
  ControlPlaneAccess, MAX_STAGGERED_REGIONS, MaintenanceWindow, MULTI_REGION_GKE_STACK_APIS, MultiRegionGkeStack, multiRegionStacks, MultiRegionStacksProps,
  ReleaseChannel, staggeredMaintenanceWindow, StateBackend, Weekday,
} from '../../lib/gcp';
import { DeploymentDescription } from '../../lib/shared';
import { configError } from '../support/errors';
import { description, multiRegionDescription, REGIONS } from './support';

const monitored = multiRegionDescription({ monitoring: { notificationEmails: ['dba@example.com'] } });
const IDS = { backups: 'crdb-global-backups', gke: 'crdb-global-gke' };
const build = (props: Partial<MultiRegionStacksProps> = {}, d: DeploymentDescription = monitored) => {
  const stacks = multiRegionStacks(Testing.app(), IDS, { description: d, ...props });
  const gkeDoc = JSON.parse(Testing.synth(stacks.gke));
  const backupsDoc = JSON.parse(Testing.synth(stacks.backups));
  const all = (doc: any, type: string): any[] => Object.values(doc.resource?.[type] ?? {});
  const cluster = (region: string) => gkeDoc.resource.google_container_cluster[`gke_crdb_global_${region.replace(/-/g, '_')}`];
  const pool = (region: string) => gkeDoc.resource.google_container_node_pool[`gke_pool_crdb_global_${region.replace(/-/g, '_')}`];
  return { ...stacks, gkeDoc, backupsDoc, all, cluster, pool };
};
const CLUSTER_ADDRESSES = REGIONS.map((r) => `google_container_cluster.gke_crdb_global_${r.replace(/-/g, '_')}`);

/** The hours of the week (0 = Monday 00:00 UTC) a synthesized maintenance policy opens. */
function weekHours(policy: any): number[] {
  const { start_time: start, end_time: end, recurrence } = policy.recurring_window;
  const startHour = new Date(start).getUTCHours();
  const duration = (Date.parse(end) - Date.parse(start)) / 3_600_000;
  const days = recurrence === 'FREQ=DAILY' ? Object.values(Weekday) : recurrence.replace('FREQ=WEEKLY;BYDAY=', '').split(',');
  return days.flatMap((day: string) => Array.from({ length: duration }, (_, h) => (Object.values(Weekday).indexOf(day as Weekday) * 24 + startHour + h) % 168));
}

describe('multiRegionStacks: backups, then the regions\' clusters', () => {
  const r = build();

  test('two stacks named by the caller; the GKE stack deploys after the backups stack', () => {
    expect([r.backups.node.id, r.gke.node.id]).toEqual(['crdb-global-backups', 'crdb-global-gke']);
    expect(r.gke.dependencies).toEqual([r.backups]);
    expect(r.backups.dependencies).toEqual([]);
  });

  test('one backup bucket in the description\'s multi-region location, which outlives any region, and the backup service account', () => {
    expect(monitored.backupLocation).toBe('EU');
    expect(r.all(r.backupsDoc, 'google_storage_bucket').map((b) => [b.name, b.location])).toEqual([['crdb-book-demo-global-backups', 'EU']]);
    expect(r.all(r.backupsDoc, 'google_service_account').map((a) => a.account_id)).toEqual(['crdb-backup']);
    expect(r.all(r.gkeDoc, 'google_storage_bucket')).toEqual([]);
  });

  test.each(REGIONS)('%s: its GKE cluster, named and placed by the description, in its part of the one VPC', (region) => {
    const rd = monitored.regionOf(region);
    expect(r.cluster(region)).toMatchObject({
      name: rd.gkeClusterName, location: region, node_locations: rd.zones, network: 'crdb-global-vpc', subnetwork: rd.gkeClusterName,
      private_cluster_config: expect.objectContaining({ master_ipv4_cidr_block: rd.networkRanges.controlPlaneCidr }),
      monitoring_config: { managed_prometheus: { enabled: true }, enable_components: ['SYSTEM_COMPONENTS'] },
      workload_identity_config: { workload_pool: 'crdb-book-demo.svc.id.goog' },
    });
    expect(r.pool(region)).toMatchObject({ cluster: `\${google_container_cluster.gke_crdb_global_${region.replace(/-/g, '_')}.name}`, node_count: 1 });
  });

  test.each(REGIONS)('%s: the cluster\'s VPC-scope DNS domain is the description\'s (what the Kubernetes half advertises)', (region) => {
    expect(r.cluster(region).dns_config).toEqual({
      cluster_dns: 'CLOUD_DNS', cluster_dns_scope: 'CLUSTER_SCOPE', additive_vpc_scope_dns_domain: monitored.regionOf(region).dnsDomain,
    });
  });

  test('the clusters\' domains are distinct, so a pod name resolves to one region', () => {
    const domains = REGIONS.map((region) => r.cluster(region).dns_config.additive_vpc_scope_dns_domain);
    expect(new Set(domains).size).toBe(3);
  });

  test('maintenance windows: Saturday, Sunday and Monday 00:00–12:00 UTC, never two regions at once', () => {
    expect(REGIONS.map((region) => r.cluster(region).maintenance_policy)).toEqual(['SA', 'SU', 'MO'].map((day) => ({
      recurring_window: { start_time: '2024-01-01T00:00:00Z', end_time: '2024-01-01T12:00:00Z', recurrence: `FREQ=WEEKLY;BYDAY=${day}` },
    })));
    const hours = REGIONS.map((region) => weekHours(r.cluster(region).maintenance_policy));
    hours.forEach((a, i) => hours.slice(i + 1).forEach((b) => expect(a.filter((h) => b.includes(h))).toEqual([])));
    // Each one GKE's minimum: 12 hours a week, 48 in any 32 days.
    expect(hours.map((h) => h.length)).toEqual([12, 12, 12]);
  });

  test('one Workload Identity binding for the backups, the same member in every region, after every cluster', () => {
    const bindings = r.all(r.gkeDoc, 'google_service_account_iam_member');
    const backup = bindings.filter((b) => b.member === monitored.workloadIdentityMember);
    expect(backup).toHaveLength(1);
    expect(backup[0]).toMatchObject({
      service_account_id: 'projects/crdb-book-demo/serviceAccounts/crdb-backup@crdb-book-demo.iam.gserviceaccount.com', role: 'roles/iam.workloadIdentityUser',
    });
    expect(backup[0].depends_on).toEqual(expect.arrayContaining(CLUSTER_ADDRESSES));
    expect(monitored.workloadIdentityMember).toBe('serviceAccount:crdb-book-demo.svc.id.goog[cockroachdb-global/crdb]');
  });

  test('the CA every region issues from, its issuers\' binding after every cluster', () => {
    const names = monitored.certificateAuthority!;
    expect(r.all(r.gkeDoc, 'google_privateca_ca_pool').map((p) => [p.name, p.location])).toEqual([[names.poolName, 'europe-west1']]);
    expect(r.all(r.gkeDoc, 'google_privateca_certificate_authority').map((c) => c.certificate_authority_id)).toEqual([names.certificateAuthorityId]);
    const issuer = r.all(r.gkeDoc, 'google_service_account_iam_member').find((b) => b.member === names.issuerWorkloadIdentityMember);
    expect(issuer.depends_on).toEqual(expect.arrayContaining(CLUSTER_ADDRESSES));
  });

  test('outputs: each region\'s cluster name, location and get-credentials command, and the dashboard', () => {
    const expected: Record<string, unknown> = {};
    for (const region of REGIONS) {
      const suffix = region.replace(/-/g, '_');
      expected[`gke_cluster_name_${suffix}`] = { value: `\${google_container_cluster.gke_crdb_global_${suffix}.name}`, description: `GKE cluster of ${region}` };
      expected[`gke_location_${suffix}`] = { value: region, description: `Location of the GKE cluster crdb-global-${region}` };
      expected[`get_credentials_command_${suffix}`] = {
        value: `gcloud container clusters get-credentials crdb-global-${region} --region ${region} --project crdb-book-demo --internal-ip`,
        description: 'Configures kubectl for the cluster\'s private endpoint (run it inside the VPC, see the README)',
      };
    }
    expected.monitoring_dashboard_id = { value: '${google_monitoring_dashboard.dashboard_cockroachdb_global_crdb.id}', description: 'Cloud Monitoring dashboard of the CockroachDB cluster' };
    expect(r.gkeDoc.output).toEqual(expected);
  });

  test('Cloud Monitoring once, over every region\'s cluster', () => {
    const [dashboard] = r.all(r.gkeDoc, 'google_monitoring_dashboard');
    expect(r.all(r.gkeDoc, 'google_monitoring_dashboard')).toHaveLength(1);
    expect(dashboard.dashboard_json).toContain('cluster=~\\"crdb-global-europe-west1|crdb-global-us-east1|crdb-global-asia-southeast1\\"');
    expect(r.all(r.gkeDoc, 'google_monitoring_notification_channel')).toHaveLength(1);
    expect(r.gke.monitoring!.node.path).toBe('crdb-global-gke/Monitoring');
  });

  test('the APIs of the stack, Cloud DNS and CA Service among them; every other resource waits for them', () => {
    expect(MULTI_REGION_GKE_STACK_APIS).toEqual(expect.arrayContaining(['container.googleapis.com', 'dns.googleapis.com', 'privateca.googleapis.com']));
    expect(r.all(r.gkeDoc, 'google_project_service').map((s) => s.service).sort()).toEqual([...MULTI_REGION_GKE_STACK_APIS].sort());
    const apis = MULTI_REGION_GKE_STACK_APIS.map((s) => `google_project_service.api_${s.replace(/[^a-z0-9]/g, '_')}`);
    expect(r.cluster('us-east1').depends_on).toEqual(expect.arrayContaining(apis));
    expect(r.gke.apis!.services.map((s) => s.serviceInput)).toEqual(MULTI_REGION_GKE_STACK_APIS);
    expect(r.gkeDoc.provider.google).toEqual([{ project: 'crdb-book-demo', region: 'europe-west1' }]);
  });

  test('the escape hatches, in the description\'s order', () => {
    expect(r.gke.clusters.map((c) => c.node.path)).toEqual(REGIONS.map((region) => `crdb-global-gke/Gke-${region}`));
    expect(r.gke.clusters.map((c) => c.network)).toEqual(r.gke.network.regions);
    expect(r.gke.certificateAuthority.node.path).toBe('crdb-global-gke/CertificateAuthority');
    expect(r.gke.workloadIdentity.node.path).toBe('crdb-global-gke/BackupWorkloadIdentity');
    expect(r.gke.network.node.path).toBe('crdb-global-gke/Network');
  });
});

describe('multiRegionStacks options', () => {
  test('without monitoring: no dashboard, no managed collection, no output of it', () => {
    const r = build({}, multiRegionDescription());
    expect(r.gke.monitoring).toBeUndefined();
    expect(r.gkeDoc.resource.google_monitoring_dashboard).toBeUndefined();
    expect(r.gkeDoc.output.monitoring_dashboard_id).toBeUndefined();
    expect(r.cluster('us-east1').monitoring_config).toBeUndefined();
  });

  test('the clusters\' options reach every region', () => {
    const r = build({ gke: {
      controlPlaneAccess: ControlPlaneAccess.authorizedNetworks([{ cidrBlock: '203.0.113.0/24', displayName: 'office' }]),
      nodePool: { diskSizeGb: 200 }, releaseChannel: ReleaseChannel.STABLE, labels: { team: 'data' }, deletionProtection: false,
    } });
    for (const region of REGIONS) {
      expect(r.cluster(region)).toMatchObject({
        release_channel: { channel: 'STABLE' }, resource_labels: { team: 'data' }, deletion_protection: false,
        master_authorized_networks_config: { cidr_blocks: [{ cidr_block: '203.0.113.0/24', display_name: 'office' }], gcp_public_cidrs_access_enabled: false },
      });
      expect(r.pool(region).node_config.disk_size_gb).toBe(200);
      expect(r.gkeDoc.output[`get_credentials_command_${region.replace(/-/g, '_')}`]).toEqual({
        value: `gcloud container clusters get-credentials crdb-global-${region} --region ${region} --project crdb-book-demo`,
        description: 'Configures kubectl for the cluster',
      });
    }
  });

  test('each region\'s machine type and node count from the description', () => {
    const d = multiRegionDescription({ regions: [
      { region: 'europe-west1', zones: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'], nodes: 6 },
      { region: 'us-east1', machineType: 'n2-highmem-8' },
      { region: 'asia-southeast1', zones: ['asia-southeast1-a', 'asia-southeast1-b'], nodes: 4 },
    ] });
    const r = build({}, d);
    expect(REGIONS.map((region) => [r.pool(region).node_count, r.pool(region).node_config.machine_type])).toEqual([
      [2, 'n2-standard-8'], [1, 'n2-highmem-8'], [2, 'n2-standard-8'],
    ]);
  });

  test('maintenance windows of one\'s own, in the description\'s order', () => {
    const windows = [2, 8, 14].map((startHourUtc) => MaintenanceWindow.daily({ startHourUtc, durationHours: 4 }));
    const r = build({ maintenanceWindows: windows });
    expect(REGIONS.map((region) => r.cluster(region).maintenance_policy.recurring_window.start_time))
      .toEqual(['2024-01-01T02:00:00Z', '2024-01-01T08:00:00Z', '2024-01-01T14:00:00Z']);
  });

  test('the backups stack\'s options, and the state backend and APIs switch for both stacks', () => {
    const r = build({ backups: { dataAccessLogs: true, bucket: { retentionDays: 30, versioning: false } }, stateBackend: StateBackend.gcs(), enableApis: false });
    expect(r.backupsDoc.resource.google_project_iam_audit_config).toBeDefined();
    expect(r.all(r.backupsDoc, 'google_storage_bucket')[0].retention_policy).toEqual({ retention_period: 30 * 86400, is_locked: false });
    expect(r.backupsDoc.terraform.backend).toEqual({ gcs: { bucket: 'crdb-book-demo-tfstate', prefix: 'cockroachdb-global/crdb/crdb-global-backups' } });
    expect(r.gkeDoc.terraform.backend).toEqual({ gcs: { bucket: 'crdb-book-demo-tfstate', prefix: 'cockroachdb-global/crdb/crdb-global-gke' } });
    expect(r.backupsDoc.resource.google_project_service).toBeUndefined();
    expect(r.gkeDoc.resource.google_project_service).toBeUndefined();
    expect(r.gke.apis).toBeUndefined();
  });

  test('the backup stack\'s defaults: local state, its APIs, no audit logs', () => {
    const r = build();
    expect(r.backupsDoc.terraform.backend).toEqual({ local: { path: '../../../terraform.crdb-global-backups.tfstate' } });
    expect(r.backupsDoc.resource.google_project_service).toBeDefined();
    expect(r.backupsDoc.resource.google_project_iam_audit_config).toBeUndefined();
  });
});

describe('staggeredMaintenanceWindow', () => {
  const DAYS = ['SA', 'SU', 'MO', 'TU', 'WE', 'TH', 'FR'];
  test.each(Array.from({ length: MAX_STAGGERED_REGIONS }, (_, i) => i))('region %i: one day, twelve hours', (index) => {
    const w = staggeredMaintenanceWindow(index);
    expect([w.recurrence, w.startHourUtc, w.durationHours]).toEqual([`FREQ=WEEKLY;BYDAY=${DAYS[index % 7]}`, index < 7 ? 0 : 12, 12]);
  });

  test('fourteen windows that share no hour fill the week, each what GKE asks at least', () => {
    expect(MAX_STAGGERED_REGIONS).toBe(14);
    const hours = Array.from({ length: 14 }, (_, i) => staggeredMaintenanceWindow(i).weekHours);
    expect(hours.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 168 }, (_, h) => h));
    expect(() => new MultiRegionGkeStack(Testing.app(), 'gke', { description: monitored, maintenanceWindows: [0, 7, 13].map(staggeredMaintenanceWindow) })).not.toThrow();
  });

  test('the first seven leave twelve hours between two regions', () => {
    const starts = Array.from({ length: 7 }, (_, i) => staggeredMaintenanceWindow(i).weekHours[0]).sort((a, b) => a - b);
    expect(starts.map((s, i) => (starts[(i + 1) % 7] - s + 168) % 168)).toEqual([24, 24, 24, 24, 24, 24, 24]);
  });

  test.each([[-1], [14], [1.5]])('index %p is refused', (index) => {
    expect(configError(() => staggeredMaintenanceWindow(index)).message).toBe(`[staggeredMaintenanceWindow] index: received ${index}; expected an integer from 0 to 13`);
  });
});

/** Fifteen regions of one continent: more than a week of staggered windows holds. */
const fifteen = DeploymentDescription.of({
  projectId: 'crdb-book-demo', gkeClusterName: 'crdb', bucketName: 'crdb-book-demo-backups',
  regions: Array.from({ length: 15 }, (_, i) => ({ region: `europe-west${i + 1}` })),
});

test('fourteen regions: each its own window, the week full', () => {
  const fourteen = DeploymentDescription.of({
    projectId: 'crdb-book-demo', gkeClusterName: 'crdb', bucketName: 'crdb-book-demo-backups',
    regions: Array.from({ length: 14 }, (_, i) => ({ region: `europe-west${i + 1}` })),
  });
  const stack = new MultiRegionGkeStack(Testing.app(), 'gke', { description: fourteen });
  expect(stack.clusters.map((c) => c.cluster.maintenancePolicyInput?.recurringWindow?.recurrence)).toEqual(
    Array.from({ length: 14 }, (_, i) => `FREQ=WEEKLY;BYDAY=${['SA', 'SU', 'MO', 'TU', 'WE', 'TH', 'FR'][i % 7]}`));
});

describe('MultiRegionGkeStack errors are thrown, in full', () => {
  test.each<[string, () => unknown, string]>([
    ['a one-region description', () => new MultiRegionGkeStack(Testing.app(), 'gke', { description: description() }),
      '[gke] description.regions: received []; expected a multi-region description (regions): GkeStack deploys one region'],
    ['more regions than a week of windows', () => new MultiRegionGkeStack(Testing.app(), 'gke', { description: fifteen }),
      '[gke] description.regions: received "15 regions"; expected at most 14: each GKE cluster needs 12 hours of maintenance a week (48 in any 32 days), and a week holds 14 such windows that never overlap'],
    ['a window short', () => new MultiRegionGkeStack(Testing.app(), 'gke', { description: monitored, maintenanceWindows: [0, 1].map(staggeredMaintenanceWindow) }),
      '[gke] maintenanceWindows: received "2 windows"; expected one per region (3), in the description\'s order'],
    ['a window too many', () => new MultiRegionGkeStack(Testing.app(), 'gke', { description: monitored, maintenanceWindows: [0, 1, 2, 3].map(staggeredMaintenanceWindow) }),
      '[gke] maintenanceWindows: received "4 windows"; expected one per region (3), in the description\'s order'],
    ['two regions in one window', () => new MultiRegionGkeStack(Testing.app(), 'gke', { description: monitored, maintenanceWindows: [0, 1, 0].map(staggeredMaintenanceWindow) }),
      '[gke] maintenanceWindows[0], maintenanceWindows[2]: received windows that are both open on SATURDAY at 00:00 UTC; GKE could upgrade europe-west1 and asia-southeast1 at the same time, and CockroachDB survives one region down, not two: give each region hours of its own'],
    ['windows that share one hour, one across Sunday midnight', () => new MultiRegionGkeStack(Testing.app(), 'gke', { description: monitored, maintenanceWindows: [
      staggeredMaintenanceWindow(2), MaintenanceWindow.weekly({ days: [Weekday.TUESDAY, Weekday.THURSDAY, Weekday.FRIDAY], startHourUtc: 12, durationHours: 4 }),
      MaintenanceWindow.weekly({ days: [Weekday.SUNDAY], startHourUtc: 16, durationHours: 12 })] }),
      '[gke] maintenanceWindows[0], maintenanceWindows[2]: received windows that are both open on MONDAY at 00:00 UTC; GKE could upgrade europe-west1 and asia-southeast1 at the same time, and CockroachDB survives one region down, not two: give each region hours of its own'],
    ['a window of the second and third regions in one hour', () => new MultiRegionGkeStack(Testing.app(), 'gke', { description: monitored, maintenanceWindows: [
      MaintenanceWindow.weekly({ days: [Weekday.SATURDAY], startHourUtc: 4, durationHours: 12 }), MaintenanceWindow.daily({ startHourUtc: 22, durationHours: 4 }),
      staggeredMaintenanceWindow(9)] }),
      '[gke] maintenanceWindows[1], maintenanceWindows[2]: received windows that are both open on MONDAY at 22:00 UTC; GKE could upgrade us-east1 and asia-southeast1 at the same time, and CockroachDB survives one region down, not two: give each region hours of its own'],
  ])('%s', (_what, fn, message) => {
    expect(configError(fn).message).toBe(message);
  });
});
