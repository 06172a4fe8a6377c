import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import type { CockroachCluster } from './cluster';
import { DigestNamedJob } from './digest-named-job';
import { renderClusterJob } from './private/job';
import { kubeApiAccessVolume, SERVICE_ACCOUNT_DIR } from './private/kube-api';
import { helperResources } from './private/pod-security';
import { DATA_VOLUME_NAME } from './storage';

/** The two steps of a declared scale-down, applied one after the other. */
export enum ScaleDownPhase {
  /**
   * The StatefulSet keeps its current size; a Job decommissions the nodes that will go (the highest
   * ordinals) in one command, waits until they hold no replicas, and then allows the shrink.
   */
  DECOMMISSION = 'decommission',
  /**
   * The StatefulSet shrinks to `replicas` (allowed only after the decommission succeeded); a Job then
   * deletes the volumes of the removed pods.
   */
  SHRINK = 'shrink',
}

/** A declared scale-down: from how many nodes, and which step to render. */
export interface ScaleDownPlan {
  /** The number of nodes running now. */
  readonly from: number;
  /** The step to render: DECOMMISSION first, then SHRINK once its Job succeeded. */
  readonly phase: ScaleDownPhase;
  /**
   * How long the decommission may take (moving data off the nodes).
   * @default Duration.hours(6)
   */
  readonly timeout?: Duration;
}

/** Annotation the decommission Job writes on the StatefulSet: `<generation>:<replicas>` it may shrink to. */
export const DECOMMISSIONED_ANNOTATION = 'cockroachdb/decommissioned';
/** CockroachDB's default replication factor: fewer live nodes cannot hold three replicas. */
export const MIN_LIVE_NODES = 3;

const API = 'https://kubernetes.default.svc';
const SA_DIR = SERVICE_ACCOUNT_DIR;

/** Properties of {@link ScaleDown}. */
export interface ScaleDownProps {
  /** The cluster to scale down. */
  readonly cluster: CockroachCluster;
  /** The declared scale-down: from which size, and which phase. */
  readonly plan: ScaleDownPlan;
  /** The target size. */
  readonly replicas: number;
}

/** The ordinals that go away, highest first. */
export function removedOrdinals(from: number, to: number): number[] {
  return Array.from({ length: from - to }, (_, i) => from - 1 - i);
}

/**
 * The declared scale-down (see {@link ScaleDownPlan}): the Job of the current phase, with a
 * ServiceAccount and a Role limited to the objects it touches by name.
 */
export class ScaleDown extends Construct {
  /** The Job of the current phase (escape hatch). */
  public readonly job: DigestNamedJob;
  /** The Role of the Job (escape hatch). */
  public readonly role: k8s.KubeRole;

  constructor(scope: Construct, id: string, props: ScaleDownProps) {
    super(scope, id);
    const { cluster, plan, replicas } = props;
    const ordinals = removedOrdinals(plan.from, replicas);
    const saName = `${cluster.name}-scale-down`;
    const labels = cluster._componentLabels('scale-down');
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: saName, namespace: cluster.namespace, labels },
      automountServiceAccountToken: false,
    });
    const rules: k8s.PolicyRule[] = plan.phase === ScaleDownPhase.DECOMMISSION
      ? [{ apiGroups: ['apps'], resources: ['statefulsets'], resourceNames: [cluster.name], verbs: ['get', 'patch'] }]
      : [
        { apiGroups: [''], resources: ['pods'], resourceNames: ordinals.map((o) => `${cluster.name}-${o}`), verbs: ['get'] },
        { apiGroups: [''], resources: ['persistentvolumeclaims'], resourceNames: ordinals.map((o) => pvcName(cluster, o)), verbs: ['get', 'delete'] },
      ];
    this.role = new k8s.KubeRole(this, 'Role', { metadata: { name: saName, namespace: cluster.namespace, labels }, rules });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name: saName, namespace: cluster.namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: saName },
      subjects: [{ kind: 'ServiceAccount', name: saName, namespace: cluster.namespace }],
    });

    const connection = cluster._clientConnection();
    const script = plan.phase === ScaleDownPhase.DECOMMISSION
      ? decommissionScript(cluster, plan.from, replicas, ordinals)
      : shrinkScript(cluster, ordinals);
    const timeout = plan.timeout ?? Duration.hours(6);
    this.job = renderClusterJob(this, 'Job', {
      baseName: `${cluster.name}-${plan.phase}`,
      namespace: cluster.namespace,
      labels: cluster._jobLabels(plan.phase),
      image: cluster.image,
      script,
      env: [{ name: 'COCKROACH_HOST', value: `${cluster.publicHost}:${cluster.sqlPort}` }, ...connection.env],
      serviceAccountName: saName,
      ttlAfterFinished: Duration.days(1),
      deadlineSeconds: timeout.toSeconds(),
      backoffLimit: 4,
      resources: helperResources('50m', '128Mi', '256Mi'),
      volumes: [...connection.volumes, kubeApiAccessVolume()],
      volumeMounts: [...connection.volumeMounts, { name: 'kube-api-access', mountPath: SA_DIR, readOnly: true }],
    });
  }
}

