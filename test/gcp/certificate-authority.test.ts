import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Testing } from 'cdktf';
import { CA_KEY_ALGORITHM, CA_LIFETIME, CA_POOL_TIER, CA_REQUESTER_ROLE, CockroachCertificateAuthority } from '../../lib/gcp';
import { configError } from '../support/errors';
import { description, multiRegionDescription, synthScope } from './support';

const d = multiRegionDescription();
const names = d.certificateAuthority!;
let ca: CockroachCertificateAuthority | undefined;
const { doc, resources } = synthScope((scope) => {
  ca = new CockroachCertificateAuthority(scope, 'Ca', { description: d });
});
const one = (type: string) => {
  expect(resources(type)).toHaveLength(1);
  return resources(type)[0];
};

describe('CockroachCertificateAuthority: one CA for every region, in Certificate Authority Service', () => {
  test('the names the Kubernetes half\'s GoogleCASIssuer names: pool, CA and location from the description', () => {
    expect([names.poolName, names.certificateAuthorityId, names.location]).toEqual(['crdb-global-crdb', 'crdb-global-crdb-root', 'europe-west1']);
    expect(one('google_privateca_ca_pool')).toMatchObject({ name: names.poolName, location: names.location, project: 'crdb-book-demo' });
    expect(one('google_privateca_certificate_authority')).toMatchObject({
      certificate_authority_id: names.certificateAuthorityId, location: names.location, project: 'crdb-book-demo',
      pool: '${google_privateca_ca_pool.cas_pool_crdb_global_crdb.name}',
    });
  });

  test('an ENTERPRISE pool (issued certificates listed and revocable, a CRL published) that issues from CSRs only', () => {
    expect(CA_POOL_TIER).toBe('ENTERPRISE');
    expect(one('google_privateca_ca_pool')).toEqual({
      name: 'crdb-global-crdb', project: 'crdb-book-demo', location: 'europe-west1', tier: 'ENTERPRISE',
      issuance_policy: { allowed_issuance_modes: { allow_csr_based_issuance: true, allow_config_based_issuance: false } },
      publishing_options: { publish_ca_cert: true, publish_crl: true },
    });
  });

  test('a self-signed root: ECDSA P-256 in Cloud HSM, ten years, a CA for end-entity certificates only', () => {
    expect(CA_LIFETIME).toBe(`${3650 * 86400}s`);
    const root = one('google_privateca_certificate_authority');
    expect(root).toMatchObject({ type: 'SELF_SIGNED', lifetime: '315360000s', key_spec: { algorithm: 'EC_P256_SHA256' } });
    expect(CA_KEY_ALGORITHM).toBe('EC_P256_SHA256');
    expect(root.config).toEqual({
      subject_config: { subject: { common_name: 'crdb-global CockroachDB CA', organization: 'Cockroach' } },
      x509_config: {
        ca_options: { is_ca: true, zero_max_issuer_path_length: true },
        key_usage: { base_key_usage: { cert_sign: true, crl_sign: true }, extended_key_usage: {} },
      },
    });
  });

  test('never deleted by Terraform, and a deletion by hand keeps the 30-day grace period', () => {
    expect(one('google_privateca_certificate_authority')).toMatchObject({
      deletion_protection: true, skip_grace_period: false, ignore_active_certificates_on_deletion: false,
    });
  });

  test('the issuers\' Google service account, from the description', () => {
    expect(one('google_service_account')).toEqual({
      account_id: 'crdb-cas-issuer', project: 'crdb-book-demo',
      display_name: 'CA Service issuer of CockroachDB cockroachdb-global/crdb (cert-manager)',
    });
    expect(names.issuerServiceAccountEmail).toBe('crdb-cas-issuer@crdb-book-demo.iam.gserviceaccount.com');
  });

  test('it may request certificates from the pool, and nothing else', () => {
    expect(CA_REQUESTER_ROLE).toBe('roles/privateca.certificateRequester');
    expect(one('google_privateca_ca_pool_iam_member')).toEqual({
      ca_pool: '${google_privateca_ca_pool.cas_pool_crdb_global_crdb.id}',
      role: 'roles/privateca.certificateRequester',
      member: 'serviceAccount:${google_service_account.cas_issuer_sa_crdb_cas_issuer.email}',
    });
    expect(resources('google_project_iam_member')).toEqual([]);
  });

  test('the google-cas-issuer controller of every region acts as it through Workload Identity: one member for all', () => {
    expect(names.issuerWorkloadIdentityMember).toBe('serviceAccount:crdb-book-demo.svc.id.goog[cert-manager/cert-manager-google-cas-issuer]');
    expect(one('google_service_account_iam_member')).toEqual({
      service_account_id: '${google_service_account.cas_issuer_sa_crdb_cas_issuer.name}',
      role: 'roles/iam.workloadIdentityUser',
      member: names.issuerWorkloadIdentityMember,
    });
  });

  test('stable Terraform addresses from the names, and the escape hatches', () => {
    expect(Object.keys(doc.resource).sort()).toEqual([
      'google_privateca_ca_pool', 'google_privateca_ca_pool_iam_member', 'google_privateca_certificate_authority', 'google_service_account', 'google_service_account_iam_member',
    ]);
    expect(Object.keys(doc.resource.google_privateca_ca_pool)).toEqual(['cas_pool_crdb_global_crdb']);
    expect(Object.keys(doc.resource.google_privateca_certificate_authority)).toEqual(['cas_ca_crdb_global_crdb_root']);
    expect(Object.keys(doc.resource.google_privateca_ca_pool_iam_member)).toEqual(['cas_requester_crdb_global_crdb']);
    expect(Object.keys(doc.resource.google_service_account)).toEqual(['cas_issuer_sa_crdb_cas_issuer']);
    expect(Object.keys(doc.resource.google_service_account_iam_member)).toEqual(['cas_issuer_wi_crdb_cas_issuer']);
    expect(ca!.pool.node.path).toBe('stack/Ca/Pool');
    expect(ca!.certificateAuthority.node.path).toBe('stack/Ca/RootCa');
    expect(ca!.issuerServiceAccount.node.path).toBe('stack/Ca/IssuerServiceAccount');
    expect(ca!.requesterGrant.node.path).toBe('stack/Ca/Requester');
    expect(ca!.workloadIdentity.node.path).toBe('stack/Ca/WorkloadIdentityUser');
  });

  test('the Workload Identity binding waits for what it is given (the clusters, which make the identity pool)', () => {
    const { resources: waiting } = synthScope((scope) => {
      const pool = new ServiceAccount(scope, 'Cluster', { accountId: 'stand-in-cluster' });
      pool.overrideLogicalId('stand_in');
      new CockroachCertificateAuthority(scope, 'Ca', { description: d, dependsOn: [pool] });
    });
    expect(waiting('google_service_account_iam_member').map((b) => b.depends_on)).toEqual([['google_service_account.stand_in']]);
  });
});

describe('CockroachCertificateAuthority errors are thrown, in full', () => {
  test('a one-region description, whose CA is cert-manager\'s own', () => {
    expect(configError(() => new CockroachCertificateAuthority(Testing.app(), 'Ca', { description: description() })).message)
      .toBe('[Ca] description.regions: received []; expected a multi-region description (regions): a one-region deployment\'s CA is cert-manager\'s own');
  });
});
