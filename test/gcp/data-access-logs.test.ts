import { ProjectIamAuditConfig } from '@cdktf/provider-google/lib/project-iam-audit-config';
import { App, Testing } from 'cdktf';
import { BackupsStack, CustomerManagedKey, DATA_ACCESS_LOG_TYPES, StorageDataAccessLogs } from '../../lib/gcp';
import { description, synthScope } from './support';

test('Data Access audit logs of Cloud Storage: metadata reads, object reads and writes', () => {
  const { json, doc } = synthScope((scope) => {
    new StorageDataAccessLogs(scope, 'Logs', { description: description() });
  });
  expect(DATA_ACCESS_LOG_TYPES).toEqual(['ADMIN_READ', 'DATA_READ', 'DATA_WRITE']);
  expect(json).toHaveResourceWithProperties(ProjectIamAuditConfig, {
    project: 'acme-prod-db', service: 'storage.googleapis.com',
    audit_log_config: [{ log_type: 'ADMIN_READ' }, { log_type: 'DATA_READ' }, { log_type: 'DATA_WRITE' }],
  });
  expect(Object.keys(doc.resource.google_project_iam_audit_config)).toEqual(['audit_storage_acme_prod_db']);
});

describe('BackupsStack: audit logs and bucket key on request, with the KMS API', () => {
  const synth = (props: object) => JSON.parse(Testing.synth(new BackupsStack(Testing.app() as App, 'crdb-backups', { description: description(), ...props })));

  test('on', () => {
    const doc = synth({ dataAccessLogs: true, bucket: { encryptionKey: CustomerManagedKey.create() } });
    expect(Object.keys(doc.resource.google_project_iam_audit_config)).toHaveLength(1);
    expect(Object.values<any>(doc.resource.google_project_service).map((s) => s.service)).toContain('cloudkms.googleapis.com');
  });

  test('off by default', () => {
    const doc = synth({});
    expect(doc.resource.google_project_iam_audit_config).toBeUndefined();
    expect(Object.values<any>(doc.resource.google_project_service).map((s) => s.service)).not.toContain('cloudkms.googleapis.com');
  });
});
