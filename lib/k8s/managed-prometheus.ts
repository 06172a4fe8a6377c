import { ApiObject, Duration } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { AlertRule, AlertThresholdValues, cockroachAlerts, prometheusRuleOf } from '../shared/alerts';
import { DeploymentDescription, managedPrometheusSelector } from '../shared/description';
import { monitoredMetricNames } from '../shared/metric-names';
import { checkDnsSubdomain, checkInteger, reject } from '../shared/validate';
import type { ILabelledCluster } from './cluster-ref';
import { GOOGLE_CAS_ISSUER_GROUP } from './google-cas-issuer';
import { AlertThresholds, alertThresholdValues } from './monitoring';
import { renderCertificate } from './private/cert-manager';
import { durationSeconds } from './private/units';
import type { ClusterCertificates } from './tls';

/** Namespace of Managed Service for Prometheus' collectors on GKE. */
export const GMP_SYSTEM_NAMESPACE = 'gmp-system';
/** ServiceAccount of the collectors, which scrape the pods. */
export const GMP_COLLECTOR_SERVICE_ACCOUNT = 'collector';
/**
 * The API groups of issuers that write the CA into every Secret they sign (`ca.crt`): cert-manager's own
 * (Issuer and ClusterIssuer), and jetstack's google-cas-issuer, which writes the CA Service pool's root.
 */
const CA_WRITING_ISSUER_GROUPS = ['cert-manager.io', GOOGLE_CAS_ISSUER_GROUP];
/** Labels of the collector pods (the DaemonSet `collector` of `gmp-system`). */
export const GMP_COLLECTOR_POD_LABELS: { readonly [key: string]: string } = { 'app.kubernetes.io/name': 'collector' };

/** Options of Managed Service for Prometheus' objects (see {@link CockroachClusterProps.managedPrometheus}). */
export interface ManagedPrometheusOptions {
  /**
   * The deployment description the Google Cloud half reads too: its `monitoring.alertThresholds` become
   * the Rules' thresholds, so the Rules and Cloud Monitoring's alert policies agree, and the cluster must
   * be the description's (namespace and name), so the series the policies query are this cluster's.
   * Use {@link ManagedPrometheus.fromDeployment}.
   * @default - none: `thresholds`, or the defaults
   */
  readonly deployment?: DeploymentDescription;
  /**
   * Alert thresholds, without a deployment description.
   * @default - DEFAULT_ALERT_THRESHOLDS
   */
  readonly thresholds?: AlertThresholds;
  /**
   * A `Rules` object with the alerts. Managed Service for Prometheus' rule evaluator evaluates them; they
   * notify through its managed Alertmanager once you configure one (Secret `alertmanager` in `gmp-public`),
   * and their state is the `ALERTS` series. The Google Cloud half's alert policies are the same alerts
   * notifying through Cloud Monitoring: configure one path of notifications, not both.
   * @default true
   */
  readonly alerts?: boolean;
  /**
   * How often the collectors scrape each node (5 s to 60 s, whole seconds: the alerts' and panels'
   * `rate(…[5m])` needs several samples in five minutes).
   * @default Duration.seconds(30)
   */
  readonly scrapeInterval?: Duration;
  /**
   * Keep every metric CockroachDB exports (about 2,400 names, with the buckets of each histogram, some
   * 10,000 series a node). Managed Service for Prometheus charges per sample: by default the collectors
   * keep only the metrics the alerts and the dashboards read (`monitoredMetricNames()`), and drop the rest
   * at scrape time.
   * @default false
   */
  readonly keepAllMetrics?: boolean;
  /**
   * A Secret of the namespace whose `ca.crt` holds the CA the nodes' certificates are signed by, and
   * nothing secret: the collectors may read it. Needed when the cluster's certificates come from existing
   * Secrets or from an issuer other than cert-manager's own and Google CAS's (which may leave ca.crt
   * empty); with those, the construct issues one.
   * @default - with cert-manager's issuers or a GoogleCASIssuer: a Certificate `<name>-scrape-ca` whose
   *   Secret carries the issuer's ca.crt
   */
  readonly caSecretName?: string;
}

