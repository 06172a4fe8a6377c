import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';

/**
 * A StatefulSet whose claim templates are written as the API server stores them: with `apiVersion`,
 * `kind` and the `status` (`phase: Pending`) it adds. The list is atomic for `kubectl apply`, so without
 * them every client-side apply would report the StatefulSet "configured" (hiding real changes in its
 * output) and a switch to server-side apply would conflict on it. The typed props have none of these
 * fields, and the L1 class drops unknown ones (even JSON patches), so they are added after it.
 */
export class ApplyStableStatefulSet extends k8s.KubeStatefulSet {
  // KubeStatefulSet declares toJson(): any.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public toJson(): any {
    const json = super.toJson();
    if (json.spec.volumeClaimTemplates) {
      json.spec.volumeClaimTemplates = json.spec.volumeClaimTemplates.map((claim: object) => ({
        apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...claim, status: { phase: 'Pending' },
      }));
    }
    return json;
  }
}

/**
 * An env var from the pod's own fields (downward API), with the `apiVersion` the API server defaults it
 * to: the field selector is atomic for server-side apply, so without it a switch from client-side to
 * server-side apply conflicts on it.
 */
export function fieldRefEnv(name: string, fieldPath: string): k8s.EnvVar {
  return { name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } };
}
