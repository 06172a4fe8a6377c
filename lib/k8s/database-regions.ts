import type { ErrorScope } from '../shared/errors';
import { reject } from '../shared/validate';
import { ident, SqlStatement, statement } from './sql';

/**
 * What a multi-region database survives (`ALTER DATABASE … SURVIVE … FAILURE`).
 * @see https://www.cockroachlabs.com/docs/stable/multiregion-survival-goals
 */
export enum SurvivalGoal {
  /**
   * The loss of one zone (CockroachDB's default): each range keeps its voting replicas in its home
   * region, so writes commit there, fast; a whole region lost makes its home ranges unavailable.
   */
  ZONE_FAILURE = 'ZONE FAILURE',
  /**
   * The loss of a whole region: each range keeps a majority of its voting replicas outside any one region,
   * so writes wait for a replica in another region. Needs three regions or more in the database.
   */
  REGION_FAILURE = 'REGION FAILURE',
}

/** The fewest database regions `SURVIVE REGION FAILURE` works with. */
const REGION_FAILURE_MIN_REGIONS = 3;

/**
 * The regions of a database of a multi-region cluster, the first its primary region, and what it
 * survives: `ALTER DATABASE … SET PRIMARY REGION`, `ADD REGION IF NOT EXISTS` for each other region, then
 * `SURVIVE … FAILURE`, applied by the SQL Job after the database is created.
 *
 * Regions are only ever added: a region left out of the list later stays in the database (the library
 * never renders `DROP REGION`, which moves or deletes the region's data). Drop one by hand, once its
 * tables hold no rows homed there. Making a region the primary that the database does not have yet takes
 * two applies: list it as another region first, then move it first.
 * @see https://www.cockroachlabs.com/docs/stable/multiregion-overview
 */
export class DatabaseRegions {
  /**
   * The database's regions, its primary region first, each one of the cluster's regions.
   * @param survivalGoal @default SurvivalGoal.ZONE_FAILURE
   */
  public static of(regions: readonly string[], survivalGoal: SurvivalGoal = SurvivalGoal.ZONE_FAILURE): DatabaseRegions {
    return new DatabaseRegions(Array.isArray(regions) ? [...regions] : regions, survivalGoal);
  }

  private constructor(
    /** The regions, the primary first. */
    public readonly regions: readonly string[],
    /** What the database survives. */
    public readonly survivalGoal: SurvivalGoal,
  ) {}

  /** The database's primary region: where its tables' leaseholders are unless a table says otherwise. */
  public get primaryRegion(): string {
    return this.regions[0];
  }

  /** The declaration as text, for messages. */
  public toString(): string {
    return `DatabaseRegions.of(${JSON.stringify(this.regions)}, ${this.survivalGoal})`;
  }

  /**
   * Checks the regions against those of the cluster (none for a one-region cluster).
   * @internal
   */
  public static _check(scope: ErrorScope, prop: string, regions: DatabaseRegions, clusterRegions: readonly string[]): void {
    if (!(regions instanceof DatabaseRegions)) {
      reject(scope, prop, regions, 'expected DatabaseRegions.of([primary, ...others], survivalGoal), e.g. DatabaseRegions.of([\'europe-west1\', \'us-east1\', \'asia-southeast1\'], SurvivalGoal.REGION_FAILURE)');
    }
    if (clusterRegions.length === 0) {
      reject(scope, prop, regions.toString(), 'expected no regions on a one-region cluster: database regions are the regions of a multi-region cluster (multiRegion)');
    }
    const list = regions.regions;
    if (!Array.isArray(list) || list.length === 0) reject(scope, prop, list, 'expected at least one region, the primary first');
    list.forEach((region, i) => {
      if (!clusterRegions.includes(region)) reject(scope, `${prop}[${i}]`, region, `expected one of the cluster's regions: ${clusterRegions.join(', ')}`);
      if (list.indexOf(region) !== i) reject(scope, `${prop}[${i}]`, region, 'expected each region once');
    });
    const goal = regions.survivalGoal;
    if (!Object.values(SurvivalGoal).includes(goal)) {
      reject(scope, `${prop} (survivalGoal)`, goal, 'expected SurvivalGoal.ZONE_FAILURE or SurvivalGoal.REGION_FAILURE');
    }
    if (goal === SurvivalGoal.REGION_FAILURE && list.length < REGION_FAILURE_MIN_REGIONS) {
      reject(scope, `${prop} (survivalGoal)`, goal, `expected SurvivalGoal.ZONE_FAILURE with ${list.length} region(s): surviving a region takes ${REGION_FAILURE_MIN_REGIONS} regions or more, a majority of each range's replicas outside any one`);
    }
  }

