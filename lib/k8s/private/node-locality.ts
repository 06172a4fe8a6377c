import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { NodeLabelTier } from '../locality';
import { kubeApiAccessVolume, SERVICE_ACCOUNT_DIR } from './kube-api';
import { guaranteed, restrictedContainerSecurityContext } from './pod-security';

/** Where the init container leaves the locality for the main container. */
export const LOCALITY_DIR = '/cockroach/locality';
export const LOCALITY_FILE = `${LOCALITY_DIR}/locality`;
const SA_DIR = SERVICE_ACCOUNT_DIR;

/**
 * Reads the node's labels from the Kubernetes API (GET /api/v1/nodes/<node>, with the pod's own token)
 * and writes `tier=value,…` for the main container. Label values cannot contain quotes or backslashes,
 * so a regular expression over the JSON is exact.
 */
export function nodeLocalityScript(tiers: NodeLabelTier[]): string {
  return [
    'set -euo pipefail',
    `sa=${SA_DIR}`,
    'body=$(curl --silent --show-error --fail --max-time 10 --retry 12 --retry-delay 5 --retry-all-errors \\',
    '  --cacert "$sa/ca.crt" -H "Authorization: Bearer $(<"$sa/token")" \\',
    '  "https://kubernetes.default.svc/api/v1/nodes/${NODE_NAME}")',
    'locality=""',
    'add_tier() {',
    '  local re="\\"${2//./\\\\.}\\": *\\"([^\\"]*)\\""',
    '  if [[ $body =~ $re ]]; then locality+="${locality:+,}$1=${BASH_REMATCH[1]}";',
    '  else echo "node ${NODE_NAME} has no label $2: tier $1 left out" >&2; fi',
    '}',
    ...tiers.map((t) => `add_tier ${t.tier} ${t.nodeLabel}`),
    'if [ -z "$locality" ]; then echo "node ${NODE_NAME} has none of the locality labels" >&2; exit 1; fi',
    `printf '%s' "$locality" > ${LOCALITY_FILE}`,
    'echo "locality: ${locality}"',
  ].join('\n');
}

/** The init container, and the volumes it needs (a token for it alone, and the hand-over folder). */
export function nodeLocalityParts(image: string, tiers: NodeLabelTier[]): { initContainer: k8s.Container; volumes: k8s.Volume[] } {
  return {
    initContainer: {
      name: 'locality',
      image,
      imagePullPolicy: 'IfNotPresent',
      command: ['/bin/bash', '-c', nodeLocalityScript(tiers)],
      env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
      resources: guaranteed('50m', '64Mi'),
      securityContext: restrictedContainerSecurityContext(),
      volumeMounts: [
        { name: 'locality', mountPath: LOCALITY_DIR },
        { name: 'kube-api-access', mountPath: SA_DIR, readOnly: true },
      ],
    },
    volumes: [
      { name: 'locality', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Mi') } },
      // Only this init container mounts the token: the database container has no API credentials.
      kubeApiAccessVolume(),
    ],
  };
}

/** The main container's command when the locality comes from a file: bash reads it, then execs cockroach. */
export function commandWithNodeLocality(): string[] {
  return ['/bin/bash', '-c', `exec /cockroach/cockroach "$@" --locality="$(<${LOCALITY_FILE})"`, 'cockroach'];
}
