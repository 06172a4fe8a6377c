import type { Duration } from 'cdk8s';
import type { ContainerResources } from 'cdk8s-plus-28';
import type { DbConsoleIngressOptions } from './db-console-ingress';
import type { GcsCredentials } from './gcs-credentials';
import type { HelmRelease } from './helm-release';
import type { InitJobOptions } from './init-job';
import type { Locality } from './locality';
import type { CockroachLogging } from './logging';
import type { MemoryAllocation } from './memory';
import type { ManagedPrometheusOptions } from './managed-prometheus';
import type { MonitoringOptions } from './monitoring';
import type { MultiRegion } from './multi-region';
import type { NetworkPolicyOptions } from './network-policy';
import type { PlacementOptions } from './placement';
import type { ScaleDownPlan } from './scale-down';
import type { ClusterSecurity } from './security';
import type { SqlJobOptions } from './sql-provisioner';
import type { StorageOptions } from './storage';
import type { StorageExpansion } from './storage-expansion';
import type { UpgradeOptions } from './upgrade';
import type { CockroachDbVersion } from './version';

/** Properties of {@link CockroachCluster}. */
export interface CockroachClusterProps {
  /**
   * This chart's region of a cluster across several regions (`MultiRegion.fromDeployment(description,
   * region)`, one chart per region). The pods advertise names under the region's Cloud DNS domain, which
   * every region resolves; `--join` lists pods 0 and 1 of every region; `--cluster-name` is the
   * description's `gkeClusterName`; the replicas are the region's `nodes`; the locality is each pod's
   * region and zone from its node (`Locality.fromNode()`); the certificates come from the description's CA
   * Service pool through a `GoogleCASIssuer`; the NetworkPolicy admits the other regions' pods on 26257.
   * Only the primary region's chart initializes the cluster and runs SQL declarations and the upgrade
   * finalization. Props that would make a region disagree with the others are refused.
   * @default - one region
   */
  readonly multiRegion?: MultiRegion;

  /**
   * How connections are secured. Turning security off is explicit: `ClusterSecurity.insecure()`, for
   * local development only.
   * @default ClusterSecurity.certManager() - TLS and mTLS from a CA the construct creates with cert-manager;
   *   with `multiRegion`, its security (refused here)
   */
  readonly security?: ClusterSecurity;

  /**
   * How often the certificate reloader checks for renewed certificates and signals CockroachDB (TLS only).
   * @default Duration.minutes(1)
   */
  readonly certificateReloadInterval?: Duration;

  /**
   * A NetworkPolicy that lets only the cluster's own pods, its Jobs and allowed clients
   * (`allowFrom(workload)`) reach the pods; optionally a namespace default-deny and egress rules that let
   * each of the library's pods reach only what it needs.
   * @default - no NetworkPolicy
   */
  readonly networkPolicy?: NetworkPolicyOptions;

  /**
   * Base name of every object (StatefulSet `<name>`, Services `<name>` and `<name>-public`, PDB
   * `<name>-budget`). A DNS-1123 label of at most 40 characters. It is part of every pod, volume and DNS
   * name: changing it later creates a new, empty cluster.
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * CockroachDB release.
   * @default CockroachDbVersion.LATEST
   */
  readonly version?: CockroachDbVersion;

  /**
   * A change of `version` on a running cluster, declared with the version it runs now, so that the move
   * is checked at synth time against CockroachDB's upgrade paths: a patch release of the same series;
   * the next major release, or the one after it when the next is an Innovation release; or back to the
   * release the cluster came from, before the upgrade is finalized. Anything else is refused with what is
   * allowed from there: CockroachDB would refuse it only when the new pods start, one node into the
   * rollout. A Job then replaces the pods one at a time, highest ordinal first, each only when every node
   * is live and no range is under-replicated or unavailable (see {@link GatedRollout}); a major upgrade
   * stays revocable until `finalize`. Remove it once the change is finalized or rolled back. See the
   * README's upgrade runbook.
   * @default - none: `version` is not checked against the version running now (a change of version
   *   without it is not checked at all)
   */
  readonly upgrade?: UpgradeOptions;

