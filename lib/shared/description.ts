import { AlertThresholdsProps, AlertThresholdValues, resolveAlertThresholds } from './alerts';
import type { ErrorScope } from './errors';
import { RegionDescription, RegionProps, resolveRegions, storageMultiRegionOf } from './regions';
import { checkDns1035Label, checkDnsLabel, checkGcsBucketName, checkObjectPath, reject } from './validate';

/** CPU and memory one CockroachDB pod requests (requests equal limits: the Guaranteed QoS class). */
export interface DatabasePodResources {
  /** CPU cores, e.g. `4` (fractions such as `0.5` allowed). */
  readonly cpuCores: number;
  /** Memory in GiB, e.g. `16`. */
  readonly memoryGib: number;
}

/**
 * Names of the Cloud KMS key CockroachDB encrypts backups with. Both halves read them: the Google Cloud
 * half creates the key, the Kubernetes half names it in `BACKUP ... WITH kms = ...` and `RESTORE`.
 */
export interface BackupEncryptionKeyProps {
  /**
   * Name of the key ring, in the description's region (a key ring can never be deleted: Terraform
   * forgets it on destroy).
   * @default - `<bucketName>-crdb`, the bucket name cut to 58 characters
   */
  readonly keyRingName?: string;
  /**
   * Name of the key in that ring.
   * @default 'crdb-backups'
   */
  readonly keyName?: string;
}

/** The DB Console behind Identity-Aware Proxy on GKE (see {@link DeploymentDescriptionProps.dbConsoleIap}). */
export interface DbConsoleIapProps {
  /**
   * Who may pass Identity-Aware Proxy to the DB Console: IAM principals such as `group:dba@example.com`,
   * `user:ana@example.com` or `domain:example.com`. At least one. (The DB Console still asks for a SQL login.)
   */
  readonly members: readonly string[];
  /**
   * Name of the global static IP address of the DB Console's load balancer, which the Ingress names.
   * @default '<gkeClusterName>-db-console'
   */
  readonly staticIpName?: string;
}

/** How the deployment is watched on Google Cloud (see {@link DeploymentDescriptionProps.monitoring}). */
export interface MonitoringDescriptionProps {
  /**
   * Addresses the alert policies e-mail, one notification channel each. With `notificationChannels`, at
   * least one target in all: alert policies that notify nobody would fire unseen.
   * @default - none
   */
  readonly notificationEmails?: readonly string[];
  /**
   * Notification channels that already exist (Slack, PagerDuty, …), by full name:
   * `projects/<project>/notificationChannels/<id>`.
   * @default - none
   */
  readonly notificationChannels?: readonly string[];
  /**
   * The alert thresholds, which both halves render: the Kubernetes half's Managed Service for Prometheus
   * Rules and the Google Cloud half's alert policies.
   * @default - DEFAULT_ALERT_THRESHOLDS
   */
  readonly alertThresholds?: AlertThresholdsProps;
}

/** The monitoring of a description, checked and with defaults applied. */
export interface MonitoringDescription {
  /** Addresses the alert policies e-mail. */
  readonly notificationEmails: readonly string[];
  /** Full names of existing notification channels. */
  readonly notificationChannels: readonly string[];
  /** The alert thresholds, in base units. */
  readonly alertThresholds: AlertThresholdValues;
}

/**
 * Names of the private CA of a multi-region deployment (see `DeploymentDescription.certificateAuthority`),
 * which the Google Cloud half creates and the Kubernetes half's issuers name.
 */
export interface CertificateAuthorityNames {
  /** Region of the CA pool (the primary region). */
  readonly location: string;
  /** Name of the CA pool. */
  readonly poolName: string;
  /** Id of the root CA in the pool. */
  readonly certificateAuthorityId: string;
  /** Account id of the Google service account the issuers act as. */
  readonly issuerServiceAccountId: string;
  /** Its email. */
  readonly issuerServiceAccountEmail: string;
  /** Namespace of the google-cas-issuer controller in every GKE cluster. */
  readonly issuerKubernetesNamespace: string;
  /** Kubernetes ServiceAccount of the google-cas-issuer controller. */
  readonly issuerKubernetesServiceAccount: string;
  /** The IAM member of that ServiceAccount through Workload Identity, the same in every region. */
  readonly issuerWorkloadIdentityMember: string;
}

