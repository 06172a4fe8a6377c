import {
  ClusterSecurity, CockroachCluster, CockroachClusterProps, DbConsoleAccess, DbConsoleIngressOptions, DeploymentDescription, GOOGLE_FRONT_END_RANGES,
  IdentityAwareProxy,
} from '../../lib/k8s';
import { configError } from '../support/errors';
import { newChart, only, synth, validateAgainstSchemas } from '../support/manifests';

// GKE's Ingress with Identity-Aware Proxy. The annotation names, the BackendConfig's fields and GKE's
// rule that an Ingress naming a class is ignored are those of GKE's Ingress controller
// (k8s.io/ingress-gce v1.34.0: pkg/annotations, pkg/apis/backendconfig/v1, pkg/utils IsGCEIngress); the
// BackendConfig is admitted by its real CRD in test/cluster/gke-ingress.test.ts.

function build(props: Partial<CockroachClusterProps> = {}) {
  const chart = newChart();
  const cluster = new CockroachCluster(chart, 'crdb', props);
  return { cluster, objects: synth(chart) };
}
const INGRESS: DbConsoleIngressOptions = { host: 'crdb.example.com', tlsSecretName: 'crdb-console-tls' };
const description = (dbConsoleIap?: { members: string[]; staticIpName?: string }) => DeploymentDescription.of({
  projectId: 'books-prod', region: 'europe-west1', bucketName: 'books-backups', namespace: 'db', dbConsoleIap,
});

describe('the DB Console behind IAP on GKE\'s Ingress', () => {
  const { cluster, objects } = build({
    networkPolicy: {},
    dbConsoleIngress: { ...INGRESS, identityAwareProxy: IdentityAwareProxy.fromDeployment(description({ members: ['group:dba@example.com'] })) },
  });

  test('GKE\'s Ingress: the class by annotation (no ingressClassName), HTTPS only, on the description\'s address', () => {
    // The BackendConfig has no schema here: its real CRD admits it in test/cluster/gke-ingress.test.ts.
    validateAgainstSchemas(objects.filter((o) => o.kind !== 'BackendConfig'));
    const ing = only(objects, 'Ingress', 'crdb-console');
    expect(ing.metadata.annotations).toEqual({
      'kubernetes.io/ingress.class': 'gce',
      'kubernetes.io/ingress.allow-http': 'false',
      'kubernetes.io/ingress.global-static-ip-name': 'cockroachdb-db-console',
    });
    expect(ing.spec.ingressClassName).toBeUndefined();
    expect(ing.spec.tls).toEqual([{ hosts: ['crdb.example.com'], secretName: 'crdb-console-tls' }]);
    expect(ing.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'crdb-console', port: { name: 'http' } } });
  });

  test('a Service of the DB Console alone: container-native, HTTPS to the pods, the BackendConfig named', () => {
    const svc = only(objects, 'Service', 'crdb-console');
    expect(svc.metadata.annotations).toEqual({
      'cloud.google.com/neg': '{"ingress":true}',
      'cloud.google.com/backend-config': '{"default":"crdb-console"}',
      'cloud.google.com/app-protocols': '{"http":"HTTPS"}',
    });
    expect(svc.spec).toEqual({
      type: 'ClusterIP',
      selector: cluster.selectorLabels,
      ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }],
    });
    // The SQL Service keeps no load balancer annotation.
    expect(only(objects, 'Service', 'crdb-public').metadata.annotations ?? {}).not.toHaveProperty('cloud.google.com/neg');
    expect(cluster.dbConsoleIngress!.service).toBeDefined();
  });

  test('the BackendConfig: IAP on with Google\'s managed OAuth client, the health check on /health over HTTPS', () => {
    const bc = only(objects, 'BackendConfig', 'crdb-console');
    expect(bc.apiVersion).toBe('cloud.google.com/v1');
    expect(bc.metadata.namespace).toBe('db');
    expect(bc.spec).toEqual({ iap: { enabled: true }, healthCheck: { type: 'HTTPS', requestPath: '/health', port: 8080 } });
    expect(cluster.dbConsoleIngress!.backendConfig).toBeDefined();
  });

  test('the NetworkPolicy lets Google\'s front ends reach 8080, and only 8080', () => {
    const rules = only(objects, 'NetworkPolicy', 'crdb').spec.ingress;
    expect(rules[1]).toEqual({ from: [{ ipBlock: { cidr: '130.211.0.0/22' } }, { ipBlock: { cidr: '35.191.0.0/16' } }], ports: [{ port: 8080, protocol: 'TCP' }] });
    expect(rules).toHaveLength(2);
    expect(cluster.dbConsoleSourceRanges).toEqual(['130.211.0.0/22', '35.191.0.0/16']);
  });
});

