import { Chart, Duration, JsonPatch, Size } from 'cdk8s';
import type { AbstractPod, ContainerResources, Cpu } from 'cdk8s-plus-28';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct, IConstruct } from 'constructs';
import { BackupDestination, BackupScheduleOptions, RestoreTarget } from './backup';
import { BooksLoad, BooksLoadOptions } from './books-load';
import { ClientCertificate, ClientCertificateOptions } from './client-certificate';
import { DbConsoleIngress, DbConsoleIngressOptions } from './db-console-ingress';
import { GcsCredentials } from './gcs-credentials';
import { ClusterMonitoring, MonitoringOptions } from './monitoring';
import { CockroachInitJob, InitJobOptions } from './init-job';
import { Locality } from './locality';
import { MEMORY_BUDGET_FRACTION, MemoryAllocation } from './memory';
import { ClusterNetworkPolicy, NetworkPolicyOptions } from './network-policy';
import { HOSTNAME_TOPOLOGY_KEY, PlacementOptions, PodAntiAffinity, TopologySpread, ZONE_TOPOLOGY_KEY } from './placement';
import { ApplyStableStatefulSet, fieldRefEnv } from './private/apply-stable';
import { certReloaderContainer } from './private/cert-reloader';
import { commandWithNodeLocality, LOCALITY_DIR, nodeLocalityParts } from './private/node-locality';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './private/pod-security';
import { checkPodWithinDescription, podRequests } from './private/pod-requests';
import { bytesToQuantity, cpuToMillis, describeBytes, durationSeconds, GIB, sizeToBytes } from './private/units';
import {
  checkDns1035Label, checkDnsLabel, checkDnsSubdomain, checkInteger, checkLabelKey, checkLabelValue, checkRules, reject,
} from '../shared/validate';
import { ClusterSecurity } from './security';
import { MIN_LIVE_NODES, ReplicaGuard, ScaleDown, ScaleDownAccess, ScaleDownPhase, ScaleDownPlan, scaleDownRules } from './scale-down';
import { CockroachSqlClient } from './sql-client';
import {
  BackupInspectionJob, BackupSchedule, ClusterSetting, LicenseOptions, SqlDatabase, SqlJobOptions, SqlProvisioner, SqlRole,
  SqlUser, SqlUserOptions,
} from './sql-provisioner';
import { DATA_MOUNT_PATH, DATA_VOLUME_NAME, PvcRetention, StorageOptions } from './storage';
import { pruneLabels, pruneSelector } from './prune';
import { CERTS_DIR, ClusterCertificates } from './tls';
import { BuiltinWorkload, WorkloadJob, WorkloadRunOptions } from './workload';
import { CockroachDbVersion } from './version';
import { checkVersionChange, UpgradeOptions, VersionChangeKind } from './upgrade';
import { checkImageDigest, imageReference } from './private/image';

/** Properties of {@link CockroachCluster}. */
export interface CockroachClusterProps {
  /**
   * How connections are secured. Turning security off is explicit: `ClusterSecurity.insecure()`, for
   * local development only.
   * @default ClusterSecurity.certManager() - TLS and mTLS from a CA the construct creates with cert-manager
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
   * rollout. The StatefulSet then replaces the pods one at a time, highest ordinal first, each once the
   * previous one is Ready. Remove it once the change is applied. See the README's upgrade runbook.
   * @default - none: `version` is not checked against the version running now (a change of version
   *   without it is not checked at all)
   */
  readonly upgrade?: UpgradeOptions;

  /**
   * Image repository, for a registry mirror. The tag, and the digest when pinned, always come from
   * `version` (`CockroachDbVersion.of(tag).withDigest(digest)`).
   * @default 'cockroachdb/cockroach'
   */
  readonly imageRepository?: string;

  /**
   * Number of CockroachDB nodes: 1 (a single-node development cluster, under-replicated) or 3 and more.
   * Lowering it on a live cluster drops a node without decommissioning it: see the README's scaling runbook.
   * @default 3
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
   * (`Locality.fromNode()`).
   * @default - no locality
   */
  readonly locality?: Locality;

  /**
   * `--cluster-name`: nodes refuse to join a cluster with another name, which guards against a node
   * joining the wrong cluster.
   * @default - no cluster name
   */
  readonly clusterName?: string;

  /**
   * The Kubernetes cluster's DNS domain.
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
   * Prometheus Operator ServiceMonitor and PrometheusRule.
   * @default - none (the discovery Service has Prometheus scrape annotations anyway)
   */
  readonly monitoring?: MonitoringOptions;

  /**
   * An Ingress with TLS for the DB Console.
   * @default - none: use kubectl port-forward
   */
  readonly dbConsoleIngress?: DbConsoleIngressOptions;

  /**
   * The Job that runs `cockroach init`.
   * @default - enabled, kept one hour after it finishes, ten-minute deadline
   */
  readonly init?: InitJobOptions;
}

/** Port for SQL clients and traffic between nodes. */
export const SQL_PORT = 26257;
/** Port of the DB Console and the HTTP API (health, metrics). */
export const HTTP_PORT = 8080;
/** Number of pods named in `--join`: always the first three, so that scaling never changes the flag. */
const JOIN_SEEDS = 3;
/** Longest `name`: leaves room for suffixes such as `-init-<10-character digest>` within 63 characters. */
const MAX_NAME_LENGTH = 40;
const MIN_GRACE_SECONDS = 300;
const MIN_STORAGE_BYTES = GIB;
/** Suffixes of the names a cluster derives for its own objects (ServiceAccounts, Services). */
const RESERVED_NAME_SUFFIXES = ['-client', '-public', '-scale-down', '-sql'];
const IMAGE_REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const CLUSTER_NAME = /^[a-zA-Z](?:[-a-zA-Z0-9._]{0,254}[a-zA-Z0-9])?$/;

/** Per app (the construct tree's root): the names clusters have claimed, and the path of each claimant. */
const CLAIMED_NAMES = new WeakMap<IConstruct, Map<string, string>>();

/**
 * Two clusters with the same name in one namespace would render the same StatefulSet, Services and
 * Jobs, in one chart or in two charts of one app; the cluster-scoped objects (`<namespace>-<name>-…`)
 * would collide across namespaces too (namespace `a-b`, name `c` against namespace `a`, name `b-c`).
 */
