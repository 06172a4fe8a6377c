import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { IapWebIamMember } from '@cdktf/provider-google/lib/iap-web-iam-member';
import { TerraformOutput, Testing } from 'cdktf';
import { DbConsoleIap, DeploymentDescription, DeploymentDescriptionProps, GKE_STACK_APIS, GkeStack, IAP_ACCESSOR_ROLE, IAP_API } from '../../lib/gcp';
import { configError } from '../support/errors';
import { description, synthScope } from './support';

const MEMBERS = ['group:dba@example.com', 'user:ana@example.com', 'serviceAccount:probe@acme-prod-db.iam.gserviceaccount.com', 'domain:example.com'];
const withIap = (iap: Partial<DeploymentDescriptionProps['dbConsoleIap']> = {}, props: Partial<DeploymentDescriptionProps> = {}) =>
  description({ ...props, dbConsoleIap: { members: MEMBERS, ...iap } });
const stackDoc = (d: DeploymentDescription, enableApis?: boolean) => {
  const stack = new GkeStack(Testing.app(), 'gke', { description: d, enableApis });
  return { stack, doc: JSON.parse(Testing.synth(stack)) };
};

describe('DbConsoleIap', () => {
  let construct: DbConsoleIap | undefined;
  const { json, doc, resources } = synthScope((scope) => { construct = new DbConsoleIap(scope, 'Iap', { description: withIap() }); });

  test('a global static external IPv4 address, named as the Ingress names it, in the description\'s project', () => {
    expect(json).toHaveResourceWithProperties(ComputeGlobalAddress, {
      name: 'cockroachdb-db-console', project: 'acme-prod-db', address_type: 'EXTERNAL', ip_version: 'IPV4',
    });
    expect(Object.keys(doc.resource.google_compute_global_address)).toEqual(['db_console_ip_cockroachdb_db_console']);
    const [address] = resources('google_compute_global_address');
    // Global, external, reserved for a load balancer: no network, purpose or prefix.
    expect(address.network).toBeUndefined();
    expect(address.purpose).toBeUndefined();
    expect(address.labels).toBeUndefined();
    expect(address.description).toBe('DB Console of CockroachDB crdb (cockroachdb) on GKE cluster cockroachdb, behind IAP');
    expect(construct!.staticIpName).toBe('cockroachdb-db-console');
    expect(construct!.address.nameInput).toBe('cockroachdb-db-console');
  });

  test('the address is a getter for the DNS record: the Terraform reference to the reserved address', () => {
    expect(construct!.ipAddress).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
    const out = synthScope((scope) => {
      const iap = new DbConsoleIap(scope, 'Iap', { description: withIap() });
      new TerraformOutput(scope, 'ip', { value: iap.ipAddress });
    });
    expect(out.doc.output.ip.value).toBe('${google_compute_global_address.db_console_ip_cockroachdb_db_console.address}');
  });

  test('one non-authoritative IAP web grant per member, project-wide, with httpsResourceAccessor only', () => {
    const grants = resources('google_iap_web_iam_member');
    expect(grants).toHaveLength(MEMBERS.length);
    // The synthesized document sorts resources by address.
    expect(grants.map((g) => g.member).sort()).toEqual([...MEMBERS].sort());
    for (const g of grants) {
      expect(g.role).toBe('roles/iap.httpsResourceAccessor');
      expect(g.project).toBe('acme-prod-db');
      expect(g.condition).toBeUndefined();
    }
    expect(IAP_ACCESSOR_ROLE).toBe('roles/iap.httpsResourceAccessor');
    expect(json).toHaveResourceWithProperties(IapWebIamMember, { member: 'group:dba@example.com', role: IAP_ACCESSOR_ROLE, project: 'acme-prod-db' });
    // Never a binding or a policy, which would take the role away from everyone else.
    expect(doc.resource.google_iap_web_iam_binding).toBeUndefined();
    expect(doc.resource.google_iap_web_iam_policy).toBeUndefined();
    expect(construct!.accessors.map((a) => a.memberInput)).toEqual(MEMBERS);
  });

  test('no OAuth brand or client (their API is shut down): IAP uses the Google-managed client', () => {
    expect(Object.keys(doc.resource).sort()).toEqual(['google_compute_global_address', 'google_iap_web_iam_member']);
  });

  test('each grant\'s address derives from its member alone: adding or removing a member moves no other grant', () => {
    /** member → address */
    const ids = (members: string[]) => Object.fromEntries(Object.entries<any>(synthScope((scope) => {
      new DbConsoleIap(scope, 'Iap', { description: description({ dbConsoleIap: { members } }) });
    }).doc.resource.google_iap_web_iam_member).map(([id, g]) => [g.member, id]));
    const all = ids(MEMBERS);
    expect(Object.keys(all)).toHaveLength(MEMBERS.length);
    expect(all['group:dba@example.com']).toMatch(/^iap_accessor_group_dba_example_com_[0-9a-f]{8}$/);
    expect(all['domain:example.com']).toMatch(/^iap_accessor_domain_example_com_[0-9a-f]{8}$/);
    expect(all['serviceAccount:probe@acme-prod-db.iam.gserviceaccount.com']).toMatch(/^iap_accessor_serviceAccount_probe_acme_prod_db_iam_gserviceaccount_com_[0-9a-f]{8}$/);
    expect(ids([MEMBERS[2], MEMBERS[0]])).toEqual({ [MEMBERS[2]]: all[MEMBERS[2]], [MEMBERS[0]]: all[MEMBERS[0]] });
    expect(ids([...MEMBERS, 'user:bo@example.com'])).toEqual({ ...all, 'user:bo@example.com': expect.stringMatching(/^iap_accessor_user_bo_example_com_/) });
  });

  test('members whose readable ids would be the same still get grants of their own', () => {
    const members = ['user:a.b@example.com', 'user:a_b@example.com', 'user:a-b@example.com'];
    const { doc: d } = synthScope((scope) => { new DbConsoleIap(scope, 'Iap', { description: description({ dbConsoleIap: { members } }) }); });
    const grants = Object.entries<any>(d.resource.google_iap_web_iam_member);
    expect(grants).toHaveLength(3);
    expect(new Set(grants.map(([id]) => id)).size).toBe(3);
    expect(grants.map(([, g]) => g.member).sort()).toEqual([...members].sort());
  });

  test('the staticIpName of the description, and labels, reach the address', () => {
    const { json: j, doc: d } = synthScope((scope) => {
      new DbConsoleIap(scope, 'Iap', { description: withIap({ staticIpName: 'orders-console' }, { gkeClusterName: 'orders' }), labels: { env: 'prod' } });
    });
    expect(j).toHaveResourceWithProperties(ComputeGlobalAddress, { name: 'orders-console', labels: { env: 'prod' } });
    expect(Object.keys(d.resource.google_compute_global_address)).toEqual(['db_console_ip_orders_console']);
  });

  test('the default name follows gkeClusterName', () => {
    const { json: j } = synthScope((scope) => { new DbConsoleIap(scope, 'Iap', { description: withIap({}, { gkeClusterName: 'orders' }) }); });
    expect(j).toHaveResourceWithProperties(ComputeGlobalAddress, { name: 'orders-db-console' });
  });
});

