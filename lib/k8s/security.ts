import { Duration } from 'cdk8s';

/** Lifetime of one kind of certificate. */
export interface CertificateLifetime {
  /**
   * How long a certificate is valid.
   * @default - see the kind of certificate
   */
  readonly duration?: Duration;
  /**
   * How long before expiry cert-manager renews it.
   * @default - see the kind of certificate
   */
  readonly renewBefore?: Duration;
}

/** Certificate settings shared by every cert-manager mode. */
export interface CertificateOptions {
  /**
   * Node certificate (CN `node`, server and client auth).
   * @default - valid 1 year, renewed 30 days before expiry
   */
  readonly node?: CertificateLifetime;
  /**
   * Client certificates: `root` and every `addClientCertificate()` user.
   * @default - valid 30 days, renewed 7 days before expiry
   */
  readonly client?: CertificateLifetime;
  /**
   * Extra subject alternative names on the node certificate: DNS names (e.g. an external load
   * balancer's name) or IP addresses.
   * @default - none
   */
  readonly additionalSans?: string[];
}

/** Options of the self-contained cert-manager mode. */
export interface CertManagerOptions extends CertificateOptions {
  /**
   * The cluster's own certificate authority. It must outlive every leaf certificate: its `renewBefore`
   * must be at least the longest leaf `duration`, so a leaf never outlives the CA that signed it.
   * @default - valid 5 years, renewed 1 year before expiry
   */
  readonly ca?: CertificateLifetime;
}

/**
 * A cert-manager issuer that already exists: an `Issuer` in the cluster's namespace, a `ClusterIssuer`,
 * or an external issuer kind (e.g. `AWSPCAClusterIssuer` of group `awspca.cert-manager.io`).
 */
export class IssuerRef {
  /** An `Issuer` in the cluster's namespace. */
  public static issuer(name: string): IssuerRef {
    return new IssuerRef(name, 'Issuer', 'cert-manager.io');
  }

  /** A `ClusterIssuer`. */
  public static clusterIssuer(name: string): IssuerRef {
    return new IssuerRef(name, 'ClusterIssuer', 'cert-manager.io');
  }

  /** Any issuer kind, for external issuers. Kinds of group cert-manager.io must be Issuer or ClusterIssuer. */
  public static of(name: string, kind: string, group = 'cert-manager.io'): IssuerRef {
    return new IssuerRef(name, kind, group);
  }

  private constructor(
    /** Name of the issuer. */
    public readonly name: string,
    /** Kind of the issuer. */
    public readonly kind: string,
    /** API group of the issuer. */
    public readonly group: string,
  ) {}
}

/** Secrets that already hold the certificates, in the `kubernetes.io/tls` layout (ca.crt, tls.crt, tls.key). */
export interface ExistingSecretsOptions {
  /** Secret with the node certificate (CN `node`) and the CA certificate. */
  readonly nodeSecretName: string;
  /** Secret with the `root` client certificate and the CA certificate. */
  readonly rootClientSecretName: string;
}

/** The kinds of security a cluster can have. */
export enum SecurityMode {
  /** No TLS, no authentication. */
  INSECURE = 'insecure',
  /** TLS from a CA that the construct creates with cert-manager. */
  CERT_MANAGER = 'cert-manager',
  /** TLS from an existing cert-manager issuer. */
  CERT_MANAGER_ISSUER = 'cert-manager-issuer',
  /** TLS from Secrets made elsewhere. */
  EXISTING_SECRETS = 'existing-secrets',
}

/**
 * How a cluster secures its connections. TLS with certificates from cert-manager is the default;
 * turning security off takes an explicitly named choice, `ClusterSecurity.insecure()`.
 */
export class ClusterSecurity {
  /**
   * No TLS and no authentication (`--insecure` on every node and client). Local development only: such
   * a cluster must never face a network anyone else can reach.
   */
  public static insecure(): ClusterSecurity {
    return new ClusterSecurity(SecurityMode.INSECURE, {});
  }

  /**
   * TLS everywhere, self-contained: the construct creates a self-signed bootstrap Issuer, a CA
   * certificate (ECDSA P-256), a CA Issuer, the node certificate and the `root` client certificate.
   * Needs cert-manager installed in the Kubernetes cluster.
   */
  public static certManager(options: CertManagerOptions = {}): ClusterSecurity {
    return new ClusterSecurity(SecurityMode.CERT_MANAGER, options);
  }

  /** TLS with node and client certificates from an existing Issuer or ClusterIssuer. */
  public static certManagerIssuer(issuer: IssuerRef, options: CertificateOptions = {}): ClusterSecurity {
    return new ClusterSecurity(SecurityMode.CERT_MANAGER_ISSUER, options, issuer);
  }

  /** TLS with certificates in existing Secrets; rotating them is up to whoever writes the Secrets. */
  public static existingSecrets(secrets: ExistingSecretsOptions): ClusterSecurity {
    return new ClusterSecurity(SecurityMode.EXISTING_SECRETS, {}, undefined, secrets);
  }

  private constructor(
    /** Which kind of security. */
    public readonly mode: SecurityMode,
    /** Certificate lifetimes and SANs (cert-manager modes). */
    public readonly options: CertManagerOptions,
    /** The existing issuer (CERT_MANAGER_ISSUER mode). */
    public readonly issuer?: IssuerRef,
    /** The existing Secrets (EXISTING_SECRETS mode). */
    public readonly secrets?: ExistingSecretsOptions,
  ) {}

  /** True when connections are encrypted and authenticated. */
  public get isSecure(): boolean {
    return this.mode !== SecurityMode.INSECURE;
  }

  /** True when cert-manager issues the certificates (so client certificates can be added). */
  public get usesCertManager(): boolean {
    return this.mode === SecurityMode.CERT_MANAGER || this.mode === SecurityMode.CERT_MANAGER_ISSUER;
  }
}
