import { ApiObject, Duration } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import type { ILabelledCluster } from './cluster-ref';
import { goDuration, renderCertificate, renderIssuer } from './private/cert-manager';
import { durationSeconds } from './private/units';
import { checkDnsSubdomain, checkRules, reject } from '../shared/validate';
import { CertificateLifetime, ClusterSecurity, SecurityMode } from './security';
import { withoutPruneLabels } from './prune';

/** Where certificates are mounted in every CockroachDB container (node pods, Jobs, client pods). */
export const CERTS_DIR = '/cockroach/cockroach-certs';
/** Mode of the mounted certificate and key files: owner root, group = the pod's fsGroup, read-only. */
export const CERT_FILE_MODE = 0o440;

const DEFAULTS = {
  ca: { duration: Duration.hours(43800), renewBefore: Duration.hours(8760) },
  node: { duration: Duration.hours(8760), renewBefore: Duration.hours(720) },
  client: { duration: Duration.hours(720), renewBefore: Duration.hours(168) },
};
const MIN_DURATION_SECONDS = 3600;
const MIN_RENEW_BEFORE_SECONDS = 300;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:]+$/;
const WILDCARD_DNS = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const KNOWN_CERT_MANAGER_KINDS = ['Issuer', 'ClusterIssuer'];

/** What the certificates need from their cluster (see {@link ClusterCertificates}). */
export interface ICertificatesTarget extends ILabelledCluster {
  /** The public Service, a name in the node certificate. */
  readonly publicServiceName: string;
  /** The headless Service, whose pod names the node certificate covers. */
  readonly discoveryServiceName: string;
  /** The Kubernetes cluster's DNS domain, the suffix of those names. */
  readonly clusterDomain: string;
  /**
   * The domain the pods advertise their names under, when not the cluster's (a region's Cloud DNS domain
   * in a multi-region cluster): the node certificate covers the Services' and pods' names under it too.
   * @default - the cluster domain
   */
  readonly advertiseDomain?: string;
}

/** Properties of {@link ClusterCertificates}. */
export interface ClusterCertificatesProps {
  /** The cluster the certificates are for. */
  readonly cluster: ICertificatesTarget;
  /** A secure mode (anything but insecure). */
  readonly security: ClusterSecurity;
}

/**
 * The certificates of a secure cluster: in cert-manager mode, a self-signed bootstrap Issuer, the CA
 * Certificate, the CA Issuer, the node Certificate and the root client Certificate; with an existing
 * issuer, the node and root client Certificates only; with existing Secrets, nothing but their names.
 */
export class ClusterCertificates extends Construct {
  /** Secret with the node certificate (tls.crt, tls.key) and the CA (ca.crt). */
  public readonly nodeSecretName: string;
  /** Secret with the root client certificate and the CA. */
  public readonly rootClientSecretName: string;
  /** The DNS names and IP addresses the node certificate is valid for. */
  public readonly nodeSans: string[];
  /** The CA Certificate (self-contained mode only; escape hatch). */
  public readonly caCertificate?: ApiObject;
  /** The node Certificate (cert-manager modes; escape hatch). */
  public readonly nodeCertificate?: ApiObject;
  /** The root client Certificate (cert-manager modes; escape hatch). */
  public readonly rootClientCertificate?: ApiObject;
  /** The issuer of node and client certificates (cert-manager modes). */
  public readonly issuerRef?: {
    /** Name of the issuer. */
    readonly name: string;
    /** Its kind, e.g. `Issuer` or `ClusterIssuer`. */
    readonly kind: string;
    /** Its API group, e.g. `cert-manager.io`. */
    readonly group: string;
  };

  private readonly cluster: ICertificatesTarget;
  private readonly clientLifetime: Required<CertificateLifetime>;

