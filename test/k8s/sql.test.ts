import * as fs from 'fs';
import {
  BackupDestination, ClusterSecurity, CockroachCluster, CockroachConfigError, DatabasePrivilege, GcsCredentials, RestoreTarget, SqlSecret, TablePrivilege,
} from '../../lib/k8s';
import {
  createDatabaseSql, createRoleSql, createUserSql, cronProblem, grantOnAllTablesSql, grantOnDatabaseSql, grantOnTableSql, grantRoleSql, ident, literal,
  restoreSql,
} from '../../lib/k8s/sql';
import { newChart, only, synth } from '../support/manifests';
// The SQL Job runs without its Lease section (withoutLease): the Lease talks to the Kubernetes API and is
// tested against a real API server in test/cluster/sql-job.test.ts.
import { mountedSecretFiles, runWithFakeCockroach, withoutLease } from '../support/scripts';
import { configError } from '../support/errors';

describe('quoting', () => {
  test.each([
    ['shop', '"shop"'],
    ['we"ird', '"we""ird"'],
    ['"', '""""'],
  ])('ident(%j) = %s', (name, quoted) => {
    expect(ident(name)).toBe(quoted);
  });

  test.each([
    ['Acme', "'Acme'"],
    ["O'Reilly", "'O''Reilly'"],
    ["'; DROP DATABASE shop; --", "'''; DROP DATABASE shop; --'"],
    ['back\\slash', "'back\\slash'"],
    ['line\nbreak', "'line\nbreak'"],
  ])('literal(%j) = %s', (value, quoted) => {
    expect(literal(value)).toBe(quoted);
  });
});

describe('cron expressions', () => {
  const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
  const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
  test.each([
    '@hourly', '@daily', '@weekly', '@monthly', '@yearly', '@annually', '@midnight', '0 * * * *', '*/15 * * * *',
    '0 2 * * 1-5', '0 0 1,15 * *', '30 3 * JAN,JUL SUN', '0 0-23/2 * * *', '59 23 31 12 6',
    // Every month and weekday name, in any case; ranges and steps of names.
    ...MONTHS.map((m) => `0 0 1 ${m} *`), ...DAYS.map((d) => `0 0 * * ${d}`), '0 0 * jan-mar mon-fri', '0 0 * Dec sun', '0 0 * * MON-FRI/2',
    // Bounds, single-value ranges, a step of 1, a value with a step, spacing.
    '0-59 0-23 1-31 1-12 0-6', '5-5 * * * *', '*/1 * * * *', '1/2 * * * *', '0  2 * *	*', '  0 2 * * *  ',
  ])('%j is valid', (cron) => {
    expect(cronProblem(cron)).toBeUndefined();
  });

  test.each([
    ['@every 5m', 'unknown descriptor; expected one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly'],
    ['@hour', 'unknown descriptor; expected one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly'],
    ['* * * *', 'expected 5 fields (minute hour day-of-month month day-of-week), got 4'],
    ['* * * * * *', 'expected 5 fields (minute hour day-of-month month day-of-week), got 6'],
    ['', 'expected 5 fields (minute hour day-of-month month day-of-week), got 1'],
    ['60 * * * *', 'minute "60": 60 is outside 0-59'],
    ['0-99 * * * *', 'minute "0-99": 99 is outside 0-59'],
    ['0 24 * * *', 'hour "24": 24 is outside 0-23'],
    ['0 0 0 * *', 'day of month "0": 0 is outside 1-31'],
    ['0 0 32 * *', 'day of month "32": 32 is outside 1-31'],
    ['0 0 * 0 *', 'month "0": 0 is outside 1-12'],
    ['0 0 * 13 *', 'month "13": 13 is outside 1-12'],
    ['0 0 * * 7', 'day of week "7": 7 is outside 0-6'],
    ['0 0 * FOO *', 'month "FOO": expected numbers from 1 to 12 or names'],
    ['0 0 * JAN-FOO *', 'month "JAN-FOO": expected numbers from 1 to 12 or names'],
    ['0 0 * * MON-JAN', 'day of week "MON-JAN": expected numbers from 0 to 6 or names'],
    ['0 JAN * * *', 'hour "JAN": expected numbers from 0 to 23'],
    ['*/0 * * * *', 'minute "*/0": a step must be at least 1'],
    ['5-1 * * * *', 'minute "5-1": range 5-1 is reversed'],
    ['0 0 * DEC-JAN *', 'month "DEC-JAN": range 12-1 is reversed'],
    ["0 0 * * *'; DROP", 'expected 5 fields (minute hour day-of-month month day-of-week), got 6'],
    ['0 0 * * ;', 'day of week ";": expected *, a value, a range a-b, a step */n or a-b/n, or a list of those'],
    ['1x * * * *', 'minute "1x": expected numbers from 0 to 59'],
    // Letters before digits: not a name, and not a number either.
    ['x5 * * * *', 'minute "x5": expected numbers from 0 to 59'],
    ['0 0 * X12 *', 'month "X12": expected numbers from 1 to 12 or names'],
    ['1- * * * *', 'minute "1-": expected *, a value, a range a-b, a step */n or a-b/n, or a list of those'],
    ['1-2-3 * * * *', 'minute "1-2-3": expected *, a value, a range a-b, a step */n or a-b/n, or a list of those'],
    ['*/ * * * *', 'minute "*/": expected *, a value, a range a-b, a step */n or a-b/n, or a list of those'],
    ['1,,2 * * * *', 'minute "1,,2": expected *, a value, a range a-b, a step */n or a-b/n, or a list of those'],
    ['** * * * *', 'minute "**": expected *, a value, a range a-b, a step */n or a-b/n, or a list of those'],
    ['-1 * * * *', 'minute "-1": expected *, a value, a range a-b, a step */n or a-b/n, or a list of those'],
    ['0 0 * * 1,9', 'day of week "1,9": 9 is outside 0-6'],
  ])('%j is rejected: %s', (cron, message) => {
    expect(cronProblem(cron)).toBe(message);
  });

  test('a value that is not a string', () => {
    expect(cronProblem(5 as unknown as string)).toBe('expected a string');
  });
});

