import { PrivatecaCaPool } from '@cdktf/provider-google/lib/privateca-ca-pool';
import { PrivatecaCaPoolIamMember } from '@cdktf/provider-google/lib/privateca-ca-pool-iam-member';
import { PrivatecaCertificateAuthority } from '@cdktf/provider-google/lib/privateca-certificate-authority';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { DeploymentDescription } from '../shared/description';
import { reject } from '../shared/validate';
import { terraformId } from './terraform-id';

/**
 * The pool's tier. ENTERPRISE keeps every issued certificate in CA Service: they can be listed, a leaked
 * node or client certificate revoked, and the pool publishes a CRL. DEVOPS (cheaper) keeps none of them:
 * a certificate it issued cannot be revoked, only outlived.
 * @see https://cloud.google.com/certificate-authority-service/docs/tiers
 */
export const CA_POOL_TIER = 'ENTERPRISE';
/** The root CA's key: ECDSA P-256 in a Cloud HSM key that CA Service creates and manages. */
export const CA_KEY_ALGORITHM = 'EC_P256_SHA256';
/** The root CA's lifetime: ten years (365-day years), in seconds as the API takes it. */
export const CA_LIFETIME = `${10 * 365 * 24 * 3600}s`;
/** What the issuers may do on the pool: request certificates, nothing else. */
export const CA_REQUESTER_ROLE = 'roles/privateca.certificateRequester';

/** Properties of {@link CockroachCertificateAuthority}. */
export interface CockroachCertificateAuthorityProps {
  /** A multi-region deployment: the names come from its `certificateAuthority`. */
  readonly description: DeploymentDescription;
  /**
   * What the Workload Identity binding waits for: the GKE clusters, whose creation creates the project's
   * identity pool.
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The one CA of a multi-region deployment, in Certificate Authority Service (the description's
 * `certificateAuthority` names everything): a CA pool in the primary region, a self-signed root CA in it
 * whose ECDSA P-256 key is a Cloud HSM key that never leaves Google (nothing to copy between the regions'
 * clusters), valid ten years, and the Google service account every region's google-cas-issuer controller
 * acts as through Workload Identity, which may only request certificates from the pool.
 *
 * The root CA is never deleted by Terraform (`deletion_protection`), and when it is deleted by hand it
 * keeps CA Service's 30-day grace period (`skip_grace_period` false), in which it can be restored: every
 * node and client certificate chains to it. The pool only issues from CSRs (what cert-manager sends) and
 * publishes the CA certificate and a CRL.
 * @see https://cloud.google.com/certificate-authority-service/docs/best-practices
 */
export class CockroachCertificateAuthority extends Construct {
  /** The CA pool (escape hatch). */
  public readonly pool: PrivatecaCaPool;
  /** The root CA (escape hatch). */
  public readonly certificateAuthority: PrivatecaCertificateAuthority;
  /** The Google service account of the issuers (escape hatch). */
  public readonly issuerServiceAccount: ServiceAccount;
  /** Its `roles/privateca.certificateRequester` on the pool (escape hatch). */
  public readonly requesterGrant: PrivatecaCaPoolIamMember;
  /** The Workload Identity binding of the issuers' Kubernetes ServiceAccount to it (escape hatch). */
  public readonly workloadIdentity: ServiceAccountIamMember;

  constructor(scope: Construct, id: string, props: CockroachCertificateAuthorityProps) {
    super(scope, id);
    const d = props.description;
    const names = d.certificateAuthority;
    if (names === undefined) {
      reject(this, 'description.regions', d.regions, 'expected a multi-region description (regions): a one-region deployment\'s CA is cert-manager\'s own');
    }

    this.pool = new PrivatecaCaPool(this, 'Pool', {
      name: names.poolName,
      project: d.projectId,
      location: names.location,
      tier: CA_POOL_TIER,
      issuancePolicy: { allowedIssuanceModes: { allowCsrBasedIssuance: true, allowConfigBasedIssuance: false } },
      publishingOptions: { publishCaCert: true, publishCrl: true },
    });
    this.pool.overrideLogicalId(terraformId('cas_pool', names.poolName));

    this.certificateAuthority = new PrivatecaCertificateAuthority(this, 'RootCa', {
      certificateAuthorityId: names.certificateAuthorityId,
      pool: this.pool.name,
      project: d.projectId,
      location: names.location,
      type: 'SELF_SIGNED',
      lifetime: CA_LIFETIME,
      keySpec: { algorithm: CA_KEY_ALGORITHM },
      config: {
        subjectConfig: { subject: { commonName: `${d.gkeClusterName} CockroachDB CA`, organization: 'Cockroach' } },
        x509Config: {
          // Signs node and client certificates only, never another CA.
          caOptions: { isCa: true, zeroMaxIssuerPathLength: true },
          keyUsage: { baseKeyUsage: { certSign: true, crlSign: true }, extendedKeyUsage: {} },
        },
      },
      deletionProtection: true,
      skipGracePeriod: false,
      ignoreActiveCertificatesOnDeletion: false,
    });
    this.certificateAuthority.overrideLogicalId(terraformId('cas_ca', names.certificateAuthorityId));

    this.issuerServiceAccount = new ServiceAccount(this, 'IssuerServiceAccount', {
      accountId: names.issuerServiceAccountId,
      displayName: `CA Service issuer of CockroachDB ${d.namespace}/${d.cockroachClusterName} (cert-manager)`,
      project: d.projectId,
    });
    this.issuerServiceAccount.overrideLogicalId(terraformId('cas_issuer_sa', names.issuerServiceAccountId));

    // The member is the account's Terraform reference: the grant waits for the account.
    this.requesterGrant = new PrivatecaCaPoolIamMember(this, 'Requester', {
      caPool: this.pool.id,
      role: CA_REQUESTER_ROLE,
      member: `serviceAccount:${this.issuerServiceAccount.email}`,
    });
    this.requesterGrant.overrideLogicalId(terraformId('cas_requester', names.poolName));

    this.workloadIdentity = new ServiceAccountIamMember(this, 'WorkloadIdentityUser', {
      serviceAccountId: this.issuerServiceAccount.name,
      role: 'roles/iam.workloadIdentityUser',
      member: names.issuerWorkloadIdentityMember,
      dependsOn: props.dependsOn,
    });
    this.workloadIdentity.overrideLogicalId(terraformId('cas_issuer_wi', names.issuerServiceAccountId));
  }
}
