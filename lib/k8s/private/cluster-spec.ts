import { Chart, Duration, Size } from 'cdk8s';
import type { ContainerResources, Cpu } from 'cdk8s-plus-28';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct, IConstruct } from 'constructs';
import type { CockroachClusterProps } from '../cluster-props';
import { GcsCredentials } from '../gcs-credentials';
import { HELM_CHART_SQL_PORT_NAME, HelmRelease } from '../helm-release';
import { Locality } from '../locality';
import { CockroachLogging } from '../logging';
import { MEMORY_BUDGET_FRACTION, MemoryAllocation } from '../memory';
import { MultiRegion } from '../multi-region';
import { HOSTNAME_TOPOLOGY_KEY, PlacementOptions, PodAntiAffinity, TopologySpread, ZONE_TOPOLOGY_KEY } from '../placement';
import { MIN_LIVE_NODES, ScaleDownPhase, ScaleDownPlan } from '../scale-down';
import { ClusterSecurity } from '../security';
import type { SqlJobOptions } from '../sql-provisioner';
import { PvcRetention, StorageOptions, storeMountPath, storeVolumeName } from '../storage';
import { WAL_FAILOVER_MOUNT_PATH, WAL_FAILOVER_VOLUME_NAME, WalFailover, WalFailoverMode } from '../wal-failover';
import { checkFinalize, checkVersionChange, UpgradeOptions, VersionChangeKind } from '../upgrade';
import { CockroachDbVersion } from '../version';
import { checkImageDigest, imageReference } from './image';
import { WAL_FAILOVER_ENV } from './wal-failover-env';
import { shortHash } from './hash';
import { bytesToQuantity, cpuToMillis, describeBytes, durationSeconds, GIB, sizeToBytes } from './units';
import {
  checkDns1035Label, checkDnsLabel, checkDnsSubdomain, checkInteger, checkLabelKey, checkLabelValue, checkRules, CrossPropRule, reject,
} from '../../shared/validate';

// A cluster's props resolved once: every rule in one place, in the order a reader meets the props, and
// the result normalized (defaults applied, sizes in bytes and MiB, durations in seconds) so that the
// objects are rendered from the spec alone.

/** Longest `name`: leaves room for suffixes such as `-init-<10-character digest>` within 63 characters. */
const MAX_NAME_LENGTH = 40;
const MIN_GRACE_SECONDS = 300;
const MIN_STORAGE_BYTES = GIB;
/** Stores per node: more volumes than that per pod are beyond what the construct is tested with. */
const MAX_STORES = 8;
/** Suffixes of the names a cluster derives for its own objects (ServiceAccounts, Services). */
const RESERVED_NAME_SUFFIXES = ['-client', '-public', '-scale-down', '-sql'];
const IMAGE_REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const RESTART_TOKEN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,62}$/;
const CLUSTER_NAME = /^[a-zA-Z](?:[-a-zA-Z0-9._]{0,254}[a-zA-Z0-9])?$/;

/** The container's resources, checked and rendered. */
export interface ResolvedResources {
  /** Memory limit, in bytes. */
  readonly memoryLimitBytes: number;
  /** Whether a CPU limit is set (GOMAXPROCS follows it). */
  readonly hasCpuLimit: boolean;
  /** As the container renders them. */
  readonly rendered: k8s.ResourceRequirements;
}

/** The volume claim template's values. */
export interface ResolvedStorage {
  /** Size of each volume, in bytes. */
  readonly bytes: number;
  /** The StorageClass; the default one when undefined. */
  readonly storageClassName?: string;
  /** PVC retention when the StatefulSet is deleted. */
  readonly whenDeleted: PvcRetention;
  /** PVC retention when it scales down. */
  readonly whenScaled: PvcRetention;
  /** Stores per node, each with a claim template of `bytes`. */
  readonly stores: number;
  /** WAL failover, when stated. */
  readonly walFailover?: WalFailover;
  /** The side disk's claim template, when the pods mount one. */
  readonly sideDisk?: { readonly bytes: number; readonly storageClassName?: string };
}

/** One claim template of the database pods. */
export interface ResolvedClaim {
  /** The template's name, e.g. `datadir-2`. */
  readonly name: string;
  /** Where the pods mount it. */
  readonly mountPath: string;
  /** Its size in bytes (a store's: `storage.size`). */
  readonly bytes: number;
  /** Its StorageClass; the default one when undefined. */
  readonly storageClassName?: string;
  /** A store (`--store`, grown by an expansion) rather than the WAL failover side disk. */
  readonly store: boolean;
}

/** The pods' claim templates, in order: each store's, then the WAL failover side disk's when there is one. */
export function claimTemplatesOf(storage: ResolvedStorage): ResolvedClaim[] {
  return [
    ...Array.from({ length: storage.stores }, (_, i) => ({
      name: storeVolumeName(i), mountPath: storeMountPath(i), bytes: storage.bytes, storageClassName: storage.storageClassName, store: true,
    })),
    ...(storage.sideDisk ? [{ name: WAL_FAILOVER_VOLUME_NAME, mountPath: WAL_FAILOVER_MOUNT_PATH, ...storage.sideDisk, store: false }] : []),
  ];
}

