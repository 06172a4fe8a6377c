import {
  BackupDestination, CockroachCluster, CockroachClusterProps, DatabaseRegions, DeploymentDescription, GcsCredentials, MultiRegion, SurvivalGoal,
  TableLocality, TableLocalityKind,
} from '../../lib/k8s';
import { configError } from '../support/errors';
import { FakeRule, runWithFakeCockroach, withoutLease } from '../support/scripts';
import { Manifest, newChart, only, synth } from '../support/manifests';

// Database regions and table localities, as typed declarations on addDatabase and its database, applied
// by the primary region's SQL Job.

const REGIONS = ['europe-west1', 'us-east1', 'asia-southeast1'];
const description = DeploymentDescription.of({
  projectId: 'crdb-book-demo',
  gkeClusterName: 'crdb-global',
  namespace: 'cockroachdb-global',
  bucketName: 'crdb-book-demo-global-backups',
  regions: REGIONS.map((region) => ({ region })),
});

function primary(props: Partial<CockroachClusterProps> = {}) {
  const chart = newChart(description.namespace);
  const cluster = new CockroachCluster(chart, 'crdb', { multiRegion: MultiRegion.fromDeployment(description, 'europe-west1'), init: { enabled: false }, ...props });
  return { cluster, sqlJob: (): Manifest => only(synth(chart), 'Job') };
}
const script = (job: Manifest): string => job.spec.template.spec.containers[0].command[2];
const READY: FakeRule = { match: /^SELECT 1;/, output: '?column?\n1\n' };

describe('DatabaseRegions and TableLocality', () => {
  test('regions, the primary first; ZONE_FAILURE by default; the list copied', () => {
    const list = ['us-east1', 'europe-west1'];
    const regions = DatabaseRegions.of(list);
    list.push('asia-southeast1');
    expect(regions.regions).toEqual(['us-east1', 'europe-west1']);
    expect(regions.primaryRegion).toBe('us-east1');
    expect(regions.survivalGoal).toBe(SurvivalGoal.ZONE_FAILURE);
    expect(regions.toString()).toBe('DatabaseRegions.of(["us-east1","europe-west1"], ZONE FAILURE)');
    expect(DatabaseRegions.of(REGIONS, SurvivalGoal.REGION_FAILURE).survivalGoal).toBe('REGION FAILURE');
  });

  test('localities as SQL', () => {
    expect(TableLocality.regionalByRow().toString()).toBe('REGIONAL BY ROW');
    expect(TableLocality.global().toString()).toBe('GLOBAL');
    expect(TableLocality.regionalByTable().toString()).toBe('REGIONAL BY TABLE IN PRIMARY REGION');
    expect(TableLocality.regionalByTable('us-east1').toString()).toBe('REGIONAL BY TABLE IN "us-east1"');
    expect(TableLocality.regionalByTable('us-east1')).toMatchObject({ kind: TableLocalityKind.REGIONAL_BY_TABLE, region: 'us-east1' });
    expect(TableLocality.global()).toMatchObject({ kind: TableLocalityKind.GLOBAL, region: undefined });
  });
});