/**
 * Injection attempts in every user-supplied name: each is refused with the library's error, before
 * anything is rendered.
 */
const HOSTILE_NAMES = [
  'shop"; DROP DATABASE system; --',
  "shop'; DROP DATABASE system; --",
  'shop; DROP DATABASE system',
  'shop\nDROP DATABASE system',
  'shop\\',
  'shop--',
  'shop/*x*/',
  'sh\u043ep', // Cyrillic o, looks like "shop"
  'ｓｈｏｐ', // fullwidth
  'sh\u200bop', // zero-width space
  'shop$(CRDB_SECRET_0)',
  'Shop',
  '',
  'a'.repeat(64),
];

const destination = BackupDestination.gcs('bucket-name', 'cluster');

/**
 * Every place a user-supplied name goes, with the prop its error names. Each call is otherwise valid
 * (privileges given, a destination given), so a rejection is due to the name alone: the control below
 * proves each call accepts a valid name.
 */
const NAME_ENTRY_POINTS: Array<[string, (c: CockroachCluster, name: string) => unknown]> = [
  ['addDatabase(name)', (c, n) => c.addDatabase(n)],
  ['addUser(name)', (c, n) => c.addUser(n)],
  ['addRole(name)', (c, n) => c.addRole(n)],
  ['grant(grantee)', (c, n) => c.addDatabase('shop').grant(n, DatabasePrivilege.ALL)],
  ['grantOnTable(table)', (c, n) => c.addDatabase('shop').grantOnTable(n, 'app', [TablePrivilege.SELECT])],
  ['grantOnTable(grantee)', (c, n) => c.addDatabase('shop').grantOnTable('orders', n, [TablePrivilege.SELECT])],
  ['grantOnTable(schema)', (c, n) => c.addDatabase('shop').grantOnTable('orders', 'app', [TablePrivilege.SELECT], n)],
  ['grantOnAllTables(grantee)', (c, n) => c.addDatabase('shop').grantOnAllTables(n, [TablePrivilege.SELECT])],
  ['grantOnAllTables(schema)', (c, n) => c.addDatabase('shop').grantOnAllTables('app', [TablePrivilege.SELECT], n)],
  ['grantTo(member)', (c, n) => c.addRole('readers').grantTo(n)],
  ['addBackupSchedule(name)', (c, n) => c.addBackupSchedule(n, { destination })],
  ['addBackupSchedule(databases[1])', (c, n) => c.addBackupSchedule('nightly', { destination, databases: ['shop', n] })],
  ['restoreFrom(database)', (c, n) => c.restoreFrom(destination, RestoreTarget.database(n))],
  ['restoreFrom(newName)', (c, n) => c.restoreFrom(destination, RestoreTarget.database('shop', { newName: n }))],
  ['restoreFrom(table)', (c, n) => c.restoreFrom(destination, RestoreTarget.table('shop', n))],
  ['restoreFrom(schema)', (c, n) => c.restoreFrom(destination, RestoreTarget.table('shop', 'orders', { schema: n }))],
  ['restoreFrom(intoDatabase)', (c, n) => c.restoreFrom(destination, RestoreTarget.table('shop', 'orders', { intoDatabase: n }))],
];

