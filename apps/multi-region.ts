import { App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  BackupDestination, CockroachCluster, CockroachDbVersion, DatabasePrivilege, DatabaseRegions, GcsCredentials, Locality,
  ManagedPrometheus, MultiRegion, PodAntiAffinity, SqlSecret, SurvivalGoal, TableLocality, TopologySpread,
} from '../lib/k8s';
import { LICENSE_ORGANIZATION, MULTI_REGION_DEPLOYMENT, SECRETS } from './deployment';

/**
 * One region's part of the three-region cluster of MULTI_REGION_DEPLOYMENT, applied to that region's GKE
 * cluster (`dist/global-<region>/`). Every chart renders the same `--join` (two pods of every region) and
 * its own pods' names under its region's Cloud DNS domain; certificates come from the one CA in
 * Certificate Authority Service. Only the primary region's chart runs the init Job and the SQL: the
 * license, the database with its regions and survival goal, the user, the backups.
 */
export class MultiRegionChart extends Chart {
  public readonly cluster: CockroachCluster;

  constructor(app: App, region: string, id = 'cockroachdb') {
    const d = MULTI_REGION_DEPLOYMENT;
    super(app, id, { namespace: d.namespace, disableResourceNameHashes: true });
    const multiRegion = MultiRegion.fromDeployment(d, region);
    this.cluster = new CockroachCluster(this, 'crdb', {
      name: d.cockroachClusterName,
      version: CockroachDbVersion.V26_2_1,
      multiRegion,
      // Every region's nodes back up to the one multi-region bucket, through Workload Identity.
      gcsCredentials: GcsCredentials.fromDeployment(d),
      resources: { cpu: { limit: Cpu.units(4) }, memory: { limit: Size.gibibytes(16) } },
      storage: { size: Size.gibibytes(100), storageClassName: 'premium-rwo' },
      placement: { antiAffinity: PodAntiAffinity.required(), topologySpread: TopologySpread.acrossZones({ required: true }) },
      // region=<GKE region>,zone=<zone>: the region tier is what the databases' regions name.
      locality: Locality.fromNode(),
      networkPolicy: { namespaceDefaultDeny: true },
      managedPrometheus: ManagedPrometheus.fromDeployment(d),
    });
    if (!multiRegion.isPrimaryRegion) return;
    this.cluster.setLicense({ organization: LICENSE_ORGANIZATION, key: SqlSecret.fromSecret(SECRETS.license, 'license') });
    // Every region of the description, the primary first; three replicas' majority outlives any one region.
    const shop = this.cluster.addDatabase('shop', { regions: DatabaseRegions.of(multiRegion.regions, SurvivalGoal.REGION_FAILURE) });
    // Orders are read and written where the customer is; the catalogue is read everywhere, written rarely.
    shop.setTableLocality('orders', TableLocality.regionalByRow());
    shop.setTableLocality('products', TableLocality.global());
    const appUser = this.cluster.addUser('app', { clientCertificate: true });
    shop.grant(appUser, DatabasePrivilege.ALL);
    const backups = BackupDestination.fromDeployment(d, 'global');
    this.cluster.addBackupSchedule('backup_cluster', { destination: backups });
    this.cluster.addBackupInspection(backups);
    this.cluster.addSqlClient();
  }
}
