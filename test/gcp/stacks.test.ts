import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { Testing } from 'cdktf';
import { BackupKeyStack, BackupsStack, BackupStorageClass, GkeLocation, GkeStack } from '../../lib/gcp';
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
    expect(Object.keys(doc.resource).sort()).toEqual(['google_service_account', 'google_storage_bucket', 'google_storage_bucket_iam_member']);
    expect(doc.output.backup_bucket_url.value).toBe('gs://acme-crdb-backups');
    expect(doc.output.backup_service_account_email.value).toBe('${google_service_account.backup_sa_crdb_backup.email}');
  });

  test('BackupsStack: the bucket options reach the bucket', () => {
    const app = Testing.app();
    const stack = new BackupsStack(app, 'backups', {
      description: d,
      bucket: { location: 'EU', retentionDays: 7, forceDestroy: true, labels: { env: 'prod' }, storageClassTransitions: [{ ageDays: 30, storageClass: BackupStorageClass.NEARLINE }] },
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
    expect(wi.depends_on).toEqual(['google_container_cluster.gke_cockroachdb']);
    expect(doc.output.get_credentials_command.value).toBe('gcloud container clusters get-credentials cockroachdb --region europe-west1 --project acme-prod-db');
    expect(doc.output.gke_cluster_name.value).toBe('${google_container_cluster.gke_cockroachdb.name}');
    expect(doc.output.gke_endpoint.value).toBe('${google_container_cluster.gke_cockroachdb.endpoint}');
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
});