/** What both halves of a deployment must agree on: the Google Cloud side and the Kubernetes side. */
export interface DeploymentDescriptionProps {
  /** Google Cloud project id, e.g. `acme-prod-db`. */
  readonly projectId: string;
  /**
   * Google Cloud region of the GKE cluster and the bucket, e.g. `europe-west1`. Required unless `regions`
   * is given, where the first region is the primary one and this is left out.
   * @default - the first of `regions`
   */
  readonly region?: string;
  /**
   * Zones of the region the nodes run in (with `regions`, each region's `zones` instead).
   * @default - the region's default zones (three), chosen by GKE
   */
  readonly zones?: string[];
  /**
   * One CockroachDB cluster across several regions, each with its own GKE cluster
   * (`<gkeClusterName>-<region>`), all in one VPC: three to sixteen regions, the primary first (the
   * database's `PRIMARY REGION` and where the one init Job runs). With three or more regions the
   * databases can `SURVIVE REGION FAILURE`.
   * @default - one region: `region`
   */
  readonly regions?: readonly RegionProps[];
  /**
   * Location of the backup bucket: a region, or a multi-region (`EU`, `US`, `ASIA`) whose data survives
   * the loss of any one region.
   * @default - `region`; with `regions`, the multi-region of their continent, else of the primary region's
   */
  readonly backupLocation?: string;
  /**
   * Name of the GKE cluster.
   * @default 'cockroachdb'
   */
  readonly gkeClusterName?: string;
  /**
   * Kubernetes namespace of the CockroachDB cluster.
   * @default 'cockroachdb'
   */
  readonly namespace?: string;
  /**
   * Name of the CockroachDB cluster (the `CockroachCluster` construct's `name`): its StatefulSet,
   * Services and Kubernetes ServiceAccount are named after it.
   * @default 'crdb'
   */
  readonly cockroachClusterName?: string;
  /** Name of the GCS bucket for backups (globally unique). */
  readonly bucketName: string;
  /**
   * Folder of the backups inside the bucket.
   * @default 'cluster'
   */
  readonly backupPath?: string;
  /**
   * Account id of the Google service account that backs up and restores (the part before `@`).
   * @default 'crdb-backup'
   */
  readonly backupServiceAccountId?: string;
  /**
   * What each CockroachDB pod may request at most, all its containers together. With it, the Google
   * Cloud half checks at synth time that such a pod fits a node of the GKE node pool after GKE's
   * reservations, and a cluster whose `gcsCredentials` come from this description refuses a pod that
   * requests more.
   * @default - not stated: the node pool's machine type is not checked against the pods
   */
  readonly databasePod?: DatabasePodResources;
  /**
   * Have CockroachDB encrypt every backup with a Cloud KMS key (`BACKUP ... WITH kms = ...`): the Google
   * Cloud half creates the key (symmetric, ENCRYPT_DECRYPT, rotated every 90 days, never destroyed by
   * Terraform) and lets the backup service account, and only it, encrypt and decrypt with it. A restore
   * needs the same key. A key ring can never be deleted, and losing the key, or access to it, makes every
   * backup encrypted with it unreadable.
   * @default - backups are not encrypted by CockroachDB (Cloud Storage still encrypts them at rest)
   * @see https://www.cockroachlabs.com/docs/stable/take-and-restore-encrypted-backups
   */
  readonly backupEncryptionKey?: BackupEncryptionKeyProps;
  /**
   * Put the DB Console behind Google Cloud's Identity-Aware Proxy: the Google Cloud half reserves the load
   * balancer's global address, enables the IAP API and lets `members` through; the Kubernetes half's
   * `IdentityAwareProxy.fromDeployment(description)` renders GKE's Ingress on that address with IAP on.
   * @default - no DB Console on the internet (reach it with `kubectl port-forward`)
   */
  readonly dbConsoleIap?: DbConsoleIapProps;
  /**
   * Watch the cluster with Google Cloud's tools: the Kubernetes half's
   * `ManagedPrometheus.fromDeployment(description)` renders Managed Service for Prometheus' PodMonitoring
   * and Rules; the Google Cloud half turns managed collection on in the GKE cluster and creates a Cloud
   * Monitoring dashboard, the alert policies (the same alerts as the Rules) and their notification
   * channels.
   * @default - none of these: no dashboard, no alert policy
   */
  readonly monitoring?: MonitoringDescriptionProps;
}