/** What Managed Service for Prometheus' objects need from the cluster (see {@link ManagedPrometheus}). */
export interface IManagedPrometheusTarget extends ILabelledCluster {
  /** Labels of the database pods, which the PodMonitoring selects. */
  readonly selectorLabels: { [key: string]: string };
  /**
   * The cluster's certificates: the collectors verify the nodes with their CA.
   * @default - none: an insecure cluster, scraped over HTTP
   */
  readonly certificates?: ClusterCertificates;
  /** DNS name of the public Service, a name of the node certificates that the collectors verify. */
  readonly publicHost: string;
}

/** Properties of {@link ManagedPrometheus}. */
export interface ManagedPrometheusProps extends ManagedPrometheusOptions {
  /** The cluster to scrape. */
  readonly cluster: IManagedPrometheusTarget;
}

/**
 * Google Cloud Managed Service for Prometheus' objects for a cluster on GKE: a PodMonitoring that scrapes
 * `/_status/vars` on every node (HTTPS, verified with the cluster's CA), the alerts as Rules, and what the
 * collectors need to read the CA: a Secret with the CA certificate only, and a Role that lets the
 * collectors' ServiceAccount read that one Secret.
 *
 * Series are labelled with the namespace and `job` = the PodMonitoring's name, the cluster's name (GMP adds
 * no `service` label): `managedPrometheusSelector(namespace, name)`.
 */
export class ManagedPrometheus extends Construct {
  /**
   * The options that take the thresholds from the deployment description, and check that the cluster is
   * the description's.
   */
  public static fromDeployment(description: DeploymentDescription, options: Omit<ManagedPrometheusOptions, 'deployment' | 'thresholds'> = {}): ManagedPrometheusOptions {
    return { ...options, deployment: description };
  }

  /** The PodMonitoring (escape hatch). */
  public readonly podMonitoring: ApiObject;
  /** The Rules, when enabled (escape hatch). */
  public readonly rules?: ApiObject;
  /** The Certificate whose Secret carries the CA for the collectors, when the construct issues one. */
  public readonly caCertificate?: ApiObject;
  /** The Role that lets the collectors read the CA's Secret (TLS only). */
  public readonly caReaderRole?: k8s.KubeRole;
  /** The alerts, as rendered. */
  public readonly alerts: AlertRule[];
  /** The thresholds, checked, in base units. */
  public readonly thresholds: AlertThresholdValues;
  /** The label matchers of the cluster's series. */
  public readonly selector: string;

