import { ClusterSecurity, CockroachCluster, CockroachClusterProps } from '../../lib/k8s';
import { newChart, only, synth, validateAgainstSchemas } from '../support/manifests';
import { configError } from '../support/errors';

function build(props: Partial<CockroachClusterProps> = {}) {
  const chart = newChart();
  const cluster = new CockroachCluster(chart, 'crdb', props);
  return { cluster, objects: synth(chart) };
}

describe('DB Console Ingress', () => {
  test('off by default; with TLS on the Ingress and HTTPS to the backend for ingress-nginx', () => {
    expect(build().objects.filter((o) => o.kind === 'Ingress')).toEqual([]);
    const { objects } = build({ dbConsoleIngress: { host: 'crdb.example.com', tlsSecretName: 'crdb-console-tls', ingressClassName: 'nginx' } });
    validateAgainstSchemas(objects);
    const ing = only(objects, 'Ingress');
    expect(ing.metadata.name).toBe('crdb-console');
    expect(ing.metadata.namespace).toBe('db');
    expect(ing.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS' });
    expect(ing.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['crdb.example.com'], secretName: 'crdb-console-tls' }],
      rules: [{ host: 'crdb.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'crdb-public', port: { name: 'http' } } } }] } }],
    });
  });

  test('no HTTPS backend annotation when the DB Console speaks HTTP, or for another controller', () => {
    const ingress = { host: 'crdb.example.com', tlsSecretName: 'crdb-console-tls' };
    const insecureNginx = only(build({ security: ClusterSecurity.insecure(), dbConsoleIngress: { ...ingress, ingressClassName: 'nginx' } }).objects, 'Ingress');
    expect(insecureNginx.metadata.annotations).toBeUndefined();
    expect(insecureNginx.spec.ingressClassName).toBe('nginx');
    const secureTraefik = only(build({ dbConsoleIngress: { ...ingress, ingressClassName: 'traefik' } }).objects, 'Ingress');
    expect(secureTraefik.metadata.annotations).toBeUndefined();
    const secureDefaultClass = only(build({ dbConsoleIngress: ingress }).objects, 'Ingress');
    expect(secureDefaultClass.metadata.annotations).toBeUndefined();
    expect(secureDefaultClass.spec.ingressClassName).toBeUndefined();
  });

  test('the controller annotations are added to the HTTPS one, and may override it', () => {
    const ingress = { host: 'crdb.example.com', tlsSecretName: 'crdb-console-tls', ingressClassName: 'nginx' };
    const added = only(build({ dbConsoleIngress: { ...ingress, annotations: { 'nginx.ingress.kubernetes.io/whitelist-source-range': '203.0.113.0/24' } } }).objects, 'Ingress');
    expect(added.metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS', 'nginx.ingress.kubernetes.io/whitelist-source-range': '203.0.113.0/24',
    });
    const overridden = only(build({ dbConsoleIngress: { ...ingress, annotations: { 'nginx.ingress.kubernetes.io/backend-protocol': 'HTTP' } } }).objects, 'Ingress');
    expect(overridden.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/backend-protocol': 'HTTP' });
  });

  /** [options, the prop named in the error, the received value as the message shows it] */
  test.each([
    [{ host: '*.example.com', tlsSecretName: 'x' }, 'dbConsoleIngress.host', '"*.example.com"'],
    [{ host: 'Crdb.Example.com', tlsSecretName: 'x' }, 'dbConsoleIngress.host', '"Crdb.Example.com"'],
    [{ host: 'crdb.example.com', tlsSecretName: 'Bad Secret' }, 'dbConsoleIngress.tlsSecretName', '"Bad Secret"'],
    [{ host: 'crdb.example.com', tlsSecretName: 'x', ingressClassName: 'Nginx Public' }, 'dbConsoleIngress.ingressClassName', '"Nginx Public"'],
    [{ host: 'crdb.example.com', tlsSecretName: 'x', annotations: { 'bad key': 'x' } }, 'dbConsoleIngress.annotations', '"bad key"'],
    [{ host: 'crdb.example.com', tlsSecretName: 'x', annotations: { 'Example.com/x': 'y' } }, 'dbConsoleIngress.annotations', '"Example.com/x"'],
    // GKE ignores an Ingress that names a class: accepted, it would never get a load balancer.
    [{ host: 'crdb.example.com', tlsSecretName: 'x', ingressClassName: 'gce' }, 'dbConsoleIngress.ingressClassName', '"gce"'],
    [{ host: 'crdb.example.com', tlsSecretName: 'x', ingressClassName: 'gce-internal' }, 'dbConsoleIngress.ingressClassName', '"gce-internal"'],
    [{ host: 'crdb.example.com', tlsSecretName: 'x', ingressClassName: 'gce-regional-external' }, 'dbConsoleIngress.ingressClassName', '"gce-regional-external"'],
  ])('bad input %o', (dbConsoleIngress, prop, received) => {
    const error = configError(() => build({ dbConsoleIngress }));
    expect(error.prop).toBe(prop);
    expect(error.message).toContain(`${prop}: received ${received}; expected `);
  });

  /** [host, the message in full]: a wildcard, or no string at all, is refused before the DNS-name check. */
  test.each([
    ['*.example.com', '[test/crdb] dbConsoleIngress.host: received "*.example.com"; expected a DNS name without wildcard'],
    ['crdb.*.example.com', '[test/crdb] dbConsoleIngress.host: received "crdb.*.example.com"; expected a DNS name without wildcard'],
    [undefined, '[test/crdb] dbConsoleIngress.host: received undefined; expected a DNS name without wildcard'],
    [42, '[test/crdb] dbConsoleIngress.host: received 42; expected a DNS name without wildcard'],
  ])('host %p', (host, message) => {
    const error = configError(() => build({ dbConsoleIngress: { host: host as string, tlsSecretName: 'x' } }));
    expect(error.prop).toBe('dbConsoleIngress.host');
    expect(error.message).toBe(message);
  });
});
