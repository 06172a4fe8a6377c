import { Size } from 'cdk8s';

/** Options of {@link WalFailover.sideDisk}. */
export interface WalFailoverSideDiskOptions {
  /**
   * Size of each node's side disk. At least 1 GiB.
   * @default Size.gibibytes(25) - the official chart's default
   */
  readonly size?: Size;
  /**
   * StorageClass of the side disks. It must be as durable as the data volumes: a wiped side disk can hold
   * the only copy of the WAL entries written while the data volume stalled.
   * @default - the cluster's default StorageClass (as the official chart's `failoverdir`)
   */
  readonly storageClassName?: string;
}

/** How a {@link WalFailover} runs. */
export enum WalFailoverMode {
  /** Each store's WAL fails over to the next store of the same node. */
  AMONG_STORES = 'among-stores',
  /** The only store's WAL fails over to a side disk of its own. */
  SIDE_DISK = 'side-disk',
  /** Turned off after it was on: the node still reads what the previous mode wrote. */
  DISABLED = 'disabled',
}

/** Where the side disk is mounted: the official chart's path. CockroachDB records it in the store as is. */
export const WAL_FAILOVER_MOUNT_PATH = '/cockroach/cockroach-failover';
/** The claim template of the side disk (the chart's name): claims `failoverdir-<statefulset>-<ordinal>`. */
export const WAL_FAILOVER_VOLUME_NAME = 'failoverdir';

/**
 * Write-ahead log failover (`--wal-failover`): when a disk stalls, a store keeps writing its WAL on another
 * disk instead of blocking writes until the node is killed. CockroachDB recommends it on every cloud.
 * With it on, the construct also sets the stall limits to 40 s (`COCKROACH_ENGINE_MAX_SYNC_DURATION_DEFAULT`,
 * `COCKROACH_LOG_MAX_SYNC_DURATION`) and buffers the log files, as CockroachDB's guide asks: a log write to
 * the stalled disk would otherwise block the node.
 *
 * A side disk is chosen at creation: it is a claim template of the StatefulSet, which never changes (and
 * never grows). Failover among stores can be turned on later for a cluster created with several stores.
 * Once on, leave it on, or turn it off with {@link WalFailover.disabled}: a node started without the flag
 * refuses to open a store whose WAL the failover disk may hold.
 * @see https://www.cockroachlabs.com/docs/stable/wal-failover
 */
export class WalFailover {
  /** Each store fails over to the next store of the node (`--wal-failover=among-stores`); `storage.stores` must be 2 or more. */
  public static amongStores(): WalFailover {
    return new WalFailover(WalFailoverMode.AMONG_STORES, undefined);
  }

  /**
   * A side disk per node (claim template `failoverdir`, mounted at `/cockroach/cockroach-failover`) takes the
   * WAL of the node's only store (`--wal-failover=path=…`); `storage.stores` must be 1.
   */
  public static sideDisk(options: WalFailoverSideDiskOptions = {}): WalFailover {
    return new WalFailover(WalFailoverMode.SIDE_DISK, options);
  }

  /**
   * Turns off a failover that was on (`--wal-failover=disabled`, with `prev_path` for a side disk, which
   * stays mounted): each node replays what the failover disk holds, then runs without failover.
   * @param previous the failover the cluster ran with
   */
  public static disabled(previous: WalFailover): WalFailover {
    return new WalFailover(WalFailoverMode.DISABLED, undefined, previous);
  }

  private constructor(
    /** How it runs. */
    public readonly mode: WalFailoverMode,
    private readonly ownSideDisk: WalFailoverSideDiskOptions | undefined,
    /** The failover that was on, for {@link WalFailoverMode.DISABLED}. */
    public readonly previous?: WalFailover,
  ) {}

  /** The `--wal-failover` value. */
  public get flagValue(): string {
    if (this.mode === WalFailoverMode.AMONG_STORES) return 'among-stores';
    if (this.mode === WalFailoverMode.SIDE_DISK) return `path=${WAL_FAILOVER_MOUNT_PATH}`;
    return this.previous?.mode === WalFailoverMode.SIDE_DISK ? `disabled,prev_path=${WAL_FAILOVER_MOUNT_PATH}` : 'disabled';
  }

  /** Whether WAL writes fail over (not {@link WalFailoverMode.DISABLED}). */
  public get isOn(): boolean {
    return this.mode !== WalFailoverMode.DISABLED;
  }

  /** The side disk's options (a copy) when the pods mount one: on, or turned off after it was on. */
  public get sideDiskOptions(): WalFailoverSideDiskOptions | undefined {
    const options = this.ownSideDisk ?? this.previous?.ownSideDisk;
    return options && { ...options };
  }
}
