import { JsonPatch, Lazy, Size } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { renderServiceAccount } from './private/service-account';
import type { ILabelledCluster } from './cluster-ref';
import { DigestNamedJob } from './digest-named-job';
import { renderClusterJob } from './private/job';
import { KUBE_API, kubeApiAccessMount, kubeApiAccessVolume, kubeApiBash } from './private/kube-api';
import { helperResources } from './private/pod-security';
import { bytesToQuantity } from './private/units';

/**
 * A declared growth of the volumes: `from` is the size they have now, the cluster's `storage.size` the
 * size they grow to. A StatefulSet's claim template cannot change, so the apply alone would be refused.
 */
export interface StorageExpansion {
  /** The size of the volumes now (the `storage.size` of the last apply). */
  readonly from: Size;
}

/** What the expansion needs from its cluster (see {@link StorageExpansionJob}). */
export interface IStorageExpansionTarget extends ILabelledCluster {
  /** The image the Job runs (bash, curl and awk). */
  readonly image: string;
  /** The claim template of each store: all of them grow (a side disk for WAL failover keeps its size). */
  readonly storeClaimTemplateNames: readonly string[];
  /** Labels of a Job's objects. @internal */
  _jobLabels(component: string): { [key: string]: string };
}

/** Properties of {@link StorageExpansionJob}. */
export interface StorageExpansionJobProps {
  /** The cluster whose volumes grow. */
  readonly cluster: IStorageExpansionTarget;
  /** The StatefulSet, as rendered with the current size: re-created with the new one. */
  readonly statefulSet: k8s.KubeStatefulSet;
  /** The number of pods, so of claims. */
  readonly replicas: number;
  /** The size the volumes grow to, in bytes. */
  readonly bytes: number;
  /**
   * The StorageClass named in the claim template.
   * @default - the cluster's default class, read from each claim
   */
  readonly storageClassName?: string;
  /**
   * Every claim template of the StatefulSet as rendered, in order: the Job stops before any change unless
   * the live object has the same ones (names and classes; sizes too, but for the stores').
   */
  readonly claimTemplates: readonly ClaimTemplateIdentity[];
}

/** A claim template's name, class and size, as the expansion compares them with the live StatefulSet. */
export interface ClaimTemplateIdentity {
  /** The template's name (`datadir`, `datadir-2`, `failoverdir`). */
  readonly name: string;
  /**
   * Its StorageClass.
   * @default - the cluster's default class (none named)
   */
  readonly storageClassName?: string;
  /**
   * Its size in bytes when it must stay as it is (not a store's).
   * @default - a store's: it grows
   */
  readonly fixedBytes?: number;
}

/** The attempts of 5 seconds the Job waits for each volume to reach its new size (30 minutes). */
const RESIZE_ATTEMPTS = 360;
/** Where the Job finds the StatefulSet to re-create. */
const MANIFEST_DIR = '/etc/cockroachdb-expansion';

/**
 * Grows every volume of the cluster without deleting a pod or a byte. While `expandStorage` is declared,
 * the StatefulSet keeps its claim template at `from` (the apply is accepted), and this Job:
 *
 * 1. checks that every claim is Bound and that its StorageClass allows expansion (else it changes nothing);
 * 2. raises each claim's request to the new size, and waits until the volume has it;
 * 3. re-creates the StatefulSet with the new claim template, leaving its pods running: it deletes the
 *    object with `propagationPolicy: Orphan` (pods, claims and revisions stay) and creates it again; the
 *    new object adopts the pods, whose template is unchanged, so none restarts.
 *
 * Then `expandStorage` is removed, and the next apply matches the object. A re-run finds each step done
 * and goes on. Its Role may read and patch the claims and read, delete and create StatefulSets (creation
 * cannot be limited to a name); a ClusterRole reads StorageClasses.
 */
