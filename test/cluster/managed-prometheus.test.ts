/**
 * The GKE app's Managed Service for Prometheus objects on the real control plane, with GMP's own CRDs
 * (test/managed-prometheus/build.sh; installed at start-up by support/control-plane.ts): what is specific
 * to them beyond apply-apps.test.ts (which applies the whole GKE folder client-side and server-side,
 * `--validate=strict`, no warning). The PodMonitoring and Rules are stored as rendered (the structural
 * schema prunes and defaults nothing); the schema is live (typos the library could make are refused, with
 * GMP's messages); cert-manager issues the scrape CA's Secret with the nodes' CA; the collectors may read
 * that one Secret and none of our private keys; the PodMonitoring's TLS names a Secret of its own
 * namespace and a name of the node certificate, and the NetworkPolicy lets the collectors reach the port
 * it scrapes.
 *
 * The objects are the synthesized GKE app's (build/apps/k8s.js, as `npm run synth`), those these checks
 * need (issuers, certificates, the GMP objects, their Role and RoleBinding, the NetworkPolicies: no pod,
 * nothing cluster-scoped), moved into a namespace of their own: apply-apps.test.ts uses `cockroachdb` at
 * the same time (two test files run at once).
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { apply, createNamespace, getJson, kubectl, kubectlRun, openssl, secretFiles, tempDir } from './support/kube';
import { ObjectRef, objectsIn, synthProfile, waitForControllers } from './support/variant';

const COLLECTOR = 'system:serviceaccount:gmp-system:collector';

const gke = objectsIn(synthProfile('gke').dir);
const rendered = (kind: string, name: string): any => {
  const o = gke.find((x) => x.kind === kind && x.name === name);
  if (!o) throw new Error(`the GKE app renders no ${kind} ${name}`);
  return o.body;
};
const ns = createNamespace('gmp');
const KINDS = ['Issuer', 'Certificate', 'PodMonitoring', 'Rules', 'NetworkPolicy'];
const subset: ObjectRef[] = gke
  .filter((o) => KINDS.includes(o.kind) || (['Role', 'RoleBinding'].includes(o.kind) && o.name === 'crdb-gmp-ca-reader'))
  .map((o) => ({ ...o, namespace: ns, body: { ...o.body, metadata: { ...o.body.metadata, namespace: ns } } }));
const dir = tempDir('gmp');
fs.writeFileSync(path.join(dir, 'gke.yaml'), subset.map((o) => stringify(o.body)).join('---\n'));

beforeAll(async () => {
  // Strict, and any warning fails (support/kube.ts's apply).
  apply([dir]);
  await waitForControllers(subset);
});

afterAll(() => {
  kubectl(['delete', 'namespace', ns, '--wait=false']);
});

test('the GKE app renders them all', () => {
  expect(subset.map((o) => `${o.kind}/${o.name}`)).toEqual(expect.arrayContaining([
    'PodMonitoring/crdb', 'Rules/crdb', 'Role/crdb-gmp-ca-reader', 'RoleBinding/crdb-gmp-ca-reader', 'Certificate/crdb-scrape-ca', 'NetworkPolicy/crdb',
  ]));
});

test('the PodMonitoring and Rules are stored as rendered: GMP\'s schema prunes and defaults nothing of ours', () => {
  expect(getJson('podmonitoring.monitoring.googleapis.com', 'crdb', ns).spec).toEqual(rendered('PodMonitoring', 'crdb').spec);
  const rules = getJson('rules.monitoring.googleapis.com', 'crdb', ns);
  expect(rules.spec).toEqual(rendered('Rules', 'crdb').spec);
  expect(rules.spec.groups[0].rules.length).toBeGreaterThan(0);
});

describe('the CRDs validate (the schema is live): what a typo would render is refused, with GMP\'s message', () => {
  /** A server-side dry-run create, strict, of another object named crdb-typo. */
  const create = (body: any) => kubectlRun(['create', '--dry-run=server', '--validate=strict', '-o', 'name', '-f', '-'],
    JSON.stringify({ ...body, metadata: { ...body.metadata, name: 'crdb-typo', namespace: ns } }));
  const podMonitoring = (change: (endpoint: any) => void) => {
    const body = structuredClone(rendered('PodMonitoring', 'crdb'));
    change(body.spec.endpoints[0]);
    return body;
  };

  test('the rendered objects themselves pass, with no warning', () => {
    expect(create(rendered('PodMonitoring', 'crdb'))).toEqual({ status: 0, stdout: 'podmonitoring.monitoring.googleapis.com/crdb-typo\n', stderr: '' });
    expect(create(rendered('Rules', 'crdb'))).toEqual({ status: 0, stdout: 'rules.monitoring.googleapis.com/crdb-typo\n', stderr: '' });
  });

  test.each<[string, () => any, RegExp]>([
    ['scheme HTTPS (upper case)', () => podMonitoring((e) => { e.scheme = 'HTTPS'; }),
      /spec\.endpoints\[0\]\.scheme: Unsupported value: "HTTPS": supported values: "http", "https"/],
    ['an interval without its unit', () => podMonitoring((e) => { e.interval = '30'; }),
      /spec\.endpoints\[0\]\.interval in body must be of type duration: "30"/],
    ['a client certificate without its key', () => podMonitoring((e) => { e.tls.cert = { secret: { name: 'crdb-scrape-ca', key: 'tls.crt' } }; }),
      /client cert and client key must be provided together/],
    ['the CA\'s Secret in another namespace', () => podMonitoring((e) => { e.tls.ca.secret.namespace = 'cockroachdb'; }),
      /Namespace not allowed on PodMonitoring secret references/],
    ['a misspelt field (tls.servername)', () => podMonitoring((e) => { e.tls.servername = e.tls.serverName; delete e.tls.serverName; }),
      /unknown field "spec\.endpoints\[0\]\.tls\.servername"/],
    ['a rule that both alerts and records', () => {
      const body = structuredClone(rendered('Rules', 'crdb'));
      body.spec.groups[0].rules[0].record = 'cockroachdb:typo';
      return body;
    }, /Must set exactly one of Record or Alert/],
  ])('%s', (_what, body, message) => {
    const r = create(body());
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });
});

