import { BackupDestination, BackupEncryption, DeploymentDescription, FullBackup, RestoreTarget, SqlSecret } from '../../lib/k8s';

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

describe('BackupEncryption', () => {
  const key = 'projects/acme-prod-db/locations/europe-west1/keyRings/r/cryptoKeys/k';
  const gcsKey = SqlSecret.fromSecret('gcs-key', 'key.json');
  const passphrase = SqlSecret.fromSecret('backup-passphrase', 'passphrase');

  test('a Cloud KMS key, reached as the destination is: implicitly, or with its key', () => {
    const kms = BackupEncryption.cloudKms(key);
    expect(kms).toMatchObject({ kmsKeyId: key, passphraseSecret: undefined });
    expect(kms.toString()).toBe(`kms ${key}`);
    expect(BackupDestination.gcs('acme-backups', 'c', { encryption: kms })._encryptionParts()).toEqual([{ sql: `kms = 'gs:///${key}?AUTH=implicit'` }]);
    expect(BackupDestination.gcsWithKey('acme-backups', 'c', gcsKey, { encryption: kms })._encryptionParts()).toEqual([
      { sql: `kms = 'gs:///${key}?AUTH=specified&CREDENTIALS=` }, { secretUriCredentials: gcsKey }, { sql: "'" },
    ]);
  });

  test('a passphrase, read from its Secret at run time', () => {
    const p = BackupEncryption.passphrase(passphrase);
    expect(p).toMatchObject({ kmsKeyId: undefined, passphraseSecret: passphrase });
    expect(p.toString()).toBe('passphrase <backup-passphrase/passphrase>');
    expect(BackupDestination.gcsWithKey('acme-backups', 'c', gcsKey, { encryption: p })._encryptionParts()).toEqual([
      { sql: 'encryption_passphrase = ' }, { secretLiteral: passphrase },
    ]);
  });

  test('none unless asked', () => {
    expect(BackupDestination.gcs('acme-backups', 'c').encryption).toBeUndefined();
    expect(BackupDestination.gcs('acme-backups', 'c')._encryptionParts()).toBeUndefined();
    expect(BackupDestination.gcsWithKey('acme-backups', 'c', gcsKey)._encryptionParts()).toBeUndefined();
  });

  test('fromDeployment encrypts with the description\'s backup key, when it has one', () => {
    const props = { projectId: 'acme-prod-db', region: 'europe-west1', bucketName: 'acme-crdb-backups' };
    expect(BackupDestination.fromDeployment(DeploymentDescription.of(props)).encryption).toBeUndefined();
    const described = DeploymentDescription.of({ ...props, backupEncryptionKey: {} });
    const d = BackupDestination.fromDeployment(described, 'other');
    expect(d.encryption?.kmsKeyId).toBe(described.backupEncryptionKeyId);
    expect(d.encryption?.kmsKeyId).toMatch(/^projects\/acme-prod-db\/locations\/europe-west1\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/);
    expect(d.location).toBe('gs://acme-crdb-backups/other');
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