  constructor(scope: Construct, id: string, props: ManagedPrometheusProps) {
    super(scope, id);
    const cluster = props.cluster;
    const d = props.deployment;
    if (d !== undefined) {
      if (!(d instanceof DeploymentDescription)) reject(cluster, 'managedPrometheus.deployment', d, 'expected a DeploymentDescription (DeploymentDescription.of({...}))');
      if (props.thresholds !== undefined) {
        reject(cluster, 'managedPrometheus.thresholds', props.thresholds, 'expected no thresholds beside a deployment description: state them in its monitoring.alertThresholds, which the Google Cloud half reads too');
      }
      if (d.namespace !== cluster.namespace || d.cockroachClusterName !== cluster.name) {
        reject(cluster, 'managedPrometheus.deployment', `${d.namespace}/${d.cockroachClusterName}`,
          `expected the description of this cluster, ${cluster.namespace}/${cluster.name}: the Google Cloud half's dashboard and alert policies query the description's namespace and cluster name`);
      }
    }
    this.thresholds = d?.monitoring?.alertThresholds ?? alertThresholdValues(cluster, props.thresholds ?? {});
    const interval = durationSeconds(props.scrapeInterval ?? Duration.seconds(30));
    checkInteger(cluster, 'managedPrometheus.scrapeInterval (seconds)', interval, 5, 60);
    this.selector = managedPrometheusSelector(cluster.namespace, cluster.name);
    this.alerts = cockroachAlerts(this.selector, this.thresholds);

    const labels = cluster._objectLabels();
    const metadata = (name: string) => ({ name, namespace: cluster.namespace, labels });
    const certificates = cluster.certificates;
    let caSecretName: string | undefined;
    if (certificates) {
      if (props.caSecretName !== undefined) {
        checkDnsSubdomain(cluster, 'managedPrometheus.caSecretName', props.caSecretName);
        caSecretName = props.caSecretName;
      } else if (certificates.issuerRef && CA_WRITING_ISSUER_GROUPS.includes(certificates.issuerRef.group)) {
        // The Secrets that hold the CA today also hold private keys (the root client's is a SQL login):
        // the collectors get a Secret of their own. Its certificate can only serve TLS, for the name of a
        // Service that does not exist (no client auth: it never logs in; not a node's name: it cannot pass
        // for one), and its ca.crt is the issuer's CA as of its last renewal: renewed every 8 hours, it
        // follows a renewed CA well within their overlap (see the rotation runbook for a replaced one).
        caSecretName = `${cluster.name}-scrape-ca`;
        const serviceDomain = cluster.publicHost.slice(cluster.publicHost.indexOf('.') + 1);
        this.caCertificate = renderCertificate(this, 'CaCertificate', {
          ...metadata(caSecretName), secretName: caSecretName,
          commonName: `${cluster.name} scrape CA bundle`,
          dnsNames: [`${caSecretName}.${serviceDomain}`],
          usages: ['server auth'],
          duration: Duration.hours(24), renewBefore: Duration.hours(16),
          keyAlgorithm: 'ECDSA', rotateKey: true, issuer: certificates.issuerRef,
        });
      } else {
        reject(cluster, 'managedPrometheus.caSecretName', props.caSecretName,
          'expected the name of a Secret whose ca.crt is the CA of the nodes\' certificates: they come from existing Secrets or an issuer outside cert-manager.io and cas-issuer.jetstack.io, and the collectors must not read a Secret that holds a private key of ours');
      }
      this.caReaderRole = new k8s.KubeRole(this, 'CaReaderRole', {
        metadata: metadata(`${cluster.name}-gmp-ca-reader`),
        rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [caSecretName], verbs: ['get', 'list', 'watch'] }],
      });
      new k8s.KubeRoleBinding(this, 'CaReaderRoleBinding', {
        metadata: metadata(`${cluster.name}-gmp-ca-reader`),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.caReaderRole.name },
        subjects: [{ kind: 'ServiceAccount', name: GMP_COLLECTOR_SERVICE_ACCOUNT, namespace: GMP_SYSTEM_NAMESPACE }],
      });
    }

    this.podMonitoring = new ApiObject(this, 'PodMonitoring', {
      apiVersion: 'monitoring.googleapis.com/v1',
      kind: 'PodMonitoring',
      metadata: metadata(cluster.name),
      spec: {
        selector: { matchLabels: { ...cluster.selectorLabels } },
        endpoints: [{
          port: 'http',
          path: '/_status/vars',
          interval: `${interval}s`,
          ...(props.keepAllMetrics ? {} : {
            metricRelabeling: [{ action: 'keep', sourceLabels: ['__name__'], regex: monitoredMetricNames().join('|') }],
          }),
          ...(caSecretName
            ? { scheme: 'https', tls: { serverName: cluster.publicHost, ca: { secret: { name: caSecretName, key: 'ca.crt' } } } }
            : { scheme: 'http' }),
        }],
      },
    });
    if (props.alerts ?? true) {
      this.rules = new ApiObject(this, 'Rules', {
        apiVersion: 'monitoring.googleapis.com/v1',
        kind: 'Rules',
        metadata: metadata(cluster.name),
        spec: {
          groups: [{
            name: `cockroachdb-${cluster.namespace}-${cluster.name}`,
            interval: '30s',
            rules: this.alerts.map(prometheusRuleOf),
          }],
        },
      });
    }
  }
}