function claimClusterNames(cluster: CockroachCluster): void {
  const root = cluster.node.root;
  let claimed = CLAIMED_NAMES.get(root);
  if (!claimed) CLAIMED_NAMES.set(root, claimed = new Map());
  const keys: Array<[string, string]> = [
    [`namespaced:${cluster.namespace}/${cluster.name}`, `the same name in namespace ${JSON.stringify(cluster.namespace)}`],
    [`cluster-scoped:${cluster.namespace}-${cluster.name}`, `the same cluster-scoped object names (${cluster.namespace}-${cluster.name}-…)`],
  ];
  for (const [key, what] of keys) {
    const other = claimed.get(key);
    if (other !== undefined) {
      reject(cluster, 'name', cluster.name, `expected a name no other cluster of this app uses: the cluster at ${other} has ${what}, and the two would overwrite each other's objects`);
    }
  }
  for (const [key] of keys) claimed.set(key, cluster.node.path);
}

type KindCheck = [prop: string, value: unknown, isKind: (v: object) => boolean, expected: string];
// Classes with private constructors, which `instanceof` cannot be typed against: their prototype is what counts.
const instanceOf = (type: { readonly prototype: object }) => (v: object) => Object.prototype.isPrototypeOf.call(type.prototype, v);
// cdk8s' unit types by shape: an app may load its own copy of cdk8s.
const isSize = (v: object) => typeof (v as Size).toKibibytes === 'function' && typeof (v as Size).asString === 'function';
const isDuration = (v: object) => typeof (v as Duration).toSeconds === 'function';
const isCpu = (v: object) => typeof (v as Cpu).amount === 'string';

/**
 * The typed props, checked at run time: a JavaScript caller (or an `as any`) passing `'25%'` for a
 * MemoryAllocation or `'5Gb'` for a Size gets the library's error, not a TypeError or a broken manifest.
 */
function checkPropKinds(scope: Construct, props: CockroachClusterProps): void {
  const checks: KindCheck[] = [
    ['security', props.security, instanceOf(ClusterSecurity), 'a ClusterSecurity, e.g. ClusterSecurity.certManager()'],
    ['version', props.version, instanceOf(CockroachDbVersion), 'a CockroachDbVersion, e.g. CockroachDbVersion.of(\'v25.4.3\')'],
    ['cache', props.cache, instanceOf(MemoryAllocation), 'a MemoryAllocation, e.g. MemoryAllocation.fraction(0.25)'],
    ['maxSqlMemory', props.maxSqlMemory, instanceOf(MemoryAllocation), 'a MemoryAllocation, e.g. MemoryAllocation.fraction(0.25)'],
    ['resources.memory.limit', props.resources?.memory?.limit, isSize, 'a Size, e.g. Size.gibibytes(8)'],
    ['resources.memory.request', props.resources?.memory?.request, isSize, 'a Size, e.g. Size.gibibytes(8)'],
    ['resources.cpu.limit', props.resources?.cpu?.limit, isCpu, 'a Cpu, e.g. Cpu.units(2)'],
    ['resources.cpu.request', props.resources?.cpu?.request, isCpu, 'a Cpu, e.g. Cpu.units(2)'],
    ['storage.size', props.storage?.size, isSize, 'a Size, e.g. Size.gibibytes(100)'],
    ['terminationGracePeriod', props.terminationGracePeriod, isDuration, 'a Duration, e.g. Duration.seconds(300)'],
    ['certificateReloadInterval', props.certificateReloadInterval, isDuration, 'a Duration, e.g. Duration.minutes(1)'],
    ['locality', props.locality, instanceOf(Locality), 'a Locality, e.g. Locality.fromNode()'],
    ['gcsCredentials', props.gcsCredentials, instanceOf(GcsCredentials), 'GcsCredentials, e.g. GcsCredentials.fromDeployment(description) or GcsCredentials.keyFromSecret(\'gcs-key\')'],
    ['placement.antiAffinity', props.placement?.antiAffinity, instanceOf(PodAntiAffinity), 'a PodAntiAffinity, e.g. PodAntiAffinity.preferred()'],
    ['placement.topologySpread', props.placement?.topologySpread, instanceOf(TopologySpread), 'a TopologySpread, e.g. TopologySpread.acrossZones()'],
    ['sqlJob.timeout', props.sqlJob?.timeout, isDuration, 'a Duration, e.g. Duration.minutes(30)'],
    ['sqlJob.ttlAfterFinished', props.sqlJob?.ttlAfterFinished, isDuration, 'a Duration, e.g. Duration.hours(1)'],
    ['init.timeout', props.init?.timeout, isDuration, 'a Duration, e.g. Duration.minutes(10)'],
    ['init.ttlAfterFinished', props.init?.ttlAfterFinished, isDuration, 'a Duration, e.g. Duration.hours(1)'],
  ];
  for (const [prop, value, isKind, expected] of checks) {
    if (value !== undefined && (typeof value !== 'object' || value === null || !isKind(value))) reject(scope, prop, value, `expected ${expected}`);
  }
}

/**
 * A CockroachDB cluster on Kubernetes: a StatefulSet with one volume per pod, its discovery and public
 * Services, a PodDisruptionBudget, the database pods' ServiceAccount, the SQL clients' ServiceAccount
 * (`<name>-client`, used by the Jobs) and the Job that initializes the cluster.
 *
 * Object names come from `name` (the construct id by default) and the chart's namespace, never from a
 * hash of the construct path, so pods, volumes and DNS names survive refactoring of the app.
 */
export class CockroachCluster extends Construct {
  /** Base name of the objects. */
  public readonly name: string;
  /** Namespace of every object: the chart's, or `default`. */
  public readonly namespace: string;
  /** The Kubernetes cluster's DNS domain. */
  public readonly clusterDomain: string;
  /** Number of nodes. */
  public readonly replicas: number;
  /** How connections are secured. */
  public readonly security: ClusterSecurity;
  /** The CockroachDB release. */
  public readonly version: CockroachDbVersion;
  /** What the declared `upgrade` is; undefined without one. */
  public readonly versionChange?: VersionChangeKind;
  /**
   * The full image reference of every container and Job that runs CockroachDB's image, e.g.
   * `cockroachdb/cockroach:v26.2.1`, or `docker.io/cockroachdb/cockroach@sha256:…` when `version` has a digest.
   */
  public readonly image: string;
  /** SQL port (26257). */
  public readonly sqlPort = SQL_PORT;
  /** DB Console port (8080). */
  public readonly httpPort = HTTP_PORT;
  /** Container memory limit, in bytes. */
  public readonly memoryLimitBytes: number;
  /** `--cache`, in MiB, as rendered. */
  public readonly cacheMebibytes: number;
  /** `--max-sql-memory`, in MiB, as rendered. */
  public readonly maxSqlMemoryMebibytes: number;

