/**
 * Pruning: how the objects that a later synth no longer renders leave the cluster.
 *
 * `kubectl apply` creates and updates; it never deletes what the manifests dropped (the Jobs of an older
 * SQL declaration, the scale-down's ServiceAccount and RoleBinding once `scaleDown` is removed, an older
 * books-load script ConfigMap, a ServiceMonitor after `monitoring` is turned off). Every object this
 * library renders for a cluster carries `cockroachdb/prune-cluster: <cluster name>` and
 * `cockroachdb/prune-namespace: <namespace>` (both: the cluster-scoped objects of two clusters of the
 * same name in two namespaces must not select each other), **except the StatefulSet and the CA** (its
 * Certificate and self-signed Issuer: with cert-manager's `--enable-certificate-owner-ref`, deleting a
 * Certificate deletes its Secret, the CA key included): the database itself (and, through its retention policy, its volumes) is never removed
 * by a prune, only by hand. `kubectl apply --prune` deletes only objects that an earlier `kubectl apply`
 * created, so the volumes the StatefulSet controller made and the Secrets cert-manager issued are never
 * touched either.
 *
 * Finished Jobs are kept until a prune removes them (with their pods, through owner references): a TTL
 * would delete them, and the next apply of the same manifests would run them again. The pods of Jobs do not carry the prune labels: they go with their Job, and a prune that selected them
 * would also delete the running pod of a Job the manifests still have.
 */

import { reject } from '../shared/validate';

/** A label on every object of a cluster but its StatefulSet: the cluster's name. */
export const PRUNE_LABEL = 'cockroachdb/prune-cluster';
/** With {@link PRUNE_LABEL}: the cluster's namespace (cluster-scoped objects have none of their own). */
export const PRUNE_NAMESPACE_LABEL = 'cockroachdb/prune-namespace';

/** The labels of a cluster's prunable objects. */
export function pruneLabels(clusterName: string, namespace: string): { [key: string]: string } {
  return { [PRUNE_LABEL]: clusterName, [PRUNE_NAMESPACE_LABEL]: namespace };
}

/** The labels without the prune labels: for what a prune must never select. */
export function withoutPruneLabels(labels: { readonly [key: string]: string }): { [key: string]: string } {
  return Object.fromEntries(Object.entries(labels).filter(([k]) => k !== PRUNE_LABEL && k !== PRUNE_NAMESPACE_LABEL));
}

/** The label selector of a cluster's prunable objects, as `kubectl -l` takes it. */
export function pruneSelector(clusterName: string, namespace: string): string {
  return Object.entries(pruneLabels(clusterName, namespace)).map(([k, v]) => `${k}=${v}`).join(',');
}

/**
 * Every kind this library renders with the prune labels, as `kubectl apply --prune-allowlist` takes
 * them (kubectl prunes only the kinds it is given). Some are custom resources that a cluster may not
 * serve: see {@link PruneOptions.withoutGroups}.
 */
export const PRUNE_ALLOWLIST: readonly string[] = [
  'core/v1/ConfigMap',
  'core/v1/Pod',
  'core/v1/Service',
  'core/v1/ServiceAccount',
  'batch/v1/Job',
  'policy/v1/PodDisruptionBudget',
  'coordination.k8s.io/v1/Lease',
  'networking.k8s.io/v1/NetworkPolicy',
  'networking.k8s.io/v1/Ingress',
  'rbac.authorization.k8s.io/v1/Role',
  'rbac.authorization.k8s.io/v1/RoleBinding',
  'rbac.authorization.k8s.io/v1/ClusterRole',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding',
  'cert-manager.io/v1/Issuer',
  'cert-manager.io/v1/Certificate',
  'monitoring.coreos.com/v1/ServiceMonitor',
  'monitoring.coreos.com/v1/PrometheusRule',
  'monitoring.googleapis.com/v1/PodMonitoring',
  'monitoring.googleapis.com/v1/Rules',
];

/** API groups of custom resources the library renders that a cluster may lack. */
export const OPTIONAL_PRUNE_GROUPS: readonly string[] = ['monitoring.coreos.com', 'monitoring.googleapis.com'];

/** Options of the prune and removal commands. */
export interface PruneOptions {
  /**
   * API groups whose kinds the target cluster does not serve, left out of the command: kubectl refuses
   * the whole command for one kind it does not know (and `serverSidePruneCommand` would then delete
   * nothing). `monitoring.coreos.com` where the Prometheus Operator's CRDs are not installed,
   * `monitoring.googleapis.com` outside GKE (Managed Service for Prometheus).
   * @default - none: every kind of PRUNE_ALLOWLIST
   */
  readonly withoutGroups?: readonly string[];
}

/** The allowlist less the kinds of the groups left out; an unknown group is refused. */
function allowlist(options: PruneOptions): string[] {
  const without = options.withoutGroups ?? [];
  without.forEach((group, i) => {
    if (!OPTIONAL_PRUNE_GROUPS.includes(group)) {
      reject('prune', `withoutGroups[${i}]`, group, `expected one of ${OPTIONAL_PRUNE_GROUPS.map((g) => `"${g}"`).join(', ')}: the other kinds are built in`);
    }
  });
  return PRUNE_ALLOWLIST.filter((k) => !without.includes(k.split('/')[0]));
}

/**
 * The command that deletes the objects of a cluster that an earlier apply created and the manifests in
 * `folder` no longer have. Run it after the usual `kubectl apply -f <folder>`: with `-l`, kubectl applies
 * only the labelled objects of the folder (and refuses to run when the folder has none of them: to remove
 * a whole cluster, see {@link removalCommand}).
 */
export function pruneCommand(folder: string, clusterName: string, namespace: string, options: PruneOptions = {}): string {
  return [`kubectl apply -f ${folder} --prune -l ${pruneSelector(clusterName, namespace)}`, ...allowlist(options).map((k) => `--prune-allowlist=${k}`)].join(' \\\n  ');
}

/**
 * The same for objects applied with `kubectl apply --server-side`, which kubectl's `--prune` refuses ("it
 * doesn't currently work on objects created by server-side apply"): the objects with the prune labels,
 * less those of the folder, deleted by name. Run it after the apply. (A GitOps controller prunes on its own.)
 */
export function serverSidePruneCommand(folder: string, clusterName: string, namespace: string, options: PruneOptions = {}): string {
  return [
    `comm -23 <(kubectl -n ${namespace} get ${allowlistResources(options).join(',')} -l ${pruneSelector(clusterName, namespace)} -o name | sort) \\`,
    `  <(kubectl get -f ${folder} -o name | sort) \\`,
    `  | xargs -r kubectl -n ${namespace} delete --ignore-not-found`,
  ].join('\n');
}

/** The allowlisted kinds as `kubectl get` and `kubectl delete` take them (`kind.group`). */
function allowlistResources(options: PruneOptions): string[] {
  return allowlist(options).map((k) => {
    const [group, , kind] = k.split('/');
    return group === 'core' ? kind.toLowerCase() : `${kind.toLowerCase()}.${group}`;
  });
}

/**
 * The command that deletes every object of a cluster that is no longer in the manifests at all, but for
 * its StatefulSet (which you delete by hand, once you mean it: its volumes stay, `Retain`), its volumes
 * and the Secrets cert-manager issued.
 */
export function removalCommand(clusterName: string, namespace: string, options: PruneOptions = {}): string {
  return `kubectl -n ${namespace} delete -l ${pruneSelector(clusterName, namespace)} ${allowlistResources(options).join(',')}`;
}