export class StorageExpansionJob extends Construct {
  /** The Job (escape hatch). */
  public readonly job: DigestNamedJob;
  /** The ConfigMap with the StatefulSet as it will be, with the new claim size (escape hatch). */
  public readonly manifest: k8s.KubeConfigMap;

  constructor(scope: Construct, id: string, props: StorageExpansionJobProps) {
    super(scope, id);
    const { cluster, replicas } = props;
    const name = `${cluster.name}-expand-storage`;
    const labels = cluster._componentLabels('expand-storage');
    const claims = Array.from({ length: replicas }, (_, i) => cluster.storeClaimTemplateNames.map((t) => `${t}-${cluster.name}-${i}`)).flat();
    const quantity = bytesToQuantity(props.bytes);

    renderServiceAccount(this, 'ServiceAccount', { name, namespace: cluster.namespace, labels, imagePullSecrets: cluster.imagePullSecrets });
    new k8s.KubeRole(this, 'Role', {
      metadata: { name, namespace: cluster.namespace, labels },
      rules: [
        { apiGroups: [''], resources: ['persistentvolumeclaims'], resourceNames: claims, verbs: ['get', 'patch'] },
        { apiGroups: ['apps'], resources: ['statefulsets'], resourceNames: [cluster.name], verbs: ['get', 'delete'] },
        { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['create'] },
      ],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name, namespace: cluster.namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: cluster.namespace }],
    });
    // Cluster-scoped names must be unique across namespaces.
    const readerName = `${cluster.namespace}-${name}`;
    const reader = new k8s.KubeClusterRole(this, 'StorageClassReader', {
      metadata: { name: readerName, labels: cluster._objectLabels() },
      rules: [{
        apiGroups: ['storage.k8s.io'],
        resources: ['storageclasses'],
        resourceNames: props.storageClassName !== undefined ? [props.storageClassName] : undefined,
        verbs: ['get'],
      }],
    });
    const readerBinding = new k8s.KubeClusterRoleBinding(this, 'StorageClassReaderBinding', {
      metadata: { name: readerName, labels: cluster._objectLabels() },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: readerName },
      subjects: [{ kind: 'ServiceAccount', name, namespace: cluster.namespace }],
    });
    // cdk8s gives every object the chart's namespace; these two are cluster-scoped.
    for (const obj of [reader, readerBinding]) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));

    this.manifest = new k8s.KubeConfigMap(this, 'Manifest', {
      metadata: { name, namespace: cluster.namespace, labels },
      data: {
        // Read at synth time: the StatefulSet as rendered, escape-hatch changes included, with the new size.
        'statefulset.json': Lazy.any({
          produce: () => {
            const next = props.statefulSet.toJson();
            for (const template of next.spec.volumeClaimTemplates) {
              if (cluster.storeClaimTemplateNames.includes(template.metadata.name)) template.spec.resources.requests.storage = quantity;
            }
            // As `kubectl apply` records what it applied: the next apply then compares with this object.
            const applied = JSON.stringify(next);
            next.metadata.annotations = { ...next.metadata.annotations, 'kubectl.kubernetes.io/last-applied-configuration': `${applied}\n` };
            return JSON.stringify(next);
          },
        }) as unknown as string,
      },
    });

    this.job = renderClusterJob(this, 'Job', {
      baseName: name,
      namespace: cluster.namespace,
      labels: cluster._jobLabels('expand-storage'),
      image: cluster.image,
      script: expansionScript(cluster, claims, props.bytes, quantity, props.claimTemplates),
      serviceAccountName: name,
      deadlineSeconds: claims.length * 5 * RESIZE_ATTEMPTS + 1800,
      backoffLimit: 2,
      resources: helperResources('50m', '64Mi', '128Mi'),
      volumes: [kubeApiAccessVolume(), { name: 'manifest', configMap: { name, items: [{ key: 'statefulset.json', path: 'statefulset.json' }] } }],
      volumeMounts: [kubeApiAccessMount(), { name: 'manifest', mountPath: MANIFEST_DIR, readOnly: true }],
    });
  }
}

