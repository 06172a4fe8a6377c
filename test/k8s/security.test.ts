import { ClusterSecurity, IssuerRef, SecurityMode } from '../../lib/k8s';

describe('ClusterSecurity', () => {
  test('insecure() is named and explicit', () => {
    const s = ClusterSecurity.insecure();
    expect(s.mode).toBe(SecurityMode.INSECURE);
    expect(s.isSecure).toBe(false);
    expect(s.usesCertManager).toBe(false);
  });

  test('certManager() is secure and issues certificates', () => {
    const s = ClusterSecurity.certManager();
    expect(s.mode).toBe(SecurityMode.CERT_MANAGER);
    expect(s.isSecure).toBe(true);
    expect(s.usesCertManager).toBe(true);
  });

  test('an existing issuer', () => {
    const s = ClusterSecurity.certManagerIssuer(IssuerRef.clusterIssuer('corp-ca'));
    expect(s.issuer).toMatchObject({ name: 'corp-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' });
    expect(s.usesCertManager).toBe(true);
    expect(IssuerRef.issuer('x').kind).toBe('Issuer');
    expect(IssuerRef.of('pca', 'AWSPCAClusterIssuer', 'awspca.cert-manager.io').group).toBe('awspca.cert-manager.io');
  });

  test('existing Secrets are secure but issue nothing', () => {
    const s = ClusterSecurity.existingSecrets({ nodeSecretName: 'n', rootClientSecretName: 'r' });
    expect(s.isSecure).toBe(true);
    expect(s.usesCertManager).toBe(false);
    expect(s.secrets).toEqual({ nodeSecretName: 'n', rootClientSecretName: 'r' });
  });
});
