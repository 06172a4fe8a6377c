import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { Testing } from 'cdktf';
import {
  BACKUP_KEY_STACK_APIS, BackupKeyStack, BACKUPS_STACK_APIS, BackupsStack, BackupStorageClass, GKE_STACK_APIS, GkeLocation, GkeStack,
  StateBackend,
} from '../../lib/gcp';
import { configError } from '../support/errors';
import { description } from './support';

const synthStack = (build: (app: ReturnType<typeof Testing.app>) => any) => {
  const app = Testing.app();
  return JSON.parse(Testing.synth(build(app)));
};

describe('stacks', () => {
  const d = description();

  test('BackupsStack: provider, bucket, service account, outputs', () => {
    const doc = synthStack((app) => new BackupsStack(app, 'backups', { description: d }));
    expect(doc.provider.google).toEqual([{ project: 'acme-prod-db', region: 'europe-west1' }]);
    expect(Object.keys(doc.resource).sort()).toEqual(['google_project_service', 'google_service_account', 'google_storage_bucket', 'google_storage_bucket_iam_member']);
    expect(doc.output.backup_bucket_url.value).toBe('gs://acme-crdb-backups');
    expect(doc.output.backup_service_account_email.value).toBe('${google_service_account.backup_sa_crdb_backup.email}');
  });

  test('BackupsStack: the bucket options reach the bucket', () => {
    const app = Testing.app();
    const stack = new BackupsStack(app, 'backups', {
      description: d,
      bucket: { location: 'EU', retentionDays: 7, versioning: false, forceDestroy: true, labels: { env: 'prod' }, storageClassTransitions: [{ ageDays: 30, storageClass: BackupStorageClass.NEARLINE }] },
    });
    const json = Testing.synth(stack);
    expect(json).toHaveResourceWithProperties(StorageBucket, {
      name: 'acme-crdb-backups', location: 'EU', force_destroy: true, labels: { env: 'prod' },
      retention_policy: { retention_period: 7 * 86400, is_locked: false },
    });
    expect(JSON.parse(json).resource.google_storage_bucket.backup_bucket_acme_crdb_backups.lifecycle_rule).toContainEqual(
      { action: { type: 'SetStorageClass', storage_class: 'NEARLINE' }, condition: { age: 30, with_state: 'LIVE' } });
    expect(stack.bucket.bucketUrl).toBe('gs://acme-crdb-backups');
  });

  test('GkeStack: cluster, node pool, Workload Identity after the cluster, outputs', () => {
    const doc = synthStack((app) => new GkeStack(app, 'gke', { description: d }));
    const wi = Object.values(doc.resource.google_service_account_iam_member)[0] as any;
    expect(wi.depends_on[0]).toBe('google_container_cluster.gke_cockroachdb');
    expect(doc.output.get_credentials_command.value).toBe('gcloud container clusters get-credentials cockroachdb --region europe-west1 --project acme-prod-db');
    expect(doc.output.gke_cluster_name.value).toBe('${google_container_cluster.gke_cockroachdb.name}');
    expect(doc.output.gke_endpoint.value).toBe('${google_container_cluster.gke_cockroachdb.endpoint}');
  });

  test('GkeStack: the dedicated VPC is the stack\'s, with the ranges asked for and the cluster\'s control plane range', () => {
    let stack: GkeStack | undefined;
    const doc = synthStack((app) => {
      stack = new GkeStack(app, 'gke', { description: d, network: { nodesCidr: '10.100.0.0/22' }, gke: { controlPlaneCidr: '172.16.1.0/28' } });
      return stack;
    });
    expect(stack!.network).toBe(stack!.gke.network);
    expect(stack!.network!.node.path).toBe('gke/Network');
    const [subnet] = Object.values<any>(doc.resource.google_compute_subnetwork);
    expect(subnet.ip_cidr_range).toBe('10.100.0.0/22');
    const [cluster] = Object.values<any>(doc.resource.google_container_cluster);
    expect(cluster.private_cluster_config.master_ipv4_cidr_block).toBe('172.16.1.0/28');
    const internal = Object.values<any>(doc.resource.google_compute_firewall).find((f) => f.name.endsWith('-allow-egress-internal'));
    expect(internal.destination_ranges).toContain('172.16.1.0/28');
  });

  test('GkeStack: a VPC of one\'s own, and no network made', () => {
    let stack: GkeStack | undefined;
    const doc = synthStack((app) => {
      stack = new GkeStack(app, 'gke', { description: d, gke: { network: { networkName: 'shared', subnetworkName: 'crdb', podsRangeName: 'p', servicesRangeName: 's' } } });
      return stack;
    });
    expect(stack!.network).toBeUndefined();
    expect(doc.resource.google_compute_network).toBeUndefined();
    const own = { networkName: 'shared', subnetworkName: 'crdb', podsRangeName: 'p', servicesRangeName: 's' };
    expect(configError(() => new GkeStack(Testing.app(), 'gke', { description: d, network: { nodesCidr: '10.100.0.0/22' }, gke: { network: own } })).message)
      .toBe('[gke] network: received {"nodesCidr":"10.100.0.0/22"}; expected no network options with gke.network: the ranges are those of the network given there');
  });

  test('GkeStack: a zonal cluster gets the --zone flag in its get-credentials command', () => {
    const doc = synthStack((app) => new GkeStack(app, 'gke', { description: d, gke: { location: GkeLocation.zonal('europe-west1-c'), nodePool: { nodesPerZone: 3 } } }));
    expect(doc.output.get_credentials_command.value).toBe('gcloud container clusters get-credentials cockroachdb --zone europe-west1-c --project acme-prod-db');
    expect((Object.values(doc.resource.google_container_cluster)[0] as any).location).toBe('europe-west1-c');
  });

  test('BackupKeyStack: the key is a sensitive output only', () => {
    const doc = synthStack((app) => new BackupKeyStack(app, 'key', { description: d }));
    expect(doc.output.backup_service_account_key).toEqual({
      description: expect.stringContaining('Base64-encoded JSON key'),
      sensitive: true,
      value: expect.stringMatching(/^\$\{google_service_account_key\.[^.]+\.private_key\}$/),
    });
  });

  test('every stack: its state in the backend it is given, by default a local file relative to the project', () => {
    const backend = (stack: (app: any) => any) => synthStack(stack).terraform.backend;
    expect(backend((app) => new BackupsStack(app, 'backups', { description: d }))).toEqual({ local: { path: '../../../terraform.backups.tfstate' } });
    const gcs = StateBackend.gcs();
    expect(backend((app) => new BackupsStack(app, 'backups', { description: d, stateBackend: gcs })))
      .toEqual({ gcs: { bucket: 'acme-prod-db-tfstate', prefix: 'cockroachdb/crdb/backups' } });
    expect(backend((app) => new GkeStack(app, 'gke', { description: d, stateBackend: gcs })))
      .toEqual({ gcs: { bucket: 'acme-prod-db-tfstate', prefix: 'cockroachdb/crdb/gke' } });
    expect(backend((app) => new BackupKeyStack(app, 'key', { description: d, stateBackend: gcs })))
      .toEqual({ gcs: { bucket: 'acme-prod-db-tfstate', prefix: 'cockroachdb/crdb/key' } });
  });

  test.each<[string, (app: any, enableApis?: boolean) => any, string[]]>([
    ['BackupsStack', (app, enableApis) => new BackupsStack(app, 's', { description: d, enableApis }), BACKUPS_STACK_APIS],
    ['GkeStack', (app, enableApis) => new GkeStack(app, 's', { description: d, enableApis }), GKE_STACK_APIS],
    ['BackupKeyStack', (app, enableApis) => new BackupKeyStack(app, 's', { description: d, enableApis }), BACKUP_KEY_STACK_APIS],
  ])('%s enables its APIs, never disables them, and every resource waits for them; enableApis: false leaves them out', (_what, build, apis) => {
    const doc = synthStack((app) => build(app));
    const services = Object.values(doc.resource.google_project_service);
    expect(services).toEqual(apis.map((service) => ({ project: 'acme-prod-db', service, disable_on_destroy: false, disable_dependent_services: false })));
    const addresses = apis.map((service) => `google_project_service.api_${service.replace(/[^a-z0-9]/g, '_')}`);
    for (const [type, byName] of Object.entries<any>(doc.resource)) {
      for (const resource of Object.values<any>(byName)) {
        if (type === 'google_project_service') expect(resource.depends_on).toBeUndefined();
        else expect(resource.depends_on).toEqual(expect.arrayContaining(addresses));
      }
    }
    const without = synthStack((app) => build(app, false));
    expect(without.resource.google_project_service).toBeUndefined();
    expect(JSON.stringify(without)).not.toContain('google_project_service');
  });
});