describe('options', () => {
  test('your own OAuth client (a Secret you create), your own address; HTTP to an insecure cluster', () => {
    const { objects } = build({
      security: ClusterSecurity.insecure(),
      dbConsoleIngress: { ...INGRESS, identityAwareProxy: IdentityAwareProxy.of({ oauthClientSecretName: 'iap-oauth', staticIpName: 'console-ip' }) },
    });
    expect(only(objects, 'BackendConfig').spec).toEqual({
      iap: { enabled: true, oauthclientCredentials: { secretName: 'iap-oauth' } },
      healthCheck: { type: 'HTTP', requestPath: '/health', port: 8080 },
    });
    expect(only(objects, 'Service', 'crdb-console').metadata.annotations).not.toHaveProperty('cloud.google.com/app-protocols');
    expect(only(objects, 'Ingress').metadata.annotations['kubernetes.io/ingress.global-static-ip-name']).toBe('console-ip');
    // The OAuth client's Secret is named, never rendered: its values never go through the YAML.
    const secure = build({ dbConsoleIngress: { ...INGRESS, identityAwareProxy: IdentityAwareProxy.of({ oauthClientSecretName: 'iap-oauth' }) } }).objects;
    expect(secure.filter((o) => o.metadata.name === 'iap-oauth')).toEqual([]);
    expect(JSON.stringify(secure)).not.toMatch(/client_secret|client_id/);
  });

  test('the front ends\' ranges are copies', () => {
    const { cluster } = build({ dbConsoleIngress: { ...INGRESS, identityAwareProxy: IdentityAwareProxy.of() } });
    (cluster.dbConsoleSourceRanges as string[]).push('0.0.0.0/0');
    expect(cluster.dbConsoleSourceRanges).toEqual(['130.211.0.0/22', '35.191.0.0/16']);
    (cluster.dbConsoleIngress!.sourceRanges as string[]).push('0.0.0.0/0');
    expect(GOOGLE_FRONT_END_RANGES).toEqual(['130.211.0.0/22', '35.191.0.0/16']);
  });

  test('no address stated: an ephemeral one; user annotations added', () => {
    const { objects } = build({ dbConsoleIngress: { ...INGRESS, identityAwareProxy: IdentityAwareProxy.of(), annotations: { 'networking.gke.io/v1beta1.FrontendConfig': 'crdb-tls-policy' } } });
    expect(only(objects, 'Ingress').metadata.annotations).toEqual({
      'kubernetes.io/ingress.class': 'gce', 'kubernetes.io/ingress.allow-http': 'false', 'networking.gke.io/v1beta1.FrontendConfig': 'crdb-tls-policy',
    });
  });

  test('the DB Console open to any source: the front ends need no rule of their own', () => {
    const { objects } = build({ networkPolicy: { dbConsole: DbConsoleAccess.ANY }, dbConsoleIngress: { ...INGRESS, identityAwareProxy: IdentityAwareProxy.of() } });
    expect(only(objects, 'NetworkPolicy', 'crdb').spec.ingress[1]).toEqual({ ports: [{ port: 8080, protocol: 'TCP' }] });
  });

  test('without IAP, nothing of GKE\'s', () => {
    const { cluster, objects } = build({ networkPolicy: {}, dbConsoleIngress: INGRESS });
    expect(objects.filter((o) => o.kind === 'BackendConfig')).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name).sort()).toEqual(['crdb', 'crdb-public']);
    expect(only(objects, 'NetworkPolicy', 'crdb').spec.ingress).toHaveLength(1);
    expect(cluster.dbConsoleSourceRanges).toEqual([]);
    expect(build().cluster.dbConsoleSourceRanges).toEqual([]);
  });
});

