import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';

/** A ServiceAccount of a cluster's pods: the database's, the SQL clients', or a day-2 Job's. */
export interface ServiceAccountSpec {
  readonly name: string;
  readonly namespace: string;
  readonly labels: { readonly [key: string]: string };
  /** @default - none */
  readonly annotations?: { readonly [key: string]: string };
  /**
   * The cluster's image pull Secrets: the API server's ServiceAccount admission adds them to every pod of
   * the account that names none itself.
   * @default - none
   */
  readonly imagePullSecrets?: readonly string[];
}

/** A ServiceAccount that mounts no token: the pods that call the API server mount a bound one themselves. */
export function renderServiceAccount(scope: Construct, id: string, spec: ServiceAccountSpec): k8s.KubeServiceAccount {
  const pullSecrets = spec.imagePullSecrets ?? [];
  return new k8s.KubeServiceAccount(scope, id, {
    // cdk8s leaves an empty map out of the manifest (no `annotations: {}`); an empty list it would keep.
    metadata: { name: spec.name, namespace: spec.namespace, labels: { ...spec.labels }, annotations: { ...spec.annotations } },
    automountServiceAccountToken: false,
    imagePullSecrets: pullSecrets.length > 0 ? pullSecrets.map((name) => ({ name })) : undefined,
  });
}