/** A cluster's props, validated and normalized. */
export interface ClusterSpec {
  readonly security: ClusterSecurity;
  readonly name: string;
  /** The Helm release taken over, when `adoptHelmRelease` is set. */
  readonly helmRelease?: HelmRelease;
  /** The StatefulSet's selector (immutable): the Services, the PDB and the placement select the database pods by it. */
  readonly selectorLabels: { [key: string]: string };
  /** The labels of the database pods and the StatefulSet: the selector's, and more. */
  readonly databaseLabels: { [key: string]: string };
  /** The labels of every other object of the cluster (before a component's), which never match the selector. */
  readonly commonLabels: { [key: string]: string };
  /** The labels of the volume claim template (immutable). */
  readonly claimLabels: { [key: string]: string };
  /**
   * The name of the SQL port, in the container and the Services. A cluster taken over from the chart keeps
   * the chart's: during the rollout, the Services must reach the chart's pods by the same name.
   */
  readonly sqlPortName: string;
  readonly namespace: string;
  readonly clusterDomain: string;
  /** The domain the pods advertise their names under: the region's with `multiRegion`, else `clusterDomain`. */
  readonly advertiseDomain: string;
  /** This chart's region of a multi-region cluster, when it is one. */
  readonly multiRegion?: MultiRegion;
  readonly replicas: number;
  /** `replicas`, or `scaleDown.from` during phase DECOMMISSION. */
  readonly renderedReplicas: number;
  readonly version: CockroachDbVersion;
  readonly versionChange?: VersionChangeKind;
  /** The declared upgrade, when there is one. */
  readonly upgrade?: UpgradeOptions;
  /** Whether the declared upgrade is to be finalized. */
  readonly finalize: boolean;
  /** The restart token, when set. */
  readonly restartToken?: string;
  /** The size of the volumes before a declared expansion, in bytes; the claim template keeps it. */
  readonly expandFromBytes?: number;
  /** Whether a Job rolls the pods out (a declared upgrade or a restart token): the StatefulSet then uses OnDelete. */
  readonly gatedRollout: boolean;
  /** The full image reference, digest included when pinned. */
  readonly image: string;
  readonly resources: ResolvedResources;
  readonly cacheMebibytes: number;
  readonly maxSqlMemoryMebibytes: number;
  readonly storage: ResolvedStorage;
  readonly terminationGracePeriodSeconds: number;
  /** The pod spec's placement fields (affinity, spread, node selector, tolerations, priority). */
  readonly placement: Partial<k8s.PodSpec>;
  readonly locality?: Locality;
  readonly certificateReloadSeconds: number;
  readonly clusterName?: string;
  /** The database ServiceAccount's annotations, Workload Identity's included. */
  readonly serviceAccountAnnotations: { [key: string]: string };
  readonly gcsCredentials?: GcsCredentials;
  readonly sqlJob: SqlJobOptions;
  /** `extraStartFlags`, checked. */
  readonly extraStartFlags: string[];
  /** `extraEnv`, checked, as the container's env. */
  readonly extraEnv: k8s.EnvVar[];
  /** `imagePullSecrets`, checked. */
  readonly imagePullSecrets: string[];
  /** The logging configuration, rendered, and the ConfigMap it goes in; none for `--logtostderr=INFO`. */
  readonly logging?: { readonly configMapName: string; readonly text: string };
}

/** Labels that select a cluster's CockroachDB pods (StatefulSet selector, Services, PDB, affinity). */
export function databaseSelectorLabels(name: string): { [key: string]: string } {
  return {
    'app.kubernetes.io/name': 'cockroachdb',
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/component': 'database',
  };
}

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'cdk8s' };

/**
 * The labels of a cluster's objects. A cluster of this library selects its database pods by name, instance
 * and the `database` component, and every other object carries another component. A cluster taken over
 * from the Helm chart keeps the chart's selector (immutable: the name, the release and `statefulset.labels`,
 * whose default component is `cockroachdb`): its other objects carry `app.kubernetes.io/part-of` instead of
 * the name, so that no Job's pod ever matches the Services, the PodDisruptionBudget or the StatefulSet,
 * whatever the chart's values made of the selector.
 */
function resolveLabels(name: string, helmRelease: HelmRelease | undefined): Pick<ClusterSpec, 'selectorLabels' | 'databaseLabels' | 'commonLabels' | 'claimLabels' | 'sqlPortName'> {
  if (!helmRelease) {
    const selectorLabels = databaseSelectorLabels(name);
    const common = { ...selectorLabels, ...MANAGED_BY };
    return { selectorLabels, databaseLabels: common, commonLabels: common, claimLabels: selectorLabels, sqlPortName: 'sql' };
  }
  const selectorLabels = helmRelease.selectorLabels;
  return {
    selectorLabels,
    databaseLabels: { ...selectorLabels, ...MANAGED_BY },
    commonLabels: { 'app.kubernetes.io/part-of': helmRelease.chartName, 'app.kubernetes.io/instance': name, 'app.kubernetes.io/component': 'database', ...MANAGED_BY },
    claimLabels: helmRelease.claimLabels,
    sqlPortName: HELM_CHART_SQL_PORT_NAME,
  };
}

