import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { renderServiceAccount } from './private/service-account';
import type { ISqlClientTarget } from './cluster-ref';
import { DigestNamedJob } from './digest-named-job';
import { renderClusterJob } from './private/job';
import { KUBE_API, kubeApiAccessMount, kubeApiAccessVolume, kubeApiBash } from './private/kube-api';
import { helperResources } from './private/pod-security';
import { VersionChangeKind } from './upgrade';
import type { CockroachDbVersion } from './version';

/** The StatefulSet annotation where the rollout and finalization Jobs say where they are, or why they stopped. */
export const ROLLOUT_ANNOTATION = 'cockroachdb/rollout';
/** The pod template annotation that `restartToken` sets: a new token is a new template, so a rollout. */
export const RESTART_TOKEN_ANNOTATION = 'cockroachdb/restart-token';

/** The attempts of 5 seconds a gate waits for the cluster to be healthy before it stops the rollout. */
const HEALTH_ATTEMPTS = 60;
/** Seconds a new pod has to start and become Ready, on top of the old pod's termination grace period. */
const POD_START_SECONDS = 600;
/** Seconds between the two clean readings a health gate wants: the nodes publish their metrics every 10 s. */
const SECOND_READING_SECONDS = 15;
/** The attempts of 5 seconds the finalization waits, for the rollout and then for CockroachDB's own migrations. */
const FINALIZE_ATTEMPTS = 720;

/** What a gated rollout needs from its cluster (see {@link GatedRollout}). */
export interface IRolloutTarget extends ISqlClientTarget {
  /** The stable DNS name of pod `ordinal`: its node's address in `cockroach node status`. */
  podDnsName(ordinal: number): string;
}

/** A declared version change, as a rollout carries it out. */
export interface RolloutVersionChange {
  /** The version the cluster runs before the rollout. */
  readonly from: CockroachDbVersion;
  /** What the change is: a major upgrade keeps the downgrade possible until finalized. */
  readonly kind: VersionChangeKind;
}

/** Properties of {@link GatedRollout}. */
export interface GatedRolloutProps {
  /** The cluster whose pods are replaced. */
  readonly cluster: IRolloutTarget;
  /** The StatefulSet's replica count, as rendered. */
  readonly replicas: number;
  /** The version every pod runs after the rollout (the cluster's `version`). */
  readonly version: CockroachDbVersion;
  /**
   * The declared version change.
   * @default - none: a restart (`restartToken`) on the same version
   */
  readonly change?: RolloutVersionChange;
  /**
   * Also render the Job that finalizes a major upgrade.
   * @default false
   */
  readonly finalize?: boolean;
  /** A digest of the pod template: a new template is rolled out by a new Job. */
  readonly templateDigest: string;
  /**
   * The pods' termination grace period, in seconds: a replaced pod may take that long to drain and go,
   * before its successor starts.
   * @default 300
   */
  readonly terminationGracePeriodSeconds?: number;
}

/**
 * A rollout of the database pods, one at a time, each only when the cluster is healthy. The StatefulSet
 * renders `updateStrategy: OnDelete`, so applying a new pod template replaces no pod by itself; this
 * Job replaces them, highest ordinal first. Before each pod it waits until every node is live and no
 * range is under-replicated or unavailable; after each, until the new pod is Ready on the new template
 * and its node runs the new version. A gate that does not pass within its time stops the rollout: the
 * Job fails, and says why in its log and in the StatefulSet's `cockroachdb/rollout` annotation.
 *
 * Its progress is the pods' own revision label, so a re-run (a retried Job, or the same manifests applied
 * again) goes on where it stopped and never replaces a pod twice. `partition` would not do: every apply of
 * the manifests resets it to the rendered value, and a pod deleted below the partition comes back on the
 * old template.
 *
 * A major upgrade first sets `cluster.preserve_downgrade_option` to the version it comes from, so that it
 * can be rolled back until it is finalized; the finalization Job (`upgrade.finalize`) resets it once every
 * node runs the new version, and waits until `SHOW CLUSTER SETTING version` reports it.
 */
export class GatedRollout extends Construct {
  /** The Role of the rollout Jobs: read and annotate the StatefulSet, read and delete its pods by name (escape hatch). */
  public readonly role: k8s.KubeRole;
  /** The rollout Job (escape hatch). */
  public readonly job: DigestNamedJob;
  /** The finalization Job, when `finalize` is set (escape hatch). */
  public readonly finalizeJob?: DigestNamedJob;

