/** One locality tier read from a label of the node a pod runs on. */
export interface NodeLabelTier {
  /** The tier's key in `--locality`, e.g. `zone`. */
  readonly tier: string;
  /** The node label holding its value, e.g. `topology.kubernetes.io/zone`. */
  readonly nodeLabel: string;
}

/**
 * The locality a node reports to CockroachDB (`--locality`), which spreads replicas across failure
 * domains. Tiers go from the most to the least inclusive, e.g. `region=europe-west1,zone=europe-west1-b`.
 *
 * @see https://www.cockroachlabs.com/docs/stable/cockroach-start#locality
 */
export class Locality {
  /** The standard topology labels: region from `topology.kubernetes.io/region`, zone from `topology.kubernetes.io/zone`. */
  public static readonly STANDARD_TIERS: NodeLabelTier[] = [
    { tier: 'region', nodeLabel: 'topology.kubernetes.io/region' },
    { tier: 'zone', nodeLabel: 'topology.kubernetes.io/zone' },
  ];

  /** One static locality for every pod, e.g. `Locality.of('region=europe-west1,zone=europe-west1-b')`. */
  public static of(tiers: string): Locality {
    return new Locality(tiers, undefined);
  }

  /**
   * Each pod's locality read at start-up from the labels of the node it landed on (by default its region
   * and zone). An init container reads the node through the Kubernetes API with a ClusterRole that
   * allows `get` on nodes and nothing else. A tier whose label is missing on the node is left out; a
   * node without any of the labels fails the pod's start.
   */
  public static fromNode(tiers: NodeLabelTier[] = Locality.STANDARD_TIERS): Locality {
    return new Locality(undefined, tiers);
  }

  /** The allowed shape of a static locality: comma-separated `key=value` tiers. */
  public static readonly PATTERN = /^[A-Za-z0-9_-]+=[A-Za-z0-9_.-]+(,[A-Za-z0-9_-]+=[A-Za-z0-9_.-]+)*$/;

  private constructor(
    /** The static `--locality` value, when the locality is static. */
    public readonly value: string | undefined,
    /** The node-label tiers, when the locality is read per pod. */
    public readonly nodeTiers: NodeLabelTier[] | undefined,
  ) {}

  /** True when each pod reads its locality from its node. */
  public get isPerPod(): boolean {
    return this.nodeTiers !== undefined;
  }

  /** True when a static value is a list of `key=value` tiers, or the node tiers are usable. */
  public get isWellFormed(): boolean {
    if (this.nodeTiers) {
      return this.nodeTiers.length > 0
        && this.nodeTiers.every((t) => /^[A-Za-z0-9_-]+$/.test(t.tier) && /^([a-z0-9.-]+\/)?[A-Za-z0-9_.-]+$/.test(t.nodeLabel))
        && new Set(this.nodeTiers.map((t) => t.tier)).size === this.nodeTiers.length;
    }
    // A static locality: `of()` takes a string (a missing value reads `undefined`, which has no `=`).
    return Locality.PATTERN.test(String(this.value));
  }

  /** Human-readable form for messages. */
  public toString(): string {
    return this.nodeTiers
      ? `fromNode(${this.nodeTiers.map((t) => `${t.tier}=<${t.nodeLabel}>`).join(',')})`
      : (this.value ?? '');
  }
}