describe('the scrape CA', () => {
  test('cert-manager issues crdb-scrape-ca with the CA\'s certificate as ca.crt, which verifies the nodes under the PodMonitoring\'s serverName', () => {
    const ca = secretFiles(ns, 'crdb-ca');
    const scrape = secretFiles(ns, 'crdb-scrape-ca');
    const node = secretFiles(ns, 'crdb-node');
    expect(scrape.data['ca.crt']).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(scrape.data['ca.crt']).toBe(ca.data['ca.crt']);
    expect(scrape.data['ca.crt']).toBe(ca.data['tls.crt']);
    // What a collector does: verify a node's serving certificate with that CA, for the configured name.
    const serverName = rendered('PodMonitoring', 'crdb').spec.endpoints[0].tls.serverName;
    const verify = openssl(['verify', '-CAfile', path.join(scrape.dir, 'ca.crt'), '-purpose', 'sslserver', '-verify_hostname', serverName, path.join(node.dir, 'tls.crt')]);
    expect(verify.trim()).toMatch(/: OK$/);
  });

  test('the PodMonitoring\'s TLS names a Secret of its own namespace, and a name of the node certificate', () => {
    const endpoint = getJson('podmonitoring.monitoring.googleapis.com', 'crdb', ns).spec.endpoints[0];
    expect(endpoint.scheme).toBe('https');
    // No namespace (GMP refuses one, above): the PodMonitoring's own, where the Secret is.
    expect(endpoint.tls.ca).toEqual({ secret: { name: 'crdb-scrape-ca', key: 'ca.crt' } });
    expect(getJson('secret', 'crdb-scrape-ca', ns).data['ca.crt']).toBeDefined();
    expect(getJson('certificate.cert-manager.io', 'crdb-node', ns).spec.dnsNames).toContain(endpoint.tls.serverName);
  });
});

test('the collectors may read the scrape CA\'s Secret, and no Secret holding a private key of ours', () => {
  const canI = (verb: string, resource: string) => {
    const r = kubectlRun(['auth', 'can-i', verb, resource, '-n', ns, `--as=${COLLECTOR}`]);
    if (r.status !== 0 && r.stdout.trim() !== 'no') throw new Error(r.stderr);
    return r.stdout.trim();
  };
  expect(['get', 'list', 'watch'].map((verb) => canI(verb, 'secret/crdb-scrape-ca'))).toEqual(['yes', 'yes', 'yes']);
  expect(['crdb-node', 'crdb-client-root', 'crdb-ca', 'crdb-client-app'].map((name) => canI('get', `secret/${name}`))).toEqual(['no', 'no', 'no', 'no']);
  expect(canI('list', 'secrets')).toBe('no');
  expect(canI('update', 'secret/crdb-scrape-ca')).toBe('no');
});

test('the NetworkPolicy lets the collectors reach the port the PodMonitoring scrapes, on the pods it selects', () => {
  const endpoint = rendered('PodMonitoring', 'crdb').spec.endpoints[0];
  const template = rendered('StatefulSet', 'crdb').spec.template;
  const port = template.spec.containers.flatMap((c: any) => c.ports ?? []).find((p: any) => p.name === endpoint.port);
  expect(port.containerPort).toBe(8080);
  const selector = rendered('PodMonitoring', 'crdb').spec.selector.matchLabels;
  expect(template.metadata.labels).toEqual(expect.objectContaining(selector));
  const policy = getJson('networkpolicy', 'crdb', ns).spec;
  expect(policy.podSelector.matchLabels).toEqual(selector);
  expect(policy.ingress).toContainEqual({
    from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gmp-system' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'collector' } } }],
    ports: [{ port: port.containerPort, protocol: 'TCP' }],
  });
});