  constructor(scope: Construct, id: string, props: GatedRolloutProps) {
    super(scope, id);
    const { cluster, replicas } = props;
    const name = `${cluster.name}-rollout`;
    const labels = cluster._componentLabels('rollout');
    const pods = Array.from({ length: replicas }, (_, i) => `${cluster.name}-${i}`);
    renderServiceAccount(this, 'ServiceAccount', { name, namespace: cluster.namespace, labels, imagePullSecrets: cluster.imagePullSecrets });
    this.role = new k8s.KubeRole(this, 'Role', {
      metadata: { name, namespace: cluster.namespace, labels },
      rules: [
        { apiGroups: ['apps'], resources: ['statefulsets'], resourceNames: [cluster.name], verbs: ['get', 'patch'] },
        { apiGroups: [''], resources: ['pods'], resourceNames: pods, verbs: ['get', 'delete'] },
      ],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name, namespace: cluster.namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: cluster.namespace }],
    });

    const job = (id: string, component: string, script: string, deadlineSeconds: number) => {
      const connection = cluster._clientConnection();
      return renderClusterJob(this, id, {
        baseName: `${cluster.name}-${component}`,
        namespace: cluster.namespace,
        labels: cluster._jobLabels(component),
        image: cluster.image,
        script,
        env: [{ name: 'COCKROACH_HOST', value: `${cluster.publicHost}:${cluster.sqlPort}` }, ...connection.env],
        serviceAccountName: name,
        deadlineSeconds,
        backoffLimit: 2,
        resources: helperResources('50m', '128Mi', '256Mi'),
        volumes: [...connection.volumes, kubeApiAccessVolume()],
        volumeMounts: [...connection.volumeMounts, kubeApiAccessMount()],
      });
    };
    // Per pod: the health gate, the pod's return and its node's version; then room for the retries.
    const podAttempts = podAttemptsOf(props);
    this.job = job('Job', 'rollout', rolloutScript(props), replicas * (5 * (HEALTH_ATTEMPTS + podAttempts) + SECOND_READING_SECONDS) + 1800);
    if (props.finalize) this.finalizeJob = job('FinalizeJob', 'finalize', finalizeScript(props), 2 * 5 * FINALIZE_ATTEMPTS + 1800);
  }
}

/** The attempts of 5 seconds a replaced pod has to go, and its successor to come back Ready on the new template. */
function podAttemptsOf(props: GatedRolloutProps): number {
  return Math.ceil(((props.terminationGracePeriodSeconds ?? 300) + POD_START_SECONDS) / 5);
}

/** Every node's status: the header names the columns. */
const NODE_STATUS = '/cockroach/cockroach node status --all --decommission --format=tsv';
/** Ranges without their full replica count, and ranges without a quorum, summed over every store. */
const RANGES_SQL = 'SELECT coalesce(sum((metrics->>\'ranges.underreplicated\')::DECIMAL)::INT, 0), coalesce(sum((metrics->>\'ranges.unavailable\')::DECIMAL)::INT, 0) FROM crdb_internal.kv_store_status'
  // The stores of active nodes only: a decommissioned node's last report would block every rollout.
  + ' WHERE node_id IN (SELECT node_id FROM crdb_internal.gossip_liveness WHERE membership = \'active\')';