describe('what the SQL Job logs for each statement (its description: never a secret)', () => {
  test.each([
    ['a database', createDatabaseSql('shop'), 'database shop'],
    ['a role', createRoleSql('readers'), 'role readers'],
    ['a user', createUserSql('app')[0], 'user app'],
    ['a password', createUserSql('app', SqlSecret.fromSecret('app-pw', 'password'))[1], 'password of user app (from Secret app-pw/password)'],
    ['a database grant', grantOnDatabaseSql('shop', [DatabasePrivilege.CONNECT], 'app'), 'grant on database shop to app'],
    ['a table grant', grantOnTableSql('shop', 'public', 'orders', [TablePrivilege.SELECT], 'app'), 'grant on table shop.public.orders to app'],
    ['an all-tables grant', grantOnAllTablesSql('shop', 'audit', [TablePrivilege.SELECT], 'readers'), 'grant on all tables in shop.audit to readers'],
    ['a membership', grantRoleSql('readers', 'reporter'), 'role readers to reporter'],
    ['a cluster restore', restoreSql({ kind: 'cluster' }, [{ sql: "'gs://b/p'" }]), 'restore of the cluster'],
    ['a database restore', restoreSql({ kind: 'database', database: 'shop' }, [{ sql: "'gs://b/p'" }]), 'restore of database shop'],
    ['a table restore', restoreSql({ kind: 'table', database: 'shop', schema: 'public', table: 'orders' }, [{ sql: "'gs://b/p'" }]), 'restore of table shop.orders'],
  ])('%s', (_what, stmt, description) => {
    expect(stmt.description).toBe(description);
  });
});

test('a one-character user name is a valid name', () => {
  const cluster = new CockroachCluster(newChart(), 'crdb', {});
  cluster.addUser('a');
  cluster.addRole('b_');
  expect(cluster.sqlProvisioner.statementsForDisplay).toEqual(['CREATE ROLE IF NOT EXISTS "b_";', 'CREATE USER IF NOT EXISTS "a";']);
});