function pvcName(cluster: CockroachCluster, ordinal: number): string {
  return `${DATA_VOLUME_NAME}-${cluster.name}-${ordinal}`;
}

/** Shared bash: node status as TSV with its columns looked up by name, and a Kubernetes API client. */
const HELPERS = [
  'set -euo pipefail',
  `api() { curl --silent --show-error --fail-with-body --max-time 20 --cacert ${SA_DIR}/ca.crt -H "Authorization: Bearer $(<${SA_DIR}/token)" "$@"; }`,
  'nodes() { /cockroach/cockroach node status --all --decommission --format=tsv; }',
  '# field <column> <address>: the column of the node with that address (empty when unknown)',
  "field() { awk -F'\\t' -v col=\"$1\" -v addr=\"$2\" 'NR==1 { for (i = 1; i <= NF; i++) h[$i] = i; next } $h[\"address\"] == addr { print $h[col] }'; }",
  'fail() { echo "$1" >&2; exit 1; }',
  'for attempt in $(seq 1 60); do',
  '  if status=$(nodes 2>/dev/null); then break; fi',
  '  [ "$attempt" -lt 60 ] || fail "the cluster did not answer after 60 attempts"',
  '  sleep 5',
  'done',
];

function decommissionScript(cluster: CockroachCluster, from: number, to: number, ordinals: number[]): string {
  const ns = cluster.namespace;
  return [
    ...HELPERS,
    // The nodes that stay must be live and active, and at least the replication factor.
    `remaining=$(printf '%s\\n' "$status" | awk -F'\\t' -v removed=' ${ordinals.map((o) => `${cluster.podDnsName(o)}:${cluster.sqlPort}`).join(' ')} ' 'NR==1 { for (i = 1; i <= NF; i++) h[$i] = i; next } $h["is_live"] == "true" && $h["membership"] == "active" && index(removed, " " $h["address"] " ") == 0' | wc -l)`,
    `echo "decommissioning ${ordinals.length} node(s) (${ordinals.map((o) => `${cluster.name}-${o}`).join(', ')}) to go from ${from} to ${to}; $remaining live node(s) remain"`,
    `[ "$remaining" -ge ${MIN_LIVE_NODES} ] || fail "refused: only $remaining live node(s) would remain, fewer than ${MIN_LIVE_NODES}, the replication factor"`,
    'ids=()',
    ...ordinals.flatMap((o) => {
      const addr = `${cluster.podDnsName(o)}:${cluster.sqlPort}`;
      return [
        `# ${cluster.name}-${o}`,
        `id=$(printf '%s\\n' "$status" | field id '${addr}')`,
        `[ -n "$id" ] || fail "no node with address ${addr}"`,
        `if [ "$(printf '%s\\n' "$status" | field membership '${addr}')" = decommissioned ]; then`,
        `  echo "${cluster.name}-${o} (node $id) is already decommissioned"`,
        'else',
        '  ids+=("$id")',
        'fi',
      ];
    }),
    // All in one command, as CockroachDB recommends: one at a time, a range leaving the first node could
    // move onto the next one to go, and move again.
    'if [ ${#ids[@]} -gt 0 ]; then',
    '  echo "decommissioning node(s) ${ids[*]} in one command; this waits until they hold no replicas"',
    '  /cockroach/cockroach node decommission "${ids[@]}" --wait=all',
    'fi',
    'status=$(nodes)',
    ...ordinals.map((o) => {
      const addr = `${cluster.podDnsName(o)}:${cluster.sqlPort}`;
      return `[ "$(printf '%s\\n' "$status" | field membership '${addr}')" = decommissioned ] || fail "${cluster.name}-${o} is not decommissioned"`;
    }),
    '# Allow the shrink: the replica guard admits this StatefulSet generation going to the target size.',
    `sts=${API}/apis/apps/v1/namespaces/${ns}/statefulsets/${cluster.name}`,
    'body=$(api "$sts")',
    '[[ $body =~ \\"generation\\":([0-9]+) ]] || fail "cannot read the StatefulSet generation"',
    `api -X PATCH -H 'Content-Type: application/merge-patch+json' "$sts" --data "{\\"metadata\\":{\\"annotations\\":{\\"${DECOMMISSIONED_ANNOTATION}\\":\\"\${BASH_REMATCH[1]}:${to}\\"}}}" >/dev/null`,
    `echo "decommissioned; now render phase SHRINK to go to ${to} replicas"`,
  ].join('\n');
}