/** The bash both Jobs share: the API client, the StatefulSet as it is, the health gate, the record. */
function commonScript(props: GatedRolloutProps): string[] {
  const { cluster, replicas } = props;
  const sts = `StatefulSet ${cluster.name}`;
  const awkNodes = (body: string, vars = '') => `awk -F'\\t' ${vars ? `${vars} ` : ''}'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } ${body}'`;
  return [
    'set -euo pipefail',
    ...kubeApiBash(),
    `sts=${KUBE_API}/apis/apps/v1/namespaces/${cluster.namespace}/statefulsets/${cluster.name}`,
    'sql() { /cockroach/cockroach sql --format=tsv -e "$1"; }',
    `nodes() { ${NODE_STATUS}; }`,
    // The active nodes that are not live, and the number that are.
    `not_live() { ${awkNodes('$h["membership"] == "active" && $h["is_live"] != "true" { printf "%s%s", sep, $h["address"]; sep = " " }')}; }`,
    `live() { ${awkNodes('$h["membership"] == "active" && $h["is_live"] == "true" { n++ } END { print n + 0 }')}; }`,
    // The build of the active node at an address ($1); the active nodes on another build than the target.
    `build_at() { ${awkNodes('$h["membership"] == "active" && $h["address"] == addr { print $h["build"] }', '-v addr="$1"')}; }`,
    `behind() { ${awkNodes(`$h["membership"] == "active" && $h["build"] != "${props.version.tag}" { printf "%s%s", sep, $h["address"]; sep = " " }`)}; }`,
    // The annotation takes the text without quotes or backslashes (JSON), on one line.
    'record() {',
    '  local text=${1//[\\"\\\\]/}; text=${text//$\'\\n\'/ }',
    `  request -X PATCH -H 'Content-Type: application/merge-patch+json' --data "{\\"metadata\\":{\\"annotations\\":{\\"${ROLLOUT_ANNOTATION}\\":\\"$text\\"}}}" "$sts"`,
    `  [ "$code" = 200 ] || echo "recording on ${sts} answered HTTP $code: $body" >&2`,
    '}',
    'say() { echo "$1"; record "$1"; }',
    'fail() { echo "stopped: $1" >&2; record "stopped: $1"; exit 1; }',
    // The StatefulSet, once its controller has seen the applied template: the update revision is then its.
    'read_sts() {',
    '  local attempt',
    '  for attempt in $(seq 1 60); do',
    '    request "$sts"',
    `    [ "$code" = 200 ] || fail "reading ${sts} answered HTTP $code: $body"`,
    `    generation=$(printf '%s' "$body" | json_get metadata generation) || fail "${sts}: unexpected answer: $body"`,
    `    observed=$(printf '%s' "$body" | json_get status observedGeneration) || observed=""`,
    `    update=$(printf '%s' "$body" | json_get status updateRevision) || update=""`,
    '    if [ "$observed" = "$generation" ] && [ -n "$update" ]; then break; fi',
    `    [ "$attempt" -lt 60 ] || fail "the StatefulSet controller has not taken up generation $generation of ${sts}"`,
    '    sleep 5',
    '  done',
    `  updated=$(printf '%s' "$body" | json_get status updatedReplicas) || updated=0`,
    `  ready=$(printf '%s' "$body" | json_get status readyReplicas) || ready=0`,
    `  replicas=$(printf '%s' "$body" | json_get spec replicas) || replicas=""`,
    `  [ "$replicas" = ${replicas} ] || fail "${sts} has \${replicas:-no} replicas, not the ${replicas} of these manifests: apply them first"`,
    `  strategy=$(printf '%s' "$body" | json_get spec updateStrategy type) || strategy=""`,
    `  [ "$strategy" = OnDelete ] || fail "${sts} updates its pods by \${strategy:-RollingUpdate}, not OnDelete: apply these manifests first"`,
    `  running=$(printf '%s' "$body" | json_get spec template metadata labels app.kubernetes.io/version) || running=""`,
    `  [ "$running" = ${props.version.tag} ] || fail "${sts} has a template for \${running:-no version}, not ${props.version.tag}: nothing replaced (a later apply replaced this rollout, or its manifests are not applied yet)"`,
    '}',
    // health <what comes next>: every node live, and every range with its replicas and a quorum, in two
    // readings apart (a node publishes its metrics every 10 s: one reading may predate a restart).
    'health() {',
    '  local attempt problem status ranges under unavailable clean=0',
    `  for attempt in $(seq 1 ${HEALTH_ATTEMPTS}); do`,
    '    problem=""',
    '    if ! status=$(nodes 2>&1); then problem="cockroach node status failed: $status"',
    '    elif [ -n "$(printf \'%s\\n\' "$status" | not_live)" ]; then problem="node(s) not live: $(printf \'%s\\n\' "$status" | not_live)"',
    `    elif [ "$(printf '%s\\n' "$status" | live)" -lt ${replicas} ]; then problem="$(printf '%s\\n' "$status" | live) live node(s), not ${replicas}"`,
    `    elif ! ranges=$(sql "${RANGES_SQL}" 2>&1); then problem="reading the range status failed: $ranges"`,
    '    else',
    `      under=$(printf '%s\\n' "$ranges" | awk -F'\\t' 'NR == 2 { print $1 }'); unavailable=$(printf '%s\\n' "$ranges" | awk -F'\\t' 'NR == 2 { print $2 }')`,
    '      if [ "$under" != 0 ] || [ "$unavailable" != 0 ]; then problem="${under:-?} under-replicated and ${unavailable:-?} unavailable range(s)"; fi',
    '    fi',
    '    if [ -z "$problem" ]; then',
    '      clean=$((clean + 1))',
    '      [ "$clean" -lt 2 ] || return 0',
    `      sleep ${SECOND_READING_SECONDS}`,
    '      continue',
    '    fi',
    '    clean=0',
    `    [ "$attempt" -lt ${HEALTH_ATTEMPTS} ] || fail "before $1: $problem"`,
    '    [ "$attempt" -gt 1 ] || echo "waiting before $1: $problem"',
    '    sleep 5',
    '  done',
    '  fail "before $1: the cluster did not stay healthy for two readings"',
    '}',
    // The cluster version (major.minor), as the nodes have agreed on it.
    'cluster_version() { sql "SHOW CLUSTER SETTING version" | awk \'NR == 2\'; }',
  ];
}