describe('injection corpus: hostile names are refused everywhere a name goes', () => {
  // Grantees must be declared: `app` and `orders` exist outside the library. The cluster has ambient
  // credentials, which the AUTH=implicit destination needs.
  const newCluster = (...existing: string[]) => {
    const cluster = new CockroachCluster(newChart(), 'crdb', { gcsCredentials: GcsCredentials.keyFromSecret('gcs-key') });
    for (const role of existing) cluster.existingRole(role);
    return cluster;
  };

  test.each(NAME_ENTRY_POINTS)('control: %s accepts a valid name', (_prop, call) => {
    const cluster = newCluster('app', 'orders');
    expect(() => call(cluster, 'orders')).not.toThrow();
    // The name reached a statement (quoted as an identifier or a literal, or as a schedule label's prefix).
    expect(cluster.sqlProvisioner.statementsForDisplay.join('\n')).toMatch(/["']orders['"_]/);
  });

  const cases = NAME_ENTRY_POINTS.flatMap(([prop, call]) => HOSTILE_NAMES.map((name) => [prop, JSON.stringify(name), call, name] as const));

  test.each(cases)('%s: %s', (prop, _shown, call, name) => {
    const cluster = newCluster('app');
    const error = configError(() => call(cluster, name));
    const err = error as CockroachConfigError;
    expect(err.prop).toBe(prop);
    expect(err.constructPath).toBe('test/crdb');
    expect(err.message).toContain(`${prop}: received ${JSON.stringify(name)}; expected`);
    // Nothing of the hostile name reached a statement.
    if (name !== '') expect(cluster.sqlProvisioner.statementsForDisplay.join('\n')).not.toContain(name);
  });
});

describe('strings and secret values are rendered inert', () => {
  test('a hostile organization name is one literal, and its $(…) is neither expanded by kubelet nor by bash', () => {
    const chart = newChart();
    const cluster = new CockroachCluster(chart, 'crdb', { security: ClusterSecurity.insecure(), init: { enabled: false } });
    // $(COCKROACH_HOST): an env var the container has, which kubelet would substitute if it were not escaped.
    const org = "Acme'; DROP DATABASE shop; -- $(COCKROACH_HOST) `id` \\";
    cluster.setLicense({ organization: org, key: SqlSecret.fromSecret('crdb-license', 'license') });
    const job = only(synth(chart), 'Job');
    const r = runWithFakeCockroach(job.spec.template.spec.containers[0].command[2], [{ match: /SELECT 1/, output: '?column?\n1\n' }],
      { COCKROACH_HOST: 'crdb-public:26257' }, withoutLease, mountedSecretFiles(job, { 'crdb-license/license': 'LICENSE-KEY' }));
    expect(r.status).toBe(0);
    expect(r.sql).toContain(`SET CLUSTER SETTING cluster.organization = ${literal(org)};`);
  });

  test('secret values are quoted at run time: quotes, $(…), backticks and backslashes stay data', () => {
    const chart = newChart();
    const cluster = new CockroachCluster(chart, 'crdb', { init: { enabled: false } });
    cluster.addUser('reporter', { password: SqlSecret.fromSecret('reporter-pw', 'password') });
    const job = only(synth(chart), 'Job');
    for (const f of ['/tmp/crdb-pwned', '/tmp/crdb-pwned2']) fs.rmSync(f, { force: true });
    const password = "p'w\"; DROP USER root; -- $(touch /tmp/crdb-pwned) `touch /tmp/crdb-pwned2` \\n\nsecond line\n";
    const r = runWithFakeCockroach(job.spec.template.spec.containers[0].command[2], [{ match: /SELECT 1/, output: '?column?\n1\n' }],
      {}, withoutLease, mountedSecretFiles(job, { 'reporter-pw/password': password }));
    expect(r.status).toBe(0);
    expect(r.sql).toContain(`ALTER USER "reporter" WITH PASSWORD ${literal(password)};`);
    // The secret went to cockroach on stdin, never as an argument.
    for (const call of r.calls) expect(call.args.join(' ')).not.toContain('p\'w');
    expect(r.stdout + r.stderr).not.toContain("p'w");
    expect(fs.existsSync('/tmp/crdb-pwned') || fs.existsSync('/tmp/crdb-pwned2')).toBe(false);
  });
});
