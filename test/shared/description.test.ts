import { CockroachConfigError, DEFAULT_ALERT_THRESHOLDS, DeploymentDescription, DeploymentDescriptionProps } from '../../lib/shared';
import { configError } from '../support/errors';

const base: DeploymentDescriptionProps = { projectId: 'acme-prod-db', region: 'europe-west1', bucketName: 'acme-crdb-backups' };

describe('DeploymentDescription', () => {
  test('defaults and everything derived from them', () => {
    const d = DeploymentDescription.of(base);
    expect(d).toMatchObject({
      gkeClusterName: 'cockroachdb', namespace: 'cockroachdb', cockroachClusterName: 'crdb', backupPath: 'cluster',
      backupServiceAccountId: 'crdb-backup', zones: [],
    });
    expect(d.backupEncryptionKey).toBeUndefined();
    expect(d.backupEncryptionKeyId).toBeUndefined();
    expect(d.bucketUrl).toBe('gs://acme-crdb-backups');
    expect(d.backupUri).toBe('gs://acme-crdb-backups/cluster?AUTH=implicit');
    expect(d.backupServiceAccountEmail).toBe('crdb-backup@acme-prod-db.iam.gserviceaccount.com');
    expect(d.kubernetesServiceAccount).toBe('crdb');
    expect(d.workloadIdentityPool).toBe('acme-prod-db.svc.id.goog');
    expect(d.workloadIdentityMember).toBe('serviceAccount:acme-prod-db.svc.id.goog[cockroachdb/crdb]');
    expect(d.workloadIdentityAnnotations).toEqual({ 'iam.gke.io/gcp-service-account': 'crdb-backup@acme-prod-db.iam.gserviceaccount.com' });
  });

  test('custom names flow into every derived value', () => {
    const d = DeploymentDescription.of({ ...base, namespace: 'orders', cockroachClusterName: 'ordersdb', backupServiceAccountId: 'orders-backup', backupPath: 'prod/orders', zones: ['europe-west1-b', 'europe-west1-d'] });
    expect(d.workloadIdentityMember).toBe('serviceAccount:acme-prod-db.svc.id.goog[orders/ordersdb]');
    expect(d.backupUri).toBe('gs://acme-crdb-backups/prod/orders?AUTH=implicit');
    expect(d.backupServiceAccountEmail).toBe('orders-backup@acme-prod-db.iam.gserviceaccount.com');
    expect(d.zones).toEqual(['europe-west1-b', 'europe-west1-d']);
  });
});