const SCOPE = 'DeploymentDescription';
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const REGION = /^[a-z]+(-[a-z]+)+[0-9]+$/;
const SERVICE_ACCOUNT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const GKE_CLUSTER_NAME = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
const KMS_NAME = /^[a-zA-Z0-9_-]{1,63}$/;
/** An IAM principal IAP can grant: a user, a group, a service account or a whole domain. */
const IAP_MEMBER = /^(user|group|serviceAccount):[^\s@:]+@[^\s@:]+\.[a-z]{2,}$|^domain:[a-z0-9-]+(\.[a-z0-9-]+)+$/;
const EMAIL = /^[^\s@:]+@[^\s@:]+\.[a-z]{2,}$/;
const NOTIFICATION_CHANNEL = /^projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/notificationChannels\/[0-9]+$/;
const GLOBAL_ADDRESS_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/**
 * The google-cas-issuer controller's namespace and ServiceAccount as its Helm chart installs them (the
 * README's `helm upgrade --install` into cert-manager's namespace; the chart names the ServiceAccount after
 * itself).
 */
const CAS_ISSUER_NAMESPACE = 'cert-manager';
const CAS_ISSUER_SERVICE_ACCOUNT = 'cert-manager-google-cas-issuer';
/** Cloud Storage's multi-regions. */
const BUCKET_MULTI_REGIONS = ['EU', 'US', 'ASIA'];

/**
 * The single description of a deployment, shared by the cdktf app (Google Cloud) and the cdk8s apps
 * (Kubernetes). Every name both halves need is typed once here, validated once, and everything derived
 * from it (bucket URL, service account email, Workload Identity member, ServiceAccount annotation) is
 * derived here, so the IAM binding and the Kubernetes ServiceAccount agree by construction.
 *
 * It imports neither cdk8s nor cdktf.
 */
export class DeploymentDescription {
  /** Validates the props and returns the description. Throws `CockroachConfigError` on bad input. */
  public static of(props: DeploymentDescriptionProps): DeploymentDescription {
    return new DeploymentDescription(props);
  }

  /** Google Cloud project id. */
  public readonly projectId: string;
  /** Google Cloud region of the GKE cluster and the bucket. */
  public readonly region: string;
  /** Zones of the nodes; empty when GKE chooses (or with `regions`, where each region has its own). */
  public readonly zones: string[];
  /** The regions of a multi-region deployment, primary first; empty for a one-region deployment. */
  public readonly regions: readonly RegionDescription[];
  /** Location of the backup bucket: a region or a multi-region. */
  public readonly backupLocation: string;
  /** Name of the GKE cluster. */
  public readonly gkeClusterName: string;
  /** Kubernetes namespace of the CockroachDB cluster. */
  public readonly namespace: string;
  /** Name of the CockroachDB cluster (its StatefulSet, Services and Kubernetes ServiceAccount). */
  public readonly cockroachClusterName: string;
  /** Name of the GCS bucket for backups. */
  public readonly bucketName: string;
  /** Folder of the backups inside the bucket, without leading or trailing `/`. */
  public readonly backupPath: string;
  /** Account id of the backup service account (the part of its email before `@`). */
  public readonly backupServiceAccountId: string;
  /** What each CockroachDB pod requests; undefined when not stated. */
  public readonly databasePod: DatabasePodResources | undefined;
  /** Names of the key CockroachDB encrypts backups with, defaults applied; undefined when backups are not. */
  public readonly backupEncryptionKey: Required<BackupEncryptionKeyProps> | undefined;
  /** The DB Console behind Identity-Aware Proxy, defaults applied; undefined when it is not exposed. */
  public readonly dbConsoleIap: Required<DbConsoleIapProps> | undefined;
  /** How the deployment is watched on Google Cloud, defaults applied; undefined when it is not. */
  public readonly monitoring: MonitoringDescription | undefined;

