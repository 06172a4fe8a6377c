import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CockroachConfigError } from '../shared/errors';
import { RegionDescription } from '../shared/regions';
import { checkInteger, reject } from '../shared/validate';
import { BackupWorkloadIdentity } from './backup-identity';
import { CockroachCertificateAuthority } from './certificate-authority';
import { CockroachCloudMonitoring } from './cloud-monitoring';
import { GkeCluster, GkeClusterProps } from './gke-cluster';
import { MaintenanceWindow, Weekday } from './maintenance-window';
import { MultiRegionNetwork } from './multi-region-network';
import { namedOutput } from './outputs';
import { credentialsOutput, setUpStack } from './private/stack-setup';
import { MULTI_REGION_GKE_STACK_APIS, ProjectApis } from './project-apis';
import { BackupsStack, BackupsStackProps, CockroachStackProps } from './stacks';

/**
 * Regions whose clusters {@link staggeredMaintenanceWindow} keeps apart. GKE wants 48 hours of maintenance
 * in any 32 days of each cluster, 12 hours a week at least, and a week holds fourteen such windows.
 */
export const MAX_STAGGERED_REGIONS = 14;
/** The weekend first: the first two regions are maintained on Saturday and Sunday. */
const STAGGER_DAYS = [Weekday.SATURDAY, Weekday.SUNDAY, Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY];
const HOURS = 12;

/**
 * The maintenance window of the region at `index` (0 to 13) of a multi-region deployment: one day a week,
 * twelve hours, UTC, a different day or half-day for each region, so that GKE never upgrades two regions
 * at the same time (CockroachDB survives one region down, not two). Regions 0 to 6 get 00:00–12:00 on
 * Saturday, Sunday, Monday … Friday, with twelve hours between two regions' windows; regions 7 to 13 the
 * same days' 12:00–24:00. Twelve hours once a week are GKE's minimum (48 hours in any 32 days).
 */
export function staggeredMaintenanceWindow(index: number): MaintenanceWindow {
  checkInteger('staggeredMaintenanceWindow', 'index', index, 0, MAX_STAGGERED_REGIONS - 1);
  return MaintenanceWindow.weekly({ days: [STAGGER_DAYS[index % STAGGER_DAYS.length]], startHourUtc: index < STAGGER_DAYS.length ? 0 : HOURS, durationHours: HOURS });
}

/** The clusters' options, the same in every region (each region's own values come from the description). */
export type MultiRegionClusterOptions = Pick<GkeClusterProps, 'nodePool' | 'releaseChannel' | 'controlPlaneAccess' | 'deletionProtection' | 'labels'>;

/** Properties of {@link MultiRegionGkeStack}. */
export interface MultiRegionGkeStackProps extends CockroachStackProps {
  /**
   * The clusters' options.
   * @default - regional, safer-cluster defaults; each region's machine type and node count from the description
   */
  readonly gke?: MultiRegionClusterOptions;
  /**
   * Each region's maintenance window, in the description's order. No two may share an hour of the week:
   * GKE would upgrade two regions at once.
   * @default - staggeredMaintenanceWindow(i) for the region at i
   */
  readonly maintenanceWindows?: readonly MaintenanceWindow[];
}

/**
 * The Google Cloud side of a multi-region deployment (the description's `regions`), but for its backups
 * ({@link BackupsStack}, deployed first: see {@link multiRegionStacks}): one VPC
 * ({@link MultiRegionNetwork}), a GKE cluster per region ({@link GkeCluster} with `region`: Cloud DNS for
 * GKE serves each region's names to the VPC) with staggered maintenance windows, the CA every region issues
 * from ({@link CockroachCertificateAuthority}), and the one Workload Identity binding of the CockroachDB
 * pods to the backup service account (the same member in every region: the clusters share the project's
 * identity pool). With the description's `monitoring`, also the Cloud Monitoring dashboard and alert
 * policies once, over the series of every region's cluster.
 *
 * Outputs, per region (`-` in its name as `_`): `gke_cluster_name_<region>`, `gke_location_<region>` and
 * `get_credentials_command_<region>`; with monitoring, `monitoring_dashboard_id`.
 */
export class MultiRegionGkeStack extends TerraformStack {
  /** The shared VPC. */
  public readonly network: MultiRegionNetwork;
  /** The GKE clusters, in the description's order (the primary region first). */
  public readonly clusters: readonly GkeCluster[];
  /** The CA pool, its root CA and the issuers' service account. */
  public readonly certificateAuthority: CockroachCertificateAuthority;
  /** The Workload Identity binding of the CockroachDB pods' ServiceAccount to the backup service account. */
  public readonly workloadIdentity: BackupWorkloadIdentity;
  /** The APIs the stack enables ({@link MULTI_REGION_GKE_STACK_APIS}); undefined with `enableApis: false`. */
  public readonly apis: ProjectApis | undefined;
  /** The dashboard, alert policies and notification channels; undefined without the description's `monitoring`. */
  public readonly monitoring: CockroachCloudMonitoring | undefined;

