import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { KmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { BackupBucket, BackupBucketProps, BackupStorageClass, CustomerManagedKey } from '../../lib/gcp';
import { description, synthScope } from './support';
import { configError } from '../support/errors';

const bucket = (props: Partial<BackupBucketProps> = {}) => synthScope((scope) => {
  new BackupBucket(scope, 'Backups', { description: description(), ...props });
});

describe('BackupBucket secure defaults', () => {
  const { json, resources } = bucket();

  test('uniform access, public access prevention enforced, versioning, force_destroy off, in the region', () => {
    expect(json).toHaveResourceWithProperties(StorageBucket, {
      name: 'acme-crdb-backups', project: 'acme-prod-db', location: 'europe-west1',
      uniform_bucket_level_access: true, public_access_prevention: 'enforced',
      versioning: { enabled: true }, force_destroy: false,
    });
  });

  test('noncurrent versions are deleted after 30 days; no retention policy by default', () => {
    const [b] = resources('google_storage_bucket');
    expect(b.lifecycle_rule).toEqual([{ action: { type: 'Delete' }, condition: { days_since_noncurrent_time: 30, with_state: 'ARCHIVED' } }]);
    expect(b.retention_policy).toBeUndefined();
  });

  test('stable Terraform address', () => {
    expect(Object.keys(JSON.parse(json).resource.google_storage_bucket)).toEqual(['backup_bucket_acme_crdb_backups']);
  });
});

describe('BackupBucket options', () => {
  test('forceDestroy: true lets terraform destroy a bucket that holds backups', () => {
    const { json } = bucket({ forceDestroy: true });
    expect(json).toHaveResourceWithProperties(StorageBucket, { name: 'acme-crdb-backups', force_destroy: true });
  });

  test('storage class transitions, retention policy instead of versioning, multi-region, labels', () => {
    const { resources } = bucket({
      location: 'EU', noncurrentVersionRetentionDays: 7, retentionDays: 14, versioning: false, labels: { env: 'prod' },
      storageClassTransitions: [{ ageDays: 30, storageClass: BackupStorageClass.NEARLINE }, { ageDays: 90, storageClass: BackupStorageClass.COLDLINE }],
    });
    const [b] = resources('google_storage_bucket');
    expect(b.location).toBe('EU');
    expect(b.lifecycle_rule).toEqual([
      { action: { type: 'Delete' }, condition: { days_since_noncurrent_time: 7, with_state: 'ARCHIVED' } },
      { action: { type: 'SetStorageClass', storage_class: 'NEARLINE' }, condition: { age: 30, with_state: 'LIVE' } },
      { action: { type: 'SetStorageClass', storage_class: 'COLDLINE' }, condition: { age: 90, with_state: 'LIVE' } },
    ]);
    expect(b.retention_policy).toEqual({ retention_period: 14 * 86400, is_locked: false });
    expect(b.versioning).toEqual({ enabled: false });
    expect(b.labels).toEqual({ env: 'prod' });
  });

  test('versioning: false without a retention policy turns Object Versioning off', () => {
    const [b] = bucket({ versioning: false }).resources('google_storage_bucket');
    expect(b.versioning).toEqual({ enabled: false });
    expect(b.retention_policy).toBeUndefined();
  });
});

describe('BackupBucket locations accepted', () => {
  test.each([
    ['a region', 'europe-west1'],
    ['a region numbered past 9', 'europe-west10'],
    ['a region of three words (the form, not a region Google has today)', 'europe-west-central2'],
    ['a multi-region', 'EU'],
    ['a multi-region of four letters', 'ASIA'],
    ['a predefined dual-region', 'EUR4'],
    ['a multi-region in lowercase', 'eu'],
    ['a multi-region of four letters in lowercase', 'asia'],
    ['a predefined dual-region in lowercase', 'nam4'],
  ])('%s: %s', (_what, location) => {
    const [b] = bucket({ location }).resources('google_storage_bucket');
    expect(b.location).toBe(location);
  });
});

describe('BackupBucket locations refused, in full', () => {
  test.each([
    ['a region without its number', 'europe-west'],
    ['a zone', 'europe-west1-b'],
    ['a region in uppercase', 'EUROPE-WEST1'],
    ['a multi-region of five letters', 'EUROP'],
    ['a multi-region of one letter', 'E'],
    ['a multi-region of one lowercase letter', 'e'],
    ['a lowercase word of five letters', 'europ'],
    ['a multi-region with two digits', 'EUR44'],
    ['a lowercase multi-region with two digits', 'eur44'],
    ['digits only', '12'],
    ['a region with a space', 'europe west1'],
    ['a region after other text', 'gs://europe-west1'],
    ['an empty location', ''],
  ])('%s: %s', (_what, location) => {
    const error = configError(() => bucket({ location }));
    expect(error.message).toBe(`[stack/Backups] location: received ${JSON.stringify(location)}; expected a region such as "europe-west1" or a multi-region such as "EU"`);
  });
});

describe('BackupBucket storage class transitions', () => {
  const { NEARLINE, COLDLINE, ARCHIVE } = BackupStorageClass;

  test.each<[string, Array<[number, BackupStorageClass]>]>([
    ['all three, in order', [[30, NEARLINE], [90, COLDLINE], [365, ARCHIVE]]],
    ['a class skipped', [[30, NEARLINE], [365, ARCHIVE]]],
    ['one day apart', [[30, NEARLINE], [31, COLDLINE]]],
    ['straight to ARCHIVE', [[1, ARCHIVE]]],
  ])('accepted: %s', (_what, steps) => {
    const [b] = bucket({ storageClassTransitions: steps.map(([ageDays, storageClass]) => ({ ageDays, storageClass })) }).resources('google_storage_bucket');
    expect(b.lifecycle_rule).toEqual([
      { action: { type: 'Delete' }, condition: { days_since_noncurrent_time: 30, with_state: 'ARCHIVED' } },
      ...steps.map(([age, storage_class]) => ({ action: { type: 'SetStorageClass', storage_class }, condition: { age, with_state: 'LIVE' } })),
    ]);
  });

  const ORDER = 'expected transitions in increasing age, each to a colder class than the previous one';
  test.each<[string, Array<[number, BackupStorageClass]>, string]>([
    ['the same age, a colder class', [[30, NEARLINE], [30, COLDLINE]], '[stack/Backups] storageClassTransitions[1]: received {"ageDays":30,"storageClass":"COLDLINE"}'],
    ['a younger age, a colder class', [[90, NEARLINE], [30, COLDLINE]], '[stack/Backups] storageClassTransitions[1]: received {"ageDays":30,"storageClass":"COLDLINE"}'],
    ['an older age, the same class', [[30, NEARLINE], [90, NEARLINE]], '[stack/Backups] storageClassTransitions[1]: received {"ageDays":90,"storageClass":"NEARLINE"}'],
    ['an older age, a warmer class', [[30, COLDLINE], [90, NEARLINE]], '[stack/Backups] storageClassTransitions[1]: received {"ageDays":90,"storageClass":"NEARLINE"}'],
    ['the third out of order', [[30, NEARLINE], [90, COLDLINE], [60, ARCHIVE]], '[stack/Backups] storageClassTransitions[2]: received {"ageDays":60,"storageClass":"ARCHIVE"}'],
    ['both younger and warmer', [[90, COLDLINE], [30, NEARLINE]], '[stack/Backups] storageClassTransitions[1]: received {"ageDays":30,"storageClass":"NEARLINE"}'],
  ])('refused: %s', (_what, steps, received) => {
    const error = configError(() => bucket({ storageClassTransitions: steps.map(([ageDays, storageClass]) => ({ ageDays, storageClass })) }));
    expect(error.message).toBe(`${received}; ${ORDER}`);
  });
});

// Cloud Storage: "Retention policies and Object Versioning are mutually exclusive features in Cloud
// Storage: for a given bucket, only one of these can be enabled at a time."
// (https://cloud.google.com/storage/docs/bucket-lock)
describe('BackupBucket refuses a retention policy on a versioned bucket', () => {
  test.each([
    ['versioning left at its default', { retentionDays: 7 }],
    ['versioning: true', { retentionDays: 7, versioning: true }],
  ])('%s', (_what, props) => {
    const error = configError(() => bucket(props));
    expect(error.prop).toBe('retentionDays, versioning');
    expect(error.message).toBe('[stack/Backups] retentionDays, versioning: received retentionDays 7 with versioning on; Cloud Storage does not allow a retention policy on a bucket with Object Versioning. Set versioning: false (the retention policy then keeps every object for 7 days), or leave retentionDays out');
  });
});

const BAD: Array<[string, Partial<BackupBucketProps>, string]> = [
  ['noncurrent retention of 0 days', { noncurrentVersionRetentionDays: 0 }, 'noncurrentVersionRetentionDays'],
  ['retention of half a day', { retentionDays: 0.5 }, 'retentionDays'],
  ['a location with a space', { location: 'europe west1' }, 'location'],
  ['transitions out of order', { storageClassTransitions: [{ ageDays: 90, storageClass: BackupStorageClass.COLDLINE }, { ageDays: 30, storageClass: BackupStorageClass.NEARLINE }] }, 'storageClassTransitions[1]'],
  ['an unknown storage class', { storageClassTransitions: [{ ageDays: 30, storageClass: 'GLACIER' as BackupStorageClass }] }, 'storageClassTransitions[0].storageClass'],
  ['a label value with uppercase', { labels: { env: 'Prod' } }, 'labels["env"]'],
  ['more than 64 labels', { labels: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`l${i}`, 'x'])) }, 'labels'],
  ['a transition at age 0', { storageClassTransitions: [{ ageDays: 0, storageClass: BackupStorageClass.NEARLINE }] }, 'storageClassTransitions[0].ageDays'],
  ['a fractional transition age', { storageClassTransitions: [{ ageDays: 30, storageClass: BackupStorageClass.NEARLINE }, { ageDays: 90.5, storageClass: BackupStorageClass.COLDLINE }] },
    'storageClassTransitions[1].ageDays'],
];

