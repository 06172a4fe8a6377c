import { Construct } from 'constructs';
import { reject } from '../shared/validate';
import { CIDR } from './cidr';

/** A network allowed to reach the control plane. */
export interface AuthorizedNetwork {
  /** An IPv4 CIDR block, e.g. `203.0.113.0/24`. */
  readonly cidrBlock: string;
  /**
   * A label for it.
   * @default - none
   */
  readonly displayName?: string;
}

/**
 * Who may reach the GKE control plane (the Kubernetes API), on top of IAM. There is no silent default
 * that opens it: a private endpoint, a list of networks, or `anywhere()`, by name.
 */
export class ControlPlaneAccess {
  /**
   * A public endpoint reachable only from these networks (master authorized networks). At least one;
   * `0.0.0.0/0` is `anywhere()`.
   */
  public static authorizedNetworks(networks: AuthorizedNetwork[]): ControlPlaneAccess {
    return new ControlPlaneAccess('authorizedNetworks', false, networks.map((n) => ({ ...n })));
  }

  /**
   * A public endpoint reachable from any address (access still needs IAM credentials). A named
   * weakening: prefer `authorizedNetworks([...])` or `privateEndpoint()`.
   */
  public static anywhere(): ControlPlaneAccess {
    return new ControlPlaneAccess('anywhere', false, [{ cidrBlock: '0.0.0.0/0', displayName: 'anywhere (ControlPlaneAccess.anywhere())' }]);
  }

  /**
   * The control plane has a private endpoint only: kubectl runs from the cluster's VPC (a VM in the
   * nodes' subnetwork, which is allowed implicitly, or through IAP TCP forwarding to one), with
   * `gcloud container clusters get-credentials … --internal-ip`. Terraform itself talks to Google's
   * APIs, not to the endpoint, and deploys from anywhere.
   * @param networks further internal ranges allowed (e.g. a peered admin VPC or a VPN range)
   */
  public static privateEndpoint(networks: AuthorizedNetwork[] = []): ControlPlaneAccess {
    return new ControlPlaneAccess('privateEndpoint', true, networks.map((n) => ({ ...n })));
  }

  private constructor(
    /** Which factory made it, for messages. */
    public readonly kind: 'authorizedNetworks' | 'anywhere' | 'privateEndpoint',
    /** True when the control plane has no public endpoint. */
    public readonly privateEndpoint: boolean,
    private readonly networks: AuthorizedNetwork[],
  ) {}

  /** The allowed networks (a copy). */
  public get authorizedNetworks(): AuthorizedNetwork[] {
    return this.networks.map((n) => ({ ...n }));
  }

  /** @internal Validates the networks; `prop` is the prop holding this access. */
  public _validate(scope: Construct, prop: string): void {
    if (this.kind === 'authorizedNetworks' && this.networks.length === 0) {
      reject(scope, prop, [], 'expected at least one network in ControlPlaneAccess.authorizedNetworks([...]); choose ControlPlaneAccess.privateEndpoint() for no public access, or ControlPlaneAccess.anywhere() to open the endpoint to every address');
    }
    this.networks.forEach((n, i) => {
      const p = `${prop}.authorizedNetworks[${i}].cidrBlock`;
      if (typeof n.cidrBlock !== 'string' || !CIDR.test(n.cidrBlock)) {
        reject(scope, p, n.cidrBlock, 'expected an IPv4 CIDR block such as "203.0.113.0/24"');
      }
      if (this.kind !== 'anywhere' && n.cidrBlock.endsWith('/0')) {
        reject(scope, p, n.cidrBlock, 'expected a network narrower than every address; opening the control plane to all is ControlPlaneAccess.anywhere(), by name');
      }
    });
  }
}