describe('backupEncryptionKey', () => {
  test('defaults: a key ring named after the bucket, the key crdb-backups, in the project and region', () => {
    const d = DeploymentDescription.of({ ...base, backupEncryptionKey: {} });
    expect(d.backupEncryptionKey).toEqual({ keyRingName: 'acme-crdb-backups-crdb', keyName: 'crdb-backups' });
    expect(d.backupEncryptionKeyId).toBe('projects/acme-prod-db/locations/europe-west1/keyRings/acme-crdb-backups-crdb/cryptoKeys/crdb-backups');
  });

  test('names of one\'s own', () => {
    const d = DeploymentDescription.of({ ...base, backupEncryptionKey: { keyRingName: 'Prod_Ring-1', keyName: 'orders_backups' } });
    expect(d.backupEncryptionKeyId).toBe('projects/acme-prod-db/locations/europe-west1/keyRings/Prod_Ring-1/cryptoKeys/orders_backups');
  });

  test('the default key ring of a 63-character bucket is 63 characters, and never the bucket\'s CMEK key ring', () => {
    const bucketName = `a${'b'.repeat(61)}c`;
    const d = DeploymentDescription.of({ ...base, bucketName, backupEncryptionKey: {} });
    expect(d.backupEncryptionKey?.keyRingName).toBe(`a${'b'.repeat(57)}-crdb`);
    expect(d.backupEncryptionKey?.keyRingName).toHaveLength(63);
    expect(d.backupEncryptionKey?.keyRingName).not.toBe(`${bucketName.slice(0, 58)}-cmek`);
  });

  /** [what, backupEncryptionKey, the whole error message] */
  const BAD_KEYS: Array<[string, Partial<DeploymentDescriptionProps>['backupEncryptionKey'], string]> = [
    ['an empty key ring name', { keyRingName: '' },
      '[DeploymentDescription] backupEncryptionKey.keyRingName: received ""; expected a Cloud KMS name: 1 to 63 letters, digits, \'_\' or \'-\''],
    ['a key ring name with a dot', { keyRingName: 'prod.ring' },
      '[DeploymentDescription] backupEncryptionKey.keyRingName: received "prod.ring"; expected a Cloud KMS name: 1 to 63 letters, digits, \'_\' or \'-\''],
    ['a key ring name of 64 characters', { keyRingName: 'r'.repeat(64) },
      `[DeploymentDescription] backupEncryptionKey.keyRingName: received "${'r'.repeat(64)}"; expected a Cloud KMS name: 1 to 63 letters, digits, '_' or '-'`],
    ['a key name with a slash (a key version, not a key)', { keyName: 'crdb-backups/cryptoKeyVersions/1' },
      '[DeploymentDescription] backupEncryptionKey.keyName: received "crdb-backups/cryptoKeyVersions/1"; expected a Cloud KMS name: 1 to 63 letters, digits, \'_\' or \'-\''],
    ['an empty key name', { keyName: '' },
      '[DeploymentDescription] backupEncryptionKey.keyName: received ""; expected a Cloud KMS name: 1 to 63 letters, digits, \'_\' or \'-\''],
    ['a key name that is not a string', { keyName: 7 as unknown as string },
      '[DeploymentDescription] backupEncryptionKey.keyName: received 7; expected a Cloud KMS name: 1 to 63 letters, digits, \'_\' or \'-\''],
  ];

  test.each(BAD_KEYS)('%s is rejected', (_what, backupEncryptionKey, message) => {
    expect(configError(() => DeploymentDescription.of({ ...base, backupEncryptionKey })).message).toBe(message);
  });
});

