import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { ServiceAccountKey } from '@cdktf/provider-google/lib/service-account-key';
import { BACKUP_BUCKET_ROLES, BackupServiceAccount, BackupServiceAccountKey, BackupWorkloadIdentity } from '../../lib/gcp';
import { configError } from '../support/errors';
import { description, synthScope } from './support';

describe('BackupServiceAccount', () => {
  const d = description({ backupServiceAccountId: 'orders-backup', namespace: 'orders', cockroachClusterName: 'ordersdb' });
  const { json, resources } = synthScope((scope) => { new BackupServiceAccount(scope, 'Sa', { description: d }); });

  test('a service account named from the description', () => {
    expect(json).toHaveResourceWithProperties(ServiceAccount, { account_id: 'orders-backup', project: 'acme-prod-db' });
  });

  test('least privilege: object create, get and list on the backup bucket only, no project roles', () => {
    const members = resources('google_storage_bucket_iam_member');
    expect(members.map((m) => m.role).sort()).toEqual([...BACKUP_BUCKET_ROLES].sort());
    expect(BACKUP_BUCKET_ROLES).toEqual(['roles/storage.objectCreator', 'roles/storage.objectViewer']);
    for (const m of members) {
      expect(m.bucket).toBe('acme-crdb-backups');
      expect(m.member).toMatch(/^serviceAccount:\$\{google_service_account\.backup_sa_orders_backup\.email\}$/);
    }
    expect(resources('google_project_iam_member')).toEqual([]);
  });
});

describe('BackupWorkloadIdentity', () => {
  test('workloadIdentityUser for the namespace/KSA of the description, on the service account', () => {
    const d = description({ namespace: 'orders', cockroachClusterName: 'ordersdb' });
    const { json } = synthScope((scope) => { new BackupWorkloadIdentity(scope, 'Wi', { description: d }); });
    expect(json).toHaveResourceWithProperties(ServiceAccountIamMember, {
      service_account_id: 'projects/acme-prod-db/serviceAccounts/crdb-backup@acme-prod-db.iam.gserviceaccount.com',
      role: 'roles/iam.workloadIdentityUser',
      member: 'serviceAccount:acme-prod-db.svc.id.goog[orders/ordersdb]',
    });
  });
});

describe('BackupServiceAccountKey', () => {
  test('a key of the backup service account', () => {
    const { json } = synthScope((scope) => { new BackupServiceAccountKey(scope, 'Key', { description: description() }); });
    expect(json).toHaveResourceWithProperties(ServiceAccountKey, {
      service_account_id: 'projects/acme-prod-db/serviceAccounts/crdb-backup@acme-prod-db.iam.gserviceaccount.com',
    });
  });

  test('without rotation: no keepers, so nothing replaces the key; a replacement would still create before it destroys', () => {
    const { resources } = synthScope((scope) => { new BackupServiceAccountKey(scope, 'Key', { description: description() }); });
    const [key] = resources('google_service_account_key');
    expect(key.keepers).toBeUndefined();
    expect(JSON.stringify(key)).not.toContain('keepers');
    expect(key.lifecycle).toEqual({ create_before_destroy: true });
  });

  test('rotation: the label is the key\'s keeper, and the new key is created before the old one is destroyed', () => {
    let construct: BackupServiceAccountKey | undefined;
    const { resources } = synthScope((scope) => { construct = new BackupServiceAccountKey(scope, 'Key', { description: description(), rotation: '2026-11' }); });
    const keys = resources('google_service_account_key');
    expect(keys).toHaveLength(1);
    expect(keys[0].keepers).toEqual({ rotation: '2026-11' });
    expect(keys[0].lifecycle).toEqual({ create_before_destroy: true });
    expect(construct?.key.keepersInput).toEqual({ rotation: '2026-11' });
  });

  test.each(['a', 'Z', '2026-11', 'v2.key_1', 'x'.repeat(63)])('rotation %j is accepted', (rotation) => {
    const { resources } = synthScope((scope) => { new BackupServiceAccountKey(scope, 'Key', { description: description(), rotation }); });
    expect(resources('google_service_account_key')[0].keepers).toEqual({ rotation });
  });

  const allowed = 'expected a rotation label such as \'2026-11\': 1 to 63 letters, digits, \'.\', \'_\' or \'-\'';
  test.each<[string, unknown, string]>([
    ['empty', '', '""'],
    ['too long (64)', 'x'.repeat(64), `"${'x'.repeat(64)}"`],
    ['a space', '2026 11', '"2026 11"'],
    ['a slash', '2026/11', '"2026/11"'],
    ['a colon', 'rot:1', '"rot:1"'],
    ['a non-ASCII letter', 'année', '"année"'],
    ['a trailing newline', '2026-11\n', '"2026-11\\n"'],
    ['a number', 202611, '202611'],
    ['null', null, 'null'],
  ])('rotation: %s is rejected at synth', (_what, rotation, shown) => {
    const error = configError(() => synthScope((scope) => {
      new BackupServiceAccountKey(scope, 'Key', { description: description(), rotation: rotation as string });
    }));
    expect(error.prop).toBe('rotation');
    expect(error.message).toBe(`[stack/Key] rotation: received ${shown}; ${allowed}`);
  });
});