  /**
   * Restarts every pod, one at a time and each only when the cluster is healthy (the gates of a declared
   * upgrade), when this token changes: for a certificate authority swap or a configuration that a node
   * reads only at start. Any string of 1 to 63 letters, digits, '.', '_', ':' or '-', e.g. a date. While it
   * is set (or an upgrade is declared), the StatefulSet replaces no pod by itself: every change of the pod
   * template is rolled out by a gated Job.
   * @default - none: a change of the pod template rolls the pods by the StatefulSet's own rolling update
   */
  readonly restartToken?: string;

  /**
   * Image repository, for a registry mirror. The tag, and the digest when pinned, always come from
   * `version` (`CockroachDbVersion.of(tag).withDigest(digest)`).
   * @default 'cockroachdb/cockroach'
   */
  readonly imageRepository?: string;

  /**
   * Number of CockroachDB nodes: 1 (a single-node development cluster, under-replicated) or 3 and more.
   * Lowering it on a live cluster drops a node without decommissioning it: see the README's scaling runbook.
   * @default 3; with `multiRegion`, the region's `nodes` (anything else is refused)
   */
  readonly replicas?: number;

  /**
   * CPU and memory of each CockroachDB container. A memory limit is required (CockroachDB sizes its cache
   * from it); a request left out equals its limit, so pods get the Guaranteed QoS class.
   * @default - 2 CPU and 8 GiB, requests equal to limits
   * @see https://www.cockroachlabs.com/docs/stable/recommended-production-settings#hardware
   */
  readonly resources?: ContainerResources;

  /**
   * Storage engine cache (`--cache`), rendered as an absolute size computed from the memory limit.
   * @default MemoryAllocation.fraction(0.25)
   */
  readonly cache?: MemoryAllocation;

  /**
   * SQL memory pool (`--max-sql-memory`), rendered as an absolute size computed from the memory limit.
   * (2 × maxSqlMemory) + cache must not exceed 80 % of the memory limit.
   * @default MemoryAllocation.fraction(0.25)
   */
  readonly maxSqlMemory?: MemoryAllocation;

  /**
   * A declared growth of the volumes to `storage.size` from the size they have now (a claim template
   * cannot change, so a larger `storage.size` alone is refused by the API server). While declared, the
   * StatefulSet keeps claims of `from`, and a Job grows each claim (its StorageClass must allow
   * expansion), waits for the volumes, then re-creates the StatefulSet with the new size without
   * restarting a pod. Remove it once the Job is done. See the README's storage runbook.
   * @default - none
   */
  readonly expandStorage?: StorageExpansion;

  /**
   * Per-pod persistent volumes.
   * @default - 100 GiB on the default StorageClass, retained on delete and scale-down
   */
  readonly storage?: StorageOptions;

  /**
   * How long Kubernetes waits for a node to drain on shutdown before killing it. At least 300 seconds
   * (CockroachDB's guidance).
   * @default Duration.seconds(300)
   */
  readonly terminationGracePeriod?: Duration;

  /**
   * Where pods may run.
   * @default - preferred anti-affinity per host, best-effort spread across zones
   */
  readonly placement?: PlacementOptions;

  /**
   * `--locality`: one static value (`Locality.of(…)`) or each pod's own region and zone read from its node
   * (`Locality.fromNode()`). With `multiRegion`, its first tier must be the region.
   * @default - no locality; with `multiRegion`, `Locality.fromNode()`
   */
  readonly locality?: Locality;

  /**
   * `--cluster-name`: nodes refuse to join a cluster with another name, which guards against a node
   * joining the wrong cluster.
   * @default - no cluster name; with `multiRegion`, the description's `gkeClusterName` (the only one allowed)
   */
  readonly clusterName?: string;

  /**
   * Secrets (type `kubernetes.io/dockerconfigjson`, in the cluster's namespace) to pull images with, for a
   * private registry or mirror (`imageRepository`). They go on every ServiceAccount of the cluster, and the
   * API server adds them to every pod: the database's and every Job's.
   * @default - none
   */
  readonly imagePullSecrets?: string[];

  /**
   * CockroachDB's logging configuration (`--log-config-file`, from a ConfigMap): the stderr sink, and
   * Fluent or HTTP servers. A change restarts the pods one at a time.
   * @default - `--logtostderr=INFO`: every channel to stderr, and CockroachDB's default log files on the data volume
   */
  readonly logging?: CockroachLogging;