/** [what, props, the prop named, the value quoted (default: the prop's value)] */
const BAD: Array<[string, Partial<DeploymentDescriptionProps>, string, unknown?]> = [
  ['bucket too short', { bucketName: 'ab' }, 'bucketName'],
  ['bucket too long', { bucketName: 'b'.repeat(64) }, 'bucketName'],
  ['bucket with uppercase', { bucketName: 'Acme-Backups' }, 'bucketName'],
  ['bucket with dots', { bucketName: 'backups.acme.com' }, 'bucketName'],
  ['bucket starting with a hyphen', { bucketName: '-acme-backups' }, 'bucketName'],
  ['bucket ending with an underscore', { bucketName: 'acme-backups_' }, 'bucketName'],
  ['bucket starting with goog', { bucketName: 'goog-backups' }, 'bucketName'],
  ['bucket containing google', { bucketName: 'my-google-backups' }, 'bucketName'],
  ['bucket containing a look-alike of google', { bucketName: 'my-g00gle-backups' }, 'bucketName'],
  ['service account id too short', { backupServiceAccountId: 'crdb' }, 'backupServiceAccountId'],
  ['service account id too long', { backupServiceAccountId: 'c'.repeat(31) }, 'backupServiceAccountId'],
  ['service account id with an underscore', { backupServiceAccountId: 'crdb_backup' }, 'backupServiceAccountId'],
  ['service account id starting with a digit', { backupServiceAccountId: '1crdb-backup' }, 'backupServiceAccountId'],
  ['service account id ending with a hyphen', { backupServiceAccountId: 'crdb-backup-' }, 'backupServiceAccountId'],
  ['project id too short', { projectId: 'acme' }, 'projectId'],
  ['project id with uppercase', { projectId: 'Acme-Prod' }, 'projectId'],
  ['project id starting with a digit', { projectId: '1acme-prod' }, 'projectId'],
  ['project id ending with a hyphen', { projectId: 'acme-prod-' }, 'projectId'],
  ['project id too long', { projectId: 'p'.repeat(31) }, 'projectId'],
  ['a zone given as region', { region: 'europe-west1-b' }, 'region'],
  ['region with uppercase', { region: 'Europe-West1' }, 'region'],
  ['region without number', { region: 'europe-west' }, 'region'],
  ['zone outside the region', { zones: ['europe-west1-b', 'us-central1-a'] }, 'zones[1]', 'us-central1-a'],
  ['zone that is a region', { zones: ['europe-west1'] }, 'zones[0]', 'europe-west1'],
  ['duplicate zones', { zones: ['europe-west1-b', 'europe-west1-b'] }, 'zones'],
  ['GKE cluster name with uppercase', { gkeClusterName: 'CockroachDB' }, 'gkeClusterName'],
  ['GKE cluster name too long', { gkeClusterName: 'g'.repeat(41) }, 'gkeClusterName'],
  ['namespace not a DNS label', { namespace: 'Cockroach_DB' }, 'namespace'],
  ['CockroachDB cluster name too long', { cockroachClusterName: 'c'.repeat(41) }, 'cockroachClusterName'],
  ['CockroachDB cluster name starting with a digit (not a Service name)', { cockroachClusterName: '1crdb' }, 'cockroachClusterName'],
  ['absolute backup path', { backupPath: '/cluster' }, 'backupPath'],
  ['backup path escaping upwards', { backupPath: 'a/../b' }, 'backupPath'],
  ['backup path with a query', { backupPath: 'cluster?AUTH=specified' }, 'backupPath'],
];

describe('bad descriptions are rejected', () => {
  // Every row padded to four cells: jest reads a callback with more parameters than cells as async.
  test.each(BAD.map(([w, p, prop, r]) => [w, p, prop, r ?? null] as const))('%s', (_what, props, prop, received) => {
    const error = configError(() => DeploymentDescription.of({ ...base, ...props }));
    const err = error as CockroachConfigError;
    expect(err.prop).toBe(prop);
    expect(err.constructPath).toBe('DeploymentDescription');
    const value = received ?? Object.values(props)[0];
    expect(err.message).toContain(`received ${JSON.stringify(value)}`);
    expect(err.message).toMatch(/expected|reserves/);
  });
});

