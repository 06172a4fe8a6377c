import { ApiObject, Duration } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { renderServiceAccount } from './private/service-account';
import { DigestNamedJob } from './digest-named-job';
import { renderClusterJob } from './private/job';
import { KUBE_API, kubeApiAccessMount, kubeApiAccessVolume, kubeApiBash } from './private/kube-api';
import type { IGuardedStatefulSet } from './cluster-ref';
import { renderGuard } from './private/admission-guard';
import { helperResources } from './private/pod-security';

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

/** Properties of {@link ScaleDown}. */
export interface ScaleDownProps {
  /** The cluster to scale down. */
  readonly cluster: IScaleDownTarget;
  /** The declared scale-down: from which size, and which phase. */
  readonly plan: ScaleDownPlan;
  /** The target size. */
  readonly replicas: number;
  /** The cluster's Role for the scale-down Job, whose rules the plan's phase needs. */
  readonly access: ScaleDownAccess;
}

/** The ordinals that go away, highest first. */
export function removedOrdinals(from: number, to: number): number[] {
  return Array.from({ length: from - to }, (_, i) => from - 1 - i);
}

/** The name of the scale-down ServiceAccount, Role and RoleBinding of a cluster. */
export function scaleDownAccessName(clusterName: string): string {
  return `${clusterName}-scale-down`;
}

/** What a feature needs from the cluster to render the scale-down (see {@link ScaleDown}). */
export interface IScaleDownTarget {
  /** The cluster's name: the StatefulSet's, and the prefix of its pods and volumes. */
  readonly name: string;
  /** The cluster's namespace. */
  readonly namespace: string;
  /** The CockroachDB image the Jobs run. */
  readonly image: string;
  /** The SQL port. */
  readonly sqlPort: number;
  /**
   * The Secrets the cluster's pods pull images with.
   * @default - none
   */
  readonly imagePullSecrets?: readonly string[];
  /** The public Service's DNS name, which the Jobs connect to. */
  readonly publicHost: string;
  /** The pods' claim templates: a removed pod `N` has claim `<template>-<name>-N` of each. */
  readonly volumeClaimTemplateNames: readonly string[];
  /** The stable DNS name of pod `ordinal` (its node's address). */
  podDnsName(ordinal: number): string;
  /** Labels of an object of this cluster for a component. @internal */
  _componentLabels(component: string): { [key: string]: string };
  /** Labels of a Job (and its pods) of this cluster. @internal */
  _jobLabels(component: string): { [key: string]: string };
  /** How a Job connects as root: env, volumes and their mounts. @internal */
  _clientConnection(): {
    /** Env vars of the connection. */
    env: k8s.EnvVar[];
    /** Volumes with the client certificate. */
    volumes: k8s.Volume[];
    /** Their mounts. */
    volumeMounts: k8s.VolumeMount[];
  };
}

/**
 * The Role of the scale-down, rendered in every cluster under one fixed name: with the rules of the
 * current phase during a scale-down, and with none otherwise. So the apply that follows a scale-down
 * (scaleDown removed) also takes away what the finished phase was allowed, even without pruning: the
 * SHRINK phase may delete the removed nodes' volumes by name, and a later scale-out re-creates volumes
 * with those names.
 */
export class ScaleDownAccess extends Construct {
  /** The Role (escape hatch). */
  public readonly role: k8s.KubeRole;
  /** The Role's rules: none without a declared scale-down. */
  public readonly rules: k8s.PolicyRule[];

  constructor(scope: Construct, id: string, props: { cluster: IScaleDownTarget; rules: k8s.PolicyRule[] }) {
    super(scope, id);
    const { cluster } = props;
    this.rules = props.rules;
    const labels = cluster._componentLabels('scale-down');
    this.role = new k8s.KubeRole(this, 'Role', {
      metadata: { name: scaleDownAccessName(cluster.name), namespace: cluster.namespace, labels },
      // No rules: left out rather than `[]`, which the API server drops (a re-apply would differ).
      rules: props.rules.length > 0 ? props.rules : undefined,
    });
  }
}

/**
 * The declared scale-down (see {@link ScaleDownPlan}): the Job of the current phase, with a
 * ServiceAccount and a Role limited to the objects it touches by name.
 */
export class ScaleDown extends Construct {
  /** The Job of the current phase (escape hatch). */
  public readonly job: DigestNamedJob;
  /** The rules of the phase's Role (the Role itself is the cluster's {@link ScaleDownAccess}). */
  public readonly rules: k8s.PolicyRule[];