function rolloutScript(props: GatedRolloutProps): string {
  const { cluster, replicas, change } = props;
  const target = props.version.tag;
  const ordinals = Array.from({ length: replicas }, (_, i) => replicas - 1 - i);
  const from = change?.from.series;
  const to = props.version.series;
  const versionStep: string[] = [];
  if (change?.kind === VersionChangeKind.MAJOR_UPGRADE) {
    versionStep.push(
      'version=$(cluster_version) || fail "reading the cluster version failed"',
      'case "$version" in',
      `  ${from})`,
      `    say "keeping the downgrade to ${from} possible until the upgrade is finalized"`,
      `    sql "SET CLUSTER SETTING cluster.preserve_downgrade_option = '${from}'" > /dev/null || fail "setting cluster.preserve_downgrade_option failed" ;;`,
      `  ${to}) echo "the cluster version is already ${to}: the upgrade was finalized" ;;`,
      `  ${from}-upgrading-*|${to}-upgrading-*) fail "the cluster version is $version: a finalization is under way; nothing replaced" ;;`,
      `  *) fail "the cluster version is $version, neither ${from} (upgrade.from) nor ${to}: nothing replaced" ;;`,
      'esac',
    );
  } else if (change?.kind === VersionChangeKind.MAJOR_ROLLBACK) {
    versionStep.push(
      'version=$(cluster_version) || fail "reading the cluster version failed"',
      `[ "$version" = ${to} ] || fail "the cluster version is $version: the upgrade to ${from} is finalized or finalizing, and cannot be rolled back then; nothing replaced"`,
    );
  }
  const what = change ? `${change.from.tag} to ${target}` : `a restart on ${target}`;
  return [
    `# Rollout of template ${props.templateDigest}: ${what}.`,
    ...commonScript(props),
    `pods=${KUBE_API}/api/v1/namespaces/${cluster.namespace}/pods`,
    // ready: the Ready condition of the pod on stdin (conditions come in no fixed order).
    'ready() {',
    '  local doc i type; doc=$(cat)',
    '  for i in 0 1 2 3 4 5 6 7 8 9; do',
    '    type=$(printf \'%s\' "$doc" | json_get status conditions "$i" type) || return 0',
    '    if [ "$type" = Ready ]; then printf \'%s\' "$doc" | json_get status conditions "$i" status || true; return 0; fi',
    '  done',
    '}',
    'done_count=0',
    // roll <ordinal> <address>
    'roll() {',
    `  local pod=${cluster.name}-$1 addr=$2 attempt problem rev uid build`,
    '  request "$pods/$pod"',
    '  [ "$code" = 200 ] || fail "reading pod $pod answered HTTP $code: $body"',
    '  rev=$(printf \'%s\' "$body" | json_get metadata labels controller-revision-hash) || rev=""',
    '  if [ "$rev" = "$update" ]; then',
    '    echo "$pod already runs the new template"',
    '  else',
    '    health "replacing $pod"',
    '    uid=$(printf \'%s\' "$body" | json_get metadata uid) || fail "pod $pod: no uid in $body"',
    `    say "replacing $pod ($done_count of ${replicas} done): ${what}"`,
    // The uid precondition: never a pod that the controller re-created meanwhile.
    '    request -X DELETE -H \'Content-Type: application/json\' --data "{\\"preconditions\\":{\\"uid\\":\\"$uid\\"}}" "$pods/$pod"',
    '    case "$code" in',
    '      200|202|404|409) ;;',
    '      *) fail "deleting pod $pod answered HTTP $code: $body" ;;',
    '    esac',
    '  fi',
    `  for attempt in $(seq 1 ${podAttemptsOf(props)}); do`,
    '    problem=""',
    '    request "$pods/$pod"',
    '    if [ "$code" != 200 ]; then problem="$pod is not there yet (HTTP $code)"',
    '    elif rev=$(printf \'%s\' "$body" | json_get metadata labels controller-revision-hash) && [ "$rev" != "$update" ]; then problem="$pod is still on revision $rev"',
    '    elif [ "$(printf \'%s\' "$body" | ready)" != True ]; then problem="$pod is not Ready"',
    '    elif ! status=$(nodes 2>&1); then problem="cockroach node status failed: $status"',
    `    elif build=$(printf '%s\\n' "$status" | build_at "$addr") && [ "$build" != ${target} ]; then problem="the node of $pod runs \${build:-no build yet}, not ${target}"`,
    '    fi',
    '    [ -n "$problem" ] || break',
    `    [ "$attempt" -lt ${podAttemptsOf(props)} ] || fail "$problem, after ${podAttemptsOf(props) * 5} seconds"`,
    '    [ "$attempt" -gt 1 ] || echo "waiting for $pod: $problem"',
    '    sleep 5',
    '  done',
    '  done_count=$((done_count + 1))',
    `  echo "$pod is Ready and its node runs ${target}"`,
    '}',
    'read_sts',
    ...versionStep,
    ...ordinals.map((o) => `roll ${o} ${cluster.podDnsName(o)}:${cluster.sqlPort}`),
    'health "the end of the rollout"',
    change?.kind === VersionChangeKind.MAJOR_UPGRADE
      ? `say "rolled out: every node runs ${target}; finalize with upgrade.finalize once it is validated (until then, a rollback to ${change.from.tag} is possible)"`
      : `say "rolled out: every node runs ${target}"`,
  ].join('\n');
}

