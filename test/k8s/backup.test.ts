import { BackupDestination, DeploymentDescription, FullBackup, RestoreTarget, SqlSecret } from '../../lib/k8s';

describe('BackupDestination', () => {
  test('gcs: implicit credentials', () => {
    const d = BackupDestination.gcs('acme-backups', 'cluster');
    expect(d.location).toBe('gs://acme-backups/cluster');
    expect(d.toString()).toBe('gs://acme-backups/cluster?AUTH=implicit');
    expect(d._uriParts()).toEqual([{ sql: "'gs://acme-backups/cluster?AUTH=implicit'" }]);
  });

  test('from the shared deployment description', () => {
    const desc = DeploymentDescription.of({ projectId: 'acme-prod-db', region: 'europe-west1', bucketName: 'acme-crdb-backups', backupPath: 'prod/cluster' });
    expect(BackupDestination.fromDeployment(desc).toString()).toBe(desc.backupUri);
  });

  test('with a key from a Secret: a run-time part, never the key', () => {
    const d = BackupDestination.gcsWithKey('acme-backups', 'cluster', SqlSecret.fromSecret('gcs-key', 'key.json'));
    expect(d.toString()).toBe('gs://acme-backups/cluster?AUTH=specified&CREDENTIALS=<gcs-key/key.json>');
    expect(d._uriParts()).toEqual([
      { sql: "'gs://acme-backups/cluster?AUTH=specified&CREDENTIALS=" },
      { secretUriCredentials: SqlSecret.fromSecret('gcs-key', 'key.json') },
      { sql: "'" },
    ]);
  });
});

describe('FullBackup and RestoreTarget', () => {
  test('factories', () => {
    expect(FullBackup.every('@daily').cron).toBe('@daily');
    expect(FullBackup.always().cron).toBeUndefined();
    expect(RestoreTarget.cluster().kind).toBe('cluster');
    expect(RestoreTarget.database('shop', { newName: 'shop2' })).toMatchObject({ kind: 'database', database: 'shop', renameTo: 'shop2' });
    expect(RestoreTarget.table('shop', 'orders')).toMatchObject({ kind: 'table', database: 'shop', table: 'orders', schema: 'public' });
  });
});