/** The name of a cluster taken over from a Helm release: the chart's full name; `name`, when given, must be it. */
function adoptedName(scope: Construct, helmRelease: HelmRelease, name: string | undefined): string {
  const fullname = helmRelease.fullname;
  if (name !== undefined && name !== fullname) {
    reject(scope, 'name', name, `expected no name, or "${fullname}": the chart named the StatefulSet, its Services and volumes after release "${helmRelease.release}"`);
  }
  return fullname;
}

/** Validates the props of the cluster `scope` (errors name it) with construct id `id`, and normalizes them. */
export function resolveClusterSpec(scope: Construct, id: string, props: CockroachClusterProps): ClusterSpec {
  checkPropKinds(scope, props);
  const multiRegion = props.multiRegion;
  const security = multiRegion?.security ?? props.security ?? ClusterSecurity.certManager();

  const helmRelease = props.adoptHelmRelease;
  helmRelease?._check(scope, 'adoptHelmRelease');
  const name = helmRelease ? adoptedName(scope, helmRelease, props.name) : props.name ?? id;
  checkDns1035Label(scope, 'name', name, MAX_NAME_LENGTH);
  // Another cluster's derived names: a cluster "crdb-client" would share its ServiceAccount, and with it
  // the Workload Identity, with the Jobs of a cluster "crdb" in the same namespace.
  const suffix = RESERVED_NAME_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) reject(scope, 'name', name, `expected a name not ending in "${suffix}": another cluster's objects are named <name>${suffix}`);
  const namespace = Chart.of(scope).namespace ?? 'default';
  checkDnsLabel(scope, 'namespace (of the chart)', namespace);
  multiRegion?._checkCluster(scope, props, name, namespace);
  claimClusterNames(scope, name, namespace, props.dbConsoleIngress?.identityAwareProxy !== undefined);
  const clusterDomain = props.clusterDomain ?? 'cluster.local';
  checkDnsSubdomain(scope, 'clusterDomain', clusterDomain);

  const replicas = props.replicas ?? multiRegion?.replicas ?? 3;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 1 || replicas === 2) {
    reject(scope, 'replicas', replicas,
      'expected 1 (a single-node development cluster) or an integer ≥ 3: two nodes cannot keep a majority when one fails');
  }
  const scaleDown = resolveScaleDown(scope, props.scaleDown, replicas);

  const version = props.version ?? CockroachDbVersion.LATEST;
  if (!version.isWellFormed) {
    reject(scope, 'version', version.tag, 'expected an exact release tag such as "v26.2.1" or "v26.1.0-rc.1"');
  }
  if (version.digest !== undefined) checkImageDigest(scope, 'version (digest)', version.digest);
  const versionChange = props.upgrade !== undefined ? checkVersionChange(scope, props.upgrade, version) : undefined;
  const finalize = versionChange !== undefined ? checkFinalize(scope, props.upgrade!, versionChange) : false;
  const restartToken = props.restartToken;
  if (restartToken !== undefined && (typeof restartToken !== 'string' || !RESTART_TOKEN.test(restartToken))) {
    reject(scope, 'restartToken', restartToken, 'expected 1 to 63 letters, digits, \'.\', \'_\', \':\' or \'-\', starting with a letter or digit, e.g. "2026-11-27T10:00"');
  }
  const gatedRollout = props.upgrade !== undefined || restartToken !== undefined;
  const repository = props.imageRepository ?? 'cockroachdb/cockroach';
  if (typeof repository === 'string' && repository.includes('@')) {
    reject(scope, 'imageRepository', repository, 'expected an image repository without digest: pin it with version: CockroachDbVersion.of(tag).withDigest(digest)');
  }
  if (!IMAGE_REPOSITORY.test(repository)) {
    reject(scope, 'imageRepository', repository, 'expected an image repository without tag, e.g. "cockroachdb/cockroach" or "registry.example.com:5000/mirror/cockroach"');
  }

  const resources = resolveResources(scope, props.resources);
  const memory = resolveMemorySizes(scope, props.cache, props.maxSqlMemory, resources.memoryLimitBytes);
  const storage = resolveStorage(scope, props.storage);
  const expansion = resolveExpansion(scope, props, storage.bytes);
  const terminationGracePeriodSeconds = resolveGracePeriod(scope, props.terminationGracePeriod);
  const labels = resolveLabels(name, helmRelease);
  const placement = resolvePlacement(scope, props.placement ?? {}, labels.selectorLabels, replicas);

  const locality = props.locality ?? (multiRegion ? Locality.fromNode() : undefined);
  if (props.locality && !props.locality.isWellFormed) {
    reject(scope, 'locality', props.locality.toString(), props.locality.isPerPod
      ? 'expected at least one tier, each with a distinct key of letters, digits, \'_\' or \'-\' and a valid node label'
      : 'expected comma-separated key=value tiers, e.g. "region=europe-west1,zone=europe-west1-b"');
  }
  const certificateReloadSeconds = durationSeconds(props.certificateReloadInterval ?? Duration.minutes(1));
  checkInteger(scope, 'certificateReloadInterval (seconds)', certificateReloadSeconds, 5, 3600);
  if (props.clusterName !== undefined && !CLUSTER_NAME.test(props.clusterName)) {
    reject(scope, 'clusterName', props.clusterName, 'expected 1 to 256 letters, digits, \'-\', \'_\' or \'.\', starting with a letter and ending with a letter or digit');
  }
  for (const key of Object.keys(props.serviceAccountAnnotations ?? {})) {
    checkLabelKey(scope, 'serviceAccountAnnotations', key);
  }
  props.gcsCredentials?._validate(scope, { name, namespace });
  const extraStartFlags = resolveExtraStartFlags(scope, props.extraStartFlags);
  const extraEnv = resolveExtraEnv(scope, props.extraEnv, storage.walFailover?.isOn === true);
  const imagePullSecrets = resolveImagePullSecrets(scope, props.imagePullSecrets);
  // With WAL failover on, log files are buffered: a log write to a stalled disk would block the node.
  const loggingText = storage.walFailover?.isOn
    ? (props.logging ?? CockroachLogging.of())._render(scope, 'logging', { bufferFiles: true })
    : props.logging?._render(scope, 'logging');

  // Every rule that reads more than one prop, in one table, once each prop is valid on its own.
  checkRules(scope, [
    ...scaleDown.rules,
    {
      props: 'scaleDown, upgrade, restartToken',
      violated: props.scaleDown !== undefined && gatedRollout,
      message: 'received a scale-down together with a rollout (upgrade or restartToken); expected one day-2 operation at a time: finish the scale-down (remove scaleDown) first, or the rollout',
    },
    ...memory.rules,
    ...expansion.rules,
    ...placement.rules,
    {
      props: 'adoptHelmRelease, replicas',
      violated: helmRelease !== undefined && props.replicas === undefined,
      message: 'received no replicas for a cluster taken over from a Helm release; expected the chart\'s statefulset.replicas, stated: the new StatefulSet is created, not updated, so the replica guard cannot stop a smaller count from deleting live nodes',
    },
    {
      props: 'adoptHelmRelease, storage.whenScaled',
      violated: helmRelease !== undefined && storage.whenScaled === PvcRetention.DELETE,
      message: 'received storage.whenScaled DELETE for a cluster taken over from a Helm release; expected RETAIN (the default): the chart\'s volumes hold the only copy of data a miscounted takeover would drop',
    },
    {
      props: 'adoptHelmRelease, init.enabled',
      violated: helmRelease !== undefined && props.init?.enabled === true,
      message: 'received init.enabled true for a cluster taken over from a Helm release; expected no init Job: the chart\'s install hook initialized the cluster, and it must never be initialized again',
    },
  ]);

  return {
    security,
    name,
    helmRelease,
    ...labels,
    namespace,
    clusterDomain,
    advertiseDomain: multiRegion?.advertiseDomain ?? clusterDomain,
    multiRegion,
    replicas,
    renderedReplicas: scaleDown.renderedReplicas,
    version,
    versionChange,
    upgrade: props.upgrade,
    finalize,
    restartToken,
    gatedRollout,
    image: imageReference(`${repository}:${version.tag}`, version.digest),
    resources,
    cacheMebibytes: memory.cache,
    maxSqlMemoryMebibytes: memory.maxSql,
    storage,
    expandFromBytes: expansion.fromBytes,
    terminationGracePeriodSeconds,
    placement: placement.podSpec,
    locality,
    certificateReloadSeconds,
    clusterName: props.clusterName ?? multiRegion?.clusterName,
    serviceAccountAnnotations: { ...(props.serviceAccountAnnotations ?? {}), ...(props.gcsCredentials?._annotations() ?? {}) },
    gcsCredentials: props.gcsCredentials,
    sqlJob: props.sqlJob ?? {},
    extraStartFlags,
    extraEnv,
    imagePullSecrets,
    logging: loggingText === undefined ? undefined : { configMapName: `${name}-logging-${shortHash(loggingText)}`, text: loggingText },
  };
}