  constructor(scope: Construct, id: string, props: ScaleDownProps) {
    super(scope, id);
    const { cluster, plan, replicas } = props;
    const ordinals = removedOrdinals(plan.from, replicas);
    const saName = scaleDownAccessName(cluster.name);
    const labels = cluster._componentLabels('scale-down');
    this.rules = props.access.rules;
    renderServiceAccount(this, 'ServiceAccount', { name: saName, namespace: cluster.namespace, labels, imagePullSecrets: cluster.imagePullSecrets });
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
      deadlineSeconds: timeout.toSeconds(),
      backoffLimit: 4,
      resources: helperResources('50m', '128Mi', '256Mi'),
      volumes: [...connection.volumes, kubeApiAccessVolume()],
      volumeMounts: [...connection.volumeMounts, kubeApiAccessMount()],
    });
  }
}

/**
 * What each phase's Job may do, by name: DECOMMISSION reads and annotates the StatefulSet; SHRINK reads
 * the removed pods (to wait until they are gone) and deletes their volumes.
 */
export function scaleDownRules(cluster: IScaleDownTarget, plan: ScaleDownPlan, replicas: number): k8s.PolicyRule[] {
  const ordinals = removedOrdinals(plan.from, replicas);
  return plan.phase === ScaleDownPhase.DECOMMISSION
    ? [{ apiGroups: ['apps'], resources: ['statefulsets'], resourceNames: [cluster.name], verbs: ['get', 'patch'] }]
    : [
      { apiGroups: [''], resources: ['pods'], resourceNames: ordinals.map((o) => `${cluster.name}-${o}`), verbs: ['get'] },
      { apiGroups: [''], resources: ['persistentvolumeclaims'], resourceNames: ordinals.flatMap((o) => claimNames(cluster, o)), verbs: ['delete'] },
    ];
}

/** The claims of pod `ordinal`: one per claim template. */
function claimNames(cluster: IScaleDownTarget, ordinal: number): string[] {
  return cluster.volumeClaimTemplateNames.map((template) => `${template}-${cluster.name}-${ordinal}`);
}

/** Shared bash: node status as TSV with its columns looked up by name, and a Kubernetes API client. */
const HELPERS = [
  'set -euo pipefail',
  ...kubeApiBash(),
  'nodes() { /cockroach/cockroach node status --all --decommission --format=tsv; }',
  // Stryker disable StringLiteral: bash comments for the reader of the rendered Job; no behaviour
  '# field <column> <address>: the column of the node at that address (empty when unknown). An address',
  '# used twice (one node that an earlier scale-down took out, then a new one on the same pod) names the',
  '# one that is not out.',
  // Stryker restore StringLiteral
  "field() { awk -F'\\t' -v col=\"$1\" -v addr=\"$2\" 'NR==1 { for (i = 1; i <= NF; i++) h[$i] = i; next } $h[\"address\"] == addr { if ($h[\"membership\"] != \"decommissioned\") { v = $h[col]; current = 1 } else if (!current) v = $h[col] } END { print v }'; }",
  'fail() { echo "$1" >&2; exit 1; }',
  'for attempt in $(seq 1 60); do',
  '  if status=$(nodes 2>/dev/null); then break; fi',
  '  [ "$attempt" -lt 60 ] || fail "the cluster did not answer after 60 attempts"',
  '  sleep 5',
  'done',
];

