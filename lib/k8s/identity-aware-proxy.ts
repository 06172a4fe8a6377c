import type { DeploymentDescription } from '../shared/description';
import type { ErrorScope } from '../shared/errors';
import { checkDnsSubdomain, reject } from '../shared/validate';

/** Options of {@link IdentityAwareProxy.of}. */
export interface IdentityAwareProxyOptions {
  /**
   * A Secret of the cluster's namespace with `client_id` and `client_secret`: your own OAuth client, for
   * users outside the project's organization, a project without organization, or your own consent
   * screen. Created by you (it never goes through the synthesized YAML). Once set, GKE cannot go back to
   * Google's managed client for this backend ("Cannot switch to default OAuth once IAP credentials have
   * been set"): keep it, or re-create the Ingress.
   * @default - Google's managed OAuth client: only users of the project's organization, from a browser
   */
  readonly oauthClientSecretName?: string;
  /**
   * The global static IP address the load balancer takes (`kubernetes.io/ingress.global-static-ip-name`),
   * reserved beforehand: the address your DNS name points at.
   * @default - an ephemeral address, which changes if the Ingress is re-created
   */
  readonly staticIpName?: string;
}

/** Google's front ends: where the load balancer's proxies and health checks reach the pods from. */
export const GOOGLE_FRONT_END_RANGES: readonly string[] = ['130.211.0.0/22', '35.191.0.0/16'];

const ADDRESS_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Google Cloud's Identity-Aware Proxy in front of the DB Console, on GKE's Ingress: only the principals
 * granted `roles/iap.httpsResourceAccessor` (the Google Cloud half grants them from the description) get
 * to the DB Console's login page. The Ingress is GKE's (`kubernetes.io/ingress.class: gce`), HTTPS only;
 * a BackendConfig turns IAP on and checks `/health`; the load balancer reaches the pods directly
 * (container-native, through a Service of the DB Console only), and the NetworkPolicy lets Google's front
 * ends reach port 8080. GKE then adds a readiness gate to the database pods: a new pod is Ready once the
 * load balancer's health check passes (at most 10 minutes later), which every rolling restart waits for.
 * On an insecure cluster IAP is the DB Console's only gate (it has no login then).
 * @see https://cloud.google.com/iap/docs/enabling-kubernetes-howto
 */
export class IdentityAwareProxy {
  /** IAP with the given options. */
  public static of(options: IdentityAwareProxyOptions = {}): IdentityAwareProxy {
    return new IdentityAwareProxy(options, undefined);
  }

  /**
   * IAP on the address the deployment description reserves (`dbConsoleIap.staticIpName`), for the
   * principals it names.
   */
  public static fromDeployment(description: DeploymentDescription, options: Pick<IdentityAwareProxyOptions, 'oauthClientSecretName'> = {}): IdentityAwareProxy {
    return new IdentityAwareProxy({ ...options, staticIpName: description.dbConsoleIap?.staticIpName }, description);
  }

  private constructor(
    /** The options, with the description's address when from a description. */
    public readonly options: IdentityAwareProxyOptions,
    private readonly description: DeploymentDescription | undefined,
  ) {}

  /** Checks the options; errors name `prop`. @internal */
  public _validate(scope: ErrorScope, prop: string): void {
    if (this.description !== undefined && this.description.dbConsoleIap === undefined) {
      reject(scope, prop, 'IdentityAwareProxy.fromDeployment(description)', 'expected a description with dbConsoleIap (the principals IAP lets through and the address), or IdentityAwareProxy.of(…)');
    }
    const { oauthClientSecretName, staticIpName } = this.options;
    if (oauthClientSecretName !== undefined) checkDnsSubdomain(scope, `${prop}.oauthClientSecretName`, oauthClientSecretName);
    if (staticIpName !== undefined && (typeof staticIpName !== 'string' || !ADDRESS_NAME.test(staticIpName))) {
      reject(scope, `${prop}.staticIpName`, staticIpName, 'expected a Compute Engine address name: 1 to 63 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen');
    }
  }

  /** The BackendConfig's `iap` field. @internal */
  public _iap(): { enabled: true; oauthclientCredentials?: { secretName: string } } {
    const secretName = this.options.oauthClientSecretName;
    return { enabled: true, ...(secretName !== undefined ? { oauthclientCredentials: { secretName } } : {}) };
  }
}