function finalizeScript(props: GatedRolloutProps): string {
  const { replicas } = props;
  const target = props.version.tag;
  const to = props.version.series;
  return [
    `# Finalization of the upgrade to ${target}.`,
    ...commonScript(props),
    // The rollout may still be under way: wait for it, as long as it may take.
    `for attempt in $(seq 1 ${FINALIZE_ATTEMPTS}); do`,
    '  read_sts',
    '  problem=""',
    '  if ! status=$(nodes 2>&1); then problem="cockroach node status failed: $status"',
    `  elif [ "$updated" != ${replicas} ] || [ "$ready" != ${replicas} ]; then problem="$updated of ${replicas} pods run the new template, $ready are Ready"`,
    `  elif [ -n "$(printf '%s\\n' "$status" | behind)" ]; then problem="node(s) not on ${target} yet: $(printf '%s\\n' "$status" | behind)"`,
    '  fi',
    '  [ -n "$problem" ] || break',
    `  [ "$attempt" -lt ${FINALIZE_ATTEMPTS} ] || fail "not finalized: $problem"`,
    '  [ "$attempt" -gt 1 ] || echo "waiting for the rollout: $problem"',
    '  sleep 5',
    'done',
    'health "finalizing"',
    'version=$(cluster_version) || fail "reading the cluster version failed"',
    `if [ "$version" = ${to} ]; then say "finalized: the cluster version is ${to}"; exit 0; fi`,
    `say "finalizing the upgrade to ${target}: from here, no rollback"`,
    'sql "RESET CLUSTER SETTING cluster.preserve_downgrade_option" > /dev/null || fail "resetting cluster.preserve_downgrade_option failed"',
    `for attempt in $(seq 1 ${FINALIZE_ATTEMPTS}); do`,
    `  version=$(cluster_version) || version=""`,
    `  [ "$version" != ${to} ] || break`,
    `  [ "$attempt" -lt ${FINALIZE_ATTEMPTS} ] || fail "the cluster version is still \${version:-unknown}, not ${to}"`,
    '  [ "$attempt" -gt 1 ] || echo "waiting for the cluster version to reach ' + to + ': $version"',
    '  sleep 5',
    'done',
    `say "finalized: the cluster version is ${to}"`,
  ].join('\n');
}