describe('BackupBucket errors are thrown', () => {
  test.each(BAD)('%s', (_what, props, prop) => {
    const error = configError(() => bucket(props));
    expect(error.prop).toBe(prop);
    expect(error.message).toMatch(/received .+; expected/);
  });
});

describe('BackupBucket customer-managed encryption', () => {
  const { json, resources, doc } = bucket({ encryptionKey: CustomerManagedKey.create() });
  const AGENT = 'serviceAccount:${data.google_storage_project_service_account.storage_agent_acme_prod_db.email_address}';

  test('a key ring and key in the bucket\'s region, never destroyed by Terraform', () => {
    expect(json).toHaveResourceWithProperties(KmsKeyRing, { name: 'acme-crdb-backups-cmek', location: 'europe-west1', project: 'acme-prod-db' });
    expect(json).toHaveResourceWithProperties(KmsCryptoKey, { name: 'backups', rotation_period: '7776000s', lifecycle: { prevent_destroy: true } });
  });

  test('the Cloud Storage service agent may encrypt and decrypt with that key only', () => {
    expect(doc.data.google_storage_project_service_account).toEqual({ storage_agent_acme_prod_db: { project: 'acme-prod-db' } });
    expect(resources('google_kms_crypto_key_iam_member')).toEqual([{
      crypto_key_id: '${google_kms_crypto_key.kms_key_acme-crdb-backups-cmek_backups.id}'.replace(/-/g, '_'),
      role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', member: AGENT,
    }]);
  });

  test('the bucket encrypts new objects with it by default, once the grant exists', () => {
    const [b] = resources('google_storage_bucket');
    expect(b.encryption).toEqual({ default_kms_key_name: '${google_kms_crypto_key.kms_key_acme_crdb_backups_cmek_backups.id}' });
    expect(b.depends_on).toEqual(['google_kms_crypto_key_iam_member.kms_grant_acme_crdb_backups_cmek_backups']);
  });

  test('a created key ring is named after the bucket, cut to 58 characters before "-cmek"', () => {
    const bucketName = `acme-${'b'.repeat(58)}`;
    const r = synthScope((scope) => {
      new BackupBucket(scope, 'Backups', { description: description({ bucketName }), encryptionKey: CustomerManagedKey.create() });
    });
    expect(r.resources('google_kms_key_ring').map((k) => k.name)).toEqual([`acme-${'b'.repeat(53)}-cmek`]);
    expect(r.resources('google_storage_bucket')[0].name).toBe(bucketName);
  });

  test('Google-managed keys unless asked', () => {
    const [b] = bucket().resources('google_storage_bucket');
    expect(b.encryption).toBeUndefined();
  });

  test('an existing key in the region', () => {
    const id = 'projects/acme-security/locations/europe-west1/keyRings/backups/cryptoKeys/crdb';
    const r = bucket({ encryptionKey: CustomerManagedKey.existing(id) });
    expect(r.resources('google_kms_crypto_key')).toEqual([]);
    expect(r.json).toHaveResourceWithProperties(StorageBucket, { encryption: { default_kms_key_name: id } });
    expect(r.json).toHaveResourceWithProperties(KmsCryptoKeyIamMember, { crypto_key_id: id, member: AGENT });
  });

  test.each<[string, Partial<BackupBucketProps>, string]>([
    ['a key with a multi-region bucket', { encryptionKey: CustomerManagedKey.create(), location: 'EU' },
      '[stack/Backups] encryptionKey, location: received location "EU" with an encryption key; a Cloud KMS key must be in the bucket\'s location, and the library\'s keys are in the description\'s region europe-west1: leave location out or use no encryptionKey'],
    ['an existing key in another region', { encryptionKey: CustomerManagedKey.existing('projects/acme-security/locations/europe-west4/keyRings/backups/cryptoKeys/crdb') },
      '[stack/Backups] encryptionKey: received "projects/acme-security/locations/europe-west4/keyRings/backups/cryptoKeys/crdb"; expected a key in the description\'s region europe-west1 (Google Cloud uses only a key in the location of what it encrypts)'],
    ['an existing key without its path', { encryptionKey: CustomerManagedKey.existing('keyRings/backups/cryptoKeys/crdb') },
      '[stack/Backups] encryptionKey: received "keyRings/backups/cryptoKeys/crdb"; expected a Cloud KMS key name: projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>'],
    ['a key ring name with a space', { encryptionKey: CustomerManagedKey.create({ keyRingName: 'crdb backups' }) },
      '[stack/Backups] encryptionKey.keyRingName: received "crdb backups"; expected 1 to 63 letters, digits, \'_\' or \'-\''],
  ])('error: %s', (_what, props, message) => {
    expect(configError(() => bucket(props)).message).toBe(message);
  });
});
