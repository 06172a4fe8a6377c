import { validateAgainstSchemas } from './manifests';

// The schema check must be able to fail, or the tests that rely on it prove nothing.
describe('validateAgainstSchemas', () => {
  test.each([
    ['a StatefulSet with a string replica count', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'x' }, spec: { replicas: '3', selector: {}, serviceName: 'x', template: {} } }, /replicas must be integer/],
    ['a Certificate with an unknown key algorithm', { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'x' }, spec: { secretName: 'x', issuerRef: { name: 'i' }, privateKey: { algorithm: 'DSA' } } }, /algorithm/],
    ['a NetworkPolicy without podSelector', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'x' }, spec: {} }, /podSelector/],
    ['a Lease with a string duration', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'x' }, spec: { leaseDurationSeconds: '300' } }, /leaseDurationSeconds must be integer/],
    ['a kind nobody registered', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'x' } }, /no schema registered/],
  ])('rejects %s', (_what, obj, message) => {
    expect(() => validateAgainstSchemas([obj as any])).toThrow(message);
  });

  test('rejects an empty list', () => {
    expect(() => validateAgainstSchemas([])).toThrow(/nothing to validate/);
  });
});