  constructor(scope: Construct, id: string, props: ClusterCertificatesProps) {
    super(scope, id);
    const { cluster, security } = props;
    this.cluster = cluster;
    const name = cluster.name;
    const labels = cluster._componentLabels('tls');

    const options = security.options;
    const ca = this.lifetime('ca', options.ca, DEFAULTS.ca);
    const node = this.lifetime('node', options.node, DEFAULTS.node);
    this.clientLifetime = this.lifetime('client', options.client, DEFAULTS.client);
    const client = this.clientLifetime;

    const additionalSans = options.additionalSans ?? [];
    additionalSans.forEach((san, i) => {
      if (!(IPV4.test(san) || (san.includes(':') && IPV6.test(san)) || (san.length <= 253 && WILDCARD_DNS.test(san)))) {
        reject(this, `additionalSans[${i}]`, san, 'expected a DNS name (optionally starting with "*.") or an IP address');
      }
    });
    const pub = cluster.publicServiceName;
    const disc = cluster.discoveryServiceName;
    const ns = cluster.namespace;
    const domain = cluster.clusterDomain;
    const advertised = cluster.advertiseDomain ?? domain;
    const dnsSans = [
      'localhost',
      pub, `${pub}.${ns}`, `${pub}.${ns}.svc.${domain}`,
      `*.${disc}`, `*.${disc}.${ns}`, `*.${disc}.${ns}.svc.${domain}`,
      // The names the other regions reach the nodes by.
      ...(advertised !== domain ? [`${pub}.${ns}.svc.${advertised}`, `*.${disc}.${ns}.svc.${advertised}`] : []),
      ...additionalSans.filter((s) => !IPV4.test(s) && !s.includes(':')),
    ];
    const ipSans = ['127.0.0.1', ...additionalSans.filter((s) => IPV4.test(s) || s.includes(':'))];
    this.nodeSans = [...dnsSans, ...ipSans];

    if (security.mode === SecurityMode.EXISTING_SECRETS) {
      const secrets = security.secrets!;
      checkDnsSubdomain(this, 'security.nodeSecretName', secrets.nodeSecretName);
      checkDnsSubdomain(this, 'security.rootClientSecretName', secrets.rootClientSecretName);
      this.nodeSecretName = secrets.nodeSecretName;
      this.rootClientSecretName = secrets.rootClientSecretName;
      return;
    }

    if (security.mode === SecurityMode.CERT_MANAGER_ISSUER) {
      const issuer = security.issuer!;
      checkDnsSubdomain(this, 'security.issuer (name)', issuer.name);
      if (issuer.group === 'cert-manager.io' && !KNOWN_CERT_MANAGER_KINDS.includes(issuer.kind)) {
        reject(this, 'security.issuer (kind)', issuer.kind, 'expected "Issuer" or "ClusterIssuer" for group cert-manager.io (use IssuerRef.of(name, kind, group) for an external issuer)');
      }
      if (!/^[A-Z][A-Za-z0-9]*$/.test(issuer.kind)) {
        reject(this, 'security.issuer (kind)', issuer.kind, 'expected a Kubernetes kind in UpperCamelCase, e.g. "ClusterIssuer"');
      }
      checkDnsSubdomain(this, 'security.issuer (group)', issuer.group);
      this.issuerRef = { name: issuer.name, kind: issuer.kind, group: issuer.group };
    } else {
      checkRules(this, [
        {
          props: 'security.ca.duration, security.node.duration, security.client.duration',
          violated: durationSeconds(ca.duration) <= Math.max(durationSeconds(node.duration), durationSeconds(client.duration)),
          message: `received ca.duration ${goDuration(ca.duration)}, node.duration ${goDuration(node.duration)}, client.duration ${goDuration(client.duration)}; the CA must be valid longer than every certificate it signs (see cockroachdb/helm-charts#397). Lengthen ca.duration or shorten the leaf durations`,
        },
        {
          props: 'security.ca.renewBefore, security.node.duration, security.client.duration',
          violated: durationSeconds(ca.renewBefore) < Math.max(durationSeconds(node.duration), durationSeconds(client.duration)),
          message: `received ca.renewBefore ${goDuration(ca.renewBefore)} with leaf durations up to ${goDuration(durationSeconds(node.duration) >= durationSeconds(client.duration) ? node.duration : client.duration)}; the CA must be renewed at least one leaf lifetime before it expires, so that no certificate outlives the CA that signed it. Raise ca.renewBefore or shorten the leaf durations`,
        },
      ]);
      // The CA and its self-signed issuer never carry the prune labels: with cert-manager's
      // --enable-certificate-owner-ref, deleting the CA's Certificate would delete the CA key with it.
      const caLabels = withoutPruneLabels(labels);
      const bootstrap = renderIssuer(this, 'SelfSignedIssuer', { name: `${name}-selfsigned`, namespace: ns, labels: caLabels });
      this.caCertificate = renderCertificate(this, 'CaCertificate', {
        name: `${name}-ca`, namespace: ns, labels: caLabels, secretName: `${name}-ca`,
        commonName: `${name} CockroachDB CA`, organization: 'Cockroach', isCA: true,
        duration: ca.duration, renewBefore: ca.renewBefore,
        usages: ['cert sign', 'crl sign', 'digital signature'],
        keyAlgorithm: 'ECDSA', rotateKey: false,
        issuer: { name: bootstrap.name, kind: 'Issuer', group: 'cert-manager.io' },
      });
      const caIssuer = renderIssuer(this, 'CaIssuer', { name: `${name}-ca-issuer`, namespace: ns, labels, caSecretName: `${name}-ca` });
      caIssuer.addDependency(this.caCertificate);
      this.issuerRef = { name: caIssuer.name, kind: 'Issuer', group: 'cert-manager.io' };
    }

    this.nodeSecretName = `${name}-node`;
    this.nodeCertificate = renderCertificate(this, 'NodeCertificate', {
      name: this.nodeSecretName, namespace: ns, labels, secretName: this.nodeSecretName,
      commonName: 'node', organization: 'Cockroach',
      duration: node.duration, renewBefore: node.renewBefore,
      usages: ['digital signature', 'key encipherment', 'server auth', 'client auth'],
      dnsNames: dnsSans, ipAddresses: ipSans,
      keyAlgorithm: 'RSA', rotateKey: true, issuer: this.issuerRef,
    });
    this.rootClientSecretName = this.clientSecretName('root');
    this.rootClientCertificate = this._issueClientCertificate(this, 'RootClientCertificate', 'root');
  }