  /** The StatefulSet (escape hatch). */
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** The headless Service that gives each pod a stable DNS name (escape hatch). */
  public readonly discoveryService: k8s.KubeService;
  /** The ClusterIP Service that clients connect to (escape hatch). */
  public readonly publicService: k8s.KubeService;
  /** The PodDisruptionBudget (escape hatch). */
  public readonly podDisruptionBudget: k8s.KubePodDisruptionBudget;
  /**
   * The database pods' ServiceAccount (escape hatch). It carries the cloud identity (the Workload
   * Identity annotation), so only the database pods use it.
   */
  public readonly serviceAccount: k8s.KubeServiceAccount;
  /**
   * The ServiceAccount of the pods that connect as SQL clients: the library's Jobs (init, SQL, backup
   * inspection, books load, workloads) and the SQL client pod. No token, no role, no cloud identity: a
   * third-party image in a Job can never reach the backup bucket (escape hatch).
   */
  public readonly clientServiceAccount: k8s.KubeServiceAccount;
  /** The Job that runs `cockroach init`, unless disabled. */
  public readonly initJob?: CockroachInitJob;
  /** The cluster's certificates (TLS only). */
  public readonly certificates?: ClusterCertificates;
  /** How the nodes reach Cloud Storage for `AUTH=implicit` backups and restores, when given. */
  public readonly gcsCredentials?: GcsCredentials;
  /** The NetworkPolicy, when enabled. */
  public readonly networkPolicy?: ClusterNetworkPolicy;
  /** The scale-down in progress, when declared. */
  public readonly scaleDown?: ScaleDown;
  /**
   * The scale-down Role, in every cluster: the current phase's rules during a declared scale-down, none
   * otherwise (so applying the manifests after a scale-down takes its rights away).
   */
  public readonly scaleDownAccess: ScaleDownAccess;
  /** The replica guard, unless disabled. */
  public readonly replicaGuard?: ReplicaGuard;
  /** The monitoring objects, when enabled. */
  public readonly monitoring?: ClusterMonitoring;
  /** The DB Console Ingress, when enabled. */
  public readonly dbConsoleIngress?: DbConsoleIngress;
  /** The replica count the StatefulSet renders: `replicas`, or `scaleDown.from` during phase DECOMMISSION. */
  public readonly renderedReplicas: number;
  /** The ClusterRole that lets the locality init container read nodes (per-pod locality only). */
  public readonly nodeReaderRole?: k8s.KubeClusterRole;

  private readonly clientCertificates = new Map<string, ClientCertificate>();
  private sqlClient?: CockroachSqlClient;
  private sql?: SqlProvisioner;
  private readonly sqlJobOptions: SqlJobOptions;
  private backupInspections = 0;
  private booksLoad?: BooksLoad;
  private readonly workloads = new Map<string, WorkloadJob>();

