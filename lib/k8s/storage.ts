import { Size } from 'cdk8s';

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
}

/** Name of the volumeClaimTemplate; claims are named `datadir-<statefulset>-<ordinal>`. */
export const DATA_VOLUME_NAME = 'datadir';
/** Where CockroachDB keeps its store inside the container. */
export const DATA_MOUNT_PATH = '/cockroach/cockroach-data';
