import type * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { IConstruct } from 'constructs';

// What the features of a cluster need from it, in layers. Each feature names the smallest layer it uses
// (adding what only it reads), so its signature says which parts of the cluster it depends on, and no
// feature imports the cluster class: CockroachCluster implements them all.

/** A cluster's name and namespace, and the construct that errors about it name. */
export interface IClusterIdentity extends IConstruct {
  /** Base name of the cluster's objects (the StatefulSet's, and the prefix of its pods and volumes). */
  readonly name: string;
  /** Namespace of the cluster's objects. */
  readonly namespace: string;
}

/**
 * The StatefulSet of a cluster as its admission guards (the replica and version guards) see it: its name,
 * its namespace, and the labels of the policy and binding. Plain data: a guard needs no construct.
 */
export interface IGuardedStatefulSet {
  /** The StatefulSet's name. */
  readonly name: string;
  /** Its namespace. */
  readonly namespace: string;
  /** Labels of the policy and its binding. @internal */
  _objectLabels(): { [key: string]: string };
}

/** A cluster whose features label their objects as the cluster's own. */
export interface ILabelledCluster extends IClusterIdentity {
  /** Labels of an object of the cluster: the common labels and the prune labels. @internal */
  _objectLabels(): { [key: string]: string };
  /** Labels of an object of the cluster for one component (never the database pods'). @internal */
  _componentLabels(component: string): { [key: string]: string };
  /**
   * The Secrets the cluster's pods pull images with, on every ServiceAccount of the cluster.
   * @default - none
   */
  readonly imagePullSecrets?: readonly string[];
}

/** How a pod runs `cockroach` client commands against a cluster as `root`. */
export interface ClientConnection {
  /** Flags of the `cockroach` command: `--certs-dir` or `--insecure`. */
  readonly flags: string[];
  /** The same as environment variables. */
  readonly env: k8s.EnvVar[];
  /** The volume of the root client certificate (none when insecure). */
  readonly volumes: k8s.Volume[];
  /** Its mount. */
  readonly volumeMounts: k8s.VolumeMount[];
}

/** A cluster that Jobs and pods connect to as SQL clients (`root`). */
export interface ISqlClientTarget extends ILabelledCluster {
  /** The CockroachDB image, which the client pods run too. */
  readonly image: string;
  /** The SQL port. */
  readonly sqlPort: number;
  /** DNS name of the public Service, which clients connect to. */
  readonly publicHost: string;
  /** The ServiceAccount of the client pods. */
  readonly clientServiceAccountName: string;
  /** Labels of a Job's or client pod's objects: a component and the client label. @internal */
  _jobLabels(component: string): { [key: string]: string };
  /** What a pod needs to connect as `root`. @internal */
  _clientConnection(): ClientConnection;
}

/** The full-cluster restore a cluster declares: Jobs that write data wait until it is recorded. */
export interface FullRestore {
  /** The restore's id, which the SQL Job records once the restore has succeeded. */
  readonly id: string;
  /** How long the restore may take, in seconds: the waiting Jobs' deadlines include it. */
  readonly timeoutSeconds: number;
}

/** A cluster that Jobs write data to: they connect by URL and wait for a declared full-cluster restore. */
export interface IDataWriteTarget extends ISqlClientTarget {
  /** A libpq URL for `root` through the public Service. @internal */
  _rootConnectionUrl(database?: string): string;
  /** The full-cluster restore declared so far, read at synth time. @internal */
  _fullRestore(): FullRestore | undefined;
}
