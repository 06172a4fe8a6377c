import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { jsonGetFunction } from './json-get';

/**
 * Where a container that talks to the Kubernetes API finds its token and the cluster CA: the usual path,
 * mounted into that container only (pods keep `automountServiceAccountToken: false`).
 */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The API server as a pod reaches it. */
export const KUBE_API = 'https://kubernetes.default.svc';

/** Ask for the object's metadata only (PartialObjectMetadata): a Node's status alone can be large. */
export const METADATA_ONLY = 'Accept: application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

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

/** The mount of {@link kubeApiAccessVolume} at the usual path. */
export function kubeApiAccessMount(name = 'kube-api-access'): k8s.VolumeMount {
  return { name, mountPath: SERVICE_ACCOUNT_DIR, readOnly: true };
}

/**
 * Bash for a script that calls the API with its pod's token:
 *
 * - `request [curl options] URL` sets `code` (the HTTP status; 000 when the server was not reached) and
 *   `body`. It prints nothing for an HTTP status: the caller says which statuses are expected (quiet)
 *   and which are not (an error that names the status and the server's answer). A transport error is
 *   printed by curl.
 * - `json_get KEY...` reads a field of a JSON answer (see json-get.ts): `printf '%s' "$body" | json_get
 *   metadata generation`. Pipes only: the root filesystem is read-only, so no here-string temp file.
 */
export function kubeApiBash(): string[] {
  const sa = SERVICE_ACCOUNT_DIR;
  return [
    `request() { local out; if ! out=$(curl --silent --show-error --max-time 20 --cacert ${sa}/ca.crt -H "Authorization: Bearer $(<${sa}/token)" -w '\\n%{http_code}' "$@"); then code=000; body=""; return 0; fi; code=\${out##*$'\\n'}; body=\${out%$'\\n'*}; }`,
    jsonGetFunction(),
  ];
}