function decommissionScript(cluster: IScaleDownTarget, from: number, to: number, ordinals: number[]): string {
  const ns = cluster.namespace;
  const sts = `StatefulSet ${cluster.name}`;
  return [
    ...HELPERS,
    `sts=${KUBE_API}/apis/apps/v1/namespaces/${ns}/statefulsets/${cluster.name}`,
    // Stryker disable next-line StringLiteral: a bash comment for the reader of the rendered Job; no behaviour
    '# The StatefulSet as it is now: its generation, resourceVersion and replicas.',
    'read_sts() {',
    '  request "$sts"',
    `  [ "$code" = 200 ] || fail "reading ${sts} answered HTTP $code: $body"`,
    '  generation=$(printf \'%s\' "$body" | json_get metadata generation) && version=$(printf \'%s\' "$body" | json_get metadata resourceVersion) \\',
    `    && replicas=$(printf '%s' "$body" | json_get spec replicas) || fail "${sts}: unexpected answer: $body"`,
    // The nodes that go are the highest ordinals of the StatefulSet as it is, which must be the size declared.
    `  [ "$replicas" = ${from} ] || fail "refused: ${sts} has $replicas replicas, not the ${from} that scaleDown.from declares; nothing recorded"`,
    '}',
    'read_sts',
    // The nodes that stay must be live and active, and at least the replication factor.
    `remaining=$(printf '%s\\n' "$status" | awk -F'\\t' -v removed=' ${ordinals.map((o) => `${cluster.podDnsName(o)}:${cluster.sqlPort}`).join(' ')} ' 'NR==1 { for (i = 1; i <= NF; i++) h[$i] = i; next } $h["is_live"] == "true" && $h["membership"] == "active" && index(removed, " " $h["address"] " ") == 0' | wc -l)`,
    `echo "decommissioning ${ordinals.length} node(s) (${ordinals.map((o) => `${cluster.name}-${o}`).join(', ')}) to go from ${from} to ${to}; $remaining live node(s) remain"`,
    `[ "$remaining" -ge ${MIN_LIVE_NODES} ] || fail "refused: only $remaining live node(s) would remain, fewer than ${MIN_LIVE_NODES}, the replication factor"`,
    'ids=()',
    ...ordinals.flatMap((o) => {
      const addr = `${cluster.podDnsName(o)}:${cluster.sqlPort}`;
      return [
        // Stryker disable next-line StringLiteral: a bash comment for the reader of the rendered Job; no behaviour
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
    // The record names the generation it was made for, and is written only if the StatefulSet is still
    // the one just read (resourceVersion precondition: 409 Conflict otherwise, then read again).
    '# Allow the shrink: the replica guard admits this StatefulSet generation going to the target size.',
    'for attempt in $(seq 1 10); do',
    '  read_sts',
    `  request -X PATCH -H 'Content-Type: application/merge-patch+json' --data "{\\"metadata\\":{\\"resourceVersion\\":\\"$version\\",\\"annotations\\":{\\"${DECOMMISSIONED_ANNOTATION}\\":\\"$generation:${to}\\"}}}" "$sts"`,
    '  case "$code" in',
    `    200) echo "recorded on ${sts}: generation $generation may go to ${to} replicas"; break ;;`,
    `    409) echo "${sts} changed while the record was written; reading it again" ;;`,
    `    *) fail "recording on ${sts} answered HTTP $code: $body" ;;`,
    '  esac',
    `  [ "$attempt" -lt 10 ] || fail "${sts} kept changing; nothing recorded"`,
    'done',
    `echo "decommissioned; now render phase SHRINK to go to ${to} replicas"`,
  ].join('\n');
}

function shrinkScript(cluster: IScaleDownTarget, ordinals: number[]): string {
  const ns = cluster.namespace;
  return [
    ...HELPERS,
    ...ordinals.flatMap((o) => {
      const addr = `${cluster.podDnsName(o)}:${cluster.sqlPort}`;
      const pod = `${cluster.name}-${o}`;
      return [
        // Stryker disable next-line StringLiteral: a bash comment for the reader of the rendered Job; no behaviour
        `# ${pod}`,
        `membership=$(printf '%s\\n' "$status" | field membership '${addr}')`,
        `[ "$membership" = decommissioned ] || fail "refused: ${pod} is \${membership:-unknown}, not decommissioned; its volume is kept"`,
        // The StatefulSet controller deletes the pod after the shrink; waiting for it is expected (quiet).
        'for attempt in $(seq 1 120); do',
        `  request ${KUBE_API}/api/v1/namespaces/${ns}/pods/${pod}`,
        '  case "$code" in',
        '    404) break ;;',
        `    200) [ "$attempt" -gt 1 ] || echo "waiting for pod ${pod} to go" ;;`,
        `    *) echo "reading pod ${pod} answered HTTP $code: $body" >&2 ;;`,
        '  esac',
        `  [ "$attempt" -lt 120 ] || fail "pod ${pod} is still there"`,
        '  sleep 5',
        'done',
        ...claimNames(cluster, o).flatMap((claim) => [
          `request -X DELETE ${KUBE_API}/api/v1/namespaces/${ns}/persistentvolumeclaims/${claim}`,
          'case "$code" in',
          `  200|202) echo "deleted volume ${claim}" ;;`,
          `  404) echo "volume ${claim} already gone" ;;`,
          `  *) fail "deleting ${claim} answered HTTP $code: $body" ;;`,
          'esac',
        ]),
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

  constructor(scope: Construct, id: string, props: { cluster: IGuardedStatefulSet }) {
    super(scope, id);
    const cluster = props.cluster;
    const name = `${cluster.namespace}-${cluster.name}-replica-guard`;
    const a = `oldObject.metadata.annotations['${DECOMMISSIONED_ANNOTATION}']`;
    this.expression = `object.spec.replicas >= oldObject.spec.replicas || (has(oldObject.metadata.annotations) && '${DECOMMISSIONED_ANNOTATION}' in oldObject.metadata.annotations && has(oldObject.metadata.generation) && ${a} == string(oldObject.metadata.generation) + ':' + string(object.spec.replicas))`;
    ({ policy: this.policy, binding: this.binding } = renderGuard(this, {
      name,
      namespace: cluster.namespace,
      statefulSetName: cluster.name,
      resources: ['statefulsets', 'statefulsets/scale'],
      labels: cluster._objectLabels(),
      expression: this.expression,
      messageExpression: `'lowering ${cluster.name} from ' + string(oldObject.spec.replicas) + ' to ' + string(object.spec.replicas) + ' replicas would drop live CockroachDB nodes: declare scaleDown { from: ' + string(oldObject.spec.replicas) + ', phase: DECOMMISSION }, apply it and wait for its Job, then apply phase SHRINK'`,
    }));
  }
}