function shrinkScript(cluster: CockroachCluster, ordinals: number[]): string {
  const ns = cluster.namespace;
  return [
    ...HELPERS,
    ...ordinals.flatMap((o) => {
      const addr = `${cluster.podDnsName(o)}:${cluster.sqlPort}`;
      return [
        `# ${cluster.name}-${o}`,
        `membership=$(printf '%s\\n' "$status" | field membership '${addr}')`,
        `[ "$membership" = decommissioned ] || fail "refused: ${cluster.name}-${o} is \${membership:-unknown}, not decommissioned; its volume is kept"`,
        'for attempt in $(seq 1 120); do',
        `  code=$(api -o /dev/null -w '%{http_code}' ${API}/api/v1/namespaces/${ns}/pods/${cluster.name}-${o} || true)`,
        '  [ "$code" = 404 ] && break',
        `  [ "$attempt" -lt 120 ] || fail "pod ${cluster.name}-${o} is still there"`,
        '  sleep 5',
        'done',
        `code=$(api -X DELETE -o /dev/null -w '%{http_code}' ${API}/api/v1/namespaces/${ns}/persistentvolumeclaims/${pvcName(cluster, o)} || true)`,
        'case "$code" in',
        `  200|202) echo "deleted volume ${pvcName(cluster, o)}" ;;`,
        `  404) echo "volume ${pvcName(cluster, o)} already gone" ;;`,
        `  *) fail "deleting ${pvcName(cluster, o)} answered $code" ;;`,
        'esac',
      ];
    }),
    'echo "scale-down complete: remove scaleDown from the props"',
  ].join('\n');
}

/**
 * A ValidatingAdmissionPolicy (Kubernetes ≥ 1.30) that makes the API server refuse to lower this
 * StatefulSet's replicas unless the decommission Job recorded, for the current generation, that the
 * removed nodes are decommissioned. A plain `kubectl apply` with fewer replicas, or `kubectl scale`, is
 * refused instead of dropping live nodes.
 */
export class ReplicaGuard extends Construct {
  /** The policy (escape hatch). */
  public readonly policy: ApiObject;
  /** Its binding (escape hatch). */
  public readonly binding: ApiObject;
  /** The CEL expression that must hold for an update to pass. */
  public readonly expression: string;

  constructor(scope: Construct, id: string, props: { cluster: CockroachCluster }) {
    super(scope, id);
    const cluster = props.cluster;
    const name = `${cluster.namespace}-${cluster.name}-replica-guard`;
    const a = `oldObject.metadata.annotations['${DECOMMISSIONED_ANNOTATION}']`;
    this.expression = `object.spec.replicas >= oldObject.spec.replicas || (has(oldObject.metadata.annotations) && '${DECOMMISSIONED_ANNOTATION}' in oldObject.metadata.annotations && has(oldObject.metadata.generation) && ${a} == string(oldObject.metadata.generation) + ':' + string(object.spec.replicas))`;
    this.policy = new ApiObject(this, 'Policy', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name, labels: cluster.labels },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [{
            apiGroups: ['apps'], apiVersions: ['v1'], operations: ['UPDATE'],
            resources: ['statefulsets', 'statefulsets/scale'], resourceNames: [cluster.name],
          }],
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': cluster.namespace } },
        },
        validations: [{
          expression: this.expression,
          messageExpression: `'lowering ${cluster.name} from ' + string(oldObject.spec.replicas) + ' to ' + string(object.spec.replicas) + ' replicas would drop live CockroachDB nodes: declare scaleDown { from: ' + string(oldObject.spec.replicas) + ', phase: DECOMMISSION }, apply it and wait for its Job, then apply phase SHRINK'`,
          reason: 'Forbidden',
        }],
      },
    });
    this.binding = new ApiObject(this, 'Binding', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name, labels: cluster.labels },
      spec: { policyName: name, validationActions: ['Deny'] },
    });
    // Cluster-scoped: no namespace.
    for (const obj of [this.policy, this.binding]) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
}