function resolveImagePullSecrets(scope: Construct, names: readonly string[] | undefined): string[] {
  if (names === undefined) return [];
  if (!Array.isArray(names)) reject(scope, 'imagePullSecrets', names, 'expected a list of Secret names, e.g. ["registry-credentials"]');
  names.forEach((name, i) => {
    if (typeof name !== 'string') reject(scope, `imagePullSecrets[${i}]`, name, 'expected the name of a Secret of type kubernetes.io/dockerconfigjson');
    checkDnsSubdomain(scope, `imagePullSecrets[${i}]`, name);
    if (names.indexOf(name) !== i) reject(scope, `imagePullSecrets[${i}]`, name, 'expected each Secret once');
  });
  return [...names];
}

/** The `cockroach start` flags the construct sets, and the prop that sets each. */
const OWNED_FLAGS: { readonly [flag: string]: string } = {
  'join': 'the StatefulSet (its first three pods)',
  'cluster-name': 'clusterName',
  'advertise-host': 'the discovery Service',
  'advertise-addr': 'the discovery Service',
  'certs-dir': 'security',
  'insecure': 'security',
  'port': 'the construct (26257)',
  'listen-addr': 'the construct (port 26257)',
  'http-port': 'the construct (8080)',
  'http-addr': 'the construct (port 8080)',
  'store': 'storage',
  'wal-failover': 'storage.walFailover',
  'cache': 'cache',
  'max-sql-memory': 'maxSqlMemory',
  'locality': 'locality',
  'logtostderr': 'logging',
  'log': 'logging',
  'log-dir': 'logging',
  'log-config-file': 'logging',
  'background': 'the construct (cockroach runs as the container\'s process)',
  // The legacy logging flags: cockroach refuses them beside --log-config-file.
  'log-file-verbosity': 'logging',
  'log-file-max-size': 'logging',
  'log-group-max-size': 'logging',
  'redactable-logs': 'logging',
  'no-color': 'logging',
  'sql-audit-dir': 'logging',
  // Listeners, TLS and paths the Services, Jobs, probes and the read-only root file system depend on.
  'host': 'the construct (port 26257)',
  'http-host': 'the construct (port 8080)',
  'sql-addr': 'the construct (port 26257)',
  'advertise-sql-addr': 'the discovery Service',
  'advertise-http-addr': 'the discovery Service',
  'advertise-port': 'the construct (26257)',
  'accept-sql-without-tls': 'security',
  'unencrypted-localhost-http': 'security',
  'socket-dir': 'the construct (read-only root file system)',
  'pid-file': 'the construct (read-only root file system)',
  'temp-dir': 'the construct (read-only root file system)',
  'external-io-dir': 'the construct (read-only root file system)',
};
/** `--name` or `--name=value`, the value on one line. */
const START_FLAG = /^--([a-z][a-z0-9-]*)(=[^\n]*)?$/;

