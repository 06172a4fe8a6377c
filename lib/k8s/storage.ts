import { Size } from 'cdk8s';
import type { WalFailover } from './wal-failover';

/** What happens to a pod's PersistentVolumeClaim when the StatefulSet is deleted or scaled down. */
export enum PvcRetention {
  /** Keep the claim and its data (the safe choice: data outlives mistakes). */
  RETAIN = 'Retain',
  /** Delete the claim, and with most storage classes its volume and data. */
  DELETE = 'Delete',
}

/** Per-pod persistent storage for CockroachDB's data directory. */
export interface StorageOptions {
  /**
   * Size of each pod's volume. At least 1 GiB.
   * @default Size.gibibytes(100)
   */
  readonly size?: Size;
  /**
   * StorageClass of the volumes, e.g. `standard` on minikube or `premium-rwo` on GKE.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * What happens to the claims when the StatefulSet is deleted.
   * @default PvcRetention.RETAIN
   */
  readonly whenDeleted?: PvcRetention;
  /**
   * What happens to a claim when its pod is removed by a scale-down. Keep RETAIN unless nodes are always
   * decommissioned first: a deleted volume cannot be brought back.
   * @default PvcRetention.RETAIN
   */
  readonly whenScaled?: PvcRetention;
  /**
   * Stores per node, each on a volume of its own of `size` (claim templates `datadir`, `datadir-2`, …,
   * mounted at `/cockroach/cockroach-data`, `/cockroach/cockroach-data-2`, …: the official chart's names).
   * 1 to 8. Chosen at creation: a StatefulSet's claim templates never change (the API server refuses it).
   * @default 1
   */
  readonly stores?: number;
  /**
   * Write-ahead log failover to another store or to a side disk (see {@link WalFailover}: a side disk is
   * chosen at creation).
   * @default - none (CockroachDB's default: no failover)
   * @see https://www.cockroachlabs.com/docs/stable/wal-failover
   */
  readonly walFailover?: WalFailover;
}

/** Name of the first store's volumeClaimTemplate; claims are named `datadir-<statefulset>-<ordinal>`. */
export const DATA_VOLUME_NAME = 'datadir';
/** Where CockroachDB keeps its first store inside the container. */
export const DATA_MOUNT_PATH = '/cockroach/cockroach-data';

/** The claim template of store `index` (from 0): `datadir`, then `datadir-2`, `datadir-3`, … as the chart names them. */
export function storeVolumeName(index: number): string {
  return index === 0 ? DATA_VOLUME_NAME : `${DATA_VOLUME_NAME}-${index + 1}`;
}

/** Where store `index` (from 0) is mounted: `/cockroach/cockroach-data`, then `…-2`, `…-3`, … */
export function storeMountPath(index: number): string {
  return index === 0 ? DATA_MOUNT_PATH : `${DATA_MOUNT_PATH}-${index + 1}`;
}
