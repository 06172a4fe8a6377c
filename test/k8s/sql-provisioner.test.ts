import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import {
  BackupDestination, BackupEncryption, BuiltinWorkload, ClusterSecurity, ClusterSetting, CockroachCluster, CockroachClusterProps,
  DatabasePrivilege, DatabaseRegions, DeploymentDescription, FullBackup, GcsCredentials, PreviousRunPolicy, RestoreTarget, ScheduleFailurePolicy, SQL_JOB_ANNOTATION, SqlProvisioner, SqlSecret, TablePrivilege,
} from '../../lib/k8s';
import { kubeApiAccessVolume } from '../../lib/k8s/private/kube-api';
import { JOB_NAME_ENV } from '../../lib/k8s/private/sql-script';
import { Manifest, newChart, only, synth, validateAgainstSchemas } from '../support/manifests';
import { FakeRule, LEASE_SECTION_END, LEASE_SECTION_START, mountedSecretFiles, runWithFakeCockroach, withoutLease } from '../support/scripts';
import { configError } from '../support/errors';

const dest = BackupDestination.gcs('acme-backups', 'cluster');
const KMS_KEY = 'projects/acme-prod-db/locations/europe-west1/keyRings/r/cryptoKeys/k';
const kmsDest = BackupDestination.gcs('acme-backups', 'cluster', { encryption: BackupEncryption.cloudKms(KMS_KEY) });

function cluster(props: Partial<CockroachClusterProps> = {}) {
  const chart = newChart();
  // Ambient credentials (Workload Identity), which the AUTH=implicit destinations need.
  const c = new CockroachCluster(chart, 'crdb', { init: { enabled: false }, gcsCredentials: GcsCredentials.workloadIdentity('crdb-backup@acme-prod-db.iam.gserviceaccount.com'), ...props });
  const sqlJob = (): Manifest => only(synth(chart), 'Job');
  return { chart, c, sqlJob };
}

const script = (job: Manifest): string => job.spec.template.spec.containers[0].command[2];
const READY: FakeRule = { match: /^SELECT 1;/, output: '?column?\n1\n' };
/**
 * Runs the SQL Job's script with the fake cockroach, without its Lease section (see withoutLease): the
 * Lease talks to the Kubernetes API and is tested against a real API server in test/cluster/sql-job.test.ts.
 */
const runSqlJob = (job: Manifest, rules: FakeRule[], secrets: Record<string, string> = {}) =>
  runWithFakeCockroach(script(job), rules, {}, withoutLease, mountedSecretFiles(job, secrets));

describe('the exact SQL of each feature (CockroachDB grammar)', () => {
  test('databases, users, roles, memberships and grants', () => {
    const { c } = cluster();
    const shop = c.addDatabase('shop');
    const app = c.addUser('app');
    c.addUser('reporter', { password: SqlSecret.fromSecret('reporter-pw', 'password') });
    const readers = c.addRole('readers');
    readers.grantTo('reporter');
    shop.grant(app, DatabasePrivilege.CONNECT, DatabasePrivilege.CREATE);
    shop.grant(readers, DatabasePrivilege.CONNECT);
    shop.grantOnAllTables(readers, [TablePrivilege.SELECT]);
    shop.grantOnAllTables(app, [TablePrivilege.SELECT, TablePrivilege.DELETE], 'audit');
    shop.grantOnTable('orders', app, [TablePrivilege.SELECT, TablePrivilege.INSERT, TablePrivilege.UPDATE]);
    expect(c.sqlProvisioner.statementsForDisplay).toEqual([
      'CREATE DATABASE IF NOT EXISTS "shop";',
      'CREATE ROLE IF NOT EXISTS "readers";',
      'CREATE USER IF NOT EXISTS "app";',
      'CREATE USER IF NOT EXISTS "reporter";',
      'ALTER USER "reporter" WITH PASSWORD <secret:reporter-pw/password>;',
      'GRANT "readers" TO "reporter";',
      'GRANT CONNECT, CREATE ON DATABASE "shop" TO "app";',
      'GRANT CONNECT ON DATABASE "shop" TO "readers";',
      'GRANT SELECT ON ALL TABLES IN SCHEMA "shop"."public" TO "readers";',
      'GRANT SELECT, DELETE ON ALL TABLES IN SCHEMA "shop"."audit" TO "app";',
      'GRANT SELECT, INSERT, UPDATE ON TABLE "shop"."public"."orders" TO "app";',
    ]);
  });

  test('cluster settings (typed and raw) and the license', () => {
    const { c } = cluster();
    c.setClusterSetting(ClusterSetting.diagnosticsReporting(false));
    c.setClusterSetting(ClusterSetting.rangefeed(true));
    c.setClusterSetting(ClusterSetting.jobsRetention(Duration.days(7)));
    c.setClusterSetting(ClusterSetting.timeUntilStoreDead(Duration.minutes(10)));
    c.setClusterSetting(ClusterSetting.snapshotRebalanceRate(Size.mebibytes(64)));
    c.setClusterSetting(ClusterSetting.of('sql.stats.automatic_collection.fraction_stale_rows', 0.3));
    c.setLicense({ organization: 'Acme', key: SqlSecret.fromSecret('crdb-license', 'license') });
    expect(c.sqlProvisioner.statementsForDisplay).toEqual([
      'SET CLUSTER SETTING diagnostics.reporting.enabled = false;',
      'SET CLUSTER SETTING kv.rangefeed.enabled = true;',
      "SET CLUSTER SETTING jobs.retention_time = '604800s';",
      "SET CLUSTER SETTING server.time_until_store_dead = '600s';",
      "SET CLUSTER SETTING kv.snapshot_rebalance.max_rate = '64 MiB';",
      'SET CLUSTER SETTING sql.stats.automatic_collection.fraction_stale_rows = 0.3;',
      "SET CLUSTER SETTING cluster.organization = 'Acme';",
      'SET CLUSTER SETTING enterprise.license = <secret:crdb-license/license>;',
    ]);
  });

  test('the book\'s backup schedule: whole cluster, hourly incremental, daily full, revision history, first run now', () => {
    const { c } = cluster();
    const schedule = c.addBackupSchedule('backup_cluster', { destination: dest });
    expect(schedule.label).toMatch(/^backup_cluster_[0-9a-f]{8}$/);
    expect(c.sqlProvisioner.statementsForDisplay).toEqual([
      `DROP SCHEDULES WITH s AS (SHOW SCHEDULES) SELECT id FROM s WHERE label ~ '^backup_cluster_[0-9a-f]{8}$' AND label != '${schedule.label}';`,
      `CREATE SCHEDULE IF NOT EXISTS '${schedule.label}' FOR BACKUP INTO 'gs://acme-backups/cluster?AUTH=implicit' WITH revision_history RECURRING '@hourly' FULL BACKUP '@daily' WITH SCHEDULE OPTIONS first_run = 'now', on_execution_failure = 'reschedule', on_previous_running = 'wait', updates_cluster_last_backup_time_metric;`,
    ]);
    // No RESUME: CockroachDB keeps the incremental schedule paused until the first full backup is done,
    // and a schedule someone paused stays paused.
    expect(schedule.statement).toBe(c.sqlProvisioner.statementsForDisplay[1]);
  });

  test('chosen databases, FULL BACKUP ALWAYS, a cron, no revision history, options, AUTH=specified from a Secret', () => {
    const { c } = cluster();
    const s = c.addBackupSchedule('shop_backup', {
      destination: BackupDestination.gcsWithKey('acme-backups', 'shop', SqlSecret.fromSecret('gcs-key', 'key.json')),
      databases: ['shop', 'billing'], recurrence: '0 */6 * * *', fullBackup: FullBackup.always(), revisionHistory: false, runNow: false,
      onExecutionFailure: ScheduleFailurePolicy.PAUSE, onPreviousRunning: PreviousRunPolicy.SKIP,
    });
    expect(s.statement).toBe(`CREATE SCHEDULE IF NOT EXISTS '${s.label}' FOR BACKUP DATABASE "shop", "billing" INTO 'gs://acme-backups/shop?AUTH=specified&CREDENTIALS=<credentials:gcs-key/key.json>' RECURRING '0 */6 * * *' FULL BACKUP ALWAYS WITH SCHEDULE OPTIONS on_execution_failure = 'pause', on_previous_running = 'skip', updates_cluster_last_backup_time_metric;`);
  });

  test('restores: cluster, database under a new name, table into another database', () => {
    const a = cluster();
    a.c.restoreFrom(dest);
    expect(a.c.sqlProvisioner.statementsForDisplay).toEqual(["RESTORE FROM LATEST IN 'gs://acme-backups/cluster?AUTH=implicit' WITH detached;"]);
    const b = cluster();
    b.c.restoreFrom(dest, RestoreTarget.database('shop', { newName: 'shop_restored' }));
    b.c.restoreFrom(dest, RestoreTarget.table('shop', 'orders', { intoDatabase: 'scratch' }));
    expect(b.c.sqlProvisioner.statementsForDisplay).toEqual([
      "RESTORE DATABASE \"shop\" FROM LATEST IN 'gs://acme-backups/cluster?AUTH=implicit' WITH detached, new_db_name = 'shop_restored';",
      "RESTORE TABLE \"shop\".\"public\".\"orders\" FROM LATEST IN 'gs://acme-backups/cluster?AUTH=implicit' WITH detached, into_db = 'scratch';",
    ]);
  });

  test('one encryption per collection: what agrees is accepted, whatever the order; the description binds its own collection only when it has a key', () => {
    const withKey = DeploymentDescription.of({ projectId: 'acme-prod-db', region: 'europe-west1', bucketName: 'acme-backups', namespace: 'db', backupEncryptionKey: {} });
    const a = cluster({ gcsCredentials: GcsCredentials.fromDeployment(withKey) }).c;
    a.addBackupSchedule('b', { destination: BackupDestination.fromDeployment(withKey) });
    expect(() => a.restoreFrom(BackupDestination.fromDeployment(withKey), RestoreTarget.database('shop'))).not.toThrow();
    // Another folder of the same bucket is another collection: older, unencrypted backups stay restorable.
    expect(() => a.restoreFrom(BackupDestination.gcs('acme-backups', 'before-encryption'), RestoreTarget.database('crm'))).not.toThrow();
    // Restore first, schedule after: the same check.
    const b = cluster().c;
    b.restoreFrom(kmsDest, RestoreTarget.database('shop'));
    expect(() => b.addBackupSchedule('b', { destination: kmsDest })).not.toThrow();
    // A description without a key says nothing: a key managed elsewhere may encrypt its collection.
    const noKey = DeploymentDescription.of({ projectId: 'acme-prod-db', region: 'europe-west1', bucketName: 'acme-backups', namespace: 'db' });
    expect(() => cluster({ gcsCredentials: GcsCredentials.fromDeployment(noKey) }).c.addBackupSchedule('b', { destination: kmsDest })).not.toThrow();
  });

  test('backups encrypted with a Cloud KMS key: the schedule writes with it, the restore reads with it', () => {
    const key = 'projects/acme-prod-db/locations/europe-west1/keyRings/acme-crdb-backups/cryptoKeys/crdb-backups';
    const encrypted = BackupDestination.gcs('acme-backups', 'cluster', { encryption: BackupEncryption.cloudKms(key) });
    const { c } = cluster();
    const s = c.addBackupSchedule('b', { destination: encrypted });
    expect(s.statement).toBe(`CREATE SCHEDULE IF NOT EXISTS '${s.label}' FOR BACKUP INTO 'gs://acme-backups/cluster?AUTH=implicit' WITH revision_history, kms = 'gs:///${key}?AUTH=implicit' RECURRING '@hourly' FULL BACKUP '@daily' WITH SCHEDULE OPTIONS first_run = 'now', on_execution_failure = 'reschedule', on_previous_running = 'wait', updates_cluster_last_backup_time_metric;`);
    // The key is part of the schedule's definition: another key is another schedule, the old one dropped.
    expect(s.label).not.toBe(cluster().c.addBackupSchedule('b', { destination: dest }).label);
    const r = cluster();
    r.c.restoreFrom(encrypted, RestoreTarget.database('shop'));
    expect(r.c.sqlProvisioner.statementsForDisplay).toEqual([
      `RESTORE DATABASE "shop" FROM LATEST IN 'gs://acme-backups/cluster?AUTH=implicit' WITH detached, kms = 'gs:///${key}?AUTH=implicit';`,
    ]);
  });

  test('backups encrypted with a key reached with the destination\'s own key, and with a passphrase', () => {
    const key = 'projects/acme-prod-db/locations/europe-west1/keyRings/r/cryptoKeys/k';
    const gcsKey = SqlSecret.fromSecret('gcs-key', 'key.json');
    const { c } = cluster();
    const s = c.addBackupSchedule('b', { destination: BackupDestination.gcsWithKey('acme-backups', 'p', gcsKey, { encryption: BackupEncryption.cloudKms(key) }), revisionHistory: false });
    expect(s.statement).toBe(`CREATE SCHEDULE IF NOT EXISTS '${s.label}' FOR BACKUP INTO 'gs://acme-backups/p?AUTH=specified&CREDENTIALS=<credentials:gcs-key/key.json>' WITH kms = 'gs:///${key}?AUTH=specified&CREDENTIALS=<credentials:gcs-key/key.json>' RECURRING '@hourly' FULL BACKUP '@daily' WITH SCHEDULE OPTIONS first_run = 'now', on_execution_failure = 'reschedule', on_previous_running = 'wait', updates_cluster_last_backup_time_metric;`);
    const p = cluster();
    const withPassphrase = BackupDestination.gcs('acme-backups', 'p', { encryption: BackupEncryption.passphrase(SqlSecret.fromSecret('backup-passphrase', 'passphrase')) });
    const ps = p.c.addBackupSchedule('b', { destination: withPassphrase });
    expect(ps.statement).toContain(" WITH revision_history, encryption_passphrase = <secret:backup-passphrase/passphrase> RECURRING '@hourly'");
    p.c.restoreFrom(BackupDestination.gcs('acme-backups', 'q', { encryption: BackupEncryption.passphrase(SqlSecret.fromSecret('backup-passphrase', 'passphrase')) }));
    expect(p.c.sqlProvisioner.statementsForDisplay).toContain(
      "RESTORE FROM LATEST IN 'gs://acme-backups/q?AUTH=implicit' WITH detached, encryption_passphrase = <secret:backup-passphrase/passphrase>;");
  });

  test('SHOW BACKUPS inspection Job', () => {
    const { c, chart } = cluster();
    const inspection = c.addBackupInspection(dest);
    const job = only(synth(chart), 'Job');
    expect(job.metadata.name).toMatch(/^crdb-show-backups-[0-9a-f]{10}$/);
    expect(inspection.job.jobName).toBe(job.metadata.name);
    const r = runWithFakeCockroach(script(job), [READY, { match: /^SHOW BACKUPS/, output: 'path\n2026/11/23-100000.00\n' }]);
    expect(r.status).toBe(0);
    expect(r.sql).toContain("SHOW BACKUPS IN 'gs://acme-backups/cluster?AUTH=implicit';");
    expect(r.stdout).toContain('2026/11/23-100000.00');
  });
});