  /**
   * More `cockroach start` flags, each `--name` or `--name=value` (one flag per item), after the flags the
   * construct renders. Flags the construct sets itself are refused, with the prop that sets each: `--join`,
   * `--cluster-name`, `--advertise-host`, `--certs-dir`, `--cache`, `--max-sql-memory`, `--store`,
   * `--locality`, the ports and addresses, and the logging flags.
   * @default - none
   */
  readonly extraStartFlags?: string[];

  /**
   * More environment variables of the `cockroach` container: name to plain value (a value is visible to
   * anyone who can read the StatefulSet: never a secret). Names the construct sets are refused.
   * @default - none
   */
  readonly extraEnv?: { readonly [name: string]: string };

  /**
   * The Kubernetes cluster's DNS domain. With `multiRegion`, only GKE's `cluster.local`: the pods
   * advertise names under the region's Cloud DNS domain instead.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;

  /**
   * Annotations of the pods' ServiceAccount (for example `iam.gke.io/gcp-service-account` for Workload
   * Identity).
   * @default - none
   */
  readonly serviceAccountAnnotations?: { readonly [key: string]: string };

  /**
   * How the nodes reach Google Cloud Storage for `AUTH=implicit` backups and restores: Workload Identity
   * (`GcsCredentials.fromDeployment(…)`) or a key file from a Secret (`GcsCredentials.keyFromSecret(…)`).
   * @default - none
   */
  readonly gcsCredentials?: GcsCredentials;

  /**
   * The SQL Job that applies databases, users, grants, settings, the license, backup schedules and
   * restores (created when the first of them is declared).
   * @default - 30-minute deadline (6 hours with a restore), kept one hour
   */
  readonly sqlJob?: SqlJobOptions;

  /**
   * A declared scale-down (never just lower `replicas`): phase DECOMMISSION keeps the current size and
   * decommissions the nodes that go; phase SHRINK then lowers the StatefulSet and deletes their volumes.
   * @default - no scale-down in progress
   */
  readonly scaleDown?: ScaleDownPlan;

  /**
   * A ValidatingAdmissionPolicy (Kubernetes ≥ 1.30) that makes the API server refuse a lower replica
   * count unless the decommission recorded it: `kubectl apply` with fewer replicas, or `kubectl scale`,
   * cannot drop live nodes.
   * @default true
   */
  readonly replicaGuard?: boolean;

  /**
   * A ValidatingAdmissionPolicy (Kubernetes ≥ 1.30) that makes the API server refuse a change of the
   * CockroachDB major version that is not a declared `upgrade`: a plain `kubectl apply` of a new major
   * `version` cannot roll the pods onto it unchecked.
   * @default true
   */
  readonly versionGuard?: boolean;

  /**
   * Prometheus Operator ServiceMonitor and PrometheusRule.
   * @default - none (the discovery Service has Prometheus scrape annotations anyway)
   */
  readonly monitoring?: MonitoringOptions;

  /**
   * Google Cloud Managed Service for Prometheus (GKE): a PodMonitoring of the nodes, the alerts as Rules,
   * and what the collectors need to verify the nodes' TLS. `ManagedPrometheus.fromDeployment(description)`
   * takes the thresholds from the description the Google Cloud half's dashboard and alert policies read.
   * With the NetworkPolicy on, the collectors may reach port 8080.
   * @default - none
   */
  readonly managedPrometheus?: ManagedPrometheusOptions;

  /**
   * An Ingress with TLS for the DB Console.
   * @default - none: use kubectl port-forward
   */
  readonly dbConsoleIngress?: DbConsoleIngressOptions;

  /**
   * The Job that runs `cockroach init`.
   * @default - enabled (with `multiRegion`, in the primary region only), kept until pruned, ten-minute deadline
   */
  readonly init?: InitJobOptions;

  /**
   * Take over, in place, a cluster that the official Helm chart installed: the objects keep the chart's
   * names (`name` is the chart's full name), the StatefulSet its selector and volume claim template, so the
   * pods keep their volumes; no init Job (the chart's hook initialized the cluster). `storage` must state
   * the chart's `storage.persistentVolume` size and class, its `conf.store.count` as `stores` and its
   * `conf.wal-failover` as `walFailover`. The README's runbook gives the steps.
   * @default - none: a new cluster of this library
   */
  readonly adoptHelmRelease?: HelmRelease;
}