  /** Name of the Secret holding a user's client certificate. */
  public clientSecretName(user: string): string {
    return `${this.cluster.name}-client-${user.replace(/_/g, '-')}`;
  }

  /**
   * A cert-manager Certificate with CN = the SQL user, for client authentication.
   * @internal
   */
  public _issueClientCertificate(scope: Construct, id: string, user: string): ApiObject {
    const secretName = this.clientSecretName(user);
    return renderCertificate(scope, id, {
      name: secretName, namespace: this.cluster.namespace, labels: this.cluster._componentLabels('tls'), secretName,
      commonName: user, organization: 'Cockroach',
      duration: this.clientLifetime.duration, renewBefore: this.clientLifetime.renewBefore,
      usages: ['digital signature', 'key encipherment', 'client auth'],
      keyAlgorithm: 'RSA', rotateKey: true, issuer: this.issuerRef!,
    });
  }

  /**
   * The projected volume of a CockroachDB node: ca.crt, node.crt, node.key, client.root.crt and
   * client.root.key, read-only, mode 0440. The files are owned by root with the pod's fsGroup as group,
   * which CockroachDB accepts for keys; kubelet refreshes them in place when cert-manager renews.
   * @internal
   */
  public _nodeVolume(name: string): k8s.Volume {
    return {
      name,
      projected: {
        defaultMode: CERT_FILE_MODE,
        sources: [
          { secret: { name: this.nodeSecretName, items: [
            { key: 'ca.crt', path: 'ca.crt' }, { key: 'tls.crt', path: 'node.crt' }, { key: 'tls.key', path: 'node.key' },
          ] } },
          { secret: { name: this.rootClientSecretName, items: clientItems('root', false) } },
        ],
      },
    };
  }

  /**
   * The projected volume of a client pod acting as `user`: ca.crt, client.<user>.crt and client.<user>.key.
   * @internal
   */
  public _clientVolume(name: string, user: string, secretName: string): k8s.Volume {
    return {
      name,
      projected: { defaultMode: CERT_FILE_MODE, sources: [{ secret: { name: secretName, items: clientItems(user, true) } }] },
    };
  }

  private lifetime(kind: string, input: CertificateLifetime | undefined, defaults: Required<CertificateLifetime>): Required<CertificateLifetime> {
    const duration = input?.duration ?? defaults.duration;
    const renewBefore = input?.renewBefore ?? defaults.renewBefore;
    const d = durationSeconds(duration);
    const r = durationSeconds(renewBefore);
    if (!Number.isInteger(d / 60) || d < MIN_DURATION_SECONDS) {
      reject(this, `security.${kind}.duration`, goDurationSafe(d), 'expected whole minutes, at least 1h (cert-manager\'s minimum)');
    }
    if (!Number.isInteger(r / 60) || r < MIN_RENEW_BEFORE_SECONDS || r >= d) {
      reject(this, `security.${kind}.renewBefore`, goDurationSafe(r), `expected whole minutes, at least 5m and shorter than the duration (${goDurationSafe(d)})`);
    }
    return { duration, renewBefore };
  }
}

function clientItems(user: string, withCa: boolean): k8s.KeyToPath[] {
  return [
    ...(withCa ? [{ key: 'ca.crt', path: 'ca.crt' }] : []),
    { key: 'tls.crt', path: `client.${user}.crt` },
    { key: 'tls.key', path: `client.${user}.key` },
  ];
}

function goDurationSafe(seconds: number): string {
  return Number.isInteger(seconds / 3600) ? `${seconds / 3600}h` : `${seconds}s`;
}