describe('the SQL Job', () => {
  test('connects through the public Service as root with the client certificate, and validates', () => {
    const { c, sqlJob, chart } = cluster();
    c.addDatabase('shop');
    const job = sqlJob();
    validateAgainstSchemas(synth(chart));
    expect(job.metadata.name).toMatch(/^crdb-sql-[0-9a-f]{10}$/);
    const container = job.spec.template.spec.containers[0];
    expect(container.env).toEqual([
      { name: 'COCKROACH_HOST', value: 'crdb-public.db.svc.cluster.local:26257' },
      { name: 'SQL_JOB_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['batch.kubernetes.io/job-name']" } } },
      { name: 'SQL_POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'COCKROACH_CERTS_DIR', value: '/cockroach/cockroach-certs' },
    ]);
    expect(container.volumeMounts).toEqual([
      { name: 'certs', mountPath: '/cockroach/cockroach-certs', readOnly: true },
      { name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
    ]);
    expect(job.spec.activeDeadlineSeconds).toBe(1800);
    expect(job.spec).not.toHaveProperty('ttlSecondsAfterFinished');
    expect(job.spec.template.metadata.labels['app.kubernetes.io/component']).toBe('sql');
  });

  test('insecure clusters: COCKROACH_INSECURE', () => {
    const { c, sqlJob } = cluster({ security: ClusterSecurity.insecure() });
    c.addDatabase('shop');
    expect(sqlJob().spec.template.spec.containers[0].env).toContainEqual({ name: 'COCKROACH_INSECURE', value: 'true' });
  });

  test('runs: waits for SQL, then applies every statement in order', () => {
    const { c, sqlJob } = cluster();
    c.addDatabase('shop');
    c.addUser('app');
    const r = runSqlJob(sqlJob(), [READY]);
    expect(r.status).toBe(0);
    expect(r.sql).toEqual(['SELECT 1;', 'CREATE DATABASE IF NOT EXISTS "shop";', 'CREATE USER IF NOT EXISTS "app";']);
    expect(r.stdout).toContain('applying: database shop');
    expect(r.stdout).toContain('done');
  });

  test('waits a bounded number of times, then fails', () => {
    const { c, sqlJob } = cluster();
    c.addDatabase('shop');
    const s = script(sqlJob());
    expect(s).toContain('for attempt in $$(seq 1 60); do');
    // The same loop with a bound of 4 instead of 60, so the test does not start 60 fake processes.
    const r = runWithFakeCockroach(s, [{ match: /^SELECT 1;/, output: '', status: 1 }], {},
      (x) => withoutLease(x).replace('seq 1 60', 'seq 1 4').replace('-eq 60 ]', '-eq 4 ]'));
    expect(r.status).toBe(1);
    expect(r.sql.filter((q) => q === 'SELECT 1;')).toHaveLength(4);
    expect(r.sql).not.toContain('CREATE DATABASE IF NOT EXISTS "shop";');
    expect(r.stderr).toContain('the cluster did not accept SQL after');
  });

  describe('a failing statement: named in the log, skips the rest of its group only, and fails the Job at the end', () => {
    // One statement per group, plus a second one in the databases group and in the access group.
    const declare = () => {
      const { c, sqlJob } = cluster();
      c.setClusterSetting(ClusterSetting.rangefeed(true));
      const shop = c.addDatabase('shop');
      c.addDatabase('billing');
      c.addBackupSchedule('nightly', { destination: dest, databases: ['shop'] });
      const app = c.addUser('app');
      shop.grant(app, DatabasePrivilege.CONNECT);
      return sqlJob();
    };
    const job = declare();
    const FAIL = (match: RegExp): FakeRule => ({ match, output: 'ERROR: boom', status: 1 });

    test('the order: settings, databases, backup schedules, then users and grants (data protection before access)', () => {
      const r = runSqlJob(job, [READY]);
      expect(r.status).toBe(0);
      expect(r.sql.slice(1).map((q) => q.split(' ').slice(0, 2).join(' '))).toEqual([
        'SET CLUSTER', 'CREATE DATABASE', 'CREATE DATABASE', 'DROP SCHEDULES', 'CREATE SCHEDULE', 'CREATE USER', 'GRANT CONNECT',
      ]);
      expect(r.stdout.split('\n').filter((l) => l.startsWith('-- '))).toEqual([
        '-- cluster settings and license', '-- databases', '-- backup schedules', '-- roles, users, memberships and grants',
      ]);
      expect(r.stdout).toContain('done');
    });

    test('a failed setting: every other group is applied, the Job fails naming it', () => {
      const r = runSqlJob(job, [READY, FAIL(/^SET CLUSTER SETTING kv.rangefeed/)]);
      expect(r.status).toBe(1);
      expect(r.sql.filter((q) => /^(CREATE|GRANT|DROP)/.test(q))).toHaveLength(6);
      expect(r.stderr).toContain('failed: cluster setting kv.rangefeed.enabled\n');
      expect(r.stderr).toContain('1 statement(s) failed (the other groups were applied):\n  cluster setting kv.rangefeed.enabled');
      expect(r.stdout).not.toContain('done');
    });

    test('a failed grant does not keep the backup schedule from being created', () => {
      const r = runSqlJob(job, [READY, FAIL(/^GRANT/)]);
      expect(r.status).toBe(1);
      expect(r.sql.some((q) => q.startsWith('CREATE SCHEDULE IF NOT EXISTS'))).toBe(true);
      expect(r.stderr).toMatch(/^failed: grant on database shop to app\n/);
    });

    test('a failed database skips the rest of its group (and the schedule that names it fails on its own)', () => {
      const r = runSqlJob(job, [READY, FAIL(/^CREATE DATABASE IF NOT EXISTS "shop"/), FAIL(/^CREATE SCHEDULE/)]);
      expect(r.status).toBe(1);
      expect(r.sql).not.toContain('CREATE DATABASE IF NOT EXISTS "billing";');
      expect(r.stdout).toContain('skipped: database billing (an earlier statement of its group failed)');
      expect(r.sql).toContain('CREATE USER IF NOT EXISTS "app";');
      expect(r.stderr).toMatch(/2 statement\(s\) failed \(the other groups were applied\):\n {2}database shop\n {2}backup schedule nightly/);
    });
  });

  test('the name is stable when nothing changed, and new when a statement changed', () => {
    const name = (declare: (c: CockroachCluster) => void, props: Partial<CockroachClusterProps> = {}) => {
      const x = cluster(props);
      declare(x.c);
      return x.sqlJob().metadata.name;
    };
    const base = (c: CockroachCluster) => { c.addDatabase('shop'); c.addBackupSchedule('b', { destination: dest }); };
    const a = name(base);
    expect(name(base)).toBe(a);
    expect(name(base, { replicas: 5 })).toBe(a);
    expect(name((c) => { base(c); c.addUser('app'); })).not.toBe(a);
    expect(name((c) => { c.addDatabase('shop'); c.addBackupSchedule('b', { destination: dest, recurrence: '@daily', fullBackup: FullBackup.always() }); })).not.toBe(a);
  });

  test('a changed recurrence takes effect: new label, and the old versions are dropped', () => {
    const a = cluster().c.addBackupSchedule('nightly', { destination: dest, recurrence: '@hourly' });
    const b = cluster().c.addBackupSchedule('nightly', { destination: dest, recurrence: '@daily', fullBackup: FullBackup.every('@weekly') });
    expect(a.label).not.toBe(b.label);
    expect(cluster().c.addBackupSchedule('nightly', { destination: dest, recurrence: '@hourly' }).label).toBe(a.label);
    const { c, sqlJob } = cluster();
    c.addBackupSchedule('nightly', { destination: dest, recurrence: '@daily', fullBackup: FullBackup.every('@weekly') });
    const r = runSqlJob(sqlJob(), [READY]);
    expect(r.status).toBe(0);
    expect(r.sql[1]).toBe(`DROP SCHEDULES WITH s AS (SHOW SCHEDULES) SELECT id FROM s WHERE label ~ '^nightly_[0-9a-f]{8}$' AND label != '${b.label}';`);
    expect(r.sql[2]).toContain(`CREATE SCHEDULE IF NOT EXISTS '${b.label}'`);
  });

  test('the key for AUTH=specified is read from the Secret and encoded at run time', () => {
    const { c, sqlJob } = cluster();
    const s = c.addBackupSchedule('b', { destination: BackupDestination.gcsWithKey('acme-backups', 'p', SqlSecret.fromSecret('gcs-key', 'key.json')) });
    const job = sqlJob();
    expect(job.spec.template.spec.volumes).toContainEqual({ name: 'sql-secret-0', secret: { secretName: 'gcs-key', items: [{ key: 'key.json', path: 'key.json' }], defaultMode: 0o440 } });
    // A key file ends with a newline: the encoded value keeps it, byte for byte.
    const key = '{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----\\nMIIE+/==\\n"}\n';
    const r = runSqlJob(job, [READY], { 'gcs-key/key.json': key });
    expect(r.status).toBe(0);
    const create = r.sql.find((q) => q.startsWith('CREATE SCHEDULE'))!;
    const encoded = /CREDENTIALS=([^']*)'/.exec(create)![1];
    expect(encoded).not.toMatch(/[+/=]/);
    expect(Buffer.from(decodeURIComponent(encoded), 'base64').toString()).toBe(key);
    expect(create).toContain(`CREATE SCHEDULE IF NOT EXISTS '${s.label}' FOR BACKUP INTO 'gs://acme-backups/p?AUTH=specified&CREDENTIALS=`);
    expect(r.stdout + r.stderr).not.toContain('BEGIN PRIVATE KEY');
  });
});

test('a backup passphrase is read from its Secret at run time and quoted, never rendered', () => {
  const { c, sqlJob } = cluster();
  const passphrase = SqlSecret.fromSecret('backup-passphrase', 'passphrase');
  const s = c.addBackupSchedule('b', { destination: BackupDestination.gcs('acme-backups', 'p', { encryption: BackupEncryption.passphrase(passphrase) }) });
  const job = sqlJob();
  expect(job.spec.template.spec.volumes).toContainEqual({ name: 'sql-secret-0', secret: { secretName: 'backup-passphrase', items: [{ key: 'passphrase', path: 'passphrase' }], defaultMode: 0o440 } });
  const value = "it's a long passphrase";
  expect(JSON.stringify(job)).not.toContain(value);
  const r = runSqlJob(job, [READY], { 'backup-passphrase/passphrase': value });
  expect(r.status).toBe(0);
  expect(r.sql).toContain(s.statement.replace('<secret:backup-passphrase/passphrase>', "'it''s a long passphrase'"));
  expect(r.stdout + r.stderr).not.toContain(value);
});

/**
 * The Lease that keeps two versions of the SQL Job from acting at once. Its protocol talks to the
 * Kubernetes API, so it runs against a real API server in test/cluster/sql-job.test.ts; here, what is
 * rendered, by name.
 */
describe('the SQL Job\'s Lease, ServiceAccount and Role', () => {
  const { c, chart } = cluster();
  c.restoreFrom(dest, RestoreTarget.database('shop', { newName: 'shop_old' }));
  c.addDatabase('shop');
  c.addUser('reporter', { password: SqlSecret.fromSecret('reporter-pw', 'password') });
  const objects = synth(chart);
  const job = only(objects, 'Job');
  const pod = job.spec.template.spec;
  const lease = only(objects, 'Lease', 'crdb-sql');
  const lines: string[] = pod.containers[0].command[2].split('\n');

  test('validates', () => {
    validateAgainstSchemas(objects);
  });

  test('the Job runs as its own ServiceAccount <name>-sql, which has no token of its own and no cloud identity', () => {
    expect(pod.serviceAccountName).toBe('crdb-sql');
    expect(pod.automountServiceAccountToken).toBe(false);
    const sa = only(objects, 'ServiceAccount', 'crdb-sql');
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(sa.metadata.annotations).toBeUndefined();
    expect(sa.metadata.namespace).toBe('db');
  });

  test('its Role: get and patch on this one Lease, nothing else', () => {
    const role = only(objects, 'Role', 'crdb-sql');
    expect(role.metadata.namespace).toBe('db');
    expect(role.rules).toEqual([{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['crdb-sql'], verbs: ['get', 'patch'] }]);
  });

  test('its RoleBinding: that Role, to that ServiceAccount', () => {
    const binding = only(objects, 'RoleBinding', 'crdb-sql');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'crdb-sql' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'crdb-sql', namespace: 'db' }]);
  });

  test('the Lease <name>-sql names the declared Job (its final, digest name), for 300 s, and comes before the Job', () => {
    expect(lease.apiVersion).toBe('coordination.k8s.io/v1');
    expect(lease.metadata.namespace).toBe('db');
    expect(lease.metadata.annotations).toEqual({ [SQL_JOB_ANNOTATION]: job.metadata.name });
    expect(SQL_JOB_ANNOTATION).toBe('cockroachdb/sql-job');
    expect(job.metadata.name).toBe(c.sqlProvisioner.job.jobName);
    expect(c.sqlProvisioner.lease.name).toBe('crdb-sql');
    expect(lease.spec).toEqual({ leaseDurationSeconds: 300 });
    // Before the Job: an apply names the new Job in the Lease before the Job exists.
    const index = (kind: string) => objects.findIndex((o) => o.kind === kind);
    expect(index('Lease')).toBeLessThan(index('Job'));
  });

  test('a changed declaration: a new Job name, and the Lease names it', () => {
    const other = cluster();
    other.c.addDatabase('shop');
    other.c.addDatabase('billing');
    const out = synth(other.chart);
    const otherJob = only(out, 'Job');
    expect(otherJob.metadata.name).not.toBe(job.metadata.name);
    expect(only(out, 'Lease').metadata.annotations[SQL_JOB_ANNOTATION]).toBe(otherJob.metadata.name);
  });

  test('the Job reads its own name from its pod\'s label (downward API), and its token from the usual path', () => {
    expect(JOB_NAME_ENV).toBe('SQL_JOB_NAME');
    expect(pod.containers[0].env).toContainEqual({ name: 'SQL_JOB_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['batch.kubernetes.io/job-name']" } } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true });
    expect(pod.volumes).toContainEqual(kubeApiAccessVolume());
    expect(kubeApiAccessVolume().projected!.sources!.map((src) => Object.keys(src)[0])).toEqual(['serviceAccountToken', 'configMap']);
  });

  test('the script: the Lease section once, `hold first` after the wait for SQL, `hold` before every statement and in the restore polling loop', () => {
    const start = lines.indexOf(LEASE_SECTION_START);
    const end = lines.indexOf(LEASE_SECTION_END);
    expect(lines.filter((l) => l === LEASE_SECTION_START || l === LEASE_SECTION_END)).toEqual([LEASE_SECTION_START, LEASE_SECTION_END]);
    expect(start).toBeGreaterThan(lines.indexOf('for attempt in $$(seq 1 60); do'));
    expect(lines[end + 1]).toBe('hold first');
    const statements = lines.map((l, i) => [l, i] as const).filter(([l]) => /^step (run|run_secret) /.test(l));
    expect(statements.map(([l]) => l.split(' ')[1])).toEqual(['run', 'run', 'run_secret']);
    for (const [, i] of statements) expect(lines[i - 1]).toBe('hold');
    const poll = lines.indexOf('  echo "waiting for restore job $${job}"') + 1;
    expect(lines.slice(poll, poll + 3)).toEqual(['  while true; do', '    hold', '    status=$$(query "SELECT status FROM [SHOW JOB $${job}];")']);
    expect(lines.indexOf('hold first')).toBeLessThan(lines.findIndex((l) => l.includes('RESTORE DATABASE')));
    // Each restore block starts with a hold, and the record of a finished restore is held too.
    const blocks = lines.map((l, i) => [l, i] as const).filter(([l]) => /^# RESTORE .* \([0-9a-f]{16}\)$|^# restore .* \([0-9a-f]{16}\)$/i.test(l));
    expect(blocks.length).toBeGreaterThan(0);
    for (const [, i] of blocks) expect(lines[i + 1]).toBe('hold');
    const records = lines.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith("  run 'record "));
    expect(records.length).toBe(blocks.length);
    for (const [, i] of records) expect(lines[i - 1]).toBe('  hold');
  });

  test('the Lease section reads the Lease as JSON and writes it only over the version it read', () => {
    const section = lines.slice(lines.indexOf(LEASE_SECTION_START), lines.indexOf(LEASE_SECTION_END) + 1).join('\n');
    expect(section).toContain('lease_url=https://kubernetes.default.svc/apis/coordination.k8s.io/v1/namespaces/db/leases/crdb-sql');
    expect(section).toContain('me="$${SQL_JOB_NAME:?the Job name (downward API) is missing}"');
    expect(section).toContain('json_get metadata annotations cockroachdb/sql-job');
    expect(section).toContain('json_get spec holderIdentity');
    expect(section).toContain('json_get metadata resourceVersion');
    expect(section).toContain('--data "{\\"metadata\\":{\\"resourceVersion\\":\\"$$lease_version\\"},\\"spec\\":{\\"holderIdentity\\":$$who,\\"renewTime\\":\\"$$now\\"}}"');
    expect(section).toContain('trap release EXIT');
    // bash as PID 1 ignores SIGTERM unless trapped: the trap makes it exit, and the EXIT trap release.
    expect(section).toContain("trap 'exit 143' TERM");
    // The holder is the pod; the Job only says which declaration it runs.
    expect(section).toContain('pod="$${SQL_POD_NAME:?the pod name (downward API) is missing}"');
    expect(section).toContain('lease_write "$$pod"');
    // Expiry on this pod's clock, since it saw the Lease's version; no date of another pod is parsed.
    expect(section).toContain('  [ $$((now - seen_at)) -ge 300 ]');
    expect(section).not.toContain('date -u -d');
    // No statement outlives the Lease.
    expect(section).toContain('sql() { timeout 240 /cockroach/cockroach sql --format=tsv "$$@"; }');
    // release retries when an apply wrote the Lease in between.
    expect(section).toMatch(/for attempt in 1 2 3 4 5; do[\s\S]*lease_write null\n {4}\[ "\$\$code" = 409 \] \|\| return 0/);
    expect(lines.join('\n')).not.toMatch(/BASH_REMATCH|=~/);
    expect(lines.join('\n')).not.toMatch(/--fail\b/);
  });

  test('withoutLease (the unit tests\' rewrite) cuts exactly that section, and refuses a script without one', () => {
    const text = lines.join('\n');
    const cut = withoutLease(text).split('\n');
    const start = lines.indexOf(LEASE_SECTION_START);
    expect(cut.slice(0, start)).toEqual(lines.slice(0, start));
    expect(cut[start]).toBe('hold() { :; }');
    expect(cut.slice(start + 1)).toEqual(lines.slice(lines.indexOf(LEASE_SECTION_END) + 1));
    expect(cut.join('\n')).not.toMatch(/\brequest\b(?!ed)|\blease_|SQL_JOB_NAME|json_get|kubernetes\.default\.svc/);
    const inspection = cluster();
    inspection.c.addBackupInspection(dest);
    expect(() => withoutLease(script(only(synth(inspection.chart), 'Job')))).toThrow(/no Lease section/);
  });

  test('the backup inspection Job (read-only) has no Lease, no token and no SQL ServiceAccount', () => {
    const { c: c2, chart: chart2 } = cluster();
    c2.addBackupInspection(dest);
    const out = synth(chart2);
    const inspection = only(out, 'Job').spec.template.spec;
    expect(out.filter((o) => ['Lease', 'RoleBinding'].includes(o.kind) || o.metadata.name === 'crdb-sql')).toEqual([]);
    expect(inspection.serviceAccountName).toBe('crdb-client');
    expect(inspection.containers[0].env.map((e: any) => e.name)).not.toContain('SQL_JOB_NAME');
    expect((inspection.volumes ?? []).map((v: any) => v.name)).not.toContain('kube-api-access');
    expect(inspection.containers[0].command[2]).not.toMatch(/\bhold\b|kubernetes\.default\.svc/);
  });
});

describe('restore, run by the Job', () => {
  const setup = (target = RestoreTarget.cluster()) => {
    const { c, sqlJob } = cluster();
    const id = c.restoreFrom(dest, target);
    c.addDatabase('shop');
    return { id, job: sqlJob() };
  };

  test('a fresh, empty cluster: RESTORE detached, poll until it succeeds, record it, then the rest', () => {
    const { id, job } = setup();
    expect(job.spec.activeDeadlineSeconds).toBe(6 * 3600);
    const r = runSqlJob(job, [
      READY,
      { match: /database_name = 'crdb_k8s_ops'/, output: 'count\n0\n' },
      { match: /FROM \[SHOW JOBS\]/, output: 'job_id\n' },
      { match: /database_name NOT IN/, output: 'count\n0\n' },
      { match: /^RESTORE FROM LATEST/, output: 'job_id\tstatus\n1234\tpending\n' },
      { match: /SHOW JOB 1234/, output: 'status\nsucceeded\n' },
    ]);
    expect(r.status).toBe(0);
    expect(r.sql).toEqual([
      'SELECT 1;',
      "SELECT count(*) FROM [SHOW DATABASES] WHERE database_name = 'crdb_k8s_ops';",
      expect.stringContaining("FROM [SHOW JOBS] WHERE job_type = 'RESTORE'"),
      "SELECT (SELECT count(*) FROM [SHOW DATABASES] WHERE database_name NOT IN ('defaultdb', 'postgres', 'system'))"
        + " + (SELECT count(*) FROM crdb_internal.tables WHERE database_name <> 'system' AND state = 'PUBLIC');",
      "RESTORE FROM LATEST IN 'gs://acme-backups/cluster?AUTH=implicit' WITH detached;",
      'SELECT status FROM [SHOW JOB 1234];',
      `CREATE DATABASE IF NOT EXISTS crdb_k8s_ops; CREATE TABLE IF NOT EXISTS crdb_k8s_ops.restores (id STRING PRIMARY KEY, restored_at TIMESTAMPTZ NOT NULL DEFAULT now()); UPSERT INTO crdb_k8s_ops.restores (id) VALUES ('${id}');`,
      'CREATE DATABASE IF NOT EXISTS "shop";',
    ]);
  });

  test('already restored (recorded): skipped, never repeated', () => {
    const { job } = setup();
    const r = runSqlJob(job, [
      READY,
      { match: /database_name = 'crdb_k8s_ops'/, output: 'count\n1\n' },
      { match: /FROM crdb_k8s_ops.restores/, output: 'count\n1\n' },
    ]);
    expect(r.status).toBe(0);
    expect(r.sql.some((q) => q.startsWith('RESTORE'))).toBe(false);
    expect(r.stdout).toContain('already done: restore of the cluster');
  });

  test('a restore still running after a pod restart: polled, not started again', () => {
    const { job } = setup();
    const r = runSqlJob(job, [
      READY,
      { match: /database_name = 'crdb_k8s_ops'/, output: 'count\n0\n' },
      { match: /FROM \[SHOW JOBS\]/, output: 'job_id\n777\n' },
      { match: /SHOW JOB 777/, output: 'status\nsucceeded\n' },
    ]);
    expect(r.status).toBe(0);
    expect(r.sql.some((q) => q.startsWith('RESTORE'))).toBe(false);
    expect(r.sql).toContain('SELECT status FROM [SHOW JOB 777];');
  });

  test('a cluster that already holds data: refused with a clear error', () => {
    const { job } = setup();
    const r = runSqlJob(job, [
      READY,
      { match: /database_name = 'crdb_k8s_ops'/, output: 'count\n0\n' },
      { match: /FROM \[SHOW JOBS\]/, output: 'job_id\n' },
      { match: /database_name NOT IN/, output: 'count\n2\n' },
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('a full-cluster restore needs an empty cluster');
    expect(r.sql.some((q) => q.startsWith('RESTORE') || q.startsWith('CREATE DATABASE IF NOT EXISTS "shop"'))).toBe(false);
  });

  test('a database restore whose target exists: refused', () => {
    const { job } = setup(RestoreTarget.database('shop', { newName: 'shop_old' }));
    const r = runSqlJob(job, [
      READY,
      { match: /database_name = 'crdb_k8s_ops'/, output: 'count\n0\n' },
      { match: /FROM \[SHOW JOBS\]/, output: 'job_id\n' },
      { match: /database_name = 'shop_old'/, output: 'count\n1\n' },
    ]);
    expect(r.status).toBe(1);
    expect(r.sql[r.sql.length - 1]).toBe("SELECT count(*) FROM [SHOW DATABASES] WHERE database_name = 'shop_old';");
    expect(r.stderr).toContain('database shop_old already exists: drop it, or restore under another name (newName)');
    expect(r.sql.some((q) => q.startsWith('RESTORE'))).toBe(false);
  });

  test('a table restore whose target exists: the table looked up in the database it goes into, refused', () => {
    const { job } = setup(RestoreTarget.table('shop', 'orders', { intoDatabase: 'scratch' }));
    const r = runSqlJob(job, [
      READY,
      { match: /database_name = 'crdb_k8s_ops'/, output: 'count\n0\n' },
      { match: /FROM \[SHOW JOBS\]/, output: 'job_id\n' },
      { match: /FROM crdb_internal\.tables/, output: 'count\n1\n' },
    ]);
    expect(r.status).toBe(1);
    expect(r.sql[r.sql.length - 1]).toBe(
      "SELECT count(*) FROM crdb_internal.tables WHERE database_name = 'scratch' AND schema_name = 'public' AND name = 'orders' AND state = 'PUBLIC';");
    expect(r.stderr).toContain('table scratch.public.orders already exists: drop it first, or restore into another database (intoDatabase)');
    expect(r.sql.some((q) => q.startsWith('RESTORE'))).toBe(false);
  });

  test('a failed restore job fails the Job', () => {
    const { job } = setup();
    const r = runSqlJob(job, [
      READY,
      { match: /database_name = 'crdb_k8s_ops'/, output: 'count\n0\n' },
      { match: /FROM \[SHOW JOBS\]/, output: 'job_id\n' },
      { match: /database_name NOT IN/, output: 'count\n0\n' },
      { match: /^RESTORE/, output: 'job_id\n42\n' },
      { match: /SHOW JOB 42/, output: 'status\nfailed\n' },
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('restore job 42 failed');
  });
});

describe('Jobs that write data wait for a declared full-cluster restore', () => {
  const build = (restoreFirst: boolean) => {
    const { chart, c } = cluster();
    let id = restoreFirst ? c.restoreFrom(dest) : '';
    c.addBooksLoad({ duration: Duration.minutes(1) });
    c.addWorkload(BuiltinWorkload.kv(), { duration: Duration.minutes(1) });
    if (!restoreFirst) id = c.restoreFrom(dest);
    const objects = synth(chart);
    const job = (prefix: string) => objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith(prefix))!;
    return { id, load: job('crdb-books-load-'), workload: job('crdb-workload-kv-') };
  };

  test.each([['restore declared first', true], ['restore declared after the Jobs', false]])('%s: the restore id reaches both Jobs, their deadlines make room for it', (_what, first) => {
    const { id, load, workload } = build(first);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(load.spec.template.spec.containers[0].env).toContainEqual({ name: 'LOAD_AFTER_RESTORE', value: id });
    expect(load.spec.activeDeadlineSeconds).toBe(60 + 1800 + 6 * 3600);
    expect(workload.spec.template.spec.containers[0].command[2]).toContain(`FROM crdb_k8s_ops.restores WHERE id = '${id}'`);
    expect(workload.spec.activeDeadlineSeconds).toBe(60 + 3600 + 6 * 3600);
  });

  test('the workload polls until the restore is recorded, then initializes', () => {
    const { workload } = build(true);
    const r = runWithFakeCockroach(workload.spec.template.spec.containers[0].command[2], [
      { args: /crdb_k8s_ops\.restores/, after: /crdb_k8s_ops\.restores/, output: 'count\n1\n' },
      { args: /crdb_k8s_ops\.restores/, output: 'count\n0\n' },
    ]);
    expect(r.status).toBe(0);
    const steps = r.calls.map((call) => (call.args.join(' ').includes('crdb_k8s_ops.restores') ? 'marker' : call.args.slice(0, 2).join(' ')));
    expect(steps).toEqual(['sql --url', 'marker', 'marker', 'workload init', 'workload run']);
  });

  test('without a restore, no waiting and the usual deadlines', () => {
    const { chart, c } = cluster();
    c.addBooksLoad({ duration: Duration.minutes(1) });
    c.addWorkload(BuiltinWorkload.kv(), { duration: Duration.minutes(1) });
    const jobs = synth(chart).filter((o) => o.kind === 'Job');
    const load = jobs.find((o) => o.metadata.name.startsWith('crdb-books-load-'))!;
    const workload = jobs.find((o) => o.metadata.name.startsWith('crdb-workload-kv-'))!;
    expect(load.spec.template.spec.containers[0].env.map((e: any) => e.name)).not.toContain('LOAD_AFTER_RESTORE');
    expect(load.spec.activeDeadlineSeconds).toBe(60 + 1800);
    expect(workload.spec.template.spec.containers[0].command[2]).not.toContain('crdb_k8s_ops');
    expect(workload.spec.activeDeadlineSeconds).toBe(60 + 3600);
  });
});

describe('no secret value anywhere in the synthesized output', () => {
  test('only references: Secret keys mounted as files, placeholders in logs, no Secret objects, no key material', () => {
    const { c, chart } = cluster({ gcsCredentials: undefined });
    c.addUser('reporter', { password: SqlSecret.fromSecret('reporter-pw', 'password') });
    c.setLicense({ organization: 'Acme', key: SqlSecret.fromSecret('crdb-license', 'license') });
    c.addBackupSchedule('b', { destination: BackupDestination.gcsWithKey('acme-backups', 'p', SqlSecret.fromSecret('gcs-key', 'key.json')) });
    // A second key of one Secret, and a key read twice: one volume per Secret, each key once.
    c.addUser('auditor', { password: SqlSecret.fromSecret('reporter-pw', 'auditor') });
    c.addUser('auditor2', { password: SqlSecret.fromSecret('reporter-pw', 'auditor') });
    const objects = synth(chart);
    expect(objects.filter((o) => o.kind === 'Secret' || o.kind === 'ConfigMap')).toEqual([]);
    // Every string of every object: a secret-bearing spot only ever holds the run-time read of its file.
    const strings: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') strings.push(v);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(objects);
    const all = strings.join('\n');
    expect(all).toContain(`WITH PASSWORD '"$$(sql_literal_file '/var/run/secrets/crdb-sql/reporter-pw/password')"`);
    const read = (fn: string) => `'"\\$\\$\\(${fn} '/var/run/secrets/crdb-sql/[a-z0-9.-]+/[A-Za-z0-9._-]+'\\)"`;
    for (const text of strings) {
      expect(text).not.toMatch(/BEGIN (RSA |EC )?PRIVATE KEY|"type":\s*"service_account"/);
      expect(text).not.toMatch(new RegExp(`WITH PASSWORD '(?!${read('sql_literal_file').slice(1)})`));
      expect(text).not.toMatch(new RegExp(`enterprise\\.license = '(?!${read('sql_literal_file').slice(1)})`));
      expect(text).not.toMatch(new RegExp(`CREDENTIALS=(?!${read('gcs_credentials_file')})`));
    }
    const pod = only(objects, 'Job').spec.template.spec;
    // No Secret reaches the SQL Job through its env: by name, and by reference.
    const env = pod.containers[0].env;
    expect(env.filter((v: any) => v.name.startsWith('CRDB_SECRET_'))).toEqual([]);
    expect(env.filter((v: any) => v.valueFrom?.secretKeyRef)).toEqual([]);
    expect(JSON.stringify(pod)).not.toContain('secretKeyRef');
    expect(pod.volumes.filter((v: any) => v.name.startsWith('sql-secret-'))).toEqual([
      { name: 'sql-secret-0', secret: { secretName: 'crdb-license', items: [{ key: 'license', path: 'license' }], defaultMode: 0o440 } },
      { name: 'sql-secret-1', secret: { secretName: 'gcs-key', items: [{ key: 'key.json', path: 'key.json' }], defaultMode: 0o440 } },
      { name: 'sql-secret-2', secret: { secretName: 'reporter-pw', items: [{ key: 'password', path: 'password' }, { key: 'auditor', path: 'auditor' }], defaultMode: 0o440 } },
    ]);
    expect(pod.containers[0].volumeMounts.filter((m: any) => m.name.startsWith('sql-secret-'))).toEqual([
      { name: 'sql-secret-0', mountPath: '/var/run/secrets/crdb-sql/crdb-license', readOnly: true },
      { name: 'sql-secret-1', mountPath: '/var/run/secrets/crdb-sql/gcs-key', readOnly: true },
      { name: 'sql-secret-2', mountPath: '/var/run/secrets/crdb-sql/reporter-pw', readOnly: true },
    ]);
    // 0440 is readable by the non-root Job user through the pod's fsGroup (kubelet writes the files as root).
    expect(pod.securityContext.fsGroup).toBe(pod.containers[0].securityContext.runAsGroup);
    validateAgainstSchemas(objects);
  });

  test('the values are read from the files at run time: exact, quoted, never on a command line or in the log', () => {
    const { c, sqlJob } = cluster({ gcsCredentials: undefined });
    c.addUser('reporter', { password: SqlSecret.fromSecret('reporter-pw', 'password') });
    c.setLicense({ organization: 'Acme', key: SqlSecret.fromSecret('crdb-license', 'license') });
    const job = sqlJob();
    const password = "p'w\"; -- $(id) `id` \\ \nline two\n\n";
    const r = runSqlJob(job, [READY], { 'reporter-pw/password': password, 'crdb-license/license': 'crl-0-LICENSE\n' });
    expect(r.status).toBe(0);
    expect(r.sql).toContain(`ALTER USER "reporter" WITH PASSWORD '${password.replace(/'/g, "''")}';`);
    expect(r.sql).toContain("SET CLUSTER SETTING enterprise.license = 'crl-0-LICENSE\n';");
    for (const call of r.calls) expect(call.args.join(' ')).not.toMatch(/p'w|crl-0-LICENSE/);
    expect(r.stdout + r.stderr).not.toMatch(/p'w|crl-0-LICENSE/);
  });

  test('an unreadable Secret file leaves the statement without a value: it fails, it never sets an empty password', () => {
    const { c, sqlJob } = cluster({ gcsCredentials: undefined });
    c.addUser('reporter', { password: SqlSecret.fromSecret('reporter-pw', 'password') });
    const missing = fs.mkdtempSync(path.join(os.tmpdir(), 'no-secrets-'));
    const r = runWithFakeCockroach(script(sqlJob()), [READY, { match: /WITH PASSWORD ;/, status: 1, output: 'ERROR: at or near ";": syntax error' }], {},
      (s) => withoutLease(s).split('/var/run/secrets/crdb-sql/').join(`${missing}/`));
    expect(r.sql).toContain('ALTER USER "reporter" WITH PASSWORD ;');
    expect(r.sql.join('\n')).not.toContain("WITH PASSWORD ''");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('failed: password of user reporter (from Secret reporter-pw/password)');
  });
});

const RESERVED = 'expected a name of your own: root, admin, public, node, none, system, crdb_k8s_ops are reserved';
const SQL_NAME = 'expected a SQL name of 1 to 63 lowercase ASCII letters, digits or \'_\', starting with a letter or \'_\' '
  + '(quotes, spaces, semicolons, comment markers and look-alike characters are refused)';
const USER_NAME = 'expected a SQL user name of 1 to 63 lowercase ASCII letters, digits, \'_\' or \'-\', starting with a letter or \'_\'';
const ROLE_NAME = 'expected a user or role name of lowercase ASCII letters, digits, \'_\' or \'-\'';

/** [what, call, prop named, fragment] */
const BAD: Array<[string, (c: CockroachCluster) => unknown, string, string]> = [
  ['a duplicate database', (c) => { c.addDatabase('shop'); c.addDatabase('shop'); }, 'addDatabase(name)', 'expected each database once'],
  ['a user named like a role', (c) => { c.addRole('app'); c.addUser('app'); }, 'addUser(name)', 'share one namespace'],
  ['a duplicate user', (c) => { c.addUser('app'); c.addUser('app'); }, 'addUser(name)', 'received "app" again; expected each user once (users and roles share one namespace)'],
  ['a duplicate role', (c) => { c.addRole('readers'); c.addRole('readers'); }, 'addRole(name)', 'received "readers" again; expected each role once (users and roles share one namespace)'],
  ['a reserved database', (c) => c.addDatabase('system'), 'addDatabase(name)', `received "system"; ${RESERVED}`],
  ['a role named admin', (c) => c.addRole('admin'), 'addRole(name)', `received "admin"; ${RESERVED}`],
  ['a user named public', (c) => c.addUser('public'), 'addUser(name)', `received "public"; ${RESERVED}`],
  ['a database named node', (c) => c.addDatabase('node'), 'addDatabase(name)', `received "node"; ${RESERVED}`],
  ['a role named none', (c) => c.addRole('none'), 'addRole(name)', `received "none"; ${RESERVED}`],
  ['a database name with an uppercase letter', (c) => c.addDatabase('Shop'), 'addDatabase(name)', `received "Shop"; ${SQL_NAME}`],
  ['a database name that is not a string', (c) => c.addDatabase(['shop'] as never), 'addDatabase(name)', `received ["shop"]; ${SQL_NAME}`],
  ['a user name with a space', (c) => c.addUser('App User'), 'addUser(name)', `received "App User"; ${USER_NAME}`],
  ['a user name that is not a string', (c) => c.addUser(['app'] as never), 'addUser(name)', `received ["app"]; ${USER_NAME}`],
  ['a reserved user', (c) => c.addUser('root'), 'addUser(name)', 'reserved'],
  ['the marker database', (c) => c.addDatabase('crdb_k8s_ops'), 'addDatabase(name)', 'reserved'],
  ['no privileges', (c) => c.addDatabase('shop').grant(c.addUser('app')), 'grant(privileges)', 'received []; expected at least one of ALL, CONNECT, CREATE, DROP, ZONECONFIG, BACKUP, RESTORE'],
  ['a table privilege on a database', (c) => c.addDatabase('shop').grant(c.addUser('app'), 'SELECT' as DatabasePrivilege), 'grant(privileges)',
    'received "SELECT"; expected one of ALL, CONNECT, CREATE, DROP, ZONECONFIG, BACKUP, RESTORE'],
  ['no privileges on all tables', (c) => c.addDatabase('shop').grantOnAllTables(c.addUser('app'), []), 'grantOnAllTables(privileges)',
    'received []; expected at least one of ALL, SELECT, INSERT, UPDATE, DELETE, DROP, ZONECONFIG, BACKUP, CHANGEFEED'],
  ['a database privilege on a table', (c) => c.addDatabase('shop').grantOnTable('orders', c.addUser('app'), ['CONNECT' as TablePrivilege]), 'grantOnTable(privileges)',
    'received "CONNECT"; expected one of ALL, SELECT, INSERT, UPDATE, DELETE, DROP, ZONECONFIG, BACKUP, CHANGEFEED'],
  ['a grant to root', (c) => c.addDatabase('shop').grant('root', DatabasePrivilege.ALL), 'grant(grantee)', 'received "root"; expected an application user or role'],
  ['a grant to node', (c) => c.addDatabase('shop').grant('node', DatabasePrivilege.ALL), 'grant(grantee)', 'received "node"; expected an application user or role'],
  ['a grant to none', (c) => c.addDatabase('shop').grant('none', DatabasePrivilege.ALL), 'grant(grantee)', 'received "none"; expected an application user or role'],
  ['a grant to a malformed name', (c) => c.addDatabase('shop').grant('Bad Name', DatabasePrivilege.ALL), 'grant(grantee)', `received "Bad Name"; ${ROLE_NAME}`],
  ['a grant to no grantee', (c) => c.addDatabase('shop').grant(undefined as never, DatabasePrivilege.ALL), 'grant(grantee)', `received undefined; ${ROLE_NAME}`],
  ['an existing role without a name', (c) => c.existingRole(undefined as never), 'existingRole(name)', 'received undefined; expected the name of an application user or role'],
  ['a setting twice', (c) => { c.setClusterSetting(ClusterSetting.rangefeed(true)); c.setClusterSetting(ClusterSetting.rangefeed(false)); }, 'setClusterSetting(setting)', 'expected each setting once'],
  ['the license key as a plain setting', (c) => c.setClusterSetting(ClusterSetting.of('enterprise.license', 'crl-0-xyz')), 'setClusterSetting(setting)',
    'received "enterprise.license"; expected another setting: the license and organization go through setLicense(), which keeps the key in a Secret'],
  ['the organization as a plain setting', (c) => c.setClusterSetting(ClusterSetting.of('cluster.organization', 'Acme')), 'setClusterSetting(setting)',
    'received "cluster.organization"; expected another setting: the license and organization go through setLicense(), which keeps the key in a Secret'],
  ['a setting name that is not a string', (c) => c.setClusterSetting(ClusterSetting.of(['kv.rangefeed.enabled'] as never, true)), 'setClusterSetting(setting)',
    'received ["kv.rangefeed.enabled"]; expected a cluster setting name such as "kv.rangefeed.enabled"'],
  ...([['an infinite', Infinity, 'Infinity'], ['a NaN', NaN, 'NaN'], ['an undefined', undefined, 'undefined'], ['a null', null, 'null']] as const)
    .map(([what, value, shown]): [string, (c: CockroachCluster) => unknown, string, string] =>
      [`${what} setting value`, (c) => c.setClusterSetting(ClusterSetting.of('cluster.label', value as never)), 'setClusterSetting(setting) (value)',
        `received ${shown}; expected a boolean, a finite number or a string without control characters`]),
  ['a setting name with SQL', (c) => c.setClusterSetting(ClusterSetting.of('kv.rangefeed.enabled = true; DROP', true)), 'setClusterSetting(setting)', 'expected a cluster setting name'],
  // Each anchor and part of the name pattern: SQL before a valid name, after it, and malformed words.
  ...([
    ['SQL before a valid name', 'x = 1; SET CLUSTER SETTING kv.rangefeed.enabled'],
    ['a space inside', 'kv.rangefeed enabled'],
    ['a single word', 'kv'],
    ['an uppercase letter', 'kv.Rangefeed.enabled'],
    ['a leading digit', '1kv.rangefeed'],
    ['a leading dot', '.kv.rangefeed'],
    ['a trailing dot', 'kv.rangefeed.'],
    ['two dots', 'kv..rangefeed'],
    ['a quote', 'kv.range"feed'],
  ] as const).map(([what, name]): [string, (c: CockroachCluster) => unknown, string, string] =>
    [`a setting name with ${what}`, (c) => c.setClusterSetting(ClusterSetting.of(name, true)), 'setClusterSetting(setting)', `received ${JSON.stringify(name)}; expected a cluster setting name`]),
  ['a setting value with a newline', (c) => c.setClusterSetting(ClusterSetting.of('cluster.label', 'a\nb')), 'setClusterSetting(setting) (value)', 'control characters'],
  ['a license twice', (c) => { const k = SqlSecret.fromSecret('l', 'k'); c.setLicense({ organization: 'A', key: k }); c.setLicense({ organization: 'A', key: k }); }, 'setLicense()', 'one license'],
  ['a license key given in clear', (c) => c.setLicense({ organization: 'Acme', key: 'crl-0-abc' as unknown as SqlSecret }), 'setLicense(key)', 'secret values never go into the manifests'],
  ['a password Secret name malformed', (c) => c.addUser('app', { password: SqlSecret.fromSecret('App PW', 'password') }), 'addUser(password) (secret)', 'received "App PW"'],
  ['a bad recurrence', (c) => c.addBackupSchedule('b', { destination: dest, recurrence: '@every 5m' }), 'addBackupSchedule(recurrence)', 'received "@every 5m"'],
  ['a bad full backup cron', (c) => c.addBackupSchedule('b', { destination: dest, fullBackup: FullBackup.every('0 25 * * *') }), 'addBackupSchedule(fullBackup)', 'hour "25"'],
  ['a schedule name twice', (c) => { c.addBackupSchedule('b', { destination: dest }); c.addBackupSchedule('b', { destination: dest }); }, 'addBackupSchedule(name)', 'not used by another schedule'],
  ['a destination bucket malformed', (c) => c.addBackupSchedule('b', { destination: BackupDestination.gcs('Bad Bucket', 'x') }), 'addBackupSchedule(destination) (bucket)', 'received "Bad Bucket"'],
  ['a destination path escaping', (c) => c.addBackupSchedule('b', { destination: BackupDestination.gcs('acme-backups', '../x') }), 'addBackupSchedule(destination) (path)', 'received "../x"'],
  ['a missing destination', (c) => c.addBackupSchedule('b', {} as never), 'addBackupSchedule(destination)', 'expected a BackupDestination'],
  ['no schedule options', (c) => c.addBackupSchedule('b', undefined as never), 'addBackupSchedule(destination)',
    'received undefined; expected a BackupDestination, e.g. BackupDestination.fromDeployment(DEPLOYMENT)'],
  ['a cluster restore after another restore', (c) => { c.restoreFrom(dest, RestoreTarget.database('shop')); c.restoreFrom(dest); }, 'restoreFrom(target)',
    'received "RestoreTarget.cluster()"; expected a full-cluster restore alone: it needs an empty cluster, so it cannot follow or repeat another restore'],
  ['a restore after a cluster restore', (c) => { c.restoreFrom(dest); c.restoreFrom(dest, RestoreTarget.database('shop')); }, 'restoreFrom(target)', 'after a full-cluster restore'],
  ['a restore of a hostile database name', (c) => c.restoreFrom(dest, RestoreTarget.database('shop; DROP')), 'restoreFrom(database)', 'received "shop; DROP"'],
  ['a schedule into the collection a cluster restore reads', (c) => { c.restoreFrom(dest); c.addBackupSchedule('b', { destination: dest }); },
    'addBackupSchedule(destination)', 'received "gs://acme-backups/cluster"; expected a folder other than the one the full-cluster restore reads for schedule b: a restored cluster is a new cluster '
    + 'and backs up into a collection of its own (e.g. BackupDestination.fromDeployment(description, \'gke\')); '
    + 'CockroachDB pauses the schedules that a restore brings onto another cluster, and two clusters must never write into one collection'],
  ['a cluster restore from the collection a schedule writes', (c) => { c.addBackupSchedule('b', { destination: dest }); c.restoreFrom(dest); },
    'restoreFrom(destination)', 'received "gs://acme-backups/cluster"; expected a folder other than the one the full-cluster restore reads for schedule b'],
  ['an inspection whose key Secret is malformed', (c) => c.addBackupInspection(BackupDestination.gcsWithKey('acme-backups', 'x', SqlSecret.fromSecret('Bad Secret', 'key.json'))),
    'addBackupInspection(destination) (credentials) (secret)', 'received "Bad Secret"'],
  ['a restore whose key is not a SqlSecret', (c) => c.restoreFrom(BackupDestination.gcsWithKey('acme-backups', 'x', '{"private_key":"x"}' as unknown as SqlSecret)),
    'restoreFrom(destination) (credentials)', 'secret values never go into the manifests'],
  ['a schedule key Secret with a bad key', (c) => c.addBackupSchedule('b', { destination: BackupDestination.gcsWithKey('acme-backups', 'x', SqlSecret.fromSecret('gcs-key', 'key json')) }),
    'addBackupSchedule(destination) (credentials) (key)', 'received "key json"'],
  ['a Cloud KMS key that is not a full key name', (c) => c.addBackupSchedule('b', { destination: BackupDestination.gcs('acme-backups', 'x', { encryption: BackupEncryption.cloudKms('crdb-backups') }) }),
    'addBackupSchedule(destination) (encryption) (Cloud KMS key)',
    'received "crdb-backups"; expected a key\'s full name, projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key> (not a key version)'],
  ['a Cloud KMS key version', (c) => c.restoreFrom(BackupDestination.gcs('acme-backups', 'x', { encryption: BackupEncryption.cloudKms('projects/acme-prod-db/locations/europe-west1/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1') })),
    'restoreFrom(destination) (encryption) (Cloud KMS key)', 'received "projects/acme-prod-db/locations/europe-west1/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1"; expected a key\'s full name'],
  ['a Cloud KMS key given as a URI', (c) => c.addBackupSchedule('b', { destination: BackupDestination.gcs('acme-backups', 'x', { encryption: BackupEncryption.cloudKms('gs:///projects/acme-prod-db/locations/eu/keyRings/r/cryptoKeys/k') }) }),
    'addBackupSchedule(destination) (encryption) (Cloud KMS key)', 'received "gs:///projects/acme-prod-db/locations/eu/keyRings/r/cryptoKeys/k"; expected a key\'s full name'],
  ['a Cloud KMS key that is not a string', (c) => c.addBackupSchedule('b', { destination: BackupDestination.gcs('acme-backups', 'x', { encryption: BackupEncryption.cloudKms(undefined as never) }) }),
    'addBackupSchedule(destination) (encryption) (Cloud KMS key)', 'received undefined; expected a key\'s full name'],
  ['a Cloud KMS key with a quote', (c) => c.addBackupSchedule('b', { destination: BackupDestination.gcs('acme-backups', 'x', { encryption: BackupEncryption.cloudKms("projects/acme-prod-db/locations/eu/keyRings/r/cryptoKeys/k'") }) }),
    'addBackupSchedule(destination) (encryption) (Cloud KMS key)', 'expected a key\'s full name'],
  ['a passphrase Secret with a bad name', (c) => c.addBackupSchedule('b', { destination: BackupDestination.gcs('acme-backups', 'x', { encryption: BackupEncryption.passphrase(SqlSecret.fromSecret('Pass Phrase', 'p')) }) }),
    'addBackupSchedule(destination) (encryption) (passphrase) (secret)', 'received "Pass Phrase"'],
  ['a passphrase given in clear', (c) => c.addBackupSchedule('b', { destination: BackupDestination.gcs('acme-backups', 'x', { encryption: BackupEncryption.passphrase('hunter2' as unknown as SqlSecret) }) }),
    'addBackupSchedule(destination) (encryption) (passphrase)', 'secret values never go into the manifests'],
  ['an encryption that is not a BackupEncryption', (c) => c.addBackupInspection(BackupDestination.gcs('acme-backups', 'x', { encryption: { kmsKeyId: 'k' } as never })),
    'addBackupInspection(destination) (encryption)', 'received {"kmsKeyId":"k"}; expected BackupEncryption.cloudKms(keyId) or BackupEncryption.passphrase(secret)'],
  ['a restore destination that is not a BackupDestination', (c) => c.restoreFrom('gs://acme-backups/cluster' as never), 'restoreFrom(destination)', 'expected a BackupDestination'],
  ['an inspection destination that is not a BackupDestination', (c) => c.addBackupInspection('gs://acme-backups/cluster' as never), 'addBackupInspection(destination)',
    'received "gs://acme-backups/cluster"; expected a BackupDestination, e.g. BackupDestination.fromDeployment(DEPLOYMENT)'],
  ['a membership of root', (c) => c.addRole('readers').grantTo('root'), 'grantTo(member)', 'received "root"'],
  ['a duplicate privilege', (c) => c.addDatabase('shop').grant(c.addUser('app'), DatabasePrivilege.ALL, DatabasePrivilege.ALL), 'grant(privileges)', 'expected each privilege once'],
  // Accepted before, failed at run time: each is now refused at synth.
  ['a grant to a user declared nowhere', (c) => c.addDatabase('shop').grant('app', DatabasePrivilege.ALL), 'grant(grantee)',
    'received "app"; expected a user or role declared on this cluster before the grant (addUser, addRole), or one created outside this library and declared with existingRole("app"): the SQL Job would fail on a grant to an unknown role'],
  ['a grant before the user is declared', (c) => { c.addDatabase('shop').grantOnAllTables('app', [TablePrivilege.SELECT]); c.addUser('app'); }, 'grantOnAllTables(grantee)', 'received "app"; expected a user or role declared'],
  ['a table grant to a role of another cluster', (c) => c.addDatabase('shop').grantOnTable('orders', cluster().c.addRole('readers'), [TablePrivilege.SELECT]), 'grantOnTable(grantee)', 'received "readers"; expected a user or role declared'],
  ['a membership of an undeclared user', (c) => c.addRole('readers').grantTo('reporter'), 'grantTo(member)', 'received "reporter"; expected a user or role declared'],
  ['an existing role that the cluster declares', (c) => { c.addUser('app'); c.existingRole('app'); }, 'existingRole(name)', 'received "app"; expected a user or role that this cluster does not declare: addUser() or addRole() creates it already'],
  ['an existing role named root', (c) => c.existingRole('root'), 'existingRole(name)', 'received "root"; expected the name of an application user or role: lowercase ASCII letters, digits, \'_\' or \'-\' (not root, node, none, admin or public)'],
  ['an existing role named admin', (c) => c.existingRole('admin'), 'existingRole(name)', 'received "admin"; expected the name of an application user'],
  ['an existing role with a quote', (c) => c.existingRole('app"'), 'existingRole(name)', 'received "app\\""; expected the name of an application user'],
  ['a password on an insecure cluster', () => cluster({ security: ClusterSecurity.insecure() }).c.addUser('app', { password: SqlSecret.fromSecret('app-pw', 'password') }), 'security, addUser(password)',
    'received a password (Secret app-pw/password) for user "app" on an insecure cluster; CockroachDB refuses passwords in insecure mode: leave the password out, or secure the cluster (ClusterSecurity.certManager())'],
  ...([
    ['a backup schedule', (c: CockroachCluster) => c.addBackupSchedule('b', { destination: dest }), 'addBackupSchedule(destination)'],
    ['a restore', (c: CockroachCluster) => c.restoreFrom(dest), 'restoreFrom(destination)'],
    ['an inspection', (c: CockroachCluster) => c.addBackupInspection(dest), 'addBackupInspection(destination)'],
  ] as const).map(([what, call, prop]): [string, (c: CockroachCluster) => unknown, string, string] =>
    [`${what} with AUTH=implicit on a cluster without gcsCredentials`, () => call(cluster({ gcsCredentials: undefined }).c), `gcsCredentials, ${prop}`,
      'received "gs://acme-backups/cluster?AUTH=implicit" on a cluster without gcsCredentials; AUTH=implicit authenticates with the nodes\' own credentials, so the cluster needs them: '
      + 'gcsCredentials: GcsCredentials.fromDeployment(description) (GKE Workload Identity) or GcsCredentials.keyFromSecret(\'gcs-key\') (a key file), or a destination with its own key, BackupDestination.gcsWithKey(…)']),
  ['a license organization with a newline', (c) => c.setLicense({ organization: 'Acme\nInc', key: SqlSecret.fromSecret('l', 'k') }), 'setLicense(organization)', 'no control characters'],
  ...([['missing', undefined], ['empty', ''], ['blank', '   '], ['over 200 characters', 'a'.repeat(201)]] as const)
    .map(([what, organization]): [string, (c: CockroachCluster) => unknown, string, string] =>
      [`a license organization ${what}`, (c) => c.setLicense({ organization: organization as string, key: SqlSecret.fromSecret('l', 'k') }), 'setLicense(organization)',
        `received ${organization === undefined ? 'undefined' : JSON.stringify(organization)}; expected the organization name the license was issued to (1 to 200 characters, no control characters)`]),
  ['a schedule name over 50 characters', (c) => c.addBackupSchedule('b'.repeat(51), { destination: dest }), 'addBackupSchedule(name)', 'at most 50 characters'],
  ['a schedule of a hostile database name', (c) => c.addBackupSchedule('b', { destination: dest, databases: ['shop', 'x"; DROP'] }), 'addBackupSchedule(databases[1])', 'received "x\\"; DROP"'],
  ['an unknown failure policy', (c) => c.addBackupSchedule('b', { destination: dest, onExecutionFailure: 'ignore' as ScheduleFailurePolicy }), 'addBackupSchedule(onExecutionFailure)', 'received "ignore"; expected a ScheduleFailurePolicy'],
  ['an unknown previous-run policy', (c) => c.addBackupSchedule('b', { destination: dest, onPreviousRunning: 'queue' as PreviousRunPolicy }), 'addBackupSchedule(onPreviousRunning)', 'received "queue"; expected a PreviousRunPolicy'],
  ['a restore of a hostile table name', (c) => c.restoreFrom(dest, RestoreTarget.table('shop', 'orders--')), 'restoreFrom(table)', 'received "orders--"'],
  ['a restore of a hostile schema name', (c) => c.restoreFrom(dest, RestoreTarget.table('shop', 'orders', { schema: 'public;' })), 'restoreFrom(schema)', 'received "public;"'],
  ['a restore under a hostile new name', (c) => c.restoreFrom(dest, RestoreTarget.database('shop', { newName: 'Shop Old' })), 'restoreFrom(newName)', 'received "Shop Old"'],
  ['the same restore twice', (c) => { c.restoreFrom(dest, RestoreTarget.database('shop')); c.restoreFrom(dest, RestoreTarget.database('shop')); }, 'restoreFrom(target)', 'expected each restore once'],
  // A collection is written and read with one encryption: a restore without the key would fail at run time.
  ['a restore without the key of the collection a schedule encrypts', (c) => { c.addBackupSchedule('b', { destination: kmsDest }); c.restoreFrom(dest, RestoreTarget.database('shop')); },
    'restoreFrom(destination) (encryption)', `received no encryption for gs://acme-backups/cluster; expected kms ${KMS_KEY}, the encryption schedule b gives that collection: its backups are written and read with one key or passphrase, `
    + 'so every schedule and restore of a collection must give the same (BackupDestination.fromDeployment(description) carries the description\'s)'],
  ['a schedule without the key of the collection a restore reads', (c) => { c.restoreFrom(kmsDest, RestoreTarget.table('shop', 'orders')); c.addBackupSchedule('b', { destination: dest }); },
    'addBackupSchedule(destination) (encryption)', `received no encryption for gs://acme-backups/cluster; expected kms ${KMS_KEY}, the encryption the restore of table shop.orders gives that collection`],
  ['two restores of one collection with different encryptions', (c) => {
    c.restoreFrom(kmsDest, RestoreTarget.database('shop'));
    c.restoreFrom(BackupDestination.gcs('acme-backups', 'cluster', { encryption: BackupEncryption.passphrase(SqlSecret.fromSecret('backup-passphrase', 'passphrase')) }), RestoreTarget.database('crm'));
  }, 'restoreFrom(destination) (encryption)', `received passphrase <backup-passphrase/passphrase> for gs://acme-backups/cluster; expected kms ${KMS_KEY}, the encryption the restore of database shop gives`],
  ['a restore of the description\'s encrypted collection without its key', () => {
    const description = DeploymentDescription.of({ projectId: 'acme-prod-db', region: 'europe-west1', bucketName: 'acme-backups', namespace: 'db', backupEncryptionKey: {} });
    cluster({ gcsCredentials: GcsCredentials.fromDeployment(description) }).c.restoreFrom(dest);
  }, 'restoreFrom(destination) (encryption)',
  'received no encryption for gs://acme-backups/cluster; expected kms projects/acme-prod-db/locations/europe-west1/keyRings/acme-backups-crdb/cryptoKeys/crdb-backups, the encryption the deployment description (its backupEncryptionKey) gives that collection'],
];

describe('nothing reaches the output folder when a SQL declaration is bad', () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'sql-bad-'));
  afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));

  test.each(BAD.map(([what, call, prop], i) => [what, call, prop, i] as const))('%s', (_what, call, prop, i) => {
    const outdir = path.join(parent, `out-${i}`);
    const app = new App({ outdir });
    const c = new CockroachCluster(new Chart(app, 'c', { namespace: 'db' }), 'crdb', {
      init: { enabled: false }, gcsCredentials: GcsCredentials.workloadIdentity('crdb-backup@acme-prod-db.iam.gserviceaccount.com'),
    });
    // As a user's program: the declarations, then app.synth().
    expect(() => { call(c); app.synth(); }).toThrow(expect.objectContaining({ name: 'CockroachConfigError', prop }));
    expect(fs.existsSync(outdir)).toBe(false);
  });
});

describe('SQL errors are thrown', () => {
  test.each(BAD)('%s', (_what, call, prop, fragment) => {
    const { c } = cluster();
    const error = configError(() => call(c));
    expect(error.prop).toBe(prop);
    expect(error.message).toContain(fragment);
  });

  test('the SQL Job timeout bounds', () => {
    const { c } = cluster({ sqlJob: { timeout: Duration.seconds(10) } });
    expect(() => c.addDatabase('shop')).toThrow(/sqlJob.timeout \(seconds\): received 10/);
  });

  test('a TTL, when asked for, is rendered (the default keeps the Job until pruned)', () => {
    const { c, sqlJob } = cluster({ sqlJob: { ttlAfterFinished: Duration.hours(2) } });
    c.addDatabase('shop');
    expect(sqlJob().spec.ttlSecondsAfterFinished).toBe(7200);
  });

  test('the SQL Job TTL bounds', () => {
    const { c } = cluster({ sqlJob: { ttlAfterFinished: Duration.days(31) } });
    expect(() => c.addDatabase('shop')).toThrow(/sqlJob.ttlAfterFinished \(seconds\): received 2678400; expected whole seconds from 0 to 2592000/);
  });

  test('the SQL Job timeout: from 60 seconds to 7 days, both bounds included', () => {
    for (const [timeout, seconds] of [[Duration.seconds(60), 60], [Duration.days(7), 604800]] as const) {
      const { c, sqlJob } = cluster({ sqlJob: { timeout } });
      c.addDatabase('shop');
      expect(sqlJob().spec.activeDeadlineSeconds).toBe(seconds);
    }
    for (const seconds of [59, 604801]) {
      const error = configError(() => cluster({ sqlJob: { timeout: Duration.seconds(seconds) } }).c.addDatabase('shop'));
      expect(error.prop).toBe('sqlJob.timeout (seconds)');
      expect(error.message).toBe(`[test/crdb] sqlJob.timeout (seconds): received ${seconds}; expected whole seconds from 60 to 604800`);
    }
  });

  test('a schedule name of exactly 50 characters and a license organization of exactly 200 are accepted', () => {
    const { c } = cluster();
    expect(c.addBackupSchedule('b'.repeat(50), { destination: dest }).label).toMatch(/^b{50}_[0-9a-f]{8}$/);
    const other = cluster().c;
    other.setLicense({ organization: 'a'.repeat(200), key: SqlSecret.fromSecret('crdb-license', 'license') });
    expect(other.sqlProvisioner.statementsForDisplay).toEqual([
      `SET CLUSTER SETTING cluster.organization = '${'a'.repeat(200)}';`,
      'SET CLUSTER SETTING enterprise.license = <secret:crdb-license/license>;',
    ]);
  });

  test('a database restore may read the collection the cluster\'s own schedule writes (same cluster)', () => {
    const { c } = cluster();
    c.addBackupSchedule('b', { destination: dest });
    expect(() => c.restoreFrom(dest, RestoreTarget.database('shop', { newName: 'shop_old' }))).not.toThrow();
  });

  test('grants accepted: to declared users and roles, to existing ones, to the built-in admin and public roles', () => {
    const { c } = cluster();
    const shop = c.addDatabase('shop');
    const analytics = c.existingRole('analytics');
    shop.grant('analytics', DatabasePrivilege.CONNECT);
    shop.grantOnAllTables('public', [TablePrivilege.SELECT]);
    c.addRole('readers').grantTo(analytics);
    shop.grant('admin', DatabasePrivilege.ALL);
    expect(c.sqlProvisioner.statementsForDisplay).toEqual([
      'CREATE DATABASE IF NOT EXISTS "shop";',
      'CREATE ROLE IF NOT EXISTS "readers";',
      'GRANT "readers" TO "analytics";',
      'GRANT CONNECT ON DATABASE "shop" TO "analytics";',
      'GRANT SELECT ON ALL TABLES IN SCHEMA "shop"."public" TO "public";',
      'GRANT ALL ON DATABASE "shop" TO "admin";',
    ]);
  });

  test('AUTH=implicit needs ambient credentials; a destination with its own key does not', () => {
    const { c } = cluster({ gcsCredentials: undefined });
    const keyed = BackupDestination.gcsWithKey('acme-backups', 'cluster', SqlSecret.fromSecret('gcs-key', 'key.json'));
    expect(c.addBackupSchedule('b', { destination: keyed }).statement).toContain('AUTH=specified');
    expect(() => c.addBackupInspection(keyed)).not.toThrow();
    expect(cluster({ gcsCredentials: GcsCredentials.keyFromSecret('gcs-key') }).c.addBackupSchedule('b', { destination: dest }).statement).toContain('AUTH=implicit');
  });

  test('a password on a secure cluster is accepted', () => {
    expect(() => cluster().c.addUser('app', { password: SqlSecret.fromSecret('app-pw', 'password') })).not.toThrow();
  });

  test('a restored cluster backs up into a folder of its own', () => {
    const { c } = cluster();
    c.restoreFrom(dest);
    const s = c.addBackupSchedule('b', { destination: BackupDestination.gcs('acme-backups', 'gke') });
    expect(s.statement).toContain("INTO 'gs://acme-backups/gke?AUTH=implicit'");
  });
});

test('a target of one\'s own that states no regions is a one-region cluster: its databases have none', () => {
  const chart = newChart();
  const target = Object.assign(new Construct(chart, 'own'), {
    name: 'own', namespace: 'db', image: 'cockroachdb/cockroach:v26.2.1', sqlPort: 26257, publicHost: 'own-public.db.svc.cluster.local',
    clientServiceAccountName: 'own-client', security: ClusterSecurity.insecure(),
    _objectLabels: () => ({}), _componentLabels: () => ({}), _jobLabels: () => ({}),
    _clientConnection: () => ({ flags: ['--insecure'], env: [], volumes: [], volumeMounts: [] }),
  });
  const sql = new SqlProvisioner(chart, 'Sql', { cluster: target });
  const error = configError(() => sql._addDatabase('books', { regions: DatabaseRegions.of(['europe-west1']) }));
  expect(error.message).toBe('[test/own] addDatabase(regions): received "DatabaseRegions.of([\\"europe-west1\\"], ZONE FAILURE)"; expected no regions on a one-region cluster: database regions are the regions of a multi-region cluster (multiRegion)');
  expect(sql._addDatabase('books', {}).regions).toBeUndefined();
});