  constructor(scope: Construct, id: string, props: CockroachClusterProps = {}) {
    super(scope, id);
    checkPropKinds(this, props);
    this.security = props.security ?? ClusterSecurity.certManager();

    this.name = props.name ?? id;
    checkDns1035Label(this, 'name', this.name, MAX_NAME_LENGTH);
    // Another cluster's derived names: a cluster "crdb-client" would share its ServiceAccount, and with it
    // the Workload Identity, with the Jobs of a cluster "crdb" in the same namespace.
    const suffix = RESERVED_NAME_SUFFIXES.find((s) => this.name.endsWith(s));
    if (suffix) reject(this, 'name', this.name, `expected a name not ending in "${suffix}": another cluster's objects are named <name>${suffix}`);
    this.namespace = Chart.of(this).namespace ?? 'default';
    checkDnsLabel(this, 'namespace (of the chart)', this.namespace);
    claimClusterNames(this);
    this.clusterDomain = props.clusterDomain ?? 'cluster.local';
    checkDnsSubdomain(this, 'clusterDomain', this.clusterDomain);

    this.replicas = props.replicas ?? 3;
    if (typeof this.replicas !== 'number' || !Number.isInteger(this.replicas) || this.replicas < 1 || this.replicas === 2) {
      reject(this, 'replicas', this.replicas,
        'expected 1 (a single-node development cluster) or an integer ≥ 3: two nodes cannot keep a majority when one fails');
    }

    this.renderedReplicas = this.resolveScaleDown(props.scaleDown);

    this.version = props.version ?? CockroachDbVersion.LATEST;
    if (!this.version.isWellFormed) {
      reject(this, 'version', this.version.tag, 'expected an exact release tag such as "v26.2.1" or "v26.1.0-rc.1"');
    }
    if (this.version.digest !== undefined) checkImageDigest(this, 'version (digest)', this.version.digest);
    if (props.upgrade !== undefined) this.versionChange = checkVersionChange(this, props.upgrade, this.version);
    const repository = props.imageRepository ?? 'cockroachdb/cockroach';
    if (typeof repository === 'string' && repository.includes('@')) {
      reject(this, 'imageRepository', repository, 'expected an image repository without digest: pin it with version: CockroachDbVersion.of(tag).withDigest(digest)');
    }
    if (!IMAGE_REPOSITORY.test(repository)) {
      reject(this, 'imageRepository', repository, 'expected an image repository without tag, e.g. "cockroachdb/cockroach" or "registry.example.com:5000/mirror/cockroach"');
    }
    this.image = imageReference(`${repository}:${this.version.tag}`, this.version.digest);

    const resources = this.resolveResources(props.resources);
    this.memoryLimitBytes = resources.memoryLimitBytes;
    const sizes = this.resolveMemorySizes(props.cache, props.maxSqlMemory);
    this.cacheMebibytes = sizes.cache;
    this.maxSqlMemoryMebibytes = sizes.maxSql;

    const storage = this.resolveStorage(props.storage);
    const grace = this.resolveGracePeriod(props.terminationGracePeriod);
    const placement = this.resolvePlacement(props.placement ?? {});

    if (props.locality && !props.locality.isWellFormed) {
      reject(this, 'locality', props.locality.toString(), props.locality.isPerPod
        ? 'expected at least one tier, each with a distinct key of letters, digits, \'_\' or \'-\' and a valid node label'
        : 'expected comma-separated key=value tiers, e.g. "region=europe-west1,zone=europe-west1-b"');
    }
    const reloadSeconds = durationSeconds(props.certificateReloadInterval ?? Duration.minutes(1));
    checkInteger(this, 'certificateReloadInterval (seconds)', reloadSeconds, 5, 3600);
    if (props.clusterName !== undefined && !CLUSTER_NAME.test(props.clusterName)) {
      reject(this, 'clusterName', props.clusterName, 'expected 1 to 256 letters, digits, \'-\', \'_\' or \'.\', starting with a letter and ending with a letter or digit');
    }
    for (const key of Object.keys(props.serviceAccountAnnotations ?? {})) {
      checkLabelKey(this, 'serviceAccountAnnotations', key);
    }
    this.gcsCredentials = props.gcsCredentials;
    props.gcsCredentials?._validate(this, this);
    this.sqlJobOptions = props.sqlJob ?? {};
    const serviceAccountAnnotations = { ...(props.serviceAccountAnnotations ?? {}), ...(props.gcsCredentials?._annotations() ?? {}) };

    if (this.security.isSecure) {
      this.certificates = new ClusterCertificates(this, 'Certificates', { cluster: this, security: this.security });
    }

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: {
        name: this.serviceAccountName,
        namespace: this.namespace,
        labels: this._objectLabels(),
        annotations: Object.keys(serviceAccountAnnotations).length > 0 ? serviceAccountAnnotations : undefined,
      },
      automountServiceAccountToken: false,
    });
    this.clientServiceAccount = new k8s.KubeServiceAccount(this, 'ClientServiceAccount', {
      metadata: { name: this.clientServiceAccountName, namespace: this.namespace, labels: this._componentLabels('client') },
      automountServiceAccountToken: false,
    });

    this.discoveryService = new k8s.KubeService(this, 'DiscoveryService', {
      metadata: {
        name: this.discoveryServiceName,
        namespace: this.namespace,
        labels: { ...this.discoveryServiceLabels, ...pruneLabels(this.name, this.namespace) },
        annotations: {
          'prometheus.io/scrape': 'true',
          'prometheus.io/path': '_status/vars',
          'prometheus.io/port': String(HTTP_PORT),
        },
      },
      spec: {
        clusterIp: 'None',
        // Pods must find each other before they are ready, or a new cluster could never form.
        publishNotReadyAddresses: true,
        selector: this.selectorLabels,
        ports: this.servicePorts(),
      },
    });

    this.publicService = new k8s.KubeService(this, 'PublicService', {
      metadata: { name: this.publicServiceName, namespace: this.namespace, labels: this._objectLabels() },
      spec: { type: 'ClusterIP', selector: this.selectorLabels, ports: this.servicePorts() },
    });

    this.podDisruptionBudget = new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
      metadata: { name: `${this.name}-budget`, namespace: this.namespace, labels: this._objectLabels() },
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: this.selectorLabels },
      },
    });

    const pod = this.podParts(props.locality, reloadSeconds, props.gcsCredentials);
    if (props.locality?.isPerPod) this.nodeReaderRole = this.grantNodeRead();
    // Before the StatefulSet in the output: when a scale-out follows a scale-down, the apply empties the
    // Role before the StatefulSet creates volumes with the names the SHRINK phase could delete.
    this.scaleDownAccess = new ScaleDownAccess(this, 'ScaleDownAccess', {
      cluster: this,
      rules: props.scaleDown ? scaleDownRules(this, props.scaleDown, this.replicas) : [],
    });

    const statedPod = this.gcsCredentials?.description?.databasePod;
    if (statedPod !== undefined) {
      checkPodWithinDescription(this, podRequests([resources.rendered, ...pod.sidecars.map((c) => c.resources)],
        (pod.initContainers ?? []).map((c) => c.resources)), statedPod);
    }

    this.statefulSet = new ApplyStableStatefulSet(this, 'StatefulSet', {
      metadata: { name: this.name, namespace: this.namespace, labels: this.labels },
      spec: {
        serviceName: this.discoveryServiceName,
        replicas: this.renderedReplicas,
        selector: { matchLabels: this.selectorLabels },
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate' },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: storage.whenDeleted, whenScaled: storage.whenScaled },
        template: {
          metadata: { labels: this.podLabels },
          spec: {
            serviceAccountName: this.serviceAccountName,
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: grace,
            securityContext: restrictedPodSecurityContext(),
            // The certificate reloader must see the cockroach process to signal it.
            shareProcessNamespace: this.security.isSecure ? true : undefined,
            ...placement,
            initContainers: pod.initContainers,
            containers: [{
              name: 'cockroachdb',
              image: this.image,
              imagePullPolicy: 'IfNotPresent',
              command: pod.command,
              args: this.startArgs(props),
              env: [...this.startEnv(resources.hasCpuLimit), ...pod.env],
              ports: [
                { name: 'sql', containerPort: SQL_PORT, protocol: 'TCP' },
                { name: 'http', containerPort: HTTP_PORT, protocol: 'TCP' },
              ],
              resources: resources.rendered,
              securityContext: restrictedContainerSecurityContext(),
              startupProbe: this.probe('/health', { periodSeconds: 10, failureThreshold: 30 }),
              livenessProbe: this.probe('/health', { periodSeconds: 10, failureThreshold: 3 }),
              readinessProbe: this.probe('/health?ready=1', { periodSeconds: 5, failureThreshold: 2 }),
              volumeMounts: [{ name: DATA_VOLUME_NAME, mountPath: DATA_MOUNT_PATH }, ...pod.mounts],
            }, ...pod.sidecars],
            volumes: pod.volumes.length > 0 ? pod.volumes : undefined,
          },
        },
        volumeClaimTemplates: [{
          // Labels here are immutable once the StatefulSet exists: only the stable selector labels.
          metadata: { name: DATA_VOLUME_NAME, labels: this.selectorLabels },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: storage.storageClassName,
            volumeMode: 'Filesystem',
            resources: { requests: { storage: k8s.Quantity.fromString(bytesToQuantity(storage.bytes)) } },
          },
        }],
      },
    });

    if (props.init?.enabled ?? true) {
      this.initJob = new CockroachInitJob(this, 'Init', { ...props.init, cluster: this });
    }
    if (props.scaleDown) {
      this.scaleDown = new ScaleDown(this, 'ScaleDown', { cluster: this, plan: props.scaleDown, replicas: this.replicas, access: this.scaleDownAccess });
    }
    if (props.replicaGuard ?? true) this.replicaGuard = new ReplicaGuard(this, 'ReplicaGuard', { cluster: this });
    if (props.monitoring) this.monitoring = new ClusterMonitoring(this, 'Monitoring', { ...props.monitoring, cluster: this });
    if (props.dbConsoleIngress) this.dbConsoleIngress = new DbConsoleIngress(this, 'DbConsoleIngress', { ...props.dbConsoleIngress, cluster: this });
    if (props.networkPolicy && (props.networkPolicy.enabled ?? true)) {
      this.networkPolicy = new ClusterNetworkPolicy(this, 'NetworkPolicy', { ...props.networkPolicy, cluster: this });
    }
  }

  /**
   * Issues a client certificate for a SQL user (CN = the user), for password-less mutual TLS. The user
   * itself is created in SQL separately. Rejects duplicates, invalid or reserved names, and insecure
   * clusters.
   */
  public addClientCertificate(user: string, options: ClientCertificateOptions = {}): ClientCertificate {
    const key = typeof user === 'string' ? user.replace(/_/g, '-') : String(user);
    const existing = this.clientCertificates.get(key);
    if (existing) {
      reject(this, 'addClientCertificate(user)', user, existing.user === user
        ? 'expected a user without a client certificate yet: each user gets one'
        : `expected a user whose Secret name differs from "${existing.user}"'s: both map to "${existing.secretName}"`);
    }
    const certificate = new ClientCertificate(this, `ClientCertificate-${key}`, { ...options, cluster: this, user });
    this.clientCertificates.set(key, certificate);
    return certificate;
  }

  /** The SQL Job, created by the first SQL declaration (escape hatch). */
  public get sqlProvisioner(): SqlProvisioner {
    this.sql ??= new SqlProvisioner(this, 'Sql', { ...this.sqlJobOptions, cluster: this });
    return this.sql;
  }

  /** Declares a database (`CREATE DATABASE IF NOT EXISTS`). Grants go through the returned object. */
  public addDatabase(name: string): SqlDatabase {
    return this.sqlProvisioner._addDatabase(name);
  }

  /**
   * Declares a SQL user, with a password from a Secret or for certificate authentication only
   * (`clientCertificate: true` also issues its client certificate). Returns the user, a grantee.
   */
  public addUser(name: string, options: SqlUserOptions = {}): SqlUser {
    const user = this.sqlProvisioner._addUser(name, options);
    if (options.clientCertificate) user.clientCertificate = this.addClientCertificate(name);
    return user;
  }

  /** Declares a role (`CREATE ROLE IF NOT EXISTS`); `grantTo(user)` adds members. */
  public addRole(name: string): SqlRole {
    return this.sqlProvisioner._addRole(name);
  }

  /**
   * A user or role that exists in the database without being declared here (created by hand or by another
   * tool), so that grants may name it. A grant to a name declared neither with `addUser`/`addRole` nor
   * with `existingRole` is refused at synth: the SQL Job would fail on it at run time.
   */
  public existingRole(name: string): SqlRole {
    return this.sqlProvisioner._existingRole(name);
  }

  /** Sets a cluster setting (`SET CLUSTER SETTING`). */
  public setClusterSetting(setting: ClusterSetting): void {
    this.sqlProvisioner._setClusterSetting(setting);
  }

  /** Applies the enterprise license: organization in clear, key from a Secret at run time. */
  public setLicense(options: LicenseOptions): void {
    this.sqlProvisioner._setLicense(options);
  }

  /**
   * Declares a backup schedule (`CREATE SCHEDULE … FOR BACKUP`). Its label carries a digest of its
   * definition, and older versions are dropped, so a change (e.g. of recurrence) takes effect.
   */
  public addBackupSchedule(name: string, options: BackupScheduleOptions): BackupSchedule {
    return this.sqlProvisioner._addBackupSchedule(name, options);
  }

  /**
   * Opt-in restore, run once before everything else the SQL Job applies: the whole cluster (into an
   * empty cluster), a database or a table, from the latest backup in the destination. A restore that
   * succeeded is recorded and never repeated; a target that already exists stops the Job with an error.
   * Returns the restore's id.
   */
  public restoreFrom(destination: BackupDestination, target: RestoreTarget = RestoreTarget.cluster()): string {
    return this.sqlProvisioner._restoreFrom(destination, target);
  }

  /** A Job that prints `SHOW BACKUPS IN '<destination>'` to its log. */
  public addBackupInspection(destination: BackupDestination): BackupInspectionJob {
    this.backupInspections += 1;
    return new BackupInspectionJob(this, `BackupInspection${this.backupInspections}`, { cluster: this, destination });
  }

  /**
   * The book's load: a generated books data set, the load script (with its PostgreSQL driver) and a Job
   * that loads the books and runs a read/write mix. One per cluster.
   */
  public addBooksLoad(options: BooksLoadOptions = {}): BooksLoad {
    if (this.booksLoad) reject(this, 'addBooksLoad()', 'a second books load', 'expected one books load per cluster');
    this.booksLoad = new BooksLoad(this, 'BooksLoad', { ...options, cluster: this });
    return this.booksLoad;
  }

  /** A Job running one of CockroachDB's built-in workloads (kv, bank, movr, tpcc). One per workload. */
  public addWorkload(workload: BuiltinWorkload, options: WorkloadRunOptions = {}): WorkloadJob {
    if (!(workload instanceof BuiltinWorkload)) reject(this, 'addWorkload(workload)', workload, 'expected BuiltinWorkload.kv(), bank(), movr() or tpcc(warehouses)');
    if (this.workloads.has(workload.name)) reject(this, 'addWorkload(workload)', workload.name, 'expected each workload once per cluster');
    const job = new WorkloadJob(this, `Workload-${workload.name}`, { ...options, cluster: this, workload });
    this.workloads.set(workload.name, job);
    return job;
  }

  /**
   * A pod with the `cockroach` CLI pointed at this cluster as `root`, for
   * `kubectl exec -it <name>-sql-client -- cockroach sql`. Returns the same pod when called again.
   */
  public addSqlClient(): CockroachSqlClient {
    this.sqlClient ??= new CockroachSqlClient(this, 'SqlClient', { cluster: this });
    return this.sqlClient;
  }

  /**
   * Lets a workload's pods reach the cluster through its NetworkPolicy, by labelling them as clients
   * (`clientLabels`). A workload in another namespace is allowed from that namespace too. Harmless when
   * the NetworkPolicy is off.
   */
  public allowFrom(workload: AbstractPod): void {
    for (const [key, value] of Object.entries(this.clientLabels)) workload.podMetadata.addLabel(key, value);
    const namespace = Chart.of(workload).namespace ?? 'default';
    if (namespace !== this.namespace) this.networkPolicy?._allowNamespace(namespace);
  }

  /** The label that marks a pod as a client of this cluster for the NetworkPolicy. */
  public get clientLabels(): { [key: string]: string } {
    return { [`cockroachdb/client-${this.name}`]: 'true' };
  }

  /**
   * A libpq URL for `root` through the public Service, with the root client certificate when TLS is on
   * (files where `_clientConnection()` mounts them).
   * @internal
   */
  public _rootConnectionUrl(database?: string): string {
    const base = `postgresql://root@${this.publicHost}:${this.sqlPort}/${database ?? ''}`;
    if (!this.certificates) return `${base}?sslmode=disable`;
    return `${base}?sslmode=verify-full&sslrootcert=${CERTS_DIR}/ca.crt&sslcert=${CERTS_DIR}/client.root.crt&sslkey=${CERTS_DIR}/client.root.key`;
  }

  /**
   * What a pod needs to run `cockroach` client commands against this cluster as `root`: flags, env and
   * the certificate volume when TLS is on.
   * @internal
   */
  public _clientConnection(): { flags: string[]; env: k8s.EnvVar[]; volumes: k8s.Volume[]; volumeMounts: k8s.VolumeMount[] } {
    if (!this.certificates) {
      return { flags: ['--insecure'], env: [{ name: 'COCKROACH_INSECURE', value: 'true' }], volumes: [], volumeMounts: [] };
    }
    return {
      flags: [`--certs-dir=${CERTS_DIR}`],
      env: [{ name: 'COCKROACH_CERTS_DIR', value: CERTS_DIR }],
      volumes: [this.certificates._clientVolume('certs', 'root', this.certificates.rootClientSecretName)],
      volumeMounts: [{ name: 'certs', mountPath: CERTS_DIR, readOnly: true }],
    };
  }

  /** Name of the headless Service (also the StatefulSet's `serviceName`). */
  public get discoveryServiceName(): string {
    return this.name;
  }

  /** Name of the client-facing Service. */
  public get publicServiceName(): string {
    return `${this.name}-public`;
  }

  /** Fully qualified DNS name of the client-facing Service, e.g. `crdb-public.db.svc.cluster.local`. */
  public get publicHost(): string {
    return `${this.publicServiceName}.${this.namespace}.svc.${this.clusterDomain}`;
  }

  /** Name of the database pods' ServiceAccount. */
  public get serviceAccountName(): string {
    return this.name;
  }

  /** Name of the SQL clients' ServiceAccount (Jobs, SQL client pod), `<name>-client`. */
  public get clientServiceAccountName(): string {
    return `${this.name}-client`;
  }

  /** Stable DNS name of one pod, e.g. `crdb-0.crdb.db.svc.cluster.local`. */
  public podDnsName(ordinal: number): string {
    checkInteger(this, 'podDnsName(ordinal)', ordinal, 0);
    return `${this.name}-${ordinal}.${this.discoveryServiceName}.${this.namespace}.svc.${this.clusterDomain}`;
  }

  /** Stable DNS names of every pod, in ordinal order. */
  public get podDnsNames(): string[] {
    return Array.from({ length: this.replicas }, (_, i) => this.podDnsName(i));
  }

  /** The `--join` addresses: the first three pods, whatever the replica count. */
  public get joinAddresses(): string[] {
    return Array.from({ length: JOIN_SEEDS }, (_, i) => `${this.podDnsName(i)}:${SQL_PORT}`);
  }

  /** Labels that select this cluster's CockroachDB pods (StatefulSet selector, Services, PDB). */
  public get selectorLabels(): { [key: string]: string } {
    return {
      'app.kubernetes.io/name': 'cockroachdb',
      'app.kubernetes.io/instance': this.name,
      'app.kubernetes.io/component': 'database',
    };
  }

  /** Labels of the discovery Service: those of every object, plus one that tells it from the public Service. */
  public get discoveryServiceLabels(): { [key: string]: string } {
    return { ...this.labels, 'cockroachdb/service': 'discovery' };
  }

  /** Labels common to every object of this cluster, its pods included. */
  public get labels(): { [key: string]: string } {
    return { ...this.selectorLabels, 'app.kubernetes.io/managed-by': 'cdk8s' };
  }

  /** The labels that `kubectl apply --prune -l` selects this cluster's objects by (all but the StatefulSet): see {@link pruneCommand}. */
  public get pruneSelector(): string {
    return pruneSelector(this.name, this.namespace);
  }

  /**
   * Labels of an object of this cluster other than the StatefulSet and the pods: the common labels and
   * the prune labels ({@link pruneLabels}).
   * @internal
   */
  public _objectLabels(): { [key: string]: string } {
    return { ...this.labels, ...pruneLabels(this.name, this.namespace) };
  }

  /**
   * Labels of an object of this cluster other than the database pods (never matched by the StatefulSet
   * selector).
   * @internal
   */
  public _componentLabels(component: string): { [key: string]: string } {
    return { ...this._objectLabels(), 'app.kubernetes.io/component': component };
  }

  /**
   * Labels of the pods of a Job or client pod of this cluster: a component, and the client label the
   * NetworkPolicy admits.
   * @internal
   */
  public _jobLabels(component: string): { [key: string]: string } {
    return { ...this._componentLabels(component), ...this.clientLabels };
  }

  /**
   * The full-cluster restore declared with `restoreFrom`, if any (read at synth time, so the order of the
   * calls does not matter). Jobs that write data wait until it is recorded.
   * @internal
   */
  public _fullRestore(): { readonly id: string; readonly timeoutSeconds: number } | undefined {
    return this.sql?._fullRestore();
  }

  private get podLabels(): { [key: string]: string } {
    return { ...this.labels, 'app.kubernetes.io/version': this.version.tag };
  }

  private servicePorts(): k8s.ServicePort[] {
    return [
      { name: 'sql', port: SQL_PORT, targetPort: k8s.IntOrString.fromString('sql'), protocol: 'TCP' },
      { name: 'http', port: HTTP_PORT, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' },
    ];
  }

  private startArgs(props: CockroachClusterProps): string[] {
    // Kubernetes substitutes $(POD_NAME) from the container's env: no shell is needed, and cockroach
    // runs as PID 1 and receives SIGTERM directly.
    return [
      'start',
      `--join=${this.joinAddresses.join(',')}`,
      ...(props.clusterName ? [`--cluster-name=${props.clusterName}`] : []),
      `--advertise-host=$(POD_NAME).${this.discoveryServiceName}.${this.namespace}.svc.${this.clusterDomain}`,
      ...this._clientConnection().flags,
      `--http-port=${HTTP_PORT}`,
      `--port=${SQL_PORT}`,
      `--store=path=${DATA_MOUNT_PATH}`,
      `--cache=${this.cacheMebibytes}MiB`,
      `--max-sql-memory=${this.maxSqlMemoryMebibytes}MiB`,
      ...(props.locality && !props.locality.isPerPod ? [`--locality=${props.locality.value}`] : []),
      '--logtostderr=INFO',
    ];
  }

  private startEnv(hasCpuLimit: boolean): k8s.EnvVar[] {
    return [
      fieldRefEnv('POD_NAME', 'metadata.name'),
      // Go would otherwise size its scheduler to the node's cores, not the pod's CPU limit.
      ...(hasCpuLimit
        ? [{
          name: 'GOMAXPROCS',
          valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: k8s.Quantity.fromString('1') } },
        }]
        : []),
      // Transparent huge pages waste memory in CockroachDB's allocator.
      { name: 'GODEBUG', value: 'disablethp=1' },
    ];
  }

  private probe(path: string, timing: { periodSeconds: number; failureThreshold: number }): k8s.Probe {
    return {
      httpGet: { path, port: k8s.IntOrString.fromString('http'), scheme: this.security.isSecure ? 'HTTPS' : 'HTTP' },
      periodSeconds: timing.periodSeconds,
      failureThreshold: timing.failureThreshold,
      timeoutSeconds: 5,
    };
  }

  private resolveScaleDown(plan: ScaleDownPlan | undefined): number {
    if (!plan) return this.replicas;
    checkInteger(this, 'scaleDown.from', plan.from, 1, 10000);
    if (!Object.values(ScaleDownPhase).includes(plan.phase)) {
      reject(this, 'scaleDown.phase', plan.phase, 'expected ScaleDownPhase.DECOMMISSION or ScaleDownPhase.SHRINK');
    }
    checkRules(this, [
      {
        props: 'scaleDown.from, replicas',
        violated: plan.from <= this.replicas,
        message: `received from ${plan.from} and replicas ${this.replicas}; a scale-down goes from the current size to a smaller replicas (to scale out, raise replicas and drop scaleDown)`,
      },
      {
        props: 'scaleDown, replicas',
        violated: this.replicas < MIN_LIVE_NODES,
        message: `received replicas ${this.replicas}; decommissioning below ${MIN_LIVE_NODES} live nodes is refused: with the default replication factor of 3 the decommission would never finish and ranges would be under-replicated`,
      },
    ]);
    if (plan.timeout) checkInteger(this, 'scaleDown.timeout (seconds)', durationSeconds(plan.timeout), 300, 7 * 86400);
    return plan.phase === ScaleDownPhase.DECOMMISSION ? plan.from : this.replicas;
  }

  /** The parts of the pod that depend on security and locality. */
  private podParts(locality: Locality | undefined, reloadSeconds: number, gcs: GcsCredentials | undefined) {
    const gcsParts = gcs?._podParts() ?? { volumes: [], mounts: [], env: [] };
    const volumes: k8s.Volume[] = [...gcsParts.volumes];
    const mounts: k8s.VolumeMount[] = [...gcsParts.mounts];
    const sidecars: k8s.Container[] = [];
    let initContainers: k8s.Container[] | undefined;
    let command = ['/cockroach/cockroach'];
    if (this.certificates) {
      volumes.push(this.certificates._nodeVolume('certs'));
      mounts.push({ name: 'certs', mountPath: CERTS_DIR, readOnly: true });
      sidecars.push(certReloaderContainer(this.image, 'certs', CERTS_DIR, reloadSeconds));
    }
    if (locality?.isPerPod) {
      const parts = nodeLocalityParts(this.image, locality.nodeTiers!);
      initContainers = [parts.initContainer];
      volumes.push(...parts.volumes);
      mounts.push({ name: 'locality', mountPath: LOCALITY_DIR, readOnly: true });
      command = commandWithNodeLocality();
    }
    return { volumes, mounts, sidecars, initContainers, command, env: gcsParts.env };
  }

  /** A ClusterRole allowing `get` on nodes, bound to the pods' ServiceAccount (per-pod locality). */
  private grantNodeRead(): k8s.KubeClusterRole {
    // Cluster-scoped names must be unique across namespaces.
    const roleName = `${this.namespace}-${this.name}-node-reader`;
    const role = new k8s.KubeClusterRole(this, 'NodeReaderRole', {
      metadata: { name: roleName, labels: this._objectLabels() },
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }],
    });
    const binding = new k8s.KubeClusterRoleBinding(this, 'NodeReaderBinding', {
      metadata: { name: roleName, labels: this._objectLabels() },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccountName, namespace: this.namespace }],
    });
    // cdk8s gives every object the chart's namespace; these two are cluster-scoped.
    for (const obj of [role, binding]) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    return role;
  }

  private resolveResources(input: ContainerResources | undefined) {
    // The default limit as the amount Cpu.units(2) holds: the L2 module stays unloaded (start-up time).
    const cpu = input ? input.cpu : { limit: { amount: '2' } as Cpu };
    const memory = input ? input.memory : { limit: Size.gibibytes(8) };

    const memoryLimit = memory?.limit;
    if (!memoryLimit) {
      reject(this, 'resources.memory.limit', memoryLimit,
        'a memory limit is required: --cache and --max-sql-memory are rendered as sizes computed from it, within the 80 % rule that leaves the rest for the Go heap, timeseries and the page cache; without one, nothing bounds the pod below the node\'s memory. Set e.g. `memory: { limit: Size.gibibytes(8) }`');
    }
    const limitBytes = sizeToBytes(memoryLimit);
    if (Number.isNaN(limitBytes) || limitBytes <= 0) {
      reject(this, 'resources.memory.limit', memoryLimit.asString(), 'expected a positive, finite whole number of bytes');
    }
    const requestBytes = memory?.request ? sizeToBytes(memory.request) : limitBytes;
    if (Number.isNaN(requestBytes) || requestBytes <= 0 || requestBytes > limitBytes) {
      reject(this, 'resources.memory.request', memory?.request?.asString(),
        `expected a positive size no larger than the limit (${memoryLimit.asString()})`);
    }

    const cpuLimit = cpu?.limit;
    const cpuRequest = cpu?.request ?? cpuLimit;
    const cpuLimitMillis = cpuLimit ? cpuToMillis(cpuLimit) : undefined;
    const cpuRequestMillis = cpuRequest ? cpuToMillis(cpuRequest) : undefined;
    if (cpuLimitMillis !== undefined && !(cpuLimitMillis > 0)) {
      reject(this, 'resources.cpu.limit', cpuLimit!.amount, 'expected a positive CPU amount, e.g. Cpu.units(2) or Cpu.millis(500)');
    }
    if (cpuRequestMillis !== undefined && !(cpuRequestMillis > 0)) {
      reject(this, 'resources.cpu.request', cpuRequest!.amount, 'expected a positive CPU amount, e.g. Cpu.units(2) or Cpu.millis(500)');
    }
    if (cpuLimitMillis !== undefined && cpuRequestMillis !== undefined && cpuRequestMillis > cpuLimitMillis) {
      reject(this, 'resources.cpu.request', cpuRequest!.amount, `expected no more than the limit (${cpuLimit!.amount})`);
    }

    const requests: { [key: string]: k8s.Quantity } = { memory: k8s.Quantity.fromString(bytesToQuantity(requestBytes)) };
    const limits: { [key: string]: k8s.Quantity } = { memory: k8s.Quantity.fromString(bytesToQuantity(limitBytes)) };
    if (cpuRequest) requests.cpu = k8s.Quantity.fromString(cpuRequest.amount);
    if (cpuLimit) limits.cpu = k8s.Quantity.fromString(cpuLimit.amount);
    return {
      memoryLimitBytes: limitBytes,
      hasCpuLimit: cpuLimit !== undefined,
      rendered: { requests, limits } as k8s.ResourceRequirements,
    };
  }

  private resolveMemorySizes(cacheInput: MemoryAllocation | undefined, sqlInput: MemoryAllocation | undefined) {
    const cache = cacheInput ?? MemoryAllocation.fraction(0.25);
    const maxSql = sqlInput ?? MemoryAllocation.fraction(0.25);
    for (const [prop, allocation] of [['cache', cache], ['maxSqlMemory', maxSql]] as const) {
      const problem = allocation._problem();
      if (problem) reject(this, prop, allocation.toString(), problem);
    }
    const limit = this.memoryLimitBytes;
    const cacheMiB = cache._mebibytes(limit);
    const sqlMiB = maxSql._mebibytes(limit);
    const usedMiB = 2 * sqlMiB + cacheMiB;
    const budgetBytes = limit * MEMORY_BUDGET_FRACTION;
    checkRules(this, [
      {
        props: 'cache, maxSqlMemory',
        violated: cacheMiB < 1 || sqlMiB < 1,
        message: `cache (${cache} → ${cacheMiB} MiB) and maxSqlMemory (${maxSql} → ${sqlMiB} MiB) must each be at least 1 MiB; raise them or resources.memory.limit (${describeBytes(limit)})`,
      },
      {
        props: 'cache, maxSqlMemory, resources.memory.limit',
        violated: usedMiB * 1024 * 1024 > budgetBytes,
        message: `(2 × maxSqlMemory) + cache must not exceed 80% of the memory limit: 2 × ${sqlMiB} MiB (maxSqlMemory ${maxSql}) + ${cacheMiB} MiB (cache ${cache}) = ${usedMiB} MiB > ${describeBytes(budgetBytes)} (80% of resources.memory.limit ${describeBytes(limit)}). Lower cache or maxSqlMemory (e.g. 0.25 each), or raise resources.memory.limit`,
      },
    ]);
    return { cache: cacheMiB, maxSql: sqlMiB };
  }

  private resolveStorage(input: StorageOptions | undefined) {
    const size = input?.size ?? Size.gibibytes(100);
    const bytes = sizeToBytes(size);
    if (Number.isNaN(bytes)) {
      reject(this, 'storage.size', size.asString(), 'expected a finite whole number of bytes, at least 1Gi');
    }
    if (bytes < MIN_STORAGE_BYTES) {
      reject(this, 'storage.size', size.asString(), 'expected at least 1Gi: a CockroachDB store needs room for its data, logs and temporary files');
    }
    if (input?.storageClassName !== undefined) checkDnsSubdomain(this, 'storage.storageClassName', input.storageClassName);
    for (const [prop, value] of [['storage.whenDeleted', input?.whenDeleted], ['storage.whenScaled', input?.whenScaled]] as const) {
      if (value !== undefined && !Object.values(PvcRetention).includes(value)) {
        reject(this, prop, value, 'expected PvcRetention.RETAIN or PvcRetention.DELETE');
      }
    }
    return {
      bytes,
      storageClassName: input?.storageClassName,
      whenDeleted: input?.whenDeleted ?? PvcRetention.RETAIN,
      whenScaled: input?.whenScaled ?? PvcRetention.RETAIN,
    };
  }

  private resolveGracePeriod(input: Duration | undefined): number {
    const seconds = durationSeconds(input ?? Duration.seconds(MIN_GRACE_SECONDS));
    if (!Number.isInteger(seconds) || seconds < MIN_GRACE_SECONDS) {
      reject(this, 'terminationGracePeriod', `${seconds}s`,
        `expected a whole number of seconds ≥ ${MIN_GRACE_SECONDS}: a node needs that long to drain its leases and SQL connections`);
    }
    return seconds;
  }

  private resolvePlacement(input: PlacementOptions): Partial<k8s.PodSpec> {
    const antiAffinity = input.antiAffinity ?? PodAntiAffinity.preferred();
    const spread = input.topologySpread ?? TopologySpread.acrossZones();
    const nodeSelector = input.nodeSelector ?? {};

    if (antiAffinity.mode === 'preferred') checkInteger(this, 'placement.antiAffinity (weight)', antiAffinity.weight, 1, 100);
    if (antiAffinity.mode !== 'none') checkLabelKey(this, 'placement.antiAffinity (topologyKey)', antiAffinity.topologyKey);
    if (spread.enabled) checkInteger(this, 'placement.topologySpread (maxSkew)', spread.maxSkew, 1);
    for (const [key, value] of Object.entries(nodeSelector)) {
      checkLabelKey(this, 'placement.nodeSelector', key);
      checkLabelValue(this, `placement.nodeSelector["${key}"]`, value);
    }
    if (input.priorityClassName !== undefined) checkDnsSubdomain(this, 'placement.priorityClassName', input.priorityClassName);

    // A node selector on the host name (or on the anti-affinity key itself) leaves one failure domain,
    // where required anti-affinity lets only one pod run.
    const pinnedKeys = Object.keys(nodeSelector);
    const pinnedKey = [antiAffinity.topologyKey, HOSTNAME_TOPOLOGY_KEY].find((k) => pinnedKeys.includes(k));
    checkRules(this, [
      {
        props: 'placement.antiAffinity, placement.nodeSelector',
        violated: antiAffinity.mode === 'required' && pinnedKey !== undefined && this.replicas > 1,
        message: `received PodAntiAffinity.required("${antiAffinity.topologyKey}") with nodeSelector ${pinnedKey}=${JSON.stringify(nodeSelector[pinnedKey ?? ''])}: the selector leaves a single "${antiAffinity.topologyKey}" domain, so only one of the ${this.replicas} pods could ever be scheduled. Use PodAntiAffinity.none() or preferred(), or remove that nodeSelector entry`,
      },
    ]);

    const matchLabels = this.selectorLabels;
    const affinity: k8s.Affinity | undefined = antiAffinity.mode === 'none' ? undefined : {
      podAntiAffinity: antiAffinity.mode === 'required'
        ? { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels }, topologyKey: antiAffinity.topologyKey }] }
        : {
          preferredDuringSchedulingIgnoredDuringExecution: [{
            weight: antiAffinity.weight,
            podAffinityTerm: { labelSelector: { matchLabels }, topologyKey: antiAffinity.topologyKey },
          }],
        },
    };
    return {
      affinity,
      topologySpreadConstraints: spread.enabled
        ? [{
          maxSkew: spread.maxSkew,
          topologyKey: ZONE_TOPOLOGY_KEY,
          whenUnsatisfiable: spread.required ? 'DoNotSchedule' : 'ScheduleAnyway',
          labelSelector: { matchLabels },
        }]
        : undefined,
      nodeSelector: pinnedKeys.length > 0 ? { ...nodeSelector } : undefined,
      tolerations: input.tolerations && input.tolerations.length > 0 ? input.tolerations.map((t) => t._toKube()) : undefined,
      priorityClassName: input.priorityClassName,
    };
  }
}