describe('refused at synth, naming the prop', () => {
  test.each<[string, DbConsoleIngressOptions, string, string]>([
    ['a class with IAP', { ...INGRESS, ingressClassName: 'gce', identityAwareProxy: IdentityAwareProxy.of() }, 'dbConsoleIngress.ingressClassName',
      'received "gce"; expected none with identityAwareProxy: GKE\'s Ingress is chosen by the kubernetes.io/ingress.class annotation the construct sets, and GKE ignores an Ingress that names a class'],
    ['the class annotation with IAP', { ...INGRESS, identityAwareProxy: IdentityAwareProxy.of(), annotations: { 'kubernetes.io/ingress.class': 'nginx' } }, 'dbConsoleIngress.annotations',
      'received "kubernetes.io/ingress.class"; expected an annotation the construct does not set with identityAwareProxy'],
    ['HTTP allowed with IAP', { ...INGRESS, identityAwareProxy: IdentityAwareProxy.of(), annotations: { 'kubernetes.io/ingress.allow-http': 'true' } }, 'dbConsoleIngress.annotations',
      'received "kubernetes.io/ingress.allow-http"'],
    ['a global address by annotation with IAP', { ...INGRESS, identityAwareProxy: IdentityAwareProxy.of(), annotations: { 'kubernetes.io/ingress.global-static-ip-name': 'x' } }, 'dbConsoleIngress.annotations',
      'received "kubernetes.io/ingress.global-static-ip-name"'],
    ['a regional address with IAP (GKE refuses it beside the global one)', { ...INGRESS, identityAwareProxy: IdentityAwareProxy.of(), annotations: { 'kubernetes.io/ingress.regional-static-ip-name': 'x' } }, 'dbConsoleIngress.annotations',
      'received "kubernetes.io/ingress.regional-static-ip-name"; expected an annotation the construct does not set with identityAwareProxy (it sets kubernetes.io/ingress.class, kubernetes.io/ingress.allow-http, kubernetes.io/ingress.global-static-ip-name, kubernetes.io/ingress.regional-static-ip-name)'],
    ['a description without dbConsoleIap', { ...INGRESS, identityAwareProxy: IdentityAwareProxy.fromDeployment(description()) }, 'dbConsoleIngress.identityAwareProxy',
      'received "IdentityAwareProxy.fromDeployment(description)"; expected a description with dbConsoleIap (the principals IAP lets through and the address), or IdentityAwareProxy.of(…)'],
    ['a plain object', { ...INGRESS, identityAwareProxy: { options: {} } as any }, 'dbConsoleIngress.identityAwareProxy',
      'received {"options":{}}; expected an IdentityAwareProxy, e.g. IdentityAwareProxy.fromDeployment(description)'],
    ['a bad Secret name', { ...INGRESS, identityAwareProxy: IdentityAwareProxy.of({ oauthClientSecretName: 'IAP_Client' }) }, 'dbConsoleIngress.identityAwareProxy.oauthClientSecretName', 'received "IAP_Client"'],
    ['a bad address name', { ...INGRESS, identityAwareProxy: IdentityAwareProxy.of({ staticIpName: 'Console IP' }) }, 'dbConsoleIngress.identityAwareProxy.staticIpName',
      'received "Console IP"; expected a Compute Engine address name: 1 to 63 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen'],
    ['an address name ending with a hyphen', { ...INGRESS, identityAwareProxy: IdentityAwareProxy.of({ staticIpName: 'console-' }) }, 'dbConsoleIngress.identityAwareProxy.staticIpName', 'received "console-"'],
    ['an address name of 64 characters', { ...INGRESS, identityAwareProxy: IdentityAwareProxy.of({ staticIpName: `a${'b'.repeat(63)}` }) }, 'dbConsoleIngress.identityAwareProxy.staticIpName', 'received "abbb'],
    ['an address name not a string', { ...INGRESS, identityAwareProxy: IdentityAwareProxy.of({ staticIpName: 7 as any }) }, 'dbConsoleIngress.identityAwareProxy.staticIpName', 'received 7'],
  ])('%s', (_, dbConsoleIngress, prop, message) => {
    const error = configError(() => build({ dbConsoleIngress }));
    expect(error.prop).toBe(prop);
    expect(error.message).toContain(`${prop}: ${message}`);
  });

  test('an address of 63 characters is accepted', () => {
    const { objects } = build({ dbConsoleIngress: { ...INGRESS, identityAwareProxy: IdentityAwareProxy.of({ staticIpName: `a${'b'.repeat(62)}` }) } });
    expect(only(objects, 'Ingress').metadata.annotations['kubernetes.io/ingress.global-static-ip-name']).toHaveLength(63);
  });
});