  /**
   * The statements that give `database` these regions and survival goal, in the order CockroachDB needs:
   * the primary region first (a database needs one before any other), the survival goal last (REGION
   * FAILURE needs the regions).
   * @internal
   */
  public _statements(database: string): SqlStatement[] {
    const db = ident(database);
    return [
      statement(`primary region of database ${database}: ${this.primaryRegion}`, `ALTER DATABASE ${db} SET PRIMARY REGION ${ident(this.primaryRegion)};`),
      ...this.regions.slice(1).map((region) => statement(`region ${region} of database ${database}`, `ALTER DATABASE ${db} ADD REGION IF NOT EXISTS ${ident(region)};`)),
      statement(`survival goal of database ${database}: ${this.survivalGoal}`, `ALTER DATABASE ${db} SURVIVE ${this.survivalGoal};`),
    ];
  }
}

/** The kinds of table locality. */
export enum TableLocalityKind {
  /** Each row homed in a region, by its hidden `crdb_region` column. */
  REGIONAL_BY_ROW = 'REGIONAL BY ROW',
  /** Read fast from every region, written slowly. */
  GLOBAL = 'GLOBAL',
  /** The whole table homed in one region. */
  REGIONAL_BY_TABLE = 'REGIONAL BY TABLE',
}

/**
 * Where a table of a multi-region database keeps its data (`ALTER TABLE IF EXISTS … SET LOCALITY …`),
 * applied by the SQL Job after the database's regions. The table must exist by then: a table created
 * later (by the application) gets its locality from the next run of the SQL Job, or from its own
 * `CREATE TABLE … LOCALITY`. Changing a table's locality rewrites the table in the background.
 * @see https://www.cockroachlabs.com/docs/stable/table-localities
 */
export class TableLocality {
  /**
   * Each row homed in a region (the hidden `crdb_region` column, by default the region the row was
   * inserted from): reads and writes of a row are fast in its region.
   */
  public static regionalByRow(): TableLocality {
    return new TableLocality(TableLocalityKind.REGIONAL_BY_ROW, undefined);
  }

  /** Reads fast and consistent from every region, writes slower: for reference data read everywhere. */
  public static global(): TableLocality {
    return new TableLocality(TableLocalityKind.GLOBAL, undefined);
  }

  /**
   * The whole table homed in one region: fast there, slower from the others.
   * @param region one of the database's regions. @default - the database's primary region
   */
  public static regionalByTable(region?: string): TableLocality {
    return new TableLocality(TableLocalityKind.REGIONAL_BY_TABLE, region);
  }

  private constructor(
    /** The kind of locality. */
    public readonly kind: TableLocalityKind,
    /** The home region of a REGIONAL BY TABLE table; undefined for the primary region. */
    public readonly region: string | undefined,
  ) {}

  /** The locality as SQL, e.g. `REGIONAL BY TABLE IN "us-east1"`. */
  public toString(): string {
    if (this.kind !== TableLocalityKind.REGIONAL_BY_TABLE) return this.kind;
    return `${this.kind} IN ${this.region === undefined ? 'PRIMARY REGION' : ident(this.region)}`;
  }

  /**
   * Checks the locality against the regions of its database.
   * @internal
   */
  public static _check(scope: ErrorScope, prop: string, locality: TableLocality, database: string, regions: DatabaseRegions | undefined): void {
    if (!(locality instanceof TableLocality)) {
      reject(scope, prop, locality, 'expected TableLocality.regionalByRow(), TableLocality.global() or TableLocality.regionalByTable(region)');
    }
    if (regions === undefined) {
      reject(scope, prop, locality.toString(), `expected a database with regions: declare them with addDatabase(${JSON.stringify(database)}, { regions: DatabaseRegions.of([...]) })`);
    }
    if (locality.region !== undefined && !regions.regions.includes(locality.region)) {
      reject(scope, prop, locality.region, `expected one of the regions of database ${database}: ${regions.regions.join(', ')}`);
    }
  }

  /**
   * `ALTER TABLE IF EXISTS <db>.<schema>.<table> SET LOCALITY …`: nothing happens to a table that does
   * not exist yet.
   * @internal
   */
  public _statement(database: string, schema: string, table: string): SqlStatement {
    return statement(`locality of table ${database}.${schema}.${table}: ${this}`,
      `ALTER TABLE IF EXISTS ${ident(database)}.${ident(schema)}.${ident(table)} SET LOCALITY ${this};`);
  }
}