describe('the SQL the primary region\'s Job applies', () => {
  test('three regions, surviving a region: primary region, the others added, the survival goal; then table localities', () => {
    const { cluster } = primary();
    const books = cluster.addDatabase('books', { regions: DatabaseRegions.of(REGIONS, SurvivalGoal.REGION_FAILURE) });
    books.setTableLocality('books', TableLocality.regionalByRow());
    books.setTableLocality('genres', TableLocality.global());
    books.setTableLocality('audit', TableLocality.regionalByTable('us-east1'), 'ops');
    books.setTableLocality('reports', TableLocality.regionalByTable());
    expect(books.regions?.regions).toEqual(REGIONS);
    expect(cluster.sqlProvisioner.statementsForDisplay).toEqual([
      'CREATE DATABASE IF NOT EXISTS "books";',
      'ALTER DATABASE "books" SET PRIMARY REGION "europe-west1";',
      'ALTER DATABASE "books" ADD REGION IF NOT EXISTS "us-east1";',
      'ALTER DATABASE "books" ADD REGION IF NOT EXISTS "asia-southeast1";',
      'ALTER DATABASE "books" SURVIVE REGION FAILURE;',
      'ALTER TABLE IF EXISTS "books"."public"."books" SET LOCALITY REGIONAL BY ROW;',
      'ALTER TABLE IF EXISTS "books"."public"."genres" SET LOCALITY GLOBAL;',
      'ALTER TABLE IF EXISTS "books"."ops"."audit" SET LOCALITY REGIONAL BY TABLE IN "us-east1";',
      'ALTER TABLE IF EXISTS "books"."public"."reports" SET LOCALITY REGIONAL BY TABLE IN PRIMARY REGION;',
    ]);
  });

  test('one region, surviving a zone; a database without regions has none', () => {
    const { cluster } = primary();
    cluster.addDatabase('local', { regions: DatabaseRegions.of(['asia-southeast1']) });
    expect(cluster.addDatabase('plain').regions).toBeUndefined();
    expect(cluster.sqlProvisioner.statementsForDisplay).toEqual([
      'CREATE DATABASE IF NOT EXISTS "local";',
      'CREATE DATABASE IF NOT EXISTS "plain";',
      'ALTER DATABASE "local" SET PRIMARY REGION "asia-southeast1";',
      'ALTER DATABASE "local" SURVIVE ZONE FAILURE;',
    ]);
  });

  test('never DROP REGION, whatever the declarations', () => {
    const { cluster, sqlJob } = primary();
    cluster.addDatabase('books', { regions: DatabaseRegions.of(['us-east1']) });
    expect(cluster.sqlProvisioner.statementsForDisplay.join('\n')).not.toMatch(/DROP/);
    expect(script(sqlJob())).not.toContain('DROP REGION');
  });

  describe('the script: a group of its own, after the databases and before the backup schedules', () => {
    const declare = () => {
      const { cluster, sqlJob } = primary({ gcsCredentials: GcsCredentials.fromDeployment(description) });
      const books = cluster.addDatabase('books', { regions: DatabaseRegions.of(REGIONS, SurvivalGoal.REGION_FAILURE) });
      books.setTableLocality('genres', TableLocality.global());
      cluster.addBackupSchedule('nightly', { destination: BackupDestination.fromDeployment(description) });
      cluster.addUser('app');
      return sqlJob();
    };
    const job = declare();

    test('the groups and the statements, in order', () => {
      const r = runWithFakeCockroach(script(job), [READY], {}, withoutLease);
      expect(r.status).toBe(0);
      expect(r.stdout.split('\n').filter((l) => l.startsWith('-- '))).toEqual([
        '-- databases', '-- database regions and table localities', '-- backup schedules', '-- roles, users, memberships and grants',
      ]);
      expect(r.sql.slice(1, 7)).toEqual([
        'CREATE DATABASE IF NOT EXISTS "books";',
        'ALTER DATABASE "books" SET PRIMARY REGION "europe-west1";',
        'ALTER DATABASE "books" ADD REGION IF NOT EXISTS "us-east1";',
        'ALTER DATABASE "books" ADD REGION IF NOT EXISTS "asia-southeast1";',
        'ALTER DATABASE "books" SURVIVE REGION FAILURE;',
        'ALTER TABLE IF EXISTS "books"."public"."genres" SET LOCALITY GLOBAL;',
      ]);
      expect(r.stdout).toContain('applying: primary region of database books: europe-west1\n');
      expect(r.stdout).toContain('applying: region us-east1 of database books\n');
      expect(r.stdout).toContain('applying: survival goal of database books: REGION FAILURE\n');
      expect(r.stdout).toContain('applying: locality of table books.public.genres: GLOBAL\n');
    });

    test('a region without a live node yet: the rest of the group is skipped, the backup schedules still created, the Job fails to be retried', () => {
      const r = runWithFakeCockroach(script(job), [READY, { match: /ADD REGION IF NOT EXISTS "us-east1"/, output: 'ERROR: region "us-east1" does not exist', status: 1 }], {}, withoutLease);
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('skipped: region asia-southeast1 of database books (an earlier statement of its group failed)');
      expect(r.sql.some((q) => q.startsWith('CREATE SCHEDULE IF NOT EXISTS'))).toBe(true);
      expect(r.stderr).toContain('1 statement(s) failed (the other groups were applied):\n  region us-east1 of database books');
    });
  });
});