describe('DbConsoleIap errors are thrown', () => {
  test('a description without dbConsoleIap', () => {
    const error = configError(() => synthScope((scope) => { new DbConsoleIap(scope, 'Iap', { description: description() }); }));
    expect(error.prop).toBe('description.dbConsoleIap');
    expect(error.message).toBe('[stack/Iap] description.dbConsoleIap: received undefined; expected a description with dbConsoleIap (its members and static address name)');
  });

  test('bad labels', () => {
    const error = configError(() => synthScope((scope) => { new DbConsoleIap(scope, 'Iap', { description: withIap(), labels: { Env: 'prod' } }); }));
    expect(error.prop).toBe('labels');
    expect(error.message).toBe('[stack/Iap] labels: received "Env"; expected a label key of 1 to 63 lowercase letters, digits, \'_\' or \'-\', starting with a letter');
  });

  const MEMBER = 'expected user:, group: or serviceAccount: and an email, or domain: and a domain, e.g. "group:dba@example.com"';
  const NAME = 'expected a Compute Engine name: 1 to 63 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen';
  const LIST = 'expected at least one IAM principal, e.g. ["group:dba@example.com"]';
  /** [what, dbConsoleIap, prop, the whole message] */
  test.each<[string, unknown, string, string]>([
    ['an empty list', { members: [] }, 'dbConsoleIap.members', `received []; ${LIST}`],
    ['not a list', { members: 'group:dba@example.com' }, 'dbConsoleIap.members', `received "group:dba@example.com"; ${LIST}`],
    ['no members', {}, 'dbConsoleIap.members', `received undefined; ${LIST}`],
    ['a member without prefix', { members: ['dba@example.com'] }, 'dbConsoleIap.members[0]', `received "dba@example.com"; ${MEMBER}`],
    ['allUsers (IAP open to everyone)', { members: ['group:dba@example.com', 'allUsers'] }, 'dbConsoleIap.members[1]', `received "allUsers"; ${MEMBER}`],
    ['allAuthenticatedUsers', { members: ['allAuthenticatedUsers'] }, 'dbConsoleIap.members[0]', `received "allAuthenticatedUsers"; ${MEMBER}`],
    ['a domain with an @', { members: ['domain:dba@example.com'] }, 'dbConsoleIap.members[0]', `received "domain:dba@example.com"; ${MEMBER}`],
    ['a member that is not a string', { members: [42] }, 'dbConsoleIap.members[0]', `received 42; ${MEMBER}`],
    ['a duplicate', { members: ['user:ana@example.com', 'group:dba@example.com', 'user:ana@example.com'] }, 'dbConsoleIap.members[2]',
      'received "user:ana@example.com"; expected each principal once'],
    ['a staticIpName with capitals', { members: MEMBERS, staticIpName: 'DB-Console' }, 'dbConsoleIap.staticIpName', `received "DB-Console"; ${NAME}`],
    ['a staticIpName starting with a digit', { members: MEMBERS, staticIpName: '1console' }, 'dbConsoleIap.staticIpName', `received "1console"; ${NAME}`],
    ['a staticIpName ending with a hyphen', { members: MEMBERS, staticIpName: 'console-' }, 'dbConsoleIap.staticIpName', `received "console-"; ${NAME}`],
    ['a staticIpName of 64 characters', { members: MEMBERS, staticIpName: 'c'.repeat(64) }, 'dbConsoleIap.staticIpName', `received "${'c'.repeat(64)}"; ${NAME}`],
    ['an empty staticIpName', { members: MEMBERS, staticIpName: '' }, 'dbConsoleIap.staticIpName', `received ""; ${NAME}`],
  ])('description: %s', (_what, dbConsoleIap, prop, message) => {
    const error = configError(() => description({ dbConsoleIap: dbConsoleIap as DeploymentDescriptionProps['dbConsoleIap'] }));
    expect(error.prop).toBe(prop);
    expect(error.constructPath).toBe('DeploymentDescription');
    expect(error.message).toBe(`[DeploymentDescription] ${prop}: ${message}`);
  });
});

