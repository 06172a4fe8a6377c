import { renderGuard } from '../../../lib/k8s/private/admission-guard';
import { newChart, synth } from '../../support/manifests';

test('a policy on the updates of one StatefulSet, denying with the message, and its binding; both cluster-scoped', () => {
  const chart = newChart('shop');
  const guard = renderGuard(chart, {
    name: 'shop-books-x-guard', namespace: 'shop', statefulSetName: 'books', resources: ['statefulsets', 'statefulsets/scale'],
    labels: { team: 'db' }, expression: 'object.spec.replicas > 0', messageExpression: "'no'",
  });
  const [policy, binding] = synth(chart);
  expect(guard.policy.kind).toBe('ValidatingAdmissionPolicy');
  expect(policy).toEqual({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: 'shop-books-x-guard', labels: { team: 'db' } },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [{
          apiGroups: ['apps'], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['statefulsets', 'statefulsets/scale'], resourceNames: ['books'], scope: '*',
        }],
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } },
        objectSelector: {},
        matchPolicy: 'Equivalent',
      },
      validations: [{ expression: 'object.spec.replicas > 0', messageExpression: "'no'", reason: 'Forbidden' }],
    },
  });
  expect(binding).toEqual({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: 'shop-books-x-guard', labels: { team: 'db' } },
    spec: { policyName: 'shop-books-x-guard', validationActions: ['Deny'] },
  });
  expect(guard.binding.kind).toBe('ValidatingAdmissionPolicyBinding');
});