describe('refused at synth', () => {
  const THREE = DatabaseRegions.of(REGIONS, SurvivalGoal.REGION_FAILURE);
  test.each<[string, (c: CockroachCluster) => unknown, string, string]>([
    ['a region the cluster does not have', (c) => c.addDatabase('books', { regions: DatabaseRegions.of(['europe-west1', 'us-west1']) }),
      'addDatabase(regions)[1]', 'received "us-west1"; expected one of the cluster\'s regions: europe-west1, us-east1, asia-southeast1'],
    ['a region twice', (c) => c.addDatabase('books', { regions: DatabaseRegions.of(['us-east1', 'europe-west1', 'us-east1']) }),
      'addDatabase(regions)[2]', 'received "us-east1"; expected each region once'],
    ['no region', (c) => c.addDatabase('books', { regions: DatabaseRegions.of([]) }),
      'addDatabase(regions)', 'received []; expected at least one region, the primary first'],
    ['not a list', (c) => c.addDatabase('books', { regions: DatabaseRegions.of('us-east1' as never) }),
      'addDatabase(regions)', 'received "us-east1"; expected at least one region, the primary first'],
    ['surviving a region with two', (c) => c.addDatabase('books', { regions: DatabaseRegions.of(['europe-west1', 'us-east1'], SurvivalGoal.REGION_FAILURE) }),
      'addDatabase(regions) (survivalGoal)', 'received "REGION FAILURE"; expected SurvivalGoal.ZONE_FAILURE with 2 region(s): surviving a region takes 3 regions or more, a majority of each range\'s replicas outside any one'],
    ['a survival goal that is none', (c) => c.addDatabase('books', { regions: DatabaseRegions.of(REGIONS, 'CLOUD FAILURE' as SurvivalGoal) }),
      'addDatabase(regions) (survivalGoal)', 'received "CLOUD FAILURE"; expected SurvivalGoal.ZONE_FAILURE or SurvivalGoal.REGION_FAILURE'],
    ['regions that are not DatabaseRegions', (c) => c.addDatabase('books', { regions: { regions: REGIONS } as unknown as DatabaseRegions }),
      'addDatabase(regions)', 'received {"regions":["europe-west1","us-east1","asia-southeast1"]}; expected DatabaseRegions.of([primary, ...others], survivalGoal)'],
    ['a table locality on a database without regions', (c) => c.addDatabase('books').setTableLocality('books', TableLocality.global()),
      'setTableLocality(locality)', 'received "GLOBAL"; expected a database with regions: declare them with addDatabase("books", { regions: DatabaseRegions.of([...]) })'],
    ['a home region the database does not have', (c) => c.addDatabase('books', { regions: DatabaseRegions.of(['europe-west1', 'asia-southeast1']) }).setTableLocality('books', TableLocality.regionalByTable('us-east1')),
      'setTableLocality(locality)', 'received "us-east1"; expected one of the regions of database books: europe-west1, asia-southeast1'],
    ['a locality that is none', (c) => c.addDatabase('books', { regions: THREE }).setTableLocality('books', 'GLOBAL' as never),
      'setTableLocality(locality)', 'received "GLOBAL"; expected TableLocality.regionalByRow(), TableLocality.global() or TableLocality.regionalByTable(region)'],
    ['a table twice', (c) => {
      const books = c.addDatabase('books', { regions: THREE });
      books.setTableLocality('books', TableLocality.global());
      books.setTableLocality('books', TableLocality.regionalByRow());
    }, 'setTableLocality(table)', 'received "books.public.books"; expected one locality per table'],
    ['a table name with a quote', (c) => c.addDatabase('books', { regions: THREE }).setTableLocality('bo"oks', TableLocality.global()),
      'setTableLocality(table)', 'received "bo\\"oks"; expected a SQL name'],
    ['a schema name with a space', (c) => c.addDatabase('books', { regions: THREE }).setTableLocality('books', TableLocality.global(), 'my schema'),
      'setTableLocality(schema)', 'received "my schema"; expected a SQL name'],
  ])('%s', (_what, fn, prop, message) => {
    const { cluster } = primary();
    const error = configError(() => fn(cluster));
    expect(error.prop).toBe(prop);
    expect(error.message).toContain(`[test/crdb] ${prop}: ${message}`);
  });

  test('regions on a one-region cluster', () => {
    const chart = newChart();
    const cluster = new CockroachCluster(chart, 'crdb');
    const error = configError(() => cluster.addDatabase('books', { regions: DatabaseRegions.of(['europe-west1']) }));
    expect(error.message).toBe('[test/crdb] addDatabase(regions): received "DatabaseRegions.of([\\"europe-west1\\"], ZONE FAILURE)"; expected no regions on a one-region cluster: database regions are the regions of a multi-region cluster (multiRegion)');
  });

  test('a refused declaration leaves the name free', () => {
    const { cluster } = primary();
    configError(() => cluster.addDatabase('books', { regions: DatabaseRegions.of(['us-west1']) }));
    expect(() => cluster.addDatabase('books')).not.toThrow();
  });
});
