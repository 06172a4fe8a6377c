import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';

/**
 * A namespace that enforces the "restricted" Pod Security Standard, in a chart of its own, written to a
 * folder of its own (`dist/<profile>-namespace/`): a namespace is cluster-scoped, so it must not inherit a
 * chart namespace, and deleting it deletes every volume in it, so it never sits in the folder that
 * `kubectl delete -f dist/<profile>/` removes.
 */
export class RestrictedNamespaceChart extends Chart {
  constructor(app: App, id: string, public readonly namespaceName: string) {
    super(app, id, { disableResourceNameHashes: true });
    new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: namespaceName,
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
        },
      },
    });
  }
}