function expansionScript(cluster: IStorageExpansionTarget, claims: string[], bytes: number, quantity: string, templates: readonly ClaimTemplateIdentity[]): string {
  const ns = cluster.namespace;
  const sts = `StatefulSet ${cluster.name}`;
  return [
    'set -euo pipefail',
    ...kubeApiBash(),
    'fail() { echo "stopped: $1" >&2; exit 1; }',
    // bytes <quantity>: a storage quantity in bytes (whole numbers with a binary or decimal suffix).
    'bytes() {',
    '  local q=$1 n unit',
    '  [[ $q =~ ^([0-9]+)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$ ]] || { echo -1; return; }',
    '  n=${BASH_REMATCH[1]}; unit=${BASH_REMATCH[2]}',
    '  case "$unit" in',
    '    Ki) n=$((n << 10)) ;; Mi) n=$((n << 20)) ;; Gi) n=$((n << 30)) ;; Ti) n=$((n << 40)) ;; Pi) n=$((n << 50)) ;;',
    '    k) n=$((n * 1000)) ;; M) n=$((n * 1000000)) ;; G) n=$((n * 1000000000)) ;; T) n=$((n * 1000000000000)) ;; P) n=$((n * 1000000000000000)) ;;',
    '  esac',
    '  echo "$n"',
    '}',
    `claims=${KUBE_API}/api/v1/namespaces/${ns}/persistentvolumeclaims`,
    `sts=${KUBE_API}/apis/apps/v1/namespaces/${ns}/statefulsets/${cluster.name}`,
    `echo "growing the volumes of ${sts} to ${quantity}"`,
    // The StatefulSet is re-created from the manifest: its other claim templates must be the live ones, or
    // the re-creation would force a change the API server refuses (a store, or a side disk, dropped).
    'request "$sts"',
    'if [ "$code" = 200 ]; then',
    ...templates.flatMap((t, i) => [
      `  name=$(printf '%s' "$body" | json_get spec volumeClaimTemplates ${i} metadata name) || name=""`,
      `  [ "$name" = ${t.name} ] || fail "${sts} has claim template '\${name:-none}' where the manifests have ${t.name}; claim templates never change: apply the claim templates the StatefulSet has; nothing changed"`,
      `  class=$(printf '%s' "$body" | json_get spec volumeClaimTemplates ${i} spec storageClassName) || class=""`,
      `  [ "$class" = "${t.storageClassName ?? ''}" ] || fail "${sts}'s claim template ${t.name} has StorageClass '$class', not '${t.storageClassName ?? ''}'; claim templates never change; nothing changed"`,
      ...(t.fixedBytes !== undefined ? [
        `  size=$(printf '%s' "$body" | json_get spec volumeClaimTemplates ${i} spec resources requests storage) || size=0`,
        `  [ "$(bytes "$size")" = ${t.fixedBytes} ] || fail "${sts}'s claim template ${t.name} requests $size, not ${bytesToQuantity(t.fixedBytes)}; only the stores grow; nothing changed"`,
      ] : []),
    ]),
    `  if name=$(printf '%s' "$body" | json_get spec volumeClaimTemplates ${templates.length} metadata name); then fail "${sts} has claim template $name, which the manifests drop; claim templates never change; nothing changed"; fi`,
    'fi',
    // Every claim checked before any is changed.
    `for claim in ${claims.join(' ')}; do`,
    '  request "$claims/$claim"',
    '  [ "$code" = 200 ] || fail "reading claim $claim answered HTTP $code: $body; nothing changed"',
    '  phase=$(printf \'%s\' "$body" | json_get status phase) || phase=""',
    '  [ "$phase" = Bound ] || fail "claim $claim is ${phase:-without a phase}, not Bound; nothing changed"',
    '  class=$(printf \'%s\' "$body" | json_get spec storageClassName) || fail "claim $claim has no StorageClass, so it cannot grow; nothing changed"',
    `  request ${KUBE_API}/apis/storage.k8s.io/v1/storageclasses/$class`,
    '  [ "$code" = 200 ] || fail "reading StorageClass $class answered HTTP $code: $body; nothing changed"',
    '  allow=$(printf \'%s\' "$body" | json_get allowVolumeExpansion) || allow=false',
    '  [ "$allow" = true ] || fail "StorageClass $class does not allow volume expansion (allowVolumeExpansion); nothing changed"',
    'done',
    `for claim in ${claims.join(' ')}; do`,
    '  request "$claims/$claim"',
    '  requested=$(printf \'%s\' "$body" | json_get spec resources requests storage) || requested=0',
    `  if [ "$(bytes "$requested")" -ge ${bytes} ]; then`,
    '    echo "claim $claim already requests $requested"',
    '  else',
    `    request -X PATCH -H 'Content-Type: application/merge-patch+json' --data '{"spec":{"resources":{"requests":{"storage":"${quantity}"}}}}' "$claims/$claim"`,
    '    [ "$code" = 200 ] || fail "growing claim $claim answered HTTP $code: $body"',
    `    echo "claim $claim: $requested -> ${quantity}"`,
    '  fi',
    'done',
    `for claim in ${claims.join(' ')}; do`,
    `  for attempt in $(seq 1 ${RESIZE_ATTEMPTS}); do`,
    '    request "$claims/$claim"',
    '    capacity=$(printf \'%s\' "$body" | json_get status capacity storage) || capacity=0',
    `    [ "$(bytes "$capacity")" -lt ${bytes} ] || break`,
    `    [ "$attempt" -lt ${RESIZE_ATTEMPTS} ] || fail "the volume of claim $claim still has $capacity, not ${quantity}, after ${(RESIZE_ATTEMPTS * 5) / 60} minutes"`,
    `    [ "$attempt" -gt 1 ] || echo "waiting for the volume of claim $claim to grow from $capacity to ${quantity}"`,
    '    sleep 5',
    '  done',
    `  echo "claim $claim has ${quantity}"`,
    'done',
    // The StatefulSet: re-created with the new claim template unless it has it already (a re-run).
    'request "$sts"',
    'case "$code" in',
    '  200)',
    '    template=$(printf \'%s\' "$body" | json_get spec volumeClaimTemplates 0 spec resources requests storage) || template=0',
    `    if [ "$(bytes "$template")" -ge ${bytes} ]; then echo "${sts} already has claims of $template: done"; exit 0; fi`,
    '    uid=$(printf \'%s\' "$body" | json_get metadata uid) || fail "no uid in $body"',
    '    request -X DELETE -H \'Content-Type: application/json\' --data "{\\"propagationPolicy\\":\\"Orphan\\",\\"preconditions\\":{\\"uid\\":\\"$uid\\"}}" "$sts"',
    `    case "$code" in 200|202) echo "deleted ${sts}, leaving its pods and claims" ;; *) fail "deleting ${sts} answered HTTP $code: $body" ;; esac ;;`,
    '  404) ;;',
    `  *) fail "reading ${sts} answered HTTP $code: $body" ;;`,
    'esac',
    // The orphaning is done by the garbage collector: the object goes once its pods are released.
    'for attempt in $(seq 1 120); do',
    '  request "$sts"',
    '  [ "$code" != 404 ] || break',
    `  [ "$attempt" -lt 120 ] || fail "${sts} is still being deleted"`,
    '  sleep 1',
    'done',
    `request -X POST -H 'Content-Type: application/json' --data-binary @${MANIFEST_DIR}/statefulset.json ${KUBE_API}/apis/apps/v1/namespaces/${ns}/statefulsets`,
    `[ "$code" = 201 ] || fail "creating ${sts} answered HTTP $code: $body (its pods and claims are untouched: run the Job again)"`,
    `echo "re-created ${sts} with claims of ${quantity}; its pods kept running. Now set storage.size and remove expandStorage"`,
  ].join('\n');
}