  private constructor(props: DeploymentDescriptionProps) {
    this.projectId = props.projectId;
    if (typeof props.projectId !== 'string' || !PROJECT_ID.test(props.projectId)) {
      reject(SCOPE, 'projectId', props.projectId, 'expected a Google Cloud project id: 6 to 30 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen');
    }
    this.gkeClusterName = props.gkeClusterName ?? 'cockroachdb';
    if (!GKE_CLUSTER_NAME.test(this.gkeClusterName)) {
      reject(SCOPE, 'gkeClusterName', this.gkeClusterName, 'expected a GKE cluster name: 1 to 40 lowercase letters, digits or hyphens, starting with a letter and ending with a letter or digit');
    }
    if (props.regions !== undefined) {
      // Each region's own fields hold what the one-region fields would: one place for each value.
      for (const prop of ['region', 'zones'] as const) {
        if (props[prop] !== undefined) reject(SCOPE, prop, props[prop], `expected no ${prop} with regions: the primary region is regions[0] and each region lists its own zones`);
      }
      if (props.backupEncryptionKey !== undefined) {
        reject(SCOPE, 'backupEncryptionKey', props.backupEncryptionKey, 'expected no backupEncryptionKey with regions: the library\'s key lives in one region, and losing that region would leave every backup unreadable');
      }
      if (props.dbConsoleIap !== undefined) {
        reject(SCOPE, 'dbConsoleIap', props.dbConsoleIap, 'expected no dbConsoleIap with regions: reach each region\'s DB Console with kubectl port-forward');
      }
    }
    this.regions = props.regions === undefined ? [] : resolveRegions(SCOPE, props.regions, this.gkeClusterName);
    this.region = this.regions[0]?.region ?? props.region as string;
    if (typeof this.region !== 'string' || !REGION.test(this.region)) {
      reject(SCOPE, 'region', props.region, 'expected a Google Cloud region such as "europe-west1" or "us-central1" (not a zone), or a list of regions');
    }
    this.zones = [...(props.zones ?? [])];
    this.zones.forEach((zone, i) => {
      if (typeof zone !== 'string' || !new RegExp(`^${this.region}-[a-z]$`).test(zone)) {
        reject(SCOPE, `zones[${i}]`, zone, `expected a zone of region ${this.region}, e.g. "${this.region}-b"`);
      }
    });
    if (new Set(this.zones).size !== this.zones.length) {
      reject(SCOPE, 'zones', this.zones, 'expected each zone once');
    }
    const regionNames = this.regions.map((r) => r.region);
    this.backupLocation = props.backupLocation
      ?? (this.regions.length === 0 ? this.region : storageMultiRegionOf(regionNames) ?? storageMultiRegionOf([this.region]) ?? this.region);
    if (typeof this.backupLocation !== 'string' || !(REGION.test(this.backupLocation) || BUCKET_MULTI_REGIONS.includes(this.backupLocation))) {
      reject(SCOPE, 'backupLocation', this.backupLocation, `expected a region such as "europe-west1" or a multi-region: ${BUCKET_MULTI_REGIONS.join(', ')}`);
    }
    if (this.regions.length > 0 && REGION.test(this.backupLocation)) {
      reject(SCOPE, 'backupLocation', this.backupLocation, 'expected a multi-region (EU, US or ASIA) with regions: a bucket in one region is lost with it');
    }
    this.namespace = props.namespace ?? 'cockroachdb';
    checkDnsLabel(SCOPE, 'namespace', this.namespace);
    this.cockroachClusterName = props.cockroachClusterName ?? 'crdb';
    checkDns1035Label(SCOPE, 'cockroachClusterName', this.cockroachClusterName, 40);
    this.bucketName = props.bucketName;
    checkGcsBucketName(SCOPE, 'bucketName', props.bucketName);
    this.backupPath = props.backupPath ?? 'cluster';
    checkObjectPath(SCOPE, 'backupPath', this.backupPath);
    this.backupServiceAccountId = props.backupServiceAccountId ?? 'crdb-backup';
    if (!SERVICE_ACCOUNT_ID.test(this.backupServiceAccountId)) {
      reject(SCOPE, 'backupServiceAccountId', this.backupServiceAccountId, 'expected a service account id: 6 to 30 lowercase letters, digits or hyphens, starting with a letter and ending with a letter or digit');
    }
    this.databasePod = props.databasePod ? { cpuCores: props.databasePod.cpuCores, memoryGib: props.databasePod.memoryGib } : undefined;
    for (const key of ['cpuCores', 'memoryGib'] as const) {
      const value = this.databasePod?.[key];
      if (this.databasePod && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
        reject(SCOPE, `databasePod.${key}`, value, 'expected a positive, finite number');
      }
    }
    // `-crdb` (CockroachDB's key) never ends like the bucket's CMEK key ring, `<bucket>-cmek`.
    this.backupEncryptionKey = props.backupEncryptionKey ? {
      keyRingName: props.backupEncryptionKey.keyRingName ?? `${this.bucketName.slice(0, 58)}-crdb`,
      keyName: props.backupEncryptionKey.keyName ?? 'crdb-backups',
    } : undefined;
    for (const key of ['keyRingName', 'keyName'] as const) {
      const value = this.backupEncryptionKey?.[key];
      if (this.backupEncryptionKey && !(typeof value === 'string' && KMS_NAME.test(value))) {
        reject(SCOPE, `backupEncryptionKey.${key}`, value, 'expected a Cloud KMS name: 1 to 63 letters, digits, \'_\' or \'-\'');
      }
    }
    this.dbConsoleIap = props.dbConsoleIap === undefined ? undefined : resolveDbConsoleIap(props.dbConsoleIap, this.gkeClusterName);
    this.monitoring = props.monitoring === undefined ? undefined : resolveMonitoring(props.monitoring, this.projectId);
  }

