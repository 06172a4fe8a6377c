import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { KmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { Testing } from 'cdktf';
import {
  BACKUP_KEY_STACK_APIS, BackupKeyStack, BACKUPS_STACK_APIS, BackupsStack, BackupsStackProps, BackupStorageClass, ControlPlaneAccess, CustomerManagedKey, GKE_STACK_APIS, GkeLocation,
  GkeStack, StateBackend,
} from '../../lib/gcp';
import { configError } from '../support/errors';
import { description, multiRegionDescription } from './support';

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
    expect(doc.output.backup_bucket_url).toEqual({ value: 'gs://acme-crdb-backups', description: 'Backup bucket' });
    expect(doc.output.backup_service_account_email).toEqual({ value: '${google_service_account.backup_sa_crdb_backup.email}', description: 'Backup service account' });
    // The service account's roles on the bucket wait for the bucket.
    for (const grant of Object.values<any>(doc.resource.google_storage_bucket_iam_member)) {
      expect(grant.depends_on).toEqual(expect.arrayContaining(['google_storage_bucket.backup_bucket_acme_crdb_backups']));
    }
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
    // The default control plane access is the private endpoint: kubectl reaches its internal address.
    expect(doc.output.get_credentials_command).toEqual({
      value: 'gcloud container clusters get-credentials cockroachdb --region europe-west1 --project acme-prod-db --internal-ip',
      description: 'Configures kubectl for the cluster\'s private endpoint (run it inside the VPC, see the README)',
    });
    expect(doc.output.gke_cluster_name).toEqual({ value: '${google_container_cluster.gke_cockroachdb.name}', description: 'GKE cluster name' });
    expect(doc.output.gke_endpoint).toEqual({ value: '${google_container_cluster.gke_cockroachdb.endpoint}', description: 'GKE control plane endpoint' });
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
    expect(doc.output.get_credentials_command.value).toBe('gcloud container clusters get-credentials cockroachdb --zone europe-west1-c --project acme-prod-db --internal-ip');
    expect((Object.values(doc.resource.google_container_cluster)[0] as any).location).toBe('europe-west1-c');
  });

  test('GkeStack: with a public endpoint (authorized networks), get-credentials uses it', () => {
    const doc = synthStack((app) => new GkeStack(app, 'gke', {
      description: d, gke: { controlPlaneAccess: ControlPlaneAccess.authorizedNetworks([{ cidrBlock: '203.0.113.0/24' }]) },
    }));
    expect(doc.output.get_credentials_command).toEqual({
      value: 'gcloud container clusters get-credentials cockroachdb --region europe-west1 --project acme-prod-db',
      description: 'Configures kubectl for the cluster',
    });
  });

  test('BackupKeyStack: the key is a sensitive output only', () => {
    const doc = synthStack((app) => new BackupKeyStack(app, 'key', { description: d }));
    expect(doc.output.backup_service_account_key).toEqual({
      description: expect.stringContaining('Base64-encoded JSON key'),
      sensitive: true,
      value: expect.stringMatching(/^\$\{google_service_account_key\.[^.]+\.private_key\}$/),
    });
  });

  test('BackupKeyStack: keyRotation becomes the key\'s keeper; without it, no keepers', () => {
    const rotated = synthStack((app) => new BackupKeyStack(app, 'key', { description: d, keyRotation: '2026-11' }));
    const [key] = Object.values<any>(rotated.resource.google_service_account_key);
    expect(key.keepers).toEqual({ rotation: '2026-11' });
    expect(key.lifecycle).toEqual({ create_before_destroy: true });
    const plain = synthStack((app) => new BackupKeyStack(app, 'key', { description: d }));
    const [plainKey] = Object.values<any>(plain.resource.google_service_account_key);
    expect(plainKey.keepers).toBeUndefined();
    expect(plainKey.lifecycle).toEqual({ create_before_destroy: true });
  });

  test('BackupKeyStack: an invalid keyRotation fails the synth, naming the key', () => {
    expect(configError(() => new BackupKeyStack(Testing.app(), 'key', { description: d, keyRotation: '2026/11' })).message)
      .toBe('[key/BackupServiceAccountKey] rotation: received "2026/11"; expected a rotation label such as \'2026-11\': 1 to 63 letters, digits, \'.\', \'_\' or \'-\'');
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

describe('BackupsStack: the key CockroachDB encrypts backups with (description.backupEncryptionKey)', () => {
  const d = description({ backupEncryptionKey: {} });
  const app = Testing.app();
  const stack = new BackupsStack(app, 'backups', { description: d });
  const json = Testing.synth(stack);
  const doc = JSON.parse(json);

  test('a key ring and a symmetric key in the region, rotated every 90 days, never destroyed by Terraform', () => {
    expect(Object.keys(doc.resource.google_kms_key_ring)).toEqual(['kms_ring_acme_crdb_backups_crdb']);
    expect(json).toHaveResourceWithProperties(KmsKeyRing, { name: 'acme-crdb-backups-crdb', project: 'acme-prod-db', location: 'europe-west1' });
    expect(Object.keys(doc.resource.google_kms_crypto_key)).toEqual(['kms_key_acme_crdb_backups_crdb_crdb_backups']);
    expect(json).toHaveResourceWithProperties(KmsCryptoKey, {
      name: 'crdb-backups', key_ring: '${google_kms_key_ring.kms_ring_acme_crdb_backups_crdb.id}', purpose: 'ENCRYPT_DECRYPT',
      rotation_period: '7776000s', lifecycle: { prevent_destroy: true },
    });
  });

  test('the backup service account, and nobody else, may encrypt and decrypt with that key only', () => {
    const grants = Object.values<any>(doc.resource.google_kms_crypto_key_iam_member);
    expect(grants).toHaveLength(1);
    expect(json).toHaveResourceWithProperties(KmsCryptoKeyIamMember, {
      crypto_key_id: '${google_kms_crypto_key.kms_key_acme_crdb_backups_crdb_crdb_backups.id}',
      role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
      member: 'serviceAccount:${google_service_account.backup_sa_crdb_backup.email}',
    });
    expect(doc.resource.google_project_iam_member).toBeUndefined();
  });

  test('Cloud KMS is enabled, and the escape hatches are the synthesized resources', () => {
    expect(Object.values<any>(doc.resource.google_project_service).map((s) => s.service).sort()).toEqual([...BACKUPS_STACK_APIS, 'cloudkms.googleapis.com'].sort());
    expect(stack.backupEncryptionKey?.key?.node.path).toBe('backups/BackupEncryptionKey/Key');
    expect(stack.backupEncryptionKey?.grant.node.path).toBe('backups/BackupEncryptionKey/Grant');
    expect(stack.backupEncryptionKey?.key?.nameInput).toBe('crdb-backups');
    expect(stack.backupEncryptionKey?.grant.cryptoKeyIdInput).toBe(stack.backupEncryptionKey?.keyId);
  });

  test('names of one\'s own', () => {
    const own = new BackupsStack(Testing.app(), 'backups', { description: description({ backupEncryptionKey: { keyRingName: 'prod_ring', keyName: 'orders' } }) });
    const ownJson = Testing.synth(own);
    expect(ownJson).toHaveResourceWithProperties(KmsKeyRing, { name: 'prod_ring', location: 'europe-west1' });
    expect(ownJson).toHaveResourceWithProperties(KmsCryptoKey, { name: 'orders', key_ring: '${google_kms_key_ring.kms_ring_prod_ring.id}' });
  });

  test('with the bucket\'s key too: two key rings, one Cloud KMS API, each key granted to its own user', () => {
    const both = JSON.parse(Testing.synth(new BackupsStack(Testing.app(), 'backups', { description: d, bucket: { encryptionKey: CustomerManagedKey.create() } })));
    expect(Object.values<any>(both.resource.google_kms_key_ring).map((r) => r.name)).toEqual(['acme-crdb-backups-cmek', 'acme-crdb-backups-crdb']);
    expect(Object.values<any>(both.resource.google_project_service).filter((s) => s.service === 'cloudkms.googleapis.com')).toHaveLength(1);
    expect(Object.values<any>(both.resource.google_kms_crypto_key_iam_member).map((g) => [g.crypto_key_id, g.member])).toEqual([
      ['${google_kms_crypto_key.kms_key_acme_crdb_backups_cmek_backups.id}', 'serviceAccount:${data.google_storage_project_service_account.storage_agent_acme_prod_db.email_address}'],
      ['${google_kms_crypto_key.kms_key_acme_crdb_backups_crdb_crdb_backups.id}', 'serviceAccount:${google_service_account.backup_sa_crdb_backup.email}'],
    ]);
  });

  test('the bucket\'s key and the backup key in one key ring are refused', () => {
    const clash = description({ backupEncryptionKey: { keyRingName: 'acme-crdb-backups-cmek' } });
    expect(configError(() => new BackupsStack(Testing.app(), 'backups', { description: clash, bucket: { encryptionKey: CustomerManagedKey.create() } })).message)
      .toBe('[backups] bucket.encryptionKey, description.backupEncryptionKey: received the key ring "acme-crdb-backups-cmek" for both; the bucket\'s key and CockroachDB\'s backup key each need a key ring of their own: name one of the two differently');
    // Without a key of the bucket's, that name is just a name.
    expect(() => new BackupsStack(Testing.app(), 'backups', { description: clash })).not.toThrow();
  });

  test('nothing of it without backupEncryptionKey', () => {
    const plain = new BackupsStack(Testing.app(), 'backups', { description: description() });
    const plainDoc = JSON.parse(Testing.synth(plain));
    expect(plain.backupEncryptionKey).toBeUndefined();
    for (const type of ['google_kms_key_ring', 'google_kms_crypto_key', 'google_kms_crypto_key_iam_member']) expect(plainDoc.resource[type]).toBeUndefined();
    expect(Object.values<any>(plainDoc.resource.google_project_service).map((s) => s.service)).not.toContain('cloudkms.googleapis.com');
  });
});

describe('the one-region stacks and a multi-region description', () => {
  const d = multiRegionDescription();

  test('BackupsStack: the bucket in the description\'s multi-region backupLocation', () => {
    const doc = synthStack((app) => new BackupsStack(app, 'backups', { description: d }));
    expect(Object.values<any>(doc.resource.google_storage_bucket).map((b) => [b.name, b.location])).toEqual([['crdb-book-demo-global-backups', 'EU']]);
    expect(doc.provider.google).toEqual([{ project: 'crdb-book-demo', region: 'europe-west1' }]);
  });

  test.each<[string, BackupsStackProps['bucket'], string]>([
    ['a bucket location of its own', { location: 'europe-west1' },
      '[backups] bucket.location, description.regions: received "europe-west1"; with regions the bucket is in the description\'s backupLocation (EU), a multi-region that outlives any one region: state backupLocation in the description instead'],
    ['a bucket location equal to the description\'s', { location: 'EU' },
      '[backups] bucket.location, description.regions: received "EU"; with regions the bucket is in the description\'s backupLocation (EU), a multi-region that outlives any one region: state backupLocation in the description instead'],
    ['a customer-managed key', { encryptionKey: CustomerManagedKey.create() },
      '[backups] bucket.encryptionKey, description.regions: received a key; with regions the bucket is in the multi-region EU, and the library\'s keys are in one region, whose loss would leave every backup unreadable: leave bucket.encryptionKey out'],
  ])('BackupsStack refuses %s', (_what, bucket, message) => {
    expect(configError(() => new BackupsStack(Testing.app(), 'backups', { description: d, bucket })).message).toBe(message);
  });

  test('a one-region description keeps both bucket options', () => {
    expect(() => new BackupsStack(Testing.app(), 'backups', { description: description(), bucket: { location: 'EU' } })).not.toThrow();
    expect(() => new BackupsStack(Testing.app(), 'backups', { description: description(), bucket: { encryptionKey: CustomerManagedKey.create() } })).not.toThrow();
  });

  test('GkeStack refuses it, for MultiRegionGkeStack', () => {
    expect(configError(() => new GkeStack(Testing.app(), 'gke', { description: d })).message)
      .toBe('[gke] description.regions: received ["europe-west1","us-east1","asia-southeast1"]; expected a one-region description: MultiRegionGkeStack deploys the clusters of several regions');
  });
});
