import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { ServiceAccountKey } from '@cdktf/provider-google/lib/service-account-key';
import { BACKUP_BUCKET_ROLES, BackupServiceAccount, BackupServiceAccountKey, BackupWorkloadIdentity } from '../../lib/gcp';
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
});
