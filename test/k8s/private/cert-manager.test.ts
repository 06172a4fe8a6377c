import { Duration } from 'cdk8s';
import { CertificateSpec, goDuration, renderCertificate, renderIssuer } from '../../../lib/k8s/private/cert-manager';
import { PRUNE_LABEL } from '../../../lib/k8s/prune';
import { newChart, only, synth, validateAgainstSchemas } from '../../support/manifests';

describe('goDuration', () => {
  test.each([
    ['8760 hours', '8760h', Duration.hours(8760)],
    ['1 hour', '1h', Duration.hours(1)],
    ['2 days', '48h', Duration.days(2)],
    // Not whole hours: in minutes.
    ['90 minutes', '90m', Duration.minutes(90)],
    ['5 minutes', '5m', Duration.minutes(5)],
    ['61 minutes', '61m', Duration.minutes(61)],
    // Not whole minutes either: rounded to the nearest minute.
    ['150 seconds', '3m', Duration.seconds(150)],
    ['3630 seconds', '61m', Duration.seconds(3630)],
  ])('%s is rendered as %s', (_what, text, duration) => {
    expect(goDuration(duration)).toBe(text);
  });
});

const BASE: CertificateSpec = {
  name: 'c', namespace: 'db', labels: { app: 'x' }, secretName: 'c-tls', commonName: 'c',
  duration: Duration.hours(24), renewBefore: Duration.hours(1), usages: ['client auth'],
  keyAlgorithm: 'RSA', rotateKey: true, issuer: { name: 'ca', kind: 'Issuer', group: 'cert-manager.io' },
};

describe('renderCertificate', () => {
  /** [key algorithm, rotate the key, the privateKey rendered]: every combination, whatever the callers use today. */
  test.each([
    ['ECDSA', false, { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Never' }],
    ['ECDSA', true, { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' }],
    ['RSA', false, { algorithm: 'RSA', size: 2048, rotationPolicy: 'Never' }],
    ['RSA', true, { algorithm: 'RSA', size: 2048, rotationPolicy: 'Always' }],
  ] as const)('%s, rotateKey %p', (keyAlgorithm, rotateKey, privateKey) => {
    const chart = newChart();
    renderCertificate(chart, 'Cert', { ...BASE, keyAlgorithm, rotateKey });
    const objects = synth(chart);
    validateAgainstSchemas(objects);
    expect(only(objects, 'Certificate', 'c').spec.privateKey).toEqual(privateKey);
  });

  test('every field, and the issued Secret without the prune label', () => {
    const chart = newChart();
    renderCertificate(chart, 'Cert', {
      ...BASE, labels: { app: 'x', [PRUNE_LABEL]: 'crdb' }, organization: 'Cockroach', isCA: false,
      duration: Duration.minutes(90), renewBefore: Duration.minutes(30),
      dnsNames: ['a.example.com'], ipAddresses: ['10.0.0.1'],
    });
    const cert = only(synth(chart), 'Certificate', 'c');
    expect(cert.apiVersion).toBe('cert-manager.io/v1');
    expect(cert.metadata).toEqual({ name: 'c', namespace: 'db', labels: { app: 'x', [PRUNE_LABEL]: 'crdb' } });
    expect(cert.spec).toEqual({
      secretName: 'c-tls', secretTemplate: { labels: { app: 'x' } }, commonName: 'c',
      subject: { organizations: ['Cockroach'] }, isCA: false, duration: '90m', renewBefore: '30m',
      usages: ['client auth'], dnsNames: ['a.example.com'], ipAddresses: ['10.0.0.1'],
      privateKey: { algorithm: 'RSA', size: 2048, rotationPolicy: 'Always' },
      issuerRef: { name: 'ca', kind: 'Issuer', group: 'cert-manager.io' },
    });
  });

  test('without an organization, no subject', () => {
    const chart = newChart();
    renderCertificate(chart, 'Cert', BASE);
    expect(only(synth(chart), 'Certificate', 'c').spec.subject).toBeUndefined();
  });
});

describe('renderIssuer', () => {
  test('self-signed without a CA Secret, a CA issuer with one', () => {
    const chart = newChart();
    renderIssuer(chart, 'SelfSigned', { name: 'bootstrap', namespace: 'db', labels: { app: 'x' } });
    renderIssuer(chart, 'Ca', { name: 'ca', namespace: 'db', labels: { app: 'x' }, caSecretName: 'ca-tls' });
    const objects = synth(chart);
    validateAgainstSchemas(objects);
    expect(only(objects, 'Issuer', 'bootstrap')).toEqual({
      apiVersion: 'cert-manager.io/v1', kind: 'Issuer',
      metadata: { name: 'bootstrap', namespace: 'db', labels: { app: 'x' } }, spec: { selfSigned: {} },
    });
    expect(only(objects, 'Issuer', 'ca').spec).toEqual({ ca: { secretName: 'ca-tls' } });
  });
});
