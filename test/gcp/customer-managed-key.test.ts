import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { KmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
import { App, Testing } from 'cdktf';
import { CustomerManagedKey, GkeCluster, GkeClusterProps, GkeStack, KMS_ENCRYPTER_DECRYPTER } from '../../lib/gcp';
import { configError } from '../support/errors';
import { description, synthScope } from './support';

const gke = (props: Partial<GkeClusterProps> = {}) => synthScope((scope) => {
  new GkeCluster(scope, 'Gke', { description: description(), ...props });
});
const GKE_AGENT = 'serviceAccount:service-${data.google_project.project_acme_prod_db.number}@container-engine-robot.iam.gserviceaccount.com';

describe('application-layer Secrets encryption with a key the stack creates', () => {
  const { json, resources, doc } = gke({ secretsEncryption: CustomerManagedKey.create() });

  test('a key ring and a key in the region, rotated every 90 days, never destroyed by Terraform', () => {
    expect(json).toHaveResourceWithProperties(KmsKeyRing, { name: 'cockroachdb-gke', project: 'acme-prod-db', location: 'europe-west1' });
    expect(json).toHaveResourceWithProperties(KmsCryptoKey, {
      name: 'secrets', key_ring: '${google_kms_key_ring.kms_ring_cockroachdb_gke.id}', purpose: 'ENCRYPT_DECRYPT', rotation_period: '7776000s',
      lifecycle: { prevent_destroy: true },
    });
  });

  test('the GKE service agent, by project number, may encrypt and decrypt with that key only', () => {
    expect(doc.data.google_project).toEqual({ 'project_acme_prod_db': { project_id: 'acme-prod-db' } });
    expect(resources('google_kms_crypto_key_iam_member')).toHaveLength(1);
    expect(json).toHaveResourceWithProperties(KmsCryptoKeyIamMember, {
      crypto_key_id: '${google_kms_crypto_key.kms_key_cockroachdb_gke_secrets.id}', role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', member: GKE_AGENT,
    });
    expect(KMS_ENCRYPTER_DECRYPTER).toBe('roles/cloudkms.cryptoKeyEncrypterDecrypter');
    expect(resources('google_project_iam_member').map((m) => m.role)).not.toContain(KMS_ENCRYPTER_DECRYPTER);
  });

  test('the cluster encrypts Secrets with it, once the grant exists', () => {
    expect(json).toHaveResourceWithProperties(ContainerCluster, {
      database_encryption: { state: 'ENCRYPTED', key_name: '${google_kms_crypto_key.kms_key_cockroachdb_gke_secrets.id}' },
    });
    const [cluster] = resources('google_container_cluster');
    expect(Object.keys(doc.resource.google_kms_crypto_key_iam_member)).toEqual(['kms_grant_cockroachdb_gke_secrets']);
    expect(cluster.depends_on).toContain('google_kms_crypto_key_iam_member.kms_grant_cockroachdb_gke_secrets');
  });
});

test('no Secrets encryption key unless asked', () => {
  const { resources, doc } = gke();
  expect(resources('google_container_cluster')[0].database_encryption).toBeUndefined();
  expect(resources('google_kms_crypto_key')).toEqual([]);
  expect(doc.data).toBeUndefined();
});

test('names and rotation of one\'s own', () => {
  const { json } = gke({ secretsEncryption: CustomerManagedKey.create({ keyRingName: 'prod_ring', keyName: 'gke-etcd', rotationDays: 30 }) });
  expect(json).toHaveResourceWithProperties(KmsKeyRing, { name: 'prod_ring' });
  expect(json).toHaveResourceWithProperties(KmsCryptoKey, { name: 'gke-etcd', rotation_period: '2592000s' });
});

test('an existing key: granted, not created', () => {
  const id = 'projects/acme-security/locations/europe-west1/keyRings/gke/cryptoKeys/etcd';
  const { json, resources } = gke({ secretsEncryption: CustomerManagedKey.existing(id) });
  expect(resources('google_kms_crypto_key')).toEqual([]);
  expect(resources('google_kms_key_ring')).toEqual([]);
  expect(json).toHaveResourceWithProperties(KmsCryptoKeyIamMember, { crypto_key_id: id, role: KMS_ENCRYPTER_DECRYPTER, member: GKE_AGENT });
  expect(json).toHaveResourceWithProperties(ContainerCluster, { database_encryption: { state: 'ENCRYPTED', key_name: id } });
});

test('GkeStack enables Cloud KMS only when the cluster uses a key', () => {
  const apis = (gkeProps: Partial<GkeClusterProps>) => {
    const stack = new GkeStack(Testing.app() as App, 'crdb-gke', { description: description(), gke: gkeProps });
    return Object.values<any>(JSON.parse(Testing.synth(stack)).resource.google_project_service).map((s) => s.service);
  };
  expect(apis({ secretsEncryption: CustomerManagedKey.create() })).toContain('cloudkms.googleapis.com');
  expect(apis({})).not.toContain('cloudkms.googleapis.com');
});

/** [what, key, the whole error message] */
const BAD: Array<[string, CustomerManagedKey, string]> = [
  ['an existing key by its short name', CustomerManagedKey.existing('etcd'),
    '[stack/Gke] secretsEncryption: received "etcd"; expected a Cloud KMS key name: projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>'],
  ['an existing key version, not a key', CustomerManagedKey.existing('projects/acme-security/locations/europe-west1/keyRings/gke/cryptoKeys/etcd/cryptoKeyVersions/1'),
    '[stack/Gke] secretsEncryption: received "projects/acme-security/locations/europe-west1/keyRings/gke/cryptoKeys/etcd/cryptoKeyVersions/1"; expected a Cloud KMS key name: projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>'],
  ['an existing key in another region', CustomerManagedKey.existing('projects/acme-security/locations/us-east1/keyRings/gke/cryptoKeys/etcd'),
    '[stack/Gke] secretsEncryption: received "projects/acme-security/locations/us-east1/keyRings/gke/cryptoKeys/etcd"; expected a key in the description\'s region europe-west1 (Google Cloud uses only a key in the location of what it encrypts)'],
  ['an existing key in a global key ring', CustomerManagedKey.existing('projects/acme-security/locations/global/keyRings/gke/cryptoKeys/etcd'),
    '[stack/Gke] secretsEncryption: received "projects/acme-security/locations/global/keyRings/gke/cryptoKeys/etcd"; expected a key in the description\'s region europe-west1 (Google Cloud uses only a key in the location of what it encrypts)'],
  ['a key ring name with a dot', CustomerManagedKey.create({ keyRingName: 'prod.ring' }),
    '[stack/Gke] secretsEncryption.keyRingName: received "prod.ring"; expected 1 to 63 letters, digits, \'_\' or \'-\''],
  ['an empty key name', CustomerManagedKey.create({ keyName: '' }),
    '[stack/Gke] secretsEncryption.keyName: received ""; expected 1 to 63 letters, digits, \'_\' or \'-\''],
  ['a key name of 64 characters', CustomerManagedKey.create({ keyName: 'k'.repeat(64) }),
    `[stack/Gke] secretsEncryption.keyName: received "${'k'.repeat(64)}"; expected 1 to 63 letters, digits, '_' or '-'`],
  ['rotation of zero days', CustomerManagedKey.create({ rotationDays: 0 }),
    '[stack/Gke] secretsEncryption.rotationDays: received 0; expected an integer from 1 to 36500'],
  ['rotation of half a day', CustomerManagedKey.create({ rotationDays: 0.5 }),
    '[stack/Gke] secretsEncryption.rotationDays: received 0.5; expected an integer from 1 to 36500'],
];

describe('CustomerManagedKey errors are thrown', () => {
  test.each(BAD)('%s', (_what, key, message) => {
    expect(configError(() => gke({ secretsEncryption: key })).message).toBe(message);
  });
});
