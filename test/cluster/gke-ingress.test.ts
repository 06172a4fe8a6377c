/**
 * The DB Console behind Identity-Aware Proxy, on the real control plane: GKE's BackendConfig CRD is
 * installed the way GKE's ingress controller installs it (its own EnsureCRD from k8s.io/ingress-gce,
 * built from the Go module proxy: test/ingress-gce/build.sh), then the cluster with its Ingress, Services,
 * BackendConfig and NetworkPolicy is applied client-side and server-side with strict validation. The
 * BackendConfig must be stored as rendered: a structural schema would silently drop a field it does not
 * know. No load balancer and no IAP sign-in can run here.
 */
import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { CockroachCluster, DeploymentDescription, IdentityAwareProxy } from '../../lib/k8s';
import { installGkeCrds } from '../ingress-gce/crd';
import { applyRun, clusterEnv, createNamespace, getJson, kubectlRun } from './support/kube';
import { synthChart } from './support/synth';
import { contents, objectsIn } from './support/variant';

beforeAll(() => {
  installGkeCrds(clusterEnv().kubeconfig);
});

/**
 * The one warning the API server gives, and why it stays: GKE's Ingress controller has no IngressClass
 * and reads only this annotation (an Ingress with spec.ingressClassName is ignored by it, and without
 * either a default IngressClass of the cluster would be written into the Ingress on creation).
 */
const CLASS_ANNOTATION_WARNING = 'Warning: annotation "kubernetes.io/ingress.class" is deprecated, please use \'spec.ingressClassName\' instead';

/**
 * Applies with strict validation; fails on any warning but the class annotation's, which the API server
 * gives when it writes the Ingress (not when a re-apply changes nothing).
 */
function applyGke(dir: string, options: { serverSide?: boolean; writesIngress: boolean }): void {
  const r = applyRun([dir], { serverSide: options.serverSide });
  expect(r.stderr.split('\n').filter((l) => l.trim() !== '')).toEqual(options.writesIngress ? [CLASS_ANNOTATION_WARNING] : []);
  expect(r.status).toBe(0);
}

function render(ns: string, identityAwareProxy: IdentityAwareProxy): string {
  return synthChart(ns, (chart) => new CockroachCluster(chart, 'crdb', {
    init: { enabled: false },
    resources: { cpu: { limit: Cpu.millis(500) }, memory: { limit: Size.gibibytes(1) } },
    storage: { size: Size.gibibytes(1) },
    networkPolicy: {},
    dbConsoleIngress: { host: 'crdb.acme.example', tlsSecretName: 'crdb-console-tls', identityAwareProxy },
  }));
}

const description = (namespace: string) => DeploymentDescription.of({
  projectId: 'acme-books', region: 'europe-west1', bucketName: 'acme-books-backups', namespace,
  dbConsoleIap: { members: ['group:dba@acme.example'] },
});

test('the CRD is GKE\'s: cloud.google.com BackendConfig, namespaced, v1 stored', () => {
  const crd = getJson('crd', 'backendconfigs.cloud.google.com');
  expect(crd.spec.scope).toBe('Namespaced');
  expect(crd.spec.versions.find((v: any) => v.storage).name).toBe('v1');
  expect(crd.spec.versions.find((v: any) => v.name === 'v1').schema.openAPIV3Schema.properties.spec.properties.iap.required).toEqual(['enabled']);
});

describe.each([['client-side', false], ['server-side', true]])('%s apply', (_mode, serverSide) => {
  test('IAP from the description (Google\'s managed client): admitted, stored as rendered, a re-apply changes nothing', () => {
    const ns = createNamespace('iap');
    const dir = render(ns, IdentityAwareProxy.fromDeployment(description(ns)));
    applyGke(dir, { serverSide: serverSide as boolean, writesIngress: true });
    const rendered = objectsIn(dir).find((o) => o.kind === 'BackendConfig')!.body;
    const stored = getJson('backendconfig', 'crdb-console', ns);
    expect(stored.spec).toEqual(rendered.spec);
    expect(stored.spec).toEqual({ iap: { enabled: true }, healthCheck: { type: 'HTTPS', requestPath: '/health', port: 8080 } });
    expect(getJson('ingress', 'crdb-console', ns).metadata.annotations['kubernetes.io/ingress.class']).toBe('gce');
    expect(getJson('service', 'crdb-console', ns).metadata.annotations['cloud.google.com/backend-config']).toBe('{"default":"crdb-console"}');
    expect(getJson('networkpolicy', 'crdb', ns).spec.ingress[1].from).toEqual([{ ipBlock: { cidr: '130.211.0.0/22' } }, { ipBlock: { cidr: '35.191.0.0/16' } }]);
    const before = contents(dir);
    applyGke(dir, { serverSide: serverSide as boolean, writesIngress: false });
    expect(contents(dir)).toEqual(before);
  });
});

test('your own OAuth client: the Secret named, stored as rendered', () => {
  const ns = createNamespace('iap-oauth');
  const dir = render(ns, IdentityAwareProxy.of({ oauthClientSecretName: 'iap-oauth', staticIpName: 'console-ip' }));
  applyGke(dir, { writesIngress: true });
  expect(getJson('backendconfig', 'crdb-console', ns).spec.iap).toEqual({ enabled: true, oauthclientCredentials: { secretName: 'iap-oauth' } });
});

test('the CRD\'s schema is enforced here: a BackendConfig GKE would refuse is refused', () => {
  const ns = createNamespace('iap-bad');
  const bad = (spec: object) => kubectlRun(['apply', '--validate=strict', '-f', '-'], JSON.stringify({
    apiVersion: 'cloud.google.com/v1', kind: 'BackendConfig', metadata: { name: 'bad', namespace: ns }, spec,
  }));
  const wrongType = bad({ iap: { enabled: 'yes' } });
  expect(wrongType.status).not.toBe(0);
  expect(wrongType.stderr).toContain('spec.iap.enabled');
  const unknown = bad({ iap: { enabled: true, clientId: 'x' } });
  expect(unknown.status).not.toBe(0);
  expect(unknown.stderr).toContain('clientId');
});