function resolveExtraStartFlags(scope: Construct, flags: string[] | undefined): string[] {
  if (flags === undefined) return [];
  if (!Array.isArray(flags)) reject(scope, 'extraStartFlags', flags, 'expected a list of flags, e.g. ["--max-offset=250ms"]');
  const seen = new Set<string>();
  return flags.map((flag, i) => {
    const prop = `extraStartFlags[${i}]`;
    // A space before "--": two flags in one item, which cockroach would read as one flag's value.
    const match = typeof flag === 'string' && !/\s--/.test(flag) ? START_FLAG.exec(flag) : null;
    if (!match) reject(scope, prop, flag, 'expected one flag, "--name" or "--name=value" (lower-case name; one flag per item)');
    const name = match[1];
    const owner = OWNED_FLAGS[name];
    if (owner !== undefined) reject(scope, prop, flag, `expected a flag the construct does not set: --${name} comes from ${owner}`);
    if (seen.has(name)) reject(scope, prop, flag, `expected each flag once: --${name} is given twice`);
    seen.add(name);
    return flag;
  });
}

/** Environment variables the database container gets from the construct. */
const OWNED_ENV = [
  'POD_NAME', 'GOMAXPROCS', 'GODEBUG', 'GOOGLE_APPLICATION_CREDENTIALS', 'COCKROACH_CERTS_DIR', 'COCKROACH_INSECURE', 'COCKROACH_HOST', 'COCKROACH_PORT',
  // A failover the construct would not know of (its volumes, its log buffering).
  'COCKROACH_WAL_FAILOVER',
];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function resolveExtraEnv(scope: Construct, env: { readonly [name: string]: string } | undefined, walFailoverOn: boolean): k8s.EnvVar[] {
  if (env === undefined) return [];
  if (typeof env !== 'object' || env === null || Array.isArray(env)) reject(scope, 'extraEnv', env, 'expected names to values, e.g. { COCKROACH_SKIP_ENABLING_DIAGNOSTIC_REPORTING: "true" }');
  return Object.entries(env).map(([name, value]) => {
    if (!ENV_NAME.test(name)) reject(scope, 'extraEnv', name, 'expected a variable name of letters, digits and \'_\', not starting with a digit');
    if (OWNED_ENV.includes(name)) reject(scope, 'extraEnv', name, `expected a variable the construct does not set (it sets ${OWNED_ENV.join(', ')})`);
    if (walFailoverOn && WAL_FAILOVER_ENV.some((e) => e.name === name)) {
      reject(scope, 'extraEnv', name, 'expected a variable the construct does not set: with storage.walFailover on, it sets the stall limits to 40 s, as CockroachDB\'s WAL failover guide asks');
    }
    if (typeof value !== 'string') reject(scope, `extraEnv.${name}`, value, 'expected a string');
    return { name, value };
  });
}

/** Per app (the construct tree's root): the names clusters have claimed, and the path of each claimant. */
const CLAIMED_NAMES = new WeakMap<IConstruct, Map<string, string>>();

/**
 * Two clusters with the same name in one namespace would render the same StatefulSet, Services and
 * Jobs, in one chart or in two charts of one app; the cluster-scoped objects (`<namespace>-<name>-…`)
 * would collide across namespaces too (namespace `a-b`, name `c` against namespace `a`, name `b-c`);
 * and a cluster named `crdb-console` would take the DB Console Service of cluster `crdb` with IAP.
 */