  /**
   * The label matchers of the cluster's series as Managed Service for Prometheus labels them: its
   * namespace, and `job`, the name of its PodMonitoring (the cluster's name).
   */
  public get managedPrometheusSelector(): string {
    return managedPrometheusSelector(this.namespace, this.cockroachClusterName);
  }

  /**
   * The same, for queries that see every GKE cluster of the project (Cloud Monitoring's): the GKE
   * cluster's name too.
   */
  public get cloudMonitoringSelector(): string {
    const cluster = this.regions.length === 0 ? `cluster="${this.gkeClusterName}"`
      : `cluster=~"${this.regions.map((r) => r.gkeClusterName).join('|')}"`;
    return `${cluster}, ${this.managedPrometheusSelector}`;
  }

  /** True for a deployment across several regions. */
  public get isMultiRegion(): boolean {
    return this.regions.length > 0;
  }

  /**
   * The region named `region` of a multi-region deployment. Throws `CockroachConfigError` naming the
   * declared regions when there is none, with `scope` as the error's construct path (the caller's).
   */
  public regionOf(region: string, scope: ErrorScope = SCOPE): RegionDescription {
    const found = this.regions.find((r) => r.region === region);
    if (!found) {
      reject(scope, 'region', region, this.regions.length === 0
        ? 'expected a multi-region description (regions): this one has a single region'
        : `expected one of the description's regions: ${this.regions.map((r) => r.region).join(', ')}`);
    }
    return found;
  }

  /**
   * The private CA every region's cert-manager issues from (Certificate Authority Service, in the primary
   * region): its key never leaves Google's HSM-backed service, so no CA key is copied between clusters.
   * Undefined for a one-region deployment, whose CA is cert-manager's own.
   */
  public get certificateAuthority(): CertificateAuthorityNames | undefined {
    if (this.regions.length === 0) return undefined;
    const issuerServiceAccountId = 'crdb-cas-issuer';
    return {
      location: this.region,
      poolName: `${this.gkeClusterName}-crdb`,
      certificateAuthorityId: `${this.gkeClusterName}-crdb-root`,
      issuerServiceAccountId,
      issuerServiceAccountEmail: `${issuerServiceAccountId}@${this.projectId}.iam.gserviceaccount.com`,
      issuerKubernetesNamespace: CAS_ISSUER_NAMESPACE,
      issuerKubernetesServiceAccount: CAS_ISSUER_SERVICE_ACCOUNT,
      // The same member in every region: their clusters share the project's Workload Identity pool.
      issuerWorkloadIdentityMember: `serviceAccount:${this.workloadIdentityPool}[${CAS_ISSUER_NAMESPACE}/${CAS_ISSUER_SERVICE_ACCOUNT}]`,
    };
  }

  /**
   * The full name of the key CockroachDB encrypts backups with,
   * `projects/<project>/locations/<region>/keyRings/<ring>/cryptoKeys/<key>` (a key, never a key version:
   * Cloud KMS encrypts with the primary version and decrypts with the one that encrypted); undefined when
   * backups are not encrypted by CockroachDB.
   */
  public get backupEncryptionKeyId(): string | undefined {
    const k = this.backupEncryptionKey;
    return k && `projects/${this.projectId}/locations/${this.region}/keyRings/${k.keyRingName}/cryptoKeys/${k.keyName}`;
  }

  /** `gs://<bucket>` */
  public get bucketUrl(): string {
    return `gs://${this.bucketName}`;
  }

  /** Where backups go, for CockroachDB with ambient credentials: `gs://<bucket>/<path>?AUTH=implicit`. */
  public get backupUri(): string {
    return `gs://${this.bucketName}/${this.backupPath}?AUTH=implicit`;
  }