describe('monitoring', () => {
  test('defaults: no monitoring at all; with it, the lists given and the default thresholds', () => {
    expect(DeploymentDescription.of(base).monitoring).toBeUndefined();
    const emails = ['dba@example.com'];
    const d = DeploymentDescription.of({ ...base, monitoring: { notificationEmails: emails } });
    expect(d.monitoring).toEqual({ notificationEmails: ['dba@example.com'], notificationChannels: [], alertThresholds: DEFAULT_ALERT_THRESHOLDS });
    // A copy: changing the props afterwards changes nothing.
    emails.push('ops@example.com');
    expect(d.monitoring!.notificationEmails).toEqual(['dba@example.com']);
    expect(d.cloudMonitoringSelector).toBe('cluster="cockroachdb", namespace="cockroachdb", job="crdb"');
  });

  test('thresholds in the units their names say, turned into base units', () => {
    const d = DeploymentDescription.of({ ...base, monitoring: {
      notificationChannels: ['projects/acme-prod-db/notificationChannels/123'],
      alertThresholds: { p99SqlLatencyMillis: 250, clockOffsetMillis: 100, cpuHighFraction: 0.7, cpuHighForSeconds: 600, certificateExpirySeconds: 3600 },
    } });
    expect(d.monitoring!.notificationChannels).toEqual(['projects/acme-prod-db/notificationChannels/123']);
    expect(d.monitoring!.alertThresholds).toEqual({
      ...DEFAULT_ALERT_THRESHOLDS, p99Nanos: 250e6, clockOffsetNanos: 100e6, cpuFraction: 0.7, cpuForSeconds: 600, certificateExpirySeconds: 3600,
    });
  });

  const EMAIL = 'expected an e-mail address, e.g. "dba@example.com"';
  const CHANNEL = 'expected a notification channel\'s full name: "projects/<project>/notificationChannels/<number>"';
  const NO_TARGET = 'expected at least one notificationEmails or notificationChannels entry: alert policies that notify nobody fire unseen';
  const FRACTION = 'expected a fraction strictly between 0 and 1';
  const TO = { notificationEmails: ['dba@example.com'] };
  const T = 'monitoring.alertThresholds';
  /** [what, monitoring, the prop named, the message after the prop] */
  const BAD_MONITORING: Array<[string, unknown, string, string]> = [
    ['an e-mail without a domain', { notificationEmails: ['dba@example'] }, 'monitoring.notificationEmails[0]', `received "dba@example"; ${EMAIL}`],
    ['an e-mail without a local part', { notificationEmails: ['dba@example.com', '@example.com'] }, 'monitoring.notificationEmails[1]', `received "@example.com"; ${EMAIL}`],
    ['an e-mail with a space', { notificationEmails: ['dba @example.com'] }, 'monitoring.notificationEmails[0]', `received "dba @example.com"; ${EMAIL}`],
    ['an e-mail that is not a string', { notificationEmails: [42] }, 'monitoring.notificationEmails[0]', `received 42; ${EMAIL}`],
    ['e-mails that are not a list', { notificationEmails: 'dba@example.com' }, 'monitoring.notificationEmails', 'received "dba@example.com"; expected a list'],
    ['a duplicate e-mail', { notificationEmails: ['dba@example.com', 'ops@example.com', 'dba@example.com'] }, 'monitoring.notificationEmails[2]',
      'received "dba@example.com"; expected each once'],
    ['a channel id alone', { notificationChannels: ['123'] }, 'monitoring.notificationChannels[0]', `received "123"; ${CHANNEL}`],
    ['a channel in a project with capitals', { notificationChannels: ['projects/Acme-Prod/notificationChannels/1'] }, 'monitoring.notificationChannels[0]',
      `received "projects/Acme-Prod/notificationChannels/1"; ${CHANNEL}`],
    ['a channel whose id is not a number', { notificationChannels: ['projects/acme-prod-db/notificationChannels/slack'] }, 'monitoring.notificationChannels[0]',
      `received "projects/acme-prod-db/notificationChannels/slack"; ${CHANNEL}`],
    ['a channel with a trailing slash', { notificationChannels: ['projects/acme-prod-db/notificationChannels/1/'] }, 'monitoring.notificationChannels[0]',
      `received "projects/acme-prod-db/notificationChannels/1/"; ${CHANNEL}`],
    ['a duplicate channel', { notificationChannels: ['projects/acme-prod-db/notificationChannels/1', 'projects/acme-prod-db/notificationChannels/1'] },
      'monitoring.notificationChannels[1]', 'received "projects/acme-prod-db/notificationChannels/1"; expected each once'],
    ['a channel of another project (a policy notifies its own project\'s channels only)', { notificationChannels: ['projects/ops-hub-1/notificationChannels/456'] },
      'monitoring.notificationChannels[0]', 'received "projects/ops-hub-1/notificationChannels/456"; expected a channel of project acme-prod-db, where the alert policies are: "projects/acme-prod-db/notificationChannels/<number>"'],
    ['no target at all', {}, 'monitoring', `received {}; ${NO_TARGET}`],
    ['two empty lists', { notificationEmails: [], notificationChannels: [] }, 'monitoring',
      `received {"notificationEmails":[],"notificationChannels":[]}; ${NO_TARGET}`],
    ['cpuHighFraction 1.5', { ...TO, alertThresholds: { cpuHighFraction: 1.5 } }, `${T}.cpuHighFraction`, `received 1.5; ${FRACTION}`],
    ['cpuHighFraction 0', { ...TO, alertThresholds: { cpuHighFraction: 0 } }, `${T}.cpuHighFraction`, `received 0; ${FRACTION}`],
    ['cpuHighFraction as text', { ...TO, alertThresholds: { cpuHighFraction: '0.8' } }, `${T}.cpuHighFraction`, `received "0.8"; ${FRACTION}`],
    ['memoryFraction 1', { ...TO, alertThresholds: { memoryFraction: 1 } }, `${T}.memoryFraction`, `received 1; ${FRACTION}`],
    ['diskUsedFraction 80 (a percentage)', { ...TO, alertThresholds: { diskUsedFraction: 80 } }, `${T}.diskUsedFraction`, `received 80; ${FRACTION}`],
    ['p99SqlLatencyMillis 0', { ...TO, alertThresholds: { p99SqlLatencyMillis: 0 } }, `${T}.p99SqlLatencyMillis`, 'received "0ms"; expected a positive duration'],
    ['p99SqlLatencyMillis -5', { ...TO, alertThresholds: { p99SqlLatencyMillis: -5 } }, `${T}.p99SqlLatencyMillis`, 'received "-5ms"; expected a positive duration'],
    ['clockOffsetMillis 600 (above the 500 ms maximum offset)', { ...TO, alertThresholds: { clockOffsetMillis: 600 } }, `${T}.clockOffsetMillis`,
      'received "600ms"; expected more than 0 and less than the 500 ms maximum offset'],
    ['clockOffsetMillis 500', { ...TO, alertThresholds: { clockOffsetMillis: 500 } }, `${T}.clockOffsetMillis`,
      'received "500ms"; expected more than 0 and less than the 500 ms maximum offset'],
    ['clockOffsetMillis 0', { ...TO, alertThresholds: { clockOffsetMillis: 0 } }, `${T}.clockOffsetMillis`,
      'received "0ms"; expected more than 0 and less than the 500 ms maximum offset'],
    ['cpuHighForSeconds 30', { ...TO, alertThresholds: { cpuHighForSeconds: 30 } }, `${T}.cpuHighForSeconds`, 'received 30; expected an integer from 60 to 86400'],
    ['cpuHighForSeconds 90.5', { ...TO, alertThresholds: { cpuHighForSeconds: 90.5 } }, `${T}.cpuHighForSeconds`, 'received 90.5; expected an integer from 60 to 86400'],
    ['certificateExpirySeconds 60', { ...TO, alertThresholds: { certificateExpirySeconds: 60 } }, `${T}.certificateExpirySeconds`,
      'received 60; expected an integer from 3600 to 316224000'],
    ['diskIopsInProgress 0', { ...TO, alertThresholds: { diskIopsInProgress: 0 } }, `${T}.diskIopsInProgress`, 'received 0; expected an integer from 1 to 100000'],
    ['diskThroughputBytesPerSecond 1.5', { ...TO, alertThresholds: { diskThroughputBytesPerSecond: 1.5 } }, `${T}.diskThroughputBytesPerSecond`,
      'received 1.5; expected an integer from 1 to 1000000000000'],
  ];

  test.each(BAD_MONITORING)('%s is rejected', (_what, monitoring, prop, message) => {
    const error = configError(() => DeploymentDescription.of({ ...base, monitoring: monitoring as DeploymentDescriptionProps['monitoring'] }));
    expect(error.prop).toBe(prop);
    expect(error.constructPath).toBe('DeploymentDescription');
    expect(error.message).toBe(`[DeploymentDescription] ${prop}: ${message}`);
  });
});
