import * as os from 'os';
import { TerraformStack, Testing } from 'cdktf';
import { BackupKeyStack, BackupsStack, GcsStateOptions, StateBackend } from '../../lib/gcp';
import { description } from './support';
import { configError } from '../support/errors';

const synth = (stack: TerraformStack) => JSON.parse(Testing.synth(stack));
const backendOf = (stateBackend: StateBackend | undefined, id = 'crdb-backups', d = description()) =>
  synth(new BackupsStack(Testing.app(), id, { description: d, stateBackend })).terraform.backend;

describe('StateBackend.local', () => {
  test.each<[string, StateBackend | undefined, string]>([
    // Terraform runs in cdktf.out/stacks/<stack>/: three folders up is the project folder.
    ['the default: the project folder', undefined, '../../../terraform.crdb-backups.tfstate'],
    ['local(): the project folder', StateBackend.local(), '../../../terraform.crdb-backups.tfstate'],
    ['a folder of the project', StateBackend.local({ directory: 'terraform-state' }), '../../../terraform-state/terraform.crdb-backups.tfstate'],
    ['a nested folder, normalized', StateBackend.local({ directory: './state/gcp/' }), '../../../state/gcp/terraform.crdb-backups.tfstate'],
    ['a folder next to the project', StateBackend.local({ directory: '../crdb-state' }), '../../../../crdb-state/terraform.crdb-backups.tfstate'],
  ])('%s', (_what, stateBackend, statePath) => {
    expect(backendOf(stateBackend)).toEqual({ local: { path: statePath } });
  });

  test('the file is named after the stack', () => {
    expect(synth(new BackupKeyStack(Testing.app(), 'crdb-backup-key', { description: description() })).terraform.backend)
      .toEqual({ local: { path: '../../../terraform.crdb-backup-key.tfstate' } });
  });

  test('no absolute path: the same configuration whatever folder synth runs in (cdktf\'s default is <cwd>/terraform.<stack>.tfstate)', () => {
    const cwd = jest.spyOn(process, 'cwd');
    try {
      cwd.mockReturnValue('/home/alice/src/crdb');
      const a = Testing.synth(new BackupsStack(Testing.app(), 'crdb-backups', { description: description() }));
      cwd.mockReturnValue('/builds/ci/7/crdb');
      const b = Testing.synth(new BackupsStack(Testing.app(), 'crdb-backups', { description: description() }));
      expect(a).toBe(b);
      for (const folder of ['/home/alice', '/builds/ci', os.tmpdir()]) expect(a).not.toContain(folder);
    } finally {
      cwd.mockRestore();
    }
  });
});

describe('StateBackend.gcs', () => {
  test.each<[string, GcsStateOptions | undefined, object]>([
    ['defaults from the description: <project>-tfstate, <namespace>/<cluster>/<stack>', undefined,
      { bucket: 'acme-prod-db-tfstate', prefix: 'cockroachdb/crdb/crdb-backups' }],
    ['a bucket and a prefix of one\'s own', { bucket: 'acme-terraform-state', prefix: 'prod/orders' },
      { bucket: 'acme-terraform-state', prefix: 'prod/orders/crdb-backups' }],
    ['a Cloud KMS key for the state objects', { kmsEncryptionKey: 'projects/acme-sec/locations/europe-west1/keyRings/tf/cryptoKeys/state' },
      { bucket: 'acme-prod-db-tfstate', prefix: 'cockroachdb/crdb/crdb-backups', kms_encryption_key: 'projects/acme-sec/locations/europe-west1/keyRings/tf/cryptoKeys/state' }],
  ])('%s', (_what, options, gcs) => {
    expect(backendOf(StateBackend.gcs(options))).toEqual({ gcs });
  });

  test('the default prefix follows the description\'s namespace and cluster name', () => {
    expect(backendOf(StateBackend.gcs(), 'crdb-backups', description({ namespace: 'orders', cockroachClusterName: 'ordersdb' })))
      .toEqual({ gcs: { bucket: 'acme-prod-db-tfstate', prefix: 'orders/ordersdb/crdb-backups' } });
  });
});

