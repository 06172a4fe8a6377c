import { CockroachConfigError, DeploymentDescription, DeploymentDescriptionProps } from '../../lib/shared';
import { configError } from '../support/errors';

const base: DeploymentDescriptionProps = { projectId: 'acme-prod-db', region: 'europe-west1', bucketName: 'acme-crdb-backups' };

describe('DeploymentDescription', () => {
  test('defaults and everything derived from them', () => {
    const d = DeploymentDescription.of(base);
    expect(d).toMatchObject({
      gkeClusterName: 'cockroachdb', namespace: 'cockroachdb', cockroachClusterName: 'crdb', backupPath: 'cluster',
      backupServiceAccountId: 'crdb-backup', zones: [],
    });
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
