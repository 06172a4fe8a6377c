import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';

/** A guard of one StatefulSet: what a ValidatingAdmissionPolicy checks on its updates, and what it says. */
export interface GuardSpec {
  /** The policy's and its binding's name (cluster-scoped: unique across namespaces). */
  readonly name: string;
  /** The StatefulSet's namespace. */
  readonly namespace: string;
  /** The StatefulSet's name. */
  readonly statefulSetName: string;
  /** The resources whose updates are checked (`statefulsets`, and `statefulsets/scale` for the replicas). */
  readonly resources: string[];
  /** The labels of the policy and its binding. */
  readonly labels: { [key: string]: string };
  /** The CEL expression that must hold for an update to pass. */
  readonly expression: string;
  /** The CEL expression of the refusal's message. */
  readonly messageExpression: string;
}

/**
 * A ValidatingAdmissionPolicy (Kubernetes ≥ 1.30) that denies the updates of one StatefulSet that break
 * `expression`, and its binding. Fields the API server would default are written out: the lists are
 * atomic for `kubectl apply`, and matchConstraints for server-side apply.
 */
export function renderGuard(scope: Construct, spec: GuardSpec): { policy: ApiObject; binding: ApiObject } {
  const policy = new ApiObject(scope, 'Policy', {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: spec.name, labels: spec.labels },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [{
          apiGroups: ['apps'], apiVersions: ['v1'], operations: ['UPDATE'], resources: spec.resources, resourceNames: [spec.statefulSetName], scope: '*',
        }],
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': spec.namespace } },
        objectSelector: {},
        matchPolicy: 'Equivalent',
      },
      validations: [{ expression: spec.expression, messageExpression: spec.messageExpression, reason: 'Forbidden' }],
    },
  });
  const binding = new ApiObject(scope, 'Binding', {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: spec.name, labels: spec.labels },
    spec: { policyName: spec.name, validationActions: ['Deny'] },
  });
  // Cluster-scoped: no namespace.
  for (const obj of [policy, binding]) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return { policy, binding };
}