  /** Email of the backup service account. */
  public get backupServiceAccountEmail(): string {
    return `${this.backupServiceAccountId}@${this.projectId}.iam.gserviceaccount.com`;
  }

  /** The Kubernetes ServiceAccount of the CockroachDB pods (the construct names it after the cluster). */
  public get kubernetesServiceAccount(): string {
    return this.cockroachClusterName;
  }

  /** The GKE Workload Identity pool of the project: `<project>.svc.id.goog`. */
  public get workloadIdentityPool(): string {
    return `${this.projectId}.svc.id.goog`;
  }

  /** The IAM member of the pods' ServiceAccount: `serviceAccount:<project>.svc.id.goog[<namespace>/<ksa>]`. */
  public get workloadIdentityMember(): string {
    return `serviceAccount:${this.workloadIdentityPool}[${this.namespace}/${this.kubernetesServiceAccount}]`;
  }

  /** Annotations of the Kubernetes ServiceAccount that make its pods act as the backup service account. */
  public get workloadIdentityAnnotations(): { [key: string]: string } {
    return { 'iam.gke.io/gcp-service-account': this.backupServiceAccountEmail };
  }
}

function resolveDbConsoleIap(props: DbConsoleIapProps, gkeClusterName: string): Required<DbConsoleIapProps> {
  const members = props.members;
  if (!Array.isArray(members) || members.length === 0) {
    reject(SCOPE, 'dbConsoleIap.members', members, 'expected at least one IAM principal, e.g. ["group:dba@example.com"]');
  }
  members.forEach((member, i) => {
    if (typeof member !== 'string' || !IAP_MEMBER.test(member)) {
      reject(SCOPE, `dbConsoleIap.members[${i}]`, member, 'expected user:, group: or serviceAccount: and an email, or domain: and a domain, e.g. "group:dba@example.com"');
    }
    if (members.indexOf(member) !== i) reject(SCOPE, `dbConsoleIap.members[${i}]`, member, 'expected each principal once');
  });
  const staticIpName = props.staticIpName ?? `${gkeClusterName}-db-console`;
  if (typeof staticIpName !== 'string' || !GLOBAL_ADDRESS_NAME.test(staticIpName)) {
    reject(SCOPE, 'dbConsoleIap.staticIpName', staticIpName, 'expected a Compute Engine name: 1 to 63 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen');
  }
  return { members: [...members], staticIpName };
}

function resolveMonitoring(props: MonitoringDescriptionProps, projectId: string): MonitoringDescription {
  const list = (prop: 'notificationEmails' | 'notificationChannels', pattern: RegExp, allowed: string): string[] => {
    const values = props[prop] ?? [];
    if (!Array.isArray(values)) reject(SCOPE, `monitoring.${prop}`, values, 'expected a list');
    values.forEach((value, i) => {
      if (typeof value !== 'string' || !pattern.test(value)) reject(SCOPE, `monitoring.${prop}[${i}]`, value, allowed);
      if (values.indexOf(value) !== i) reject(SCOPE, `monitoring.${prop}[${i}]`, value, 'expected each once');
    });
    return [...values];
  };
  const notificationEmails = list('notificationEmails', EMAIL, 'expected an e-mail address, e.g. "dba@example.com"');
  const notificationChannels = list('notificationChannels', NOTIFICATION_CHANNEL,
    'expected a notification channel\'s full name: "projects/<project>/notificationChannels/<number>"');
  notificationChannels.forEach((channel, i) => {
    // An alert policy notifies only channels of its own project.
    if (!channel.startsWith(`projects/${projectId}/`)) {
      reject(SCOPE, `monitoring.notificationChannels[${i}]`, channel, `expected a channel of project ${projectId}, where the alert policies are: "projects/${projectId}/notificationChannels/<number>"`);
    }
  });
  if (notificationEmails.length + notificationChannels.length === 0) {
    reject(SCOPE, 'monitoring', props, 'expected at least one notificationEmails or notificationChannels entry: alert policies that notify nobody fire unseen');
  }
  return { notificationEmails, notificationChannels, alertThresholds: resolveAlertThresholds(SCOPE, 'monitoring.alertThresholds', props.alertThresholds ?? {}) };
}

/**
 * The label matchers of a cluster's series as Managed Service for Prometheus labels them: the namespace,
 * and `job`, the name of the PodMonitoring that scrapes it.
 */
export function managedPrometheusSelector(namespace: string, podMonitoringName: string): string {
  return `namespace="${namespace}", job="${podMonitoringName}"`;
}
