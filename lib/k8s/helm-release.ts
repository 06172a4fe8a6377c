import type { ErrorScope } from '../shared/errors';
import { ClusterSecurity } from './security';
import { checkDnsLabel, checkLabelKey, checkLabelValue, reject } from '../shared/validate';

/** The values of the official chart's release that its objects' names and selectors come from. */
export interface HelmReleaseOptions {
  /** The release's name, as given to `helm install` (the book's is `crdb`). */
  readonly release: string;
  /**
   * The chart's `nameOverride` value.
   * @default 'cockroachdb' - the chart's name
   */
  readonly nameOverride?: string;
  /**
   * The chart's `fullnameOverride` value.
   * @default - none: the full name comes from the release and the chart's name
   */
  readonly fullnameOverride?: string;
  /**
   * The chart's `statefulset.labels` value as the release rendered it (Helm merges values into the chart's
   * defaults: a label added in the values comes with the default one). The chart puts them all in the
   * StatefulSet's selector, which can never change: the runbook's first step prints the live selector.
   * @default { 'app.kubernetes.io/component': 'cockroachdb' } - the chart's default
   */
  readonly statefulSetLabels?: { readonly [key: string]: string };
}

/** The chart's name: the default of `nameOverride`. */
export const HELM_CHART_NAME = 'cockroachdb';
/** The name of the SQL port in the chart's pods and Services (`service.ports.grpc.external.name`). */
export const HELM_CHART_SQL_PORT_NAME = 'grpc';
/** The default of the chart's `statefulset.labels` (every chart version), which joins its selector. */
const CHART_STATEFULSET_LABELS = { 'app.kubernetes.io/component': 'cockroachdb' };
/** The labels of the selector that the chart sets from the release, not from `statefulset.labels`. */
const RELEASE_LABELS = ['app.kubernetes.io/name', 'app.kubernetes.io/instance'];

/**
 * A running cluster that the official Helm chart (`cockroachdb/cockroachdb`) installed, for a cluster of
 * this library to take over in place (`adoptHelmRelease`): its StatefulSet, Services, ServiceAccount and
 * PodDisruptionBudget keep their names, the StatefulSet its selector, service name and volume claim
 * template, so the pods keep their volumes and the cluster its data and its init state.
 *
 * The names follow the chart's helpers: the full name is the release's name when it contains the chart's
 * name, `<release>-cockroachdb` otherwise (`fullnameOverride` replaces it), cut at 56 characters.
 * @see https://github.com/cockroachdb/helm-charts/blob/master/cockroachdb/templates/_helpers.tpl
 */
export class HelmRelease {
  /** The release of `helm install <release> cockroachdb/cockroachdb`, with the chart's default names. */
  public static of(release: string): HelmRelease {
    return new HelmRelease({ release });
  }

  /** A release whose values changed names or the selector (`nameOverride`, `fullnameOverride`, `statefulset.labels`). */
  public static withValues(options: HelmReleaseOptions): HelmRelease {
    return new HelmRelease(options);
  }

  private constructor(
    /** The values the names come from. */
    public readonly options: HelmReleaseOptions,
  ) {}

  /** The release's name. */
  public get release(): string {
    return this.options.release;
  }

  /** The `app.kubernetes.io/name` label of the chart's objects: `nameOverride`, or the chart's name. */
  public get chartName(): string {
    return trunc56(this.options.nameOverride || HELM_CHART_NAME);
  }

  /** The chart's full name: the name of the StatefulSet, the discovery Service and the ServiceAccount. */
  public get fullname(): string {
    const o = this.options;
    if (o.fullnameOverride) return trunc56(o.fullnameOverride);
    const name = o.nameOverride || HELM_CHART_NAME;
    return trunc56(o.release.includes(name) ? o.release : `${o.release}-${name}`);
  }

  /** The StatefulSet's selector as the chart renders it (immutable): also the labels its pods must carry. */
  public get selectorLabels(): { [key: string]: string } {
    return { ...this.claimLabels, ...(this.options.statefulSetLabels ?? CHART_STATEFULSET_LABELS) };
  }

  /**
   * The labels of the chart's volume claim template (immutable): the chart's name and the release. Values
   * that add labels there (`storage.persistentVolume.labels`, `labels`) are not supported.
   */
  public get claimLabels(): { [key: string]: string } {
    return { 'app.kubernetes.io/name': this.chartName, 'app.kubernetes.io/instance': this.release };
  }

  /**
   * The security of a release with TLS from the chart's self-signer (its default since chart 6.1.0): the
   * node and root client certificates stay in the Secrets the self-signer made (`<full name>-node-secret`,
   * `<full name>-client-secret`, in the `kubernetes.io/tls` layout), under the same CA, so no node sees a
   * new CA during the move. The self-signer's rotation CronJobs keep renewing them.
   */
  public selfSignerSecurity(): ClusterSecurity {
    return ClusterSecurity.existingSecrets({ nodeSecretName: `${this.fullname}-node-secret`, rootClientSecretName: `${this.fullname}-client-secret` });
  }

  /**
   * The security of a release with TLS from cert-manager (`tls.certs.certManager: true`): the Secrets its
   * Certificates write (`tls.certs.nodeSecret` and `tls.certs.clientRootSecret`), which cert-manager keeps
   * renewing.
   */
  public certManagerSecurity(nodeSecret = 'cockroachdb-node', clientRootSecret = 'cockroachdb-root'): ClusterSecurity {
    return ClusterSecurity.existingSecrets({ nodeSecretName: nodeSecret, rootClientSecretName: clientRootSecret });
  }

  /** Checks the values (errors name `prop`). */
  public _check(scope: ErrorScope, prop: string): void {
    const o = this.options;
    // Helm's own limit on release names: a DNS label of at most 53 characters.
    if (typeof o.release !== 'string') reject(scope, `${prop}.release`, o.release, 'expected the release name given to helm install, e.g. "crdb"');
    checkDnsLabel(scope, `${prop}.release`, o.release, 53);
    if (o.nameOverride !== undefined && o.nameOverride !== '') checkDnsLabel(scope, `${prop}.nameOverride`, o.nameOverride);
    if (o.fullnameOverride !== undefined && o.fullnameOverride !== '') checkDnsLabel(scope, `${prop}.fullnameOverride`, o.fullnameOverride);
    for (const [key, value] of Object.entries(o.statefulSetLabels ?? {})) {
      checkLabelKey(scope, `${prop}.statefulSetLabels`, key);
      checkLabelValue(scope, `${prop}.statefulSetLabels["${key}"]`, value);
      if (RELEASE_LABELS.includes(key)) {
        reject(scope, `${prop}.statefulSetLabels`, key, 'expected labels other than app.kubernetes.io/name and app.kubernetes.io/instance, which the chart sets from nameOverride and the release');
      }
    }
  }
}

/** The chart's `trunc 56 | trimSuffix "-"`. */
function trunc56(name: string): string {
  const cut = name.slice(0, 56);
  return cut.endsWith('-') ? cut.slice(0, -1) : cut;
}
