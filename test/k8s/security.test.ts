import { ClusterSecurity, CockroachCluster, IssuerRef, SecurityMode } from '../../lib/k8s';
import { newChart, only, synth } from '../support/manifests';

/** A cluster with this security, and what it renders. */
function build(security: ClusterSecurity) {
  const chart = newChart();
  const cluster = new CockroachCluster(chart, 'crdb', { security });
  const objects = synth(chart);
  const pod = only(objects, 'StatefulSet').spec.template.spec;
  return {
    cluster,
    objects,
    pod,
    container: pod.containers[0],
    certManagerObjects: objects.filter((o) => o.apiVersion.startsWith('cert-manager.io')).map((o) => `${o.kind}/${o.metadata.name}`),
    certificateIssuers: objects.filter((o) => o.kind === 'Certificate' && !o.spec.isCA).map((o) => o.spec.issuerRef),
    nodeSecrets: (pod.volumes ?? []).filter((v: any) => v.name === 'certs').flatMap((v: any) => v.projected.sources.map((s: any) => s.secret.name)),
    initJobSecrets: (only(objects, 'Job').spec.template.spec.volumes ?? []).flatMap((v: any) => v.projected.sources.map((s: any) => s.secret.name)),
  };
}

describe('ClusterSecurity', () => {
  test('insecure() is named and explicit: --insecure, plain HTTP probes, no certificates anywhere', () => {
    const s = ClusterSecurity.insecure();
    expect(s.mode).toBe(SecurityMode.INSECURE);
    expect(s.isSecure).toBe(false);
    expect(s.usesCertManager).toBe(false);
    const r = build(s);
    expect(r.container.args).toContain('--insecure');
    expect(r.container.args.filter((a: string) => a.startsWith('--certs-dir'))).toEqual([]);
    expect(r.container.readinessProbe.httpGet.scheme).toBe('HTTP');
    expect(r.certManagerObjects).toEqual([]);
    expect(r.nodeSecrets).toEqual([]);
    expect(r.initJobSecrets).toEqual([]);
    expect(r.cluster.certificates).toBeUndefined();
  });

  test('certManager() is secure and issues every certificate from a CA of its own', () => {
    const s = ClusterSecurity.certManager();
    expect(s.mode).toBe(SecurityMode.CERT_MANAGER);
    expect(s.isSecure).toBe(true);
    expect(s.usesCertManager).toBe(true);
    const r = build(s);
    expect(r.container.args).toContain('--certs-dir=/cockroach/cockroach-certs');
    expect(r.container.args).not.toContain('--insecure');
    expect(r.container.readinessProbe.httpGet.scheme).toBe('HTTPS');
    expect(r.certManagerObjects).toEqual([
      'Issuer/crdb-selfsigned', 'Certificate/crdb-ca', 'Issuer/crdb-ca-issuer', 'Certificate/crdb-node', 'Certificate/crdb-client-root',
    ]);
    expect(r.certificateIssuers).toEqual([
      { name: 'crdb-ca-issuer', kind: 'Issuer', group: 'cert-manager.io' },
      { name: 'crdb-ca-issuer', kind: 'Issuer', group: 'cert-manager.io' },
    ]);
    expect(r.nodeSecrets).toEqual(['crdb-node', 'crdb-client-root']);
    expect(r.initJobSecrets).toEqual(['crdb-client-root']);
  });

  test.each([
    ['clusterIssuer', IssuerRef.clusterIssuer('corp-ca'), { name: 'corp-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' }],
    ['issuer', IssuerRef.issuer('team-ca'), { name: 'team-ca', kind: 'Issuer', group: 'cert-manager.io' }],
    ['of (external)', IssuerRef.of('pca', 'AWSPCAClusterIssuer', 'awspca.cert-manager.io'), { name: 'pca', kind: 'AWSPCAClusterIssuer', group: 'awspca.cert-manager.io' }],
  ])('an existing issuer, IssuerRef.%s: no CA of our own, the node and root certificates name it', (_factory, issuer, issuerRef) => {
    const s = ClusterSecurity.certManagerIssuer(issuer);
    expect(s.mode).toBe(SecurityMode.CERT_MANAGER_ISSUER);
    expect(s.isSecure).toBe(true);
    expect(s.usesCertManager).toBe(true);
    const r = build(s);
    expect(r.certManagerObjects).toEqual(['Certificate/crdb-node', 'Certificate/crdb-client-root']);
    expect(r.certificateIssuers).toEqual([issuerRef, issuerRef]);
    expect(r.container.args).toContain('--certs-dir=/cockroach/cockroach-certs');
  });

  test('existing Secrets are secure but issue nothing: the named Secrets are mounted', () => {
    const s = ClusterSecurity.existingSecrets({ nodeSecretName: 'node-tls', rootClientSecretName: 'root-tls' });
    expect(s.mode).toBe(SecurityMode.EXISTING_SECRETS);
    expect(s.isSecure).toBe(true);
    expect(s.usesCertManager).toBe(false);
    const r = build(s);
    expect(r.certManagerObjects).toEqual([]);
    expect(r.nodeSecrets).toEqual(['node-tls', 'root-tls']);
    expect(r.initJobSecrets).toEqual(['root-tls']);
    expect(r.container.args).toContain('--certs-dir=/cockroach/cockroach-certs');
    expect(r.container.readinessProbe.httpGet.scheme).toBe('HTTPS');
  });
});
