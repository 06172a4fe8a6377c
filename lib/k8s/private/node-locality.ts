import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { NodeLabelTier } from '../locality';
import { KUBE_API, kubeApiAccessMount, kubeApiAccessVolume, kubeApiBash, METADATA_ONLY } from './kube-api';
import { guaranteed, restrictedContainerSecurityContext } from './pod-security';
import { fieldRefEnv } from './apply-stable';

/** Where the init container leaves the locality for the main container. */
export const LOCALITY_DIR = '/cockroach/locality';
export const LOCALITY_FILE = `${LOCALITY_DIR}/locality`;

/**
 * Reads the node's labels from the Kubernetes API (GET /api/v1/nodes/<node>, metadata only, with the
 * pod's own token) and writes `tier=value,…` for the main container. The answer is parsed as JSON
 * (json_get), never matched with a regular expression: an annotation may hold the same key.
 */
export function nodeLocalityScript(tiers: NodeLabelTier[]): string {
  return [
    'set -euo pipefail',
    ...kubeApiBash(),
    // The API may not answer in the first seconds of a node's life: retried, and said.
    'for attempt in $(seq 1 12); do',
    `  request -H '${METADATA_ONLY}' "${KUBE_API}/api/v1/nodes/\${NODE_NAME}"`,
    '  [ "$code" = 200 ] && break',
    '  echo "reading node ${NODE_NAME} answered HTTP $code: $body" >&2',
    '  [ "$attempt" -lt 12 ] || exit 1',
    '  sleep 5',
    'done',
    'locality=""',
    'add_tier() {',
    '  local value status=0',
    '  value=$(printf \'%s\' "$body" | json_get metadata labels "$2") || status=$?',
    '  case "$status" in',
    '    0) locality+="${locality:+,}$1=${value}" ;;',
    '    1) echo "node ${NODE_NAME} has no label $2: tier $1 left out" >&2 ;;',
    '    *) echo "node ${NODE_NAME}: unexpected answer: $body" >&2; exit 1 ;;',
    '  esac',
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
      env: [fieldRefEnv('NODE_NAME', 'spec.nodeName')],
      resources: guaranteed('50m', '64Mi'),
      securityContext: restrictedContainerSecurityContext(),
      volumeMounts: [
        { name: 'locality', mountPath: LOCALITY_DIR },
        kubeApiAccessMount(),
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