describe('GkeStack with and without dbConsoleIap', () => {
  test('with it: the address, the grants, the IAP API, and the address as an output', () => {
    const { stack, doc } = stackDoc(withIap());
    expect(stack.dbConsoleIap).toBeInstanceOf(DbConsoleIap);
    expect(stack.dbConsoleIap!.node.path).toBe('gke/DbConsoleIap');
    expect(Object.values<any>(doc.resource.google_compute_global_address).map((a) => a.name)).toEqual(['cockroachdb-db-console']);
    expect(Object.values<any>(doc.resource.google_iap_web_iam_member).map((g) => g.member).sort()).toEqual([...MEMBERS].sort());
    expect(stack.dbConsoleIap!.accessors.map((a) => a.memberInput)).toEqual(MEMBERS);
    const services = Object.values<any>(doc.resource.google_project_service).map((s) => s.service);
    expect(services.sort()).toEqual([...GKE_STACK_APIS, IAP_API].sort());
    expect(stack.apis!.services.map((s) => s.serviceInput)).toEqual([...GKE_STACK_APIS, IAP_API]);
    expect(IAP_API).toBe('iap.googleapis.com');
    expect(doc.output.db_console_ip_address).toEqual({
      value: '${google_compute_global_address.db_console_ip_cockroachdb_db_console.address}',
      description: 'Global address of the DB Console behind IAP (point its DNS name here)',
    });
  });

  test('with it: the address and the grants wait for the APIs, the IAP API among them', () => {
    const { doc } = stackDoc(withIap());
    const apis = Object.keys(doc.resource.google_project_service).map((id) => `google_project_service.${id}`).sort();
    expect(apis).toContain('google_project_service.api_iap_googleapis_com');
    const created = [...Object.values<any>(doc.resource.google_compute_global_address), ...Object.values<any>(doc.resource.google_iap_web_iam_member)];
    expect(created).toHaveLength(1 + MEMBERS.length);
    for (const r of created) expect([...r.depends_on].sort()).toEqual(apis);
  });

  test('with it and enableApis: false: the resources, no APIs', () => {
    const { stack, doc } = stackDoc(withIap(), false);
    expect(stack.apis).toBeUndefined();
    expect(doc.resource.google_project_service).toBeUndefined();
    expect(Object.keys(doc.resource.google_iap_web_iam_member)).toHaveLength(MEMBERS.length);
    for (const g of Object.values<any>(doc.resource.google_iap_web_iam_member)) expect(g.depends_on).toBeUndefined();
  });

  test('without it: no address, no grants, no IAP API, no output', () => {
    const { stack, doc } = stackDoc(description());
    expect(stack.dbConsoleIap).toBeUndefined();
    expect(doc.resource.google_compute_global_address).toBeUndefined();
    expect(doc.resource.google_iap_web_iam_member).toBeUndefined();
    expect(Object.values<any>(doc.resource.google_project_service).map((s) => s.service).sort()).toEqual([...GKE_STACK_APIS].sort());
    expect(Object.values<any>(doc.resource.google_project_service).map((s) => s.service)).not.toContain(IAP_API);
    expect(doc.output.db_console_ip_address).toBeUndefined();
  });
});
