import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';

/**
 * Where a container that talks to the Kubernetes API finds its token and the cluster CA: the usual path,
 * mounted into that container only (pods keep `automountServiceAccountToken: false`).
 */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** A projected volume with a short-lived token of the pod's ServiceAccount and the cluster CA. */
export function kubeApiAccessVolume(name = 'kube-api-access'): k8s.Volume {
  return {
    name,
    projected: {
      defaultMode: 0o440,
      sources: [
        { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      ],
    },
  };
}