  constructor(scope: Construct, id: string, props: MultiRegionGkeStackProps) {
    super(scope, id);
    const d = props.description;
    if (!d.isMultiRegion) {
      reject(this, 'description.regions', d.regions, 'expected a multi-region description (regions): GkeStack deploys one region');
    }
    if (d.regions.length > MAX_STAGGERED_REGIONS) {
      reject(this, 'description.regions', `${d.regions.length} regions`, `expected at most ${MAX_STAGGERED_REGIONS}: each GKE cluster needs 12 hours of maintenance a week (48 in any 32 days), and a week holds ${MAX_STAGGERED_REGIONS} such windows that never overlap`);
    }
    const windows = props.maintenanceWindows ?? d.regions.map((r) => staggeredMaintenanceWindow(r.index));
    checkStaggered(this, d.regions, windows);

    this.apis = setUpStack(this, props, MULTI_REGION_GKE_STACK_APIS);
    this.network = new MultiRegionNetwork(this, 'Network', { description: d });
    this.clusters = d.regions.map((region) => new GkeCluster(this, `Gke-${region.region}`, {
      ...props.gke, description: d, region, network: this.network.forRegion(region), maintenanceWindow: windows[region.index],
    }));
    // The project's identity pool exists once a cluster with Workload Identity does.
    const clusters = this.clusters.map((c) => c.cluster);
    this.workloadIdentity = new BackupWorkloadIdentity(this, 'BackupWorkloadIdentity', { description: d, dependsOn: clusters });
    this.certificateAuthority = new CockroachCertificateAuthority(this, 'CertificateAuthority', { description: d, dependsOn: clusters });
    for (const gke of this.clusters) {
      const suffix = gke.region!.region.replace(/-/g, '_');
      namedOutput(this, `gke_cluster_name_${suffix}`, gke.cluster.name, `GKE cluster of ${gke.location}`);
      namedOutput(this, `gke_location_${suffix}`, gke.location, `Location of the GKE cluster ${gke.clusterName}`);
      credentialsOutput(this, `get_credentials_command_${suffix}`, gke, d.projectId);
    }
    // No dependency on the clusters: the policies skip metric validation and stay quiet until series arrive.
    this.monitoring = d.monitoring ? new CockroachCloudMonitoring(this, 'Monitoring', { description: d }) : undefined;
    if (this.monitoring) {
      namedOutput(this, 'monitoring_dashboard_id', this.monitoring.dashboard.id, 'Cloud Monitoring dashboard of the CockroachDB cluster');
    }
  }
}

/** One window per region, and no hour of the week in two of them. */
function checkStaggered(scope: Construct, regions: readonly RegionDescription[], windows: readonly MaintenanceWindow[]): void {
  if (windows.length !== regions.length) {
    reject(scope, 'maintenanceWindows', `${windows.length} windows`, `expected one per region (${regions.length}), in the description's order`);
  }
  const hours = windows.map((w) => w.weekHours);
  hours.forEach((a, i) => hours.slice(i + 1).forEach((b, k) => {
    const j = i + 1 + k;
    const shared = a.find((h) => b.includes(h));
    if (shared !== undefined) {
      const day = Object.keys(Weekday)[Math.floor(shared / 24)];
      throw new CockroachConfigError(scope, `maintenanceWindows[${i}], maintenanceWindows[${j}]`,
        `received windows that are both open on ${day} at ${String(shared % 24).padStart(2, '0')}:00 UTC; GKE could upgrade ${regions[i].region} and ${regions[j].region} at the same time, and CockroachDB survives one region down, not two: give each region hours of its own`);
    }
  }));
}

/** Properties of {@link multiRegionStacks}. */
export interface MultiRegionStacksProps extends MultiRegionGkeStackProps {
  /**
   * The backups stack's options.
   * @default - the bucket in the description's backupLocation, versioned; no Data Access audit logs
   */
  readonly backups?: Omit<BackupsStackProps, keyof CockroachStackProps>;
}

/** The two stacks of a multi-region deployment. */
export interface MultiRegionStacks {
  /** The backup bucket (in the description's multi-region backupLocation) and the backup service account. */
  readonly backups: BackupsStack;
  /** The network, the regions' GKE clusters, the CA and the Workload Identity bindings. */
  readonly gke: MultiRegionGkeStack;
}

/**
 * The stacks of a multi-region deployment, as a one-region app has them: backups first
 * ({@link BackupsStack}: one bucket in the description's multi-region `backupLocation`, which every region's
 * nodes write to and which outlives any one region, and the backup service account), then the
 * {@link MultiRegionGkeStack}, which depends on it. `ids` names the two stacks (`cdktf deploy <id>`).
 */
export function multiRegionStacks(scope: Construct, ids: { readonly backups: string; readonly gke: string }, props: MultiRegionStacksProps): MultiRegionStacks {
  const { backups: backupsOptions, ...gkeProps } = props;
  const common: CockroachStackProps = { description: props.description, stateBackend: props.stateBackend, enableApis: props.enableApis };
  const backups = new BackupsStack(scope, ids.backups, { ...backupsOptions, ...common });
  const gke = new MultiRegionGkeStack(scope, ids.gke, gkeProps);
  gke.addDependency(backups);
  return { backups, gke };
}
