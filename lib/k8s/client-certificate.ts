import { ApiObject } from 'cdk8s';
import type { AbstractPod, Container } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { IClusterIdentity } from './cluster-ref';
import type { ClusterSecurity } from './security';
import { checkDnsSubdomain, reject } from '../shared/validate';
import { CERT_FILE_MODE, type ClusterCertificates } from './tls';

/** Options of {@link CockroachCluster.addClientCertificate}. */
export interface ClientCertificateOptions {
  /**
   * A Secret that already holds the user's certificate (`kubernetes.io/tls` layout with `ca.crt`).
   * Required when the cluster's certificates come from existing Secrets.
   * @default - cert-manager issues a certificate with CN = the user
   */
  readonly secretName?: string;
}

/** Options of {@link ClientCertificate.mount}. */
export interface ClientCertificateMountOptions {
  /**
   * Directory of the files inside the containers.
   * @default ClientCertificate.DEFAULT_CERTS_DIR
   */
  readonly path?: string;
  /**
   * The containers that get the files.
   * @default - every container of the workload
   */
  readonly containers?: Container[];
}

/** What a client certificate needs from its cluster (see {@link ClientCertificate}). */
export interface IClientCertificateTarget extends IClusterIdentity {
  /** How the cluster secures connections: certificates need TLS, and cert-manager to issue them. */
  readonly security: ClusterSecurity;
  /**
   * The cluster's certificates, whose CA issues the client's.
   * @default - none: an insecure cluster
   */
  readonly certificates?: ClusterCertificates;
  /** DNS name of the public Service, in the user's connection URL. */
  readonly publicHost: string;
  /** The SQL port, in the user's connection URL. */
  readonly sqlPort: number;
}

/** Properties of {@link ClientCertificate}. */
export interface ClientCertificateProps extends ClientCertificateOptions {
  /** The cluster the user connects to. */
  readonly cluster: IClientCertificateTarget;
  /** The SQL user: the certificate's common name. */
  readonly user: string;
}

/** SQL user names this library accepts: lowercase, and mappable to a Kubernetes object name. */
export const SQL_USER_PATTERN = /^([a-z]|[a-z_][a-z0-9_-]{0,61}[a-z0-9])$/;
/** Identities that a client certificate must never carry. */
const RESERVED_USERS = ['root', 'node', 'public', 'admin'];

/**
 * A client certificate for one SQL user, for password-less mutual TLS from applications.
 *
 * `mount()` puts `ca.crt`, `client.<user>.crt` and `client.<user>.key` into a cdk8s-plus workload, and
 * `connectionUrl()` gives the matching `postgresql://` URL with `sslmode=verify-full`.
 */
export class ClientCertificate extends Construct {
  /** Where `mount()` puts the files unless told otherwise. */
  public static readonly DEFAULT_CERTS_DIR = '/etc/cockroach-certs';

  /** The SQL user (the certificate's CN). */
  public readonly user: string;
  /** The Secret holding the certificate. */
  public readonly secretName: string;
  /** The cert-manager Certificate, unless an existing Secret was given (escape hatch). */
  public readonly certificate?: ApiObject;

  private readonly cluster: IClientCertificateTarget;

  constructor(scope: Construct, id: string, props: ClientCertificateProps) {
    super(scope, id);
    const { cluster, user } = props;
    this.cluster = cluster;
    this.user = user;
    if (typeof user !== 'string' || !SQL_USER_PATTERN.test(user)) {
      reject(this, 'user', user, 'expected a SQL user name of 1 to 63 lowercase letters, digits, \'_\' or \'-\', starting with a letter or \'_\' and ending with a letter or digit');
    }
    if (RESERVED_USERS.includes(user)) {
      reject(this, 'user', user, `expected an application user: ${RESERVED_USERS.map((u) => `"${u}"`).join(', ')} are reserved (root's certificate already exists; "node" would impersonate the cluster's nodes)`);
    }
    if (!cluster.security.isSecure) {
      reject(this, 'security', 'ClusterSecurity.insecure()', `a client certificate for "${user}" needs a secure cluster: an insecure cluster accepts no certificates. Use ClusterSecurity.certManager()`);
    }
    const certificates = cluster.certificates!;
    if (props.secretName !== undefined) {
      checkDnsSubdomain(this, 'secretName', props.secretName);
      this.secretName = props.secretName;
    } else if (cluster.security.usesCertManager) {
      this.secretName = certificates.clientSecretName(user);
      this.certificate = certificates._issueClientCertificate(this, 'Certificate', user);
    } else {
      reject(this, 'secretName', undefined, `the cluster's certificates come from existing Secrets, so nothing can issue one for "${user}": pass the Secret holding it`);
    }
  }

