import { Chart, JsonPatch } from 'cdk8s';
import type { AbstractPod } from 'cdk8s-plus-28';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import type { CockroachClusterProps } from './cluster-props';
import { BackupDestination, BackupScheduleOptions, RestoreTarget } from './backup';
import { BooksLoad, BooksLoadOptions } from './books-load';
import { ClientCertificate, ClientCertificateOptions, IClientCertificateTarget } from './client-certificate';
import type { ClientConnection, FullRestore, IDataWriteTarget } from './cluster-ref';
import { DbConsoleIngress, IDbConsoleTarget } from './db-console-ingress';
import { GcsCredentials } from './gcs-credentials';
import { LOG_CONFIG_FILE } from './logging';
import type { HelmRelease } from './helm-release';
import { GoogleCasIssuer } from './google-cas-issuer';
import { IManagedPrometheusTarget, ManagedPrometheus, GMP_COLLECTOR_POD_LABELS, GMP_SYSTEM_NAMESPACE } from './managed-prometheus';
import type { MultiRegion } from './multi-region';
import { ClusterMonitoring, IMonitoringTarget } from './monitoring';
import { CockroachInitJob, IInitTarget } from './init-job';
import { ClusterNetworkPolicy, INetworkPolicyTarget } from './network-policy';
import { ApplyStableStatefulSet } from './private/apply-stable';
import { claimTemplatesOf, ClusterSpec, resolveClusterSpec } from './private/cluster-spec';
import { checkPodWithinDescription, podRequests } from './private/pod-requests';
import { shortHash } from './private/hash';
import { renderServiceAccount } from './private/service-account';
import { databasePodTemplate } from './private/pod-template';
import { GatedRollout, IRolloutTarget } from './rollout';
import { IStorageExpansionTarget, StorageExpansionJob } from './storage-expansion';
import { bytesToQuantity } from './private/units';
import { checkInteger, reject } from '../shared/validate';
import { ClusterSecurity } from './security';
import { IScaleDownTarget, ReplicaGuard, ScaleDown, ScaleDownAccess, scaleDownRules } from './scale-down';
import { CockroachSqlClient } from './sql-client';
import {
  BackupInspectionJob, BackupSchedule, ClusterSetting, ISqlProvisionerTarget, LicenseOptions, SqlDatabase, SqlDatabaseOptions, SqlJobOptions,
  SqlProvisioner, SqlRole, SqlUser, SqlUserOptions,
} from './sql-provisioner';
import { pruneLabels, pruneSelector } from './prune';
import { CERTS_DIR, ClusterCertificates, ICertificatesTarget } from './tls';
import { BuiltinWorkload, WorkloadJob, WorkloadRunOptions } from './workload';
import { CockroachDbVersion } from './version';
import { VersionChangeKind, VersionGuard } from './upgrade';
import { HTTP_PORT, SQL_PORT } from './ports';

export { HTTP_PORT, SQL_PORT } from './ports';
/** Number of pods named in `--join`: always the first three, so that scaling never changes the flag. */
const JOIN_SEEDS = 3;

/**
 * The StatefulSet's note of what was chosen at its creation and can never change on it (the API server
 * refuses it): the claim templates, the selector and the service name.
 */
export const CHOSEN_AT_CREATION_ANNOTATION = 'cockroachdb/chosen-at-creation';

/**
 * A CockroachDB cluster on Kubernetes: a StatefulSet with one volume per pod, its discovery and public
 * Services, a PodDisruptionBudget, the database pods' ServiceAccount, the SQL clients' ServiceAccount
 * (`<name>-client`, used by the Jobs) and the Job that initializes the cluster.
 *
 * Object names come from `name` (the construct id by default) and the chart's namespace, never from a
 * hash of the construct path, so pods, volumes and DNS names survive refactoring of the app.
 */
