import type { NodeTaintQuery } from 'cdk8s-plus-28';

/** The well-known node label for the host name. */
export const HOSTNAME_TOPOLOGY_KEY = 'kubernetes.io/hostname';
/** The well-known node label for the zone. */
export const ZONE_TOPOLOGY_KEY = 'topology.kubernetes.io/zone';

/** How strictly CockroachDB pods avoid sharing a failure domain (by default, a host). */
export class PodAntiAffinity {
  /** No anti-affinity: several pods may land on one node (single-node clusters such as minikube). */
  public static none(): PodAntiAffinity {
    return new PodAntiAffinity('none', 0, HOSTNAME_TOPOLOGY_KEY);
  }

  /**
   * The scheduler tries to keep pods apart but places them together when it must.
   * @param weight 1 to 100. @default 100
   * @param topologyKey the node label that defines a failure domain. @default kubernetes.io/hostname
   */
  public static preferred(weight = 100, topologyKey = HOSTNAME_TOPOLOGY_KEY): PodAntiAffinity {
    return new PodAntiAffinity('preferred', weight, topologyKey);
  }

  /**
   * Pods never share a failure domain: a pod stays Pending rather than double up. Production default
   * for clusters with at least as many nodes as replicas.
   * @param topologyKey the node label that defines a failure domain. @default kubernetes.io/hostname
   */
  public static required(topologyKey = HOSTNAME_TOPOLOGY_KEY): PodAntiAffinity {
    return new PodAntiAffinity('required', 0, topologyKey);
  }

  private constructor(
    /** `none`, `preferred` or `required`. */
    public readonly mode: 'none' | 'preferred' | 'required',
    /** Weight of the preference (preferred mode only). */
    public readonly weight: number,
    /** The node label that defines a failure domain. */
    public readonly topologyKey: string,
  ) {}
}

/** Options for spreading pods across zones. */
export interface ZoneSpreadOptions {
  /**
   * The largest allowed difference in pod count between two zones.
   * @default 1
   */
  readonly maxSkew?: number;
  /**
   * Refuse to schedule a pod that would break the skew (DoNotSchedule) instead of placing it anyway
   * (ScheduleAnyway).
   * @default false
   */
  readonly required?: boolean;
}

/** Whether and how pods are spread across zones (`topologySpreadConstraints`). */
export class TopologySpread {
  /** No topology spread constraint. */
  public static none(): TopologySpread {
    return new TopologySpread(false, 1, false);
  }

  /** Spread pods evenly across `topology.kubernetes.io/zone`. */
  public static acrossZones(options: ZoneSpreadOptions = {}): TopologySpread {
    return new TopologySpread(true, options.maxSkew ?? 1, options.required ?? false);
  }

  private constructor(
    /** True when a constraint is rendered. */
    public readonly enabled: boolean,
    /** Largest allowed difference in pod count between zones. */
    public readonly maxSkew: number,
    /** DoNotSchedule (true) or ScheduleAnyway (false). */
    public readonly required: boolean,
  ) {}
}

/** Where CockroachDB pods may run. */
export interface PlacementOptions {
  /**
   * Keep pods on different hosts.
   * @default PodAntiAffinity.preferred()
   */
  readonly antiAffinity?: PodAntiAffinity;
  /**
   * Spread pods across zones.
   * @default TopologySpread.acrossZones() (best effort: ScheduleAnyway)
   */
  readonly topologySpread?: TopologySpread;
  /**
   * Node labels a node must carry to run a CockroachDB pod.
   * @default - no node selector
   */
  readonly nodeSelector?: { readonly [label: string]: string };
  /**
   * Taints the pods tolerate, e.g. `NodeTaintQuery.is('dedicated', 'cockroachdb')`.
   * @default - no tolerations
   */
  readonly tolerations?: NodeTaintQuery[];
  /**
   * PriorityClass of the pods (create it separately).
   * @default - the cluster's default priority
   */
  readonly priorityClassName?: string;
}
