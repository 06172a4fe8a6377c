/**
 * The locality a node reports to CockroachDB (`--locality`), used to spread replicas across failure
 * domains. Tiers go from the most to the least inclusive, e.g. `region=europe-west1,zone=europe-west1-b`.
 *
 * @see https://www.cockroachlabs.com/docs/stable/cockroach-start#locality
 */
export class Locality {
  /** One static locality for every pod, e.g. `Locality.of('region=europe-west1,zone=europe-west1-b')`. */
  public static of(tiers: string): Locality {
    return new Locality(tiers);
  }

  /** The allowed shape: comma-separated `key=value` tiers. */
  public static readonly PATTERN = /^[A-Za-z0-9_-]+=[A-Za-z0-9_.-]+(,[A-Za-z0-9_-]+=[A-Za-z0-9_.-]+)*$/;

  private constructor(
    /** The `--locality` value. */
    public readonly value: string,
  ) {}

  /** True when the value is a list of `key=value` tiers. */
  public get isWellFormed(): boolean {
    return Locality.PATTERN.test(this.value);
  }
}