export class CockroachCluster extends Construct implements IDataWriteTarget, IInitTarget, IClientCertificateTarget,
  ICertificatesTarget, ISqlProvisionerTarget, IMonitoringTarget, IManagedPrometheusTarget, INetworkPolicyTarget, IDbConsoleTarget, IScaleDownTarget, IRolloutTarget,
  IStorageExpansionTarget {
  /** Base name of the objects. */
  public readonly name: string;
  /** Namespace of every object: the chart's, or `default`. */
  public readonly namespace: string;
  /** The Kubernetes cluster's DNS domain. */
  public readonly clusterDomain: string;
  /**
   * The domain the pods advertise their names under (`podDnsName`): the region's Cloud DNS domain in a
   * multi-region cluster, which every region resolves; else the cluster domain.
   */
  public readonly advertiseDomain: string;
  /** This chart's region of a multi-region cluster; undefined for a one-region cluster. */
  public readonly multiRegion?: MultiRegion;
  /** Every region of a multi-region cluster, the primary first; empty for a one-region cluster. */
  public readonly clusterRegions: readonly string[];
  /**
   * True where the cluster-wide Jobs run: the init Job, the SQL Job, the upgrade finalization. Every
   * one-region cluster; the primary region's chart of a multi-region cluster.
   */
  public readonly isPrimaryRegion: boolean;
  /** The pod ranges of the other regions, admitted on the SQL port (none for a one-region cluster). */
  public readonly otherRegionPodCidrs: readonly string[];
  /** DNS servers the pods query by address, beside kube-dns (Cloud DNS for GKE in a multi-region cluster). */
  public readonly dnsServerCidrs: readonly string[];
  /** The `GoogleCASIssuer` of a multi-region cluster's certificates, when it renders one. */
  public readonly casIssuer?: GoogleCasIssuer;
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
  /** The storage expansion, while declared. */
  public readonly storageExpansion?: StorageExpansionJob;
  /** The gated rollout, while an upgrade is declared or a restart token set. */
  public readonly rollout?: GatedRollout;
  /** The version guard, unless disabled. */
  public readonly versionGuard?: VersionGuard;
  /** The replica guard, unless disabled. */
  public readonly replicaGuard?: ReplicaGuard;
  /** The monitoring objects, when enabled. */
  public readonly monitoring?: ClusterMonitoring;
  /** Managed Service for Prometheus' objects, when enabled. */
  public readonly managedPrometheus?: ManagedPrometheus;
  /** The DB Console Ingress, when enabled. */
  public readonly dbConsoleIngress?: DbConsoleIngress;
  /** The replica count the StatefulSet renders: `replicas`, or `scaleDown.from` during phase DECOMMISSION. */
  public readonly renderedReplicas: number;
  /** The ClusterRole that lets the locality init container read nodes (per-pod locality only). */
  public readonly nodeReaderRole?: k8s.KubeClusterRole;

  /** The ConfigMap of the logging configuration, when `logging` is set (escape hatch). */
  public readonly loggingConfigMap?: k8s.KubeConfigMap;
  /** The Secrets every pod of the cluster pulls images with (on its ServiceAccounts). */
  public readonly imagePullSecrets: readonly string[];
  /** The Helm release this cluster took over, when `adoptHelmRelease` is set. */
  public readonly helmRelease?: HelmRelease;
  /** The claim template of each store (`datadir`, `datadir-2`, …): pod `N` has claim `<template>-<name>-N` of each. */
  public readonly storeClaimTemplateNames: readonly string[];
  /** Every claim template of the pods: the stores', then the WAL failover side disk's when there is one. */
  public readonly volumeClaimTemplateNames: readonly string[];

  private readonly identity: Pick<ClusterSpec, 'selectorLabels' | 'databaseLabels' | 'commonLabels' | 'claimLabels' | 'sqlPortName'>;
  private readonly clientCertificates = new Map<string, ClientCertificate>();
  private sqlClient?: CockroachSqlClient;
  private sql?: SqlProvisioner;
  private readonly sqlJobOptions: SqlJobOptions;
  private backupInspections = 0;
  private booksLoad?: BooksLoad;
  private readonly workloads = new Map<string, WorkloadJob>();

  constructor(scope: Construct, id: string, props: CockroachClusterProps = {}) {
    super(scope, id);
    const spec = resolveClusterSpec(this, id, props);
    this.security = spec.security;
    this.name = spec.name;
    this.namespace = spec.namespace;
    this.clusterDomain = spec.clusterDomain;
    this.advertiseDomain = spec.advertiseDomain;
    this.multiRegion = spec.multiRegion;
    this.clusterRegions = spec.multiRegion?.regions ?? [];
    this.isPrimaryRegion = spec.multiRegion?.isPrimaryRegion ?? true;
    this.otherRegionPodCidrs = spec.multiRegion?.otherRegionPodCidrs ?? [];
    this.dnsServerCidrs = spec.multiRegion?.dnsServerCidrs ?? [];
    this.replicas = spec.replicas;
    this.renderedReplicas = spec.renderedReplicas;
    this.version = spec.version;
    this.versionChange = spec.versionChange;
    this.image = spec.image;
    this.memoryLimitBytes = spec.resources.memoryLimitBytes;
    this.cacheMebibytes = spec.cacheMebibytes;
    this.maxSqlMemoryMebibytes = spec.maxSqlMemoryMebibytes;
    this.gcsCredentials = spec.gcsCredentials;
    this.sqlJobOptions = spec.sqlJob;
    this.helmRelease = spec.helmRelease;
    this.imagePullSecrets = spec.imagePullSecrets;
    this.identity = spec;
    const claims = claimTemplatesOf(spec.storage);
    this.storeClaimTemplateNames = claims.filter((c) => c.store).map((c) => c.name);
    this.volumeClaimTemplateNames = claims.map((c) => c.name);
    const serviceAccountAnnotations = spec.serviceAccountAnnotations;

    const casIssuer = spec.multiRegion?.casIssuer;
    if (casIssuer) {
      this.casIssuer = new GoogleCasIssuer(this, 'GoogleCasIssuer', { ...casIssuer, namespace: this.namespace, labels: this._componentLabels('tls') });
    }
    if (this.security.isSecure) {
      this.certificates = new ClusterCertificates(this, 'Certificates', { cluster: this, security: this.security });
    }

    this.serviceAccount = renderServiceAccount(this, 'ServiceAccount', {
      name: this.serviceAccountName,
      namespace: this.namespace,
      labels: this._objectLabels(),
      annotations: serviceAccountAnnotations,
      imagePullSecrets: this.imagePullSecrets,
    });
    this.clientServiceAccount = renderServiceAccount(this, 'ClientServiceAccount', {
      name: this.clientServiceAccountName, namespace: this.namespace, labels: this._componentLabels('client'), imagePullSecrets: this.imagePullSecrets,
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
          // With TLS the port serves HTTPS only; a scraper that reads these annotations must verify the
          // nodes with the cluster's CA (or skip verification).
          'prometheus.io/scheme': this.certificates ? 'https' : 'http',
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

    const template = databasePodTemplate({
      spec,
      labels: this.podLabels,
      serviceAccountName: this.serviceAccountName,
      joinAddresses: this.joinAddresses,
      discoveryServiceName: this.discoveryServiceName,
      connectionFlags: this._clientConnection().flags,
      certificates: this.certificates,
    });
    if (spec.logging) {
      // Named after its content: a new configuration is a new ConfigMap, and a new pod template.
      this.loggingConfigMap = new k8s.KubeConfigMap(this, 'Logging', {
        metadata: { name: spec.logging.configMapName, namespace: this.namespace, labels: this._componentLabels('logging') },
        data: { [LOG_CONFIG_FILE]: spec.logging.text },
      });
    }
    if (spec.locality?.isPerPod) this.nodeReaderRole = this.grantNodeRead();
    // Before the StatefulSet in the output: when a scale-out follows a scale-down, the apply empties the
    // Role before the StatefulSet creates volumes with the names the SHRINK phase could delete.
    this.scaleDownAccess = new ScaleDownAccess(this, 'ScaleDownAccess', {
      cluster: this,
      rules: props.scaleDown ? scaleDownRules(this, props.scaleDown, this.replicas) : [],
    });

    const statedPod = this.gcsCredentials?.description?.databasePod;
    if (statedPod !== undefined) {
      checkPodWithinDescription(this, podRequests(template.spec!.containers.map((c) => c.resources),
        (template.spec!.initContainers ?? []).map((c) => c.resources)), statedPod);
    }

    this.statefulSet = new ApplyStableStatefulSet(this, 'StatefulSet', {
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { ...this.identity.databaseLabels },
        annotations: { [CHOSEN_AT_CREATION_ANNOTATION]: this.chosenAtCreation(spec) },
      },
      spec: {
        serviceName: this.discoveryServiceName,
        replicas: this.renderedReplicas,
        selector: { matchLabels: this.selectorLabels },
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: spec.gatedRollout ? 'OnDelete' : 'RollingUpdate' },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: spec.storage.whenDeleted, whenScaled: spec.storage.whenScaled },
        template,
        // Labels here are immutable once the StatefulSet exists: only the stable selector labels.
        // While an expansion is declared, the stores keep the size they have (see StorageExpansionJob).
        volumeClaimTemplates: claims.map((c) => this.claimTemplate(c.name, c.store ? spec.expandFromBytes ?? c.bytes : c.bytes, c.storageClassName)),
      },
    });

    // A cluster taken over from a Helm release was initialized by the chart; a multi-region cluster by its primary region.
    if (props.init?.enabled ?? (!this.helmRelease && this.isPrimaryRegion)) {
      this.initJob = new CockroachInitJob(this, 'Init', { ...props.init, cluster: this });
    }
    if (props.scaleDown) {
      this.scaleDown = new ScaleDown(this, 'ScaleDown', { cluster: this, plan: props.scaleDown, replicas: this.replicas, access: this.scaleDownAccess });
    }
    if (spec.expandFromBytes !== undefined) {
      this.storageExpansion = new StorageExpansionJob(this, 'StorageExpansion', {
        cluster: this,
        statefulSet: this.statefulSet,
        replicas: this.renderedReplicas,
        bytes: spec.storage.bytes,
        storageClassName: spec.storage.storageClassName,
        claimTemplates: claims.map((c) => ({ name: c.name, storageClassName: c.storageClassName, fixedBytes: c.store ? undefined : c.bytes })),
      });
    }
    if (spec.gatedRollout) {
      this.rollout = new GatedRollout(this, 'Rollout', {
        cluster: this,
        replicas: this.renderedReplicas,
        version: this.version,
        change: spec.upgrade && spec.versionChange ? { from: spec.upgrade.from, kind: spec.versionChange } : undefined,
        finalize: spec.finalize,
        templateDigest: shortHash(k8s.toJson_PodTemplateSpec(template)),
        terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
      });
    }
    if (props.replicaGuard ?? true) this.replicaGuard = new ReplicaGuard(this, 'ReplicaGuard', { cluster: this });
    if (props.versionGuard ?? true) this.versionGuard = new VersionGuard(this, 'VersionGuard', { cluster: this });
    if (props.monitoring) this.monitoring = new ClusterMonitoring(this, 'Monitoring', { ...props.monitoring, cluster: this });
    if (props.managedPrometheus) this.managedPrometheus = new ManagedPrometheus(this, 'ManagedPrometheus', { ...props.managedPrometheus, cluster: this });
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

  /**
   * The SQL Job, created by the first SQL declaration (escape hatch). Only in the primary region's chart
   * of a multi-region cluster: one Job applies the declarations for every region.
   */
  public get sqlProvisioner(): SqlProvisioner {
    return this.sqlFor('sqlProvisioner');
  }

  /**
   * Declares a database (`CREATE DATABASE IF NOT EXISTS`), and in a multi-region cluster its regions and
   * survival goal (`options.regions`). Grants and table localities go through the returned object.
   */
  public addDatabase(name: string, options: SqlDatabaseOptions = {}): SqlDatabase {
    return this.sqlFor('addDatabase')._addDatabase(name, options);
  }

  /**
   * Declares a SQL user, with a password from a Secret or for certificate authentication only
   * (`clientCertificate: true` also issues its client certificate). Returns the user, a grantee.
   */
  public addUser(name: string, options: SqlUserOptions = {}): SqlUser {
    const user = this.sqlFor('addUser')._addUser(name, options);
    if (options.clientCertificate) user.clientCertificate = this.addClientCertificate(name);
    return user;
  }

  /** Declares a role (`CREATE ROLE IF NOT EXISTS`); `grantTo(user)` adds members. */
  public addRole(name: string): SqlRole {
    return this.sqlFor('addRole')._addRole(name);
  }

  /**
   * A user or role that exists in the database without being declared here (created by hand or by another
   * tool), so that grants may name it. A grant to a name declared neither with `addUser`/`addRole` nor
   * with `existingRole` is refused at synth: the SQL Job would fail on it at run time.
   */
  public existingRole(name: string): SqlRole {
    return this.sqlFor('existingRole')._existingRole(name);
  }

  /** Sets a cluster setting (`SET CLUSTER SETTING`). */
  public setClusterSetting(setting: ClusterSetting): void {
    this.sqlFor('setClusterSetting')._setClusterSetting(setting);
  }

  /** Applies the enterprise license: organization in clear, key from a Secret at run time. */
  public setLicense(options: LicenseOptions): void {
    this.sqlFor('setLicense')._setLicense(options);
  }

  /**
   * Declares a backup schedule (`CREATE SCHEDULE … FOR BACKUP`). Its label carries a digest of its
   * definition, and older versions are dropped, so a change (e.g. of recurrence) takes effect.
   */
  public addBackupSchedule(name: string, options: BackupScheduleOptions): BackupSchedule {
    return this.sqlFor('addBackupSchedule')._addBackupSchedule(name, options);
  }

  /**
   * Opt-in restore, run once before everything else the SQL Job applies: the whole cluster (into an
   * empty cluster), a database or a table, from the latest backup in the destination. A restore that
   * succeeded is recorded and never repeated; a target that already exists stops the Job with an error.
   * Returns the restore's id.
   */
  public restoreFrom(destination: BackupDestination, target: RestoreTarget = RestoreTarget.cluster()): string {
    return this.sqlFor('restoreFrom')._restoreFrom(destination, target);
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
  public _clientConnection(): ClientConnection {
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

  /**
   * Stable DNS name of one pod, the address its node advertises, e.g. `crdb-0.crdb.db.svc.cluster.local`
   * (under the region's Cloud DNS domain in a multi-region cluster).
   */
  public podDnsName(ordinal: number): string {
    checkInteger(this, 'podDnsName(ordinal)', ordinal, 0);
    return `${this.name}-${ordinal}.${this.discoveryServiceName}.${this.namespace}.svc.${this.advertiseDomain}`;
  }

  /** Stable DNS names of every pod, in ordinal order. */
  public get podDnsNames(): string[] {
    return Array.from({ length: this.replicas }, (_, i) => this.podDnsName(i));
  }

  /**
   * The `--join` addresses: the first three pods, whatever the replica count; in a multi-region cluster,
   * pods 0 and 1 of every region, the same in every region's chart.
   */
  public get joinAddresses(): string[] {
    if (this.multiRegion) return [...this.multiRegion.joinAddresses];
    return Array.from({ length: JOIN_SEEDS }, (_, i) => `${this.podDnsName(i)}:${SQL_PORT}`);
  }

  /** Labels that select this cluster's CockroachDB pods (StatefulSet selector, Services, PDB). */
  public get selectorLabels(): { [key: string]: string } {
    return { ...this.identity.selectorLabels };
  }

  /** Labels of the discovery Service: those of every object, plus one that tells it from the public Service. */
  public get discoveryServiceLabels(): { [key: string]: string } {
    return { ...this.labels, 'cockroachdb/service': 'discovery' };
  }

  /**
   * Labels common to every object of this cluster. The StatefulSet and its pods carry the selector's
   * instead where they differ: only in a cluster taken over from a Helm release, whose chart's selector
   * lacks the component.
   */
  public get labels(): { [key: string]: string } {
    return { ...this.identity.commonLabels };
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
  public _fullRestore(): FullRestore | undefined {
    return this.sql?._fullRestore();
  }

  /** The SQL Job, for a declaration made by `method`: refused outside the primary region. */
  private sqlFor(method: string): SqlProvisioner {
    if (!this.isPrimaryRegion) {
      reject(this, `${method}()`, this.multiRegion!.region.region, `expected SQL declarations in the primary region's chart only (${this.multiRegion!.primaryRegion}): one SQL Job applies them for every region, and two would race`);
    }
    this.sql ??= new SqlProvisioner(this, 'Sql', { ...this.sqlJobOptions, cluster: this });
    return this.sql;
  }

  private get podLabels(): { [key: string]: string } {
    return { ...this.identity.databaseLabels, 'app.kubernetes.io/version': this.version.tag };
  }

  /** Who scrapes the nodes' metrics from outside the namespace: Managed Service for Prometheus' collectors. */
  public get metricsScrapers(): readonly k8s.NetworkPolicyPeer[] {
    return this.managedPrometheus ? [{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': GMP_SYSTEM_NAMESPACE } },
      podSelector: { matchLabels: { ...GMP_COLLECTOR_POD_LABELS } },
    }] : [];
  }

  /** Where the DB Console's Ingress reaches the pods from, when known (Google's front ends with IAP). */
  public get dbConsoleSourceRanges(): readonly string[] {
    return [...(this.dbConsoleIngress?.sourceRanges ?? [])];
  }

  /**
   * The note of the StatefulSet's creation-only choices, as the props state them: written at synth into
   * the object, so `kubectl describe` shows why a later change of them is refused.
   */
  private chosenAtCreation(spec: ClusterSpec): string {
    const side = spec.storage.sideDisk;
    return [
      `claim templates ${this.volumeClaimTemplateNames.join(', ')}`,
      `(storage.stores ${spec.storage.stores}, storage.storageClassName ${spec.storage.storageClassName ?? 'unset'},`,
      `WAL failover side disk ${side ? `${bytesToQuantity(side.bytes)} of class ${side.storageClassName ?? 'unset'}` : 'none'};`,
      'storage.size grows with expandStorage),',
      `selector and serviceName (name ${this.name}):`,
      'to change them, build a new cluster and restore a backup into it',
    ].join(' ');
  }

  /** A claim template: one ReadWriteOnce filesystem volume per pod. */
  private claimTemplate(name: string, bytes: number, storageClassName: string | undefined): k8s.KubePersistentVolumeClaimProps {
    return {
      metadata: { name, labels: { ...this.identity.claimLabels } },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName,
        volumeMode: 'Filesystem',
        resources: { requests: { storage: k8s.Quantity.fromString(bytesToQuantity(bytes)) } },
      },
    };
  }

  private servicePorts(): k8s.ServicePort[] {
    return [
      { name: this.identity.sqlPortName, port: SQL_PORT, targetPort: k8s.IntOrString.fromString(this.identity.sqlPortName), protocol: 'TCP' },
      { name: 'http', port: HTTP_PORT, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' },
    ];
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


}