function claimClusterNames(scope: Construct, name: string, namespace: string, consoleService: boolean): void {
  const root = scope.node.root;
  let claimed = CLAIMED_NAMES.get(root);
  if (!claimed) CLAIMED_NAMES.set(root, claimed = new Map());
  const keys: Array<[string, string]> = [
    [`namespaced:${namespace}/${name}`, `the same name in namespace ${JSON.stringify(namespace)}`],
    [`cluster-scoped:${namespace}-${name}`, `the same cluster-scoped object names (${namespace}-${name}-…)`],
    // <name>-public is refused as a name; <name>-console is a Service with IAP only.
    ...[name, ...(consoleService ? [`${name}-console`] : [])].map((service): [string, string] =>
      [`service:${namespace}/${service}`, `a Service named ${JSON.stringify(service)} in namespace ${JSON.stringify(namespace)}`]),
  ];
  for (const [key, what] of keys) {
    const other = claimed.get(key);
    if (other !== undefined) {
      reject(scope, 'name', name, `expected a name no other cluster of this app uses: the cluster at ${other} has ${what}, and the two would overwrite each other's objects`);
    }
  }
  for (const [key] of keys) claimed.set(key, scope.node.path);
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
    ['storage.walFailover', props.storage?.walFailover, instanceOf(WalFailover), 'a WalFailover, e.g. WalFailover.amongStores()'],
    ['storage.walFailover.sideDisk.size', props.storage?.walFailover?.sideDiskOptions?.size, isSize, 'a Size, e.g. Size.gibibytes(25)'],
    ['expandStorage.from', props.expandStorage?.from, isSize, 'a Size, e.g. Size.gibibytes(100)'],
    ['terminationGracePeriod', props.terminationGracePeriod, isDuration, 'a Duration, e.g. Duration.seconds(300)'],
    ['certificateReloadInterval', props.certificateReloadInterval, isDuration, 'a Duration, e.g. Duration.minutes(1)'],
    ['adoptHelmRelease', props.adoptHelmRelease, instanceOf(HelmRelease), 'a HelmRelease, e.g. HelmRelease.of(\'crdb\')'],
    ['logging', props.logging, instanceOf(CockroachLogging), 'a CockroachLogging, e.g. CockroachLogging.of({ stderr: { filter: LogSeverity.WARNING } })'],
    ['locality', props.locality, instanceOf(Locality), 'a Locality, e.g. Locality.fromNode()'],
    ['multiRegion', props.multiRegion, instanceOf(MultiRegion), 'a MultiRegion, e.g. MultiRegion.fromDeployment(description, \'europe-west1\')'],
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

function resolveScaleDown(scope: Construct, plan: ScaleDownPlan | undefined, replicas: number): { renderedReplicas: number; rules: CrossPropRule[] } {
  if (!plan) return { renderedReplicas: replicas, rules: [] };
  checkInteger(scope, 'scaleDown.from', plan.from, 1, 10000);
  if (!Object.values(ScaleDownPhase).includes(plan.phase)) {
    reject(scope, 'scaleDown.phase', plan.phase, 'expected ScaleDownPhase.DECOMMISSION or ScaleDownPhase.SHRINK');
  }
  if (plan.timeout) checkInteger(scope, 'scaleDown.timeout (seconds)', durationSeconds(plan.timeout), 300, 7 * 86400);
  const rules: CrossPropRule[] = [
    {
      props: 'scaleDown.from, replicas',
      violated: plan.from <= replicas,
      message: `received from ${plan.from} and replicas ${replicas}; a scale-down goes from the current size to a smaller replicas (to scale out, raise replicas and drop scaleDown)`,
    },
    {
      props: 'scaleDown, replicas',
      violated: replicas < MIN_LIVE_NODES,
      message: `received replicas ${replicas}; decommissioning below ${MIN_LIVE_NODES} live nodes is refused: with the default replication factor of 3 the decommission would never finish and ranges would be under-replicated`,
    },
  ];
  return { renderedReplicas: plan.phase === ScaleDownPhase.DECOMMISSION ? plan.from : replicas, rules };
}

function resolveResources(scope: Construct, input: ContainerResources | undefined): ResolvedResources {
  // The default limit as the amount Cpu.units(2) holds: the L2 module stays unloaded (start-up time).
  const cpu = input ? input.cpu : { limit: { amount: '2' } as Cpu };
  const memory = input ? input.memory : { limit: Size.gibibytes(8) };

  const memoryLimit = memory?.limit;
  if (!memoryLimit) {
    reject(scope, 'resources.memory.limit', memoryLimit,
      'a memory limit is required: --cache and --max-sql-memory are rendered as sizes computed from it, within the 80 % rule that leaves the rest for the Go heap, timeseries and the page cache; without one, nothing bounds the pod below the node\'s memory. Set e.g. `memory: { limit: Size.gibibytes(8) }`');
  }
  const limitBytes = sizeToBytes(memoryLimit);
  if (Number.isNaN(limitBytes) || limitBytes <= 0) {
    reject(scope, 'resources.memory.limit', memoryLimit.asString(), 'expected a positive, finite whole number of bytes');
  }
  const requestBytes = memory?.request ? sizeToBytes(memory.request) : limitBytes;
  if (Number.isNaN(requestBytes) || requestBytes <= 0 || requestBytes > limitBytes) {
    reject(scope, 'resources.memory.request', memory?.request?.asString(),
      `expected a positive size no larger than the limit (${memoryLimit.asString()})`);
  }

  const cpuLimit = cpu?.limit;
  const cpuRequest = cpu?.request ?? cpuLimit;
  const cpuLimitMillis = cpuLimit ? cpuToMillis(cpuLimit) : undefined;
  const cpuRequestMillis = cpuRequest ? cpuToMillis(cpuRequest) : undefined;
  if (cpuLimitMillis !== undefined && !(cpuLimitMillis > 0)) {
    reject(scope, 'resources.cpu.limit', cpuLimit!.amount, 'expected a positive CPU amount, e.g. Cpu.units(2) or Cpu.millis(500)');
  }
  if (cpuRequestMillis !== undefined && !(cpuRequestMillis > 0)) {
    reject(scope, 'resources.cpu.request', cpuRequest!.amount, 'expected a positive CPU amount, e.g. Cpu.units(2) or Cpu.millis(500)');
  }
  if (cpuLimitMillis !== undefined && cpuRequestMillis !== undefined && cpuRequestMillis > cpuLimitMillis) {
    reject(scope, 'resources.cpu.request', cpuRequest!.amount, `expected no more than the limit (${cpuLimit!.amount})`);
  }

  const requests: { [key: string]: k8s.Quantity } = { memory: k8s.Quantity.fromString(bytesToQuantity(requestBytes)) };
  const limits: { [key: string]: k8s.Quantity } = { memory: k8s.Quantity.fromString(bytesToQuantity(limitBytes)) };
  if (cpuRequest) requests.cpu = k8s.Quantity.fromString(cpuRequest.amount);
  if (cpuLimit) limits.cpu = k8s.Quantity.fromString(cpuLimit.amount);
  return {
    memoryLimitBytes: limitBytes,
    hasCpuLimit: cpuLimit !== undefined,
    rendered: { requests, limits },
  };
}

function resolveMemorySizes(scope: Construct, cacheInput: MemoryAllocation | undefined, sqlInput: MemoryAllocation | undefined, limit: number) {
  const cache = cacheInput ?? MemoryAllocation.fraction(0.25);
  const maxSql = sqlInput ?? MemoryAllocation.fraction(0.25);
  for (const [prop, allocation] of [['cache', cache], ['maxSqlMemory', maxSql]] as const) {
    const problem = allocation._problem();
    if (problem) reject(scope, prop, allocation.toString(), problem);
  }
  const cacheMiB = cache._mebibytes(limit);
  const sqlMiB = maxSql._mebibytes(limit);
  const usedMiB = 2 * sqlMiB + cacheMiB;
  const budgetBytes = limit * MEMORY_BUDGET_FRACTION;
  const rules: CrossPropRule[] = [
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
  ];
  return { cache: cacheMiB, maxSql: sqlMiB, rules };
}

function resolveStorage(scope: Construct, input: StorageOptions | undefined): ResolvedStorage {
  const bytes = resolveVolumeBytes(scope, 'storage.size', input?.size ?? Size.gibibytes(100));
  if (input?.storageClassName !== undefined) checkDnsSubdomain(scope, 'storage.storageClassName', input.storageClassName);
  for (const [prop, value] of [['storage.whenDeleted', input?.whenDeleted], ['storage.whenScaled', input?.whenScaled]] as const) {
    if (value !== undefined && !Object.values(PvcRetention).includes(value)) {
      reject(scope, prop, value, 'expected PvcRetention.RETAIN or PvcRetention.DELETE');
    }
  }
  const stores = input?.stores ?? 1;
  checkInteger(scope, 'storage.stores', stores, 1, MAX_STORES);
  const walFailover = input?.walFailover;
  const sideDisk = walFailover === undefined ? undefined : resolveWalFailover(scope, walFailover, stores);
  return {
    bytes,
    storageClassName: input?.storageClassName,
    whenDeleted: input?.whenDeleted ?? PvcRetention.RETAIN,
    whenScaled: input?.whenScaled ?? PvcRetention.RETAIN,
    stores,
    walFailover,
    sideDisk,
  };
}

/** A volume's size in bytes, at least 1 GiB. */
function resolveVolumeBytes(scope: Construct, prop: string, size: Size): number {
  const bytes = sizeToBytes(size);
  if (Number.isNaN(bytes)) {
    reject(scope, prop, size.asString(), 'expected a finite whole number of bytes, at least 1Gi');
  }
  if (bytes < MIN_STORAGE_BYTES) {
    reject(scope, prop, size.asString(), 'expected at least 1Gi: a CockroachDB store needs room for its data, logs and temporary files');
  }
  return bytes;
}

/** Checks the failover against the store count; returns the side disk's size and class when it has one. */
function resolveWalFailover(scope: Construct, failover: WalFailover, stores: number): { bytes: number; storageClassName?: string } | undefined {
  const previous = failover.previous;
  if (failover.mode === WalFailoverMode.DISABLED && !(previous instanceof WalFailover && previous.isOn)) {
    reject(scope, 'storage.walFailover', describeFailover(previous), 'expected WalFailover.disabled() of the failover the cluster ran with: WalFailover.amongStores() or WalFailover.sideDisk(…)');
  }
  const mode = previous?.mode ?? failover.mode;
  if (mode === WalFailoverMode.AMONG_STORES && stores < 2) {
    reject(scope, 'storage.stores', stores, `expected 2 or more with WalFailover.${failover.isOn ? 'amongStores()' : 'disabled(WalFailover.amongStores())'}: a store fails over to another store of its node (use WalFailover.sideDisk() for one store)`);
  }
  if (mode === WalFailoverMode.SIDE_DISK && stores !== 1) {
    reject(scope, 'storage.stores', stores, 'expected 1 with a side disk: CockroachDB refuses a failover path with several stores (use WalFailover.amongStores())');
  }
  const sideDisk = failover.sideDiskOptions;
  if (sideDisk === undefined) return undefined;
  const bytes = resolveVolumeBytes(scope, 'storage.walFailover.sideDisk.size', sideDisk.size ?? Size.gibibytes(25));
  if (sideDisk.storageClassName !== undefined) checkDnsSubdomain(scope, 'storage.walFailover.sideDisk.storageClassName', sideDisk.storageClassName);
  return { bytes, storageClassName: sideDisk.storageClassName };
}

/** What `WalFailover.disabled(previous)` received, for its error: a turned-off failover, or not a WalFailover. */
function describeFailover(previous: unknown): unknown {
  return previous instanceof WalFailover ? 'WalFailover.disabled(WalFailover.disabled(…))' : previous;
}

function resolveExpansion(scope: Construct, props: CockroachClusterProps, toBytes: number): { fromBytes?: number; rules: CrossPropRule[] } {
  if (props.expandStorage === undefined) return { rules: [] };
  const from = props.expandStorage?.from;
  if (from === undefined) reject(scope, 'expandStorage.from', from, 'expected the size the volumes have now, e.g. Size.gibibytes(100)');
  const bytes = sizeToBytes(from);
  if (Number.isNaN(bytes)) reject(scope, 'expandStorage.from', from.asString(), 'expected a finite whole number of bytes');
  const rules: CrossPropRule[] = [
    {
      props: 'expandStorage.from, storage.size',
      violated: bytes >= toBytes,
      message: `received from ${from.asString()} and size ${bytesToQuantity(toBytes)}; expected a larger storage.size: ${bytes === toBytes ? 'the volumes have that size already (remove expandStorage)' : 'a volume cannot shrink (CockroachDB would have to move its data off first: add nodes with smaller volumes, then decommission the others)'}`,
    },
    {
      props: 'expandStorage, scaleDown, upgrade, restartToken',
      violated: props.scaleDown !== undefined || props.upgrade !== undefined || props.restartToken !== undefined,
      message: 'received a storage expansion together with a scale-down or a rollout; expected one day-2 operation at a time: finish the other first',
    },
  ];
  return { fromBytes: bytes, rules };
}

function resolveGracePeriod(scope: Construct, input: Duration | undefined): number {
  const seconds = durationSeconds(input ?? Duration.seconds(MIN_GRACE_SECONDS));
  if (!Number.isInteger(seconds) || seconds < MIN_GRACE_SECONDS) {
    reject(scope, 'terminationGracePeriod', `${seconds}s`,
      `expected a whole number of seconds ≥ ${MIN_GRACE_SECONDS}: a node needs that long to drain its leases and SQL connections`);
  }
  return seconds;
}

function resolvePlacement(scope: Construct, input: PlacementOptions, matchLabels: { [key: string]: string }, replicas: number): { podSpec: Partial<k8s.PodSpec>; rules: CrossPropRule[] } {
  const antiAffinity = input.antiAffinity ?? PodAntiAffinity.preferred();
  const spread = input.topologySpread ?? TopologySpread.acrossZones();
  const nodeSelector = input.nodeSelector ?? {};

  if (antiAffinity.mode === 'preferred') checkInteger(scope, 'placement.antiAffinity (weight)', antiAffinity.weight, 1, 100);
  if (antiAffinity.mode !== 'none') checkLabelKey(scope, 'placement.antiAffinity (topologyKey)', antiAffinity.topologyKey);
  if (spread.enabled) checkInteger(scope, 'placement.topologySpread (maxSkew)', spread.maxSkew, 1);
  for (const [key, value] of Object.entries(nodeSelector)) {
    checkLabelKey(scope, 'placement.nodeSelector', key);
    checkLabelValue(scope, `placement.nodeSelector["${key}"]`, value);
  }
  if (input.priorityClassName !== undefined) checkDnsSubdomain(scope, 'placement.priorityClassName', input.priorityClassName);

  // A node selector on the host name (or on the anti-affinity key itself) leaves one failure domain,
  // where required anti-affinity lets only one pod run.
  const pinnedKeys = Object.keys(nodeSelector);
  const pinnedKey = [antiAffinity.topologyKey, HOSTNAME_TOPOLOGY_KEY].find((k) => pinnedKeys.includes(k));
  const rules: CrossPropRule[] = [
    {
      props: 'placement.antiAffinity, placement.nodeSelector',
      violated: antiAffinity.mode === 'required' && pinnedKey !== undefined && replicas > 1,
      message: `received PodAntiAffinity.required("${antiAffinity.topologyKey}") with nodeSelector ${pinnedKey}=${JSON.stringify(nodeSelector[pinnedKey ?? ''])}: the selector leaves a single "${antiAffinity.topologyKey}" domain, so only one of the ${replicas} pods could ever be scheduled. Use PodAntiAffinity.none() or preferred(), or remove that nodeSelector entry`,
    },
  ];

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
  const podSpec: Partial<k8s.PodSpec> = {
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
  return { podSpec, rules };
}