  /** File name of the certificate, e.g. `client.app.crt`. */
  public get certFileName(): string {
    return `client.${this.user}.crt`;
  }

  /** File name of the private key, e.g. `client.app.key`. */
  public get keyFileName(): string {
    return `client.${this.user}.key`;
  }

  /**
   * Mounts the CA, the certificate and the key into a workload (read-only, mode 0440, group = the pod's
   * fsGroup) and returns the directory. The workload's pod must have an fsGroup
   * (`securityContext: { fsGroup: 2000 }`): the files are owned by root and by that group, which kubelet
   * adds to every container's groups, so a non-root process can read the key (and libpq accepts a
   * root-owned key of mode 0440). A workload without one is refused: its process could not read the key.
   */
  public mount(workload: AbstractPod, options: ClientCertificateMountOptions = {}): string {
    const dir = options.path ?? ClientCertificate.DEFAULT_CERTS_DIR;
    if (!dir.startsWith('/') || /\s|\.\./.test(dir)) {
      reject(this, 'mount(path)', dir, 'expected an absolute path without spaces or ".."');
    }
    const containers = options.containers ?? workload.containers;
    if (containers.length === 0) {
      reject(this, 'mount(workload)', workload.node.path, 'expected a workload with at least one container: add its containers first');
    }
    if (workload.securityContext.fsGroup === undefined) {
      reject(this, 'mount(workload)', workload.node.path, 'expected a workload whose pod has an fsGroup, e.g. `securityContext: { fsGroup: 2000 }`: '
        + 'the key file is mode 0440, owned by root and by the pod\'s fsGroup, which kubelet adds to every container\'s groups; without one the group is root '
        + 'and a non-root process cannot read the key');
    }
    // Loaded here, not at the top: the cdk8s-plus L2 classes cost start-up time to every synth otherwise.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Secret, Volume } = require('cdk8s-plus-28') as typeof import('cdk8s-plus-28');
    const id = `CockroachClientCertificate-${this.cluster.name}-${this.user}`;
    const secret = Secret.fromSecretName(workload, `${id}-Secret`, this.secretName);
    const volume = Volume.fromSecret(workload, `${id}-Volume`, secret, {
      name: `crdb-${this.cluster.name}-${this.user.replace(/_/g, '-')}`.slice(0, 63).replace(/-+$/, ''),
      defaultMode: CERT_FILE_MODE,
      items: {
        'ca.crt': { path: 'ca.crt' },
        'tls.crt': { path: this.certFileName },
        'tls.key': { path: this.keyFileName },
      },
    });
    for (const container of containers) container.mount(dir, volume, { readOnly: true });
    return dir;
  }

  /**
   * A libpq-style connection URL through the cluster's public Service, with full verification of the
   * server certificate and client authentication by certificate, e.g.
   * `postgresql://app@crdb-public.db.svc.cluster.local:26257/shop?sslmode=verify-full&sslrootcert=…`.
   * @param database the database to connect to. @default 'defaultdb'
   * @param certsDir where the files are mounted. @default ClientCertificate.DEFAULT_CERTS_DIR
   */
  public connectionUrl(database = 'defaultdb', certsDir = ClientCertificate.DEFAULT_CERTS_DIR): string {
    if (!/^[a-z_][a-z0-9_$-]{0,62}$/.test(database)) {
      reject(this, 'connectionUrl(database)', database, 'expected a database name of lowercase letters, digits, \'_\', \'$\' or \'-\', starting with a letter or \'_\'');
    }
    const q = (p: string) => encodeURIComponent(p).replace(/%2F/g, '/');
    return `postgresql://${this.user}@${this.cluster.publicHost}:${this.cluster.sqlPort}/${database}`
      + `?sslmode=verify-full&sslrootcert=${q(`${certsDir}/ca.crt`)}`
      + `&sslcert=${q(`${certsDir}/${this.certFileName}`)}&sslkey=${q(`${certsDir}/${this.keyFileName}`)}`;
  }

}