/** [what, how the backend is made, the whole error message] */
const BAD: Array<[string, () => unknown, string]> = [
  ['an absolute local folder', () => StateBackend.local({ directory: '/var/lib/terraform' }),
    '[StateBackend.local] directory: received "/var/lib/terraform"; expected a folder relative to the project folder (where cdktf.json is), with "/" separators, e.g. "." or "terraform-state": an absolute path would make the synthesized configuration differ from machine to machine'],
  ['a Windows drive', () => StateBackend.local({ directory: 'C:/terraform' }),
    '[StateBackend.local] directory: received "C:/terraform"; expected a folder relative to the project folder (where cdktf.json is), with "/" separators, e.g. "." or "terraform-state": an absolute path would make the synthesized configuration differ from machine to machine'],
  ['a home folder', () => StateBackend.local({ directory: '~/state' }),
    '[StateBackend.local] directory: received "~/state"; expected a folder relative to the project folder (where cdktf.json is), with "/" separators, e.g. "." or "terraform-state": an absolute path would make the synthesized configuration differ from machine to machine'],
  ['backslashes', () => StateBackend.local({ directory: 'state\\gcp' }),
    '[StateBackend.local] directory: received "state\\\\gcp"; expected a folder relative to the project folder (where cdktf.json is), with "/" separators, e.g. "." or "terraform-state": an absolute path would make the synthesized configuration differ from machine to machine'],
  ['an empty folder name', () => StateBackend.local({ directory: '' }),
    '[StateBackend.local] directory: received ""; expected a folder relative to the project folder (where cdktf.json is), with "/" separators, e.g. "." or "terraform-state": an absolute path would make the synthesized configuration differ from machine to machine'],
  ['a folder that is not a string', () => StateBackend.local({ directory: 7 as unknown as string }),
    '[StateBackend.local] directory: received 7; expected a folder relative to the project folder (where cdktf.json is), with "/" separators, e.g. "." or "terraform-state": an absolute path would make the synthesized configuration differ from machine to machine'],
  ['a bucket name with uppercase', () => StateBackend.gcs({ bucket: 'Acme-State' }),
    '[StateBackend.gcs] bucket: received "Acme-State"; expected a bucket name of 3 to 63 lowercase letters, digits, \'-\' or \'_\', starting and ending with a letter or digit, not starting with "goog" and not containing "google" (names with dots need domain verification and are not supported)'],
  ['a prefix with a leading slash', () => StateBackend.gcs({ prefix: '/prod' }),
    '[StateBackend.gcs] prefix: received "/prod"; expected a relative folder such as "cluster" or "prod/cluster": segments of letters, digits, \'_\', \'.\' or \'-\', no leading or trailing \'/\', no ".."'],
  ['a KMS key that is a key ring', () => StateBackend.gcs({ kmsEncryptionKey: 'projects/p/locations/l/keyRings/r' }),
    '[StateBackend.gcs] kmsEncryptionKey: received "projects/p/locations/l/keyRings/r"; expected a Cloud KMS key name: "projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>"'],
  ['a KMS key with a version', () => StateBackend.gcs({ kmsEncryptionKey: 'projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1' }),
    '[StateBackend.gcs] kmsEncryptionKey: received "projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1"; expected a Cloud KMS key name: "projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>"'],
  ['a KMS key that is not a string', () => StateBackend.gcs({ kmsEncryptionKey: 1 as unknown as string }),
    '[StateBackend.gcs] kmsEncryptionKey: received 1; expected a Cloud KMS key name: "projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>"'],
  ['a default bucket Cloud Storage reserves (the project id starts with "goog")', () => backendOf(StateBackend.gcs(), 'crdb-backups', description({ projectId: 'googly-eyes-db' })),
    '[crdb-backups] stateBackend.bucket: received "googly-eyes-db-tfstate"; Cloud Storage reserves names that start with "goog" or contain "google" or look-alikes'],
];

describe('StateBackend errors are thrown', () => {
  test.each(BAD)('%s', (_what, make, message) => {
    expect(configError(make).message).toBe(message);
  });
});
