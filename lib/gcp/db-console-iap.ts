import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { IapWebIamMember } from '@cdktf/provider-google/lib/iap-web-iam-member';
import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { DeploymentDescription } from '../shared/description';
import { reject } from '../shared/validate';
import { checkGcpLabels } from './labels';
import { terraformId } from './terraform-id';

/** The role that lets a principal through Identity-Aware Proxy to a web resource, and nothing more. */
export const IAP_ACCESSOR_ROLE = 'roles/iap.httpsResourceAccessor';

/** Properties of {@link DbConsoleIap}. */
export interface DbConsoleIapConstructProps {
  /** The deployment: its `dbConsoleIap` (members, address name) and project. */
  readonly description: DeploymentDescription;
  /**
   * Labels of the static address.
   * @default - none
   */
  readonly labels?: { readonly [key: string]: string };
}

/**
 * The Google Cloud half of the DB Console behind Identity-Aware Proxy (the description's `dbConsoleIap`):
 * the global static external IPv4 address that GKE's Ingress puts its load balancer on
 * (`kubernetes.io/ingress.global-static-ip-name`), and `roles/iap.httpsResourceAccessor` for each member.
 * The Kubernetes half (`IdentityAwareProxy.fromDeployment`) renders the Ingress and the BackendConfig
 * that turns IAP on.
 *
 * Point the DB Console's DNS name at the address ({@link DbConsoleIap.ipAddress}, the GkeStack's output
 * `db_console_ip_address`): it stays the same while the stack lives, whatever happens to the Ingress; a
 * destroy releases it, and the DNS record then points at an address that someone else may get.
 *
 * The grants are project-wide for IAP-secured web resources (`google_iap_web_iam_member`): GKE creates
 * the backend service and names it (`k8s1-…`) only once the Ingress has synced, so a grant on that one
 * backend service cannot be declared beforehand. Every other IAP-secured app of the project lets these
 * members through too: give the DB Console a project of its own if that matters. Each member is a
 * resource of its own (non-authoritative): the grants of other principals stay untouched.
 *
 * No OAuth brand or client is created (`google_iap_brand`, `google_iap_client`): the IAP OAuth Admin API
 * they call is deprecated since 2025-01-22 and shut down on 2026-03-19. IAP uses a Google-managed OAuth
 * client by default, which lets in only users of the project's organization; members outside it need an
 * OAuth client of one's own, made in the console (BackendConfig `iap.oauthclientCredentials`).
 * @see https://cloud.google.com/iap/docs/enabling-kubernetes-howto
 * @see https://cloud.google.com/iap/docs/deprecations/migrate-oauth-client
 * @see https://cloud.google.com/iap/docs/custom-oauth-configuration
 */
export class DbConsoleIap extends Construct {
  /** The global static address (escape hatch). */
  public readonly address: ComputeGlobalAddress;
  /** The `roles/iap.httpsResourceAccessor` grants (escape hatch), one per member, in the order of `members`. */
  public readonly accessors: IapWebIamMember[];
  /** The address's name, which the Ingress names (`kubernetes.io/ingress.global-static-ip-name`). */
  public readonly staticIpName: string;

  constructor(scope: Construct, id: string, props: DbConsoleIapConstructProps) {
    super(scope, id);
    const d = props.description;
    const iap = d.dbConsoleIap;
    if (iap === undefined) {
      reject(this, 'description.dbConsoleIap', iap, 'expected a description with dbConsoleIap (its members and static address name)');
    }
    checkGcpLabels(this, 'labels', props.labels ?? {});
    this.staticIpName = iap.staticIpName;
    this.address = new ComputeGlobalAddress(this, 'Address', {
      name: iap.staticIpName,
      project: d.projectId,
      addressType: 'EXTERNAL',
      ipVersion: 'IPV4',
      description: `DB Console of CockroachDB ${d.cockroachClusterName} (${d.namespace}) on GKE cluster ${d.gkeClusterName}, behind IAP`,
      labels: props.labels && { ...props.labels },
    });
    this.address.overrideLogicalId(terraformId('db_console_ip', iap.staticIpName));
    this.accessors = iap.members.map((member) => {
      const logicalId = accessorId(member);
      const grant = new IapWebIamMember(this, logicalId, { project: d.projectId, role: IAP_ACCESSOR_ROLE, member });
      grant.overrideLogicalId(logicalId);
      return grant;
    });
  }

  /** The reserved IPv4 address (a Terraform reference), for the DNS record of the DB Console. */
  public get ipAddress(): string {
    return this.address.address;
  }
}

/**
 * A logical id per member that stays put when members are added or removed. The hash keeps it unique:
 * the readable part alone is not (`user:a.b@x.com` and `user:a_b@x.com` would share it, and two
 * resources at one address would silently merge into one).
 */
function accessorId(member: string): string {
  const hash = createHash('sha256').update(member).digest('hex').slice(0, 8);
  return terraformId('iap_accessor', `${member}_${hash}`);
}
