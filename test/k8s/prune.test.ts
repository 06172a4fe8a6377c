import { CockroachCluster, PRUNE_ALLOWLIST, PRUNE_LABEL, PRUNE_NAMESPACE_LABEL, pruneCommand, pruneLabels, pruneSelector, removalCommand, ScaleDownPhase, serverSidePruneCommand } from '../../lib/k8s';
import { synthEverything } from '../support/everything';
import { Manifest, newChart, synth } from '../support/manifests';
import { configError } from '../support/errors';

/** An object as `kubectl apply --prune-allowlist` names its kind (the core group is `core`). */
const allowlistKind = (o: Manifest) => `${o.apiVersion.includes('/') ? o.apiVersion : `core/${o.apiVersion}`}/${o.kind}`;
const name = (o: Manifest) => `${o.kind}/${o.metadata.name}`;

describe('the prune label', () => {
  // Both scale-down phases: between them, every object a declared scale-down renders.
  const everything = [ScaleDownPhase.DECOMMISSION, ScaleDownPhase.SHRINK].map((phase) => synthEverything({ scaleDown: { from: 5, phase } }));
  const objects = everything.flatMap((e) => e.objects);
  const cluster = everything[0].cluster;

  test('the labels and the selector', () => {
    expect(PRUNE_LABEL).toBe('cockroachdb/prune-cluster');
    expect(PRUNE_NAMESPACE_LABEL).toBe('cockroachdb/prune-namespace');
    expect(pruneLabels('crdb', 'db')).toEqual({ 'cockroachdb/prune-cluster': 'crdb', 'cockroachdb/prune-namespace': 'db' });
    expect(pruneSelector('crdb', 'db')).toBe('cockroachdb/prune-cluster=crdb,cockroachdb/prune-namespace=db');
    expect(cluster.pruneSelector).toBe('cockroachdb/prune-cluster=crdb,cockroachdb/prune-namespace=db');
  });

  /** The CA's Certificate and its self-signed Issuer: with cert-manager's owner references, deleting the Certificate deletes the CA key. */
  const isCa = (o: Manifest) => (o.kind === 'Certificate' && o.metadata.name === 'crdb-ca') || (o.kind === 'Issuer' && o.metadata.name === 'crdb-selfsigned');

  test('the CA\'s Certificate and self-signed Issuer carry neither', () => {
    const ca = objects.filter(isCa);
    expect(ca.map(name).sort()).toEqual(['Certificate/crdb-ca', 'Certificate/crdb-ca', 'Issuer/crdb-selfsigned', 'Issuer/crdb-selfsigned']);
    for (const o of ca) {
      expect(o.metadata.labels).not.toHaveProperty([PRUNE_LABEL]);
      expect(o.metadata.labels).not.toHaveProperty([PRUNE_NAMESPACE_LABEL]);
      expect(o.metadata.labels['app.kubernetes.io/instance']).toBe('crdb');
    }
  });

  test('every object but the StatefulSet and the CA carries both, with the cluster\'s name and namespace (cluster-scoped ones too)', () => {
    const others = objects.filter((o) => o.kind !== 'StatefulSet' && !isCa(o));
    expect(others.length).toBeGreaterThan(30);
    expect(others.filter((o) => o.metadata.labels?.[PRUNE_LABEL] !== 'crdb').map(name)).toEqual([]);
    expect(others.filter((o) => o.metadata.labels?.[PRUNE_NAMESPACE_LABEL] !== 'db').map(name)).toEqual([]);
    expect(others.filter((o) => o.metadata.namespace === undefined).map(name).sort()).toEqual(expect.arrayContaining(['ValidatingAdmissionPolicy/db-crdb-replica-guard']));
  });

  test('the StatefulSet does not, nor its pods, nor its volumes: a prune never removes the database', () => {
    const sts = objects.filter((o) => o.kind === 'StatefulSet');
    expect(sts).toHaveLength(2);
    for (const s of sts) {
      expect(s.metadata.labels).not.toHaveProperty([PRUNE_LABEL]);
      expect(s.metadata.labels).not.toHaveProperty([PRUNE_NAMESPACE_LABEL]);
      expect(s.spec.template.metadata.labels).not.toHaveProperty([PRUNE_LABEL]);
      expect(s.spec.selector.matchLabels).not.toHaveProperty([PRUNE_LABEL]);
      for (const claim of s.spec.volumeClaimTemplates) expect(claim.metadata.labels).not.toHaveProperty([PRUNE_LABEL]);
    }
  });

  test('the SQL client pod carries it; the pods of Jobs do not (they go with their Job; a prune must not delete a current Job\'s running pod)', () => {
    const jobs = objects.filter((o) => o.kind === 'Job');
    expect(jobs.map((j) => j.metadata.name.replace(/-[0-9a-f]{10}$/, '')).sort()).toEqual([
      'crdb-books-load', 'crdb-books-load', 'crdb-decommission', 'crdb-init', 'crdb-init', 'crdb-show-backups', 'crdb-show-backups',
      'crdb-shrink', 'crdb-sql', 'crdb-sql', 'crdb-workload-kv', 'crdb-workload-kv',
    ]);
    for (const j of jobs) {
      expect({ job: name(j), labels: Object.keys(j.spec.template.metadata.labels).filter((k) => k.startsWith('cockroachdb/prune-')) }).toEqual({ job: name(j), labels: [] });
      expect(j.metadata.labels[PRUNE_LABEL]).toBe('crdb');
      expect(j.spec.template.metadata.labels['app.kubernetes.io/component']).toBe(j.metadata.labels['app.kubernetes.io/component']);
    }
    for (const p of objects.filter((o) => o.kind === 'Pod')) expect(p.metadata.labels[PRUNE_LABEL]).toBe('crdb');
  });

  test('the Secrets cert-manager issues never carry it: kubectl did not create them, a prune must not touch them', () => {
    const certificates = objects.filter((o) => o.kind === 'Certificate' && !isCa(o));
    expect(certificates.map((c) => c.metadata.name)).toContain('crdb-client-app');
    for (const c of certificates) {
      expect(c.metadata.labels[PRUNE_LABEL]).toBe('crdb');
      expect(c.metadata.labels[PRUNE_NAMESPACE_LABEL]).toBe('db');
      const others = Object.fromEntries(Object.entries(c.metadata.labels).filter(([k]) => k !== PRUNE_LABEL && k !== PRUNE_NAMESPACE_LABEL));
      expect(Object.keys(others).length).toBeGreaterThan(3);
      expect(c.spec.secretTemplate.labels).toEqual(others);
    }
  });

  test('the value is the cluster\'s name: two clusters in one namespace prune apart', () => {
    const chart = newChart();
    new CockroachCluster(chart, 'a', { name: 'orders' });
    new CockroachCluster(chart, 'b', { name: 'billing' });
    const out = synth(chart).filter((o) => o.kind !== 'StatefulSet' && !(o.kind === 'Certificate' && o.spec.isCA) && !(o.kind === 'Issuer' && o.spec.selfSigned));
    const byValue = (v: string) => out.filter((o) => o.metadata.labels[PRUNE_LABEL] === v).length;
    expect(byValue('orders') + byValue('billing')).toBe(out.length);
    expect(byValue('orders')).toBe(byValue('billing'));
  });
});

describe('PRUNE_ALLOWLIST', () => {
  const everything = [ScaleDownPhase.DECOMMISSION, ScaleDownPhase.SHRINK].map((phase) => synthEverything({ scaleDown: { from: 5, phase } }));
  const kinds = [...new Set(everything.flatMap((e) => e.objects).filter((o) => o.kind !== 'StatefulSet').map(allowlistKind))].sort();

  test('holds every kind the library renders with the label, so that it cannot fall behind', () => {
    expect(kinds.filter((k) => !PRUNE_ALLOWLIST.includes(k))).toEqual([]);
  });

  test('holds nothing else: each kind there is one a cluster renders', () => {
    expect([...PRUNE_ALLOWLIST].sort()).toEqual(kinds);
    expect(new Set(PRUNE_ALLOWLIST).size).toBe(PRUNE_ALLOWLIST.length);
  });

  test('never the StatefulSet', () => {
    expect(PRUNE_ALLOWLIST).not.toContain('apps/v1/StatefulSet');
  });
});

test('pruneCommand: the apply with --prune, the label, every allowlisted kind', () => {
  expect(pruneCommand('dist', 'crdb', 'db')).toBe([
    'kubectl apply -f dist --prune -l cockroachdb/prune-cluster=crdb,cockroachdb/prune-namespace=db \\',
    '  --prune-allowlist=core/v1/ConfigMap \\',
    '  --prune-allowlist=core/v1/Pod \\',
    '  --prune-allowlist=core/v1/Service \\',
    '  --prune-allowlist=core/v1/ServiceAccount \\',
    '  --prune-allowlist=batch/v1/Job \\',
    '  --prune-allowlist=policy/v1/PodDisruptionBudget \\',
    '  --prune-allowlist=coordination.k8s.io/v1/Lease \\',
    '  --prune-allowlist=networking.k8s.io/v1/NetworkPolicy \\',
    '  --prune-allowlist=networking.k8s.io/v1/Ingress \\',
    '  --prune-allowlist=rbac.authorization.k8s.io/v1/Role \\',
    '  --prune-allowlist=rbac.authorization.k8s.io/v1/RoleBinding \\',
    '  --prune-allowlist=rbac.authorization.k8s.io/v1/ClusterRole \\',
    '  --prune-allowlist=rbac.authorization.k8s.io/v1/ClusterRoleBinding \\',
    '  --prune-allowlist=admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy \\',
    '  --prune-allowlist=admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding \\',
    '  --prune-allowlist=cert-manager.io/v1/Issuer \\',
    '  --prune-allowlist=cert-manager.io/v1/Certificate \\',
    '  --prune-allowlist=monitoring.coreos.com/v1/ServiceMonitor \\',
    '  --prune-allowlist=monitoring.coreos.com/v1/PrometheusRule \\',
    '  --prune-allowlist=monitoring.googleapis.com/v1/PodMonitoring \\',
    '  --prune-allowlist=monitoring.googleapis.com/v1/Rules',
  ].join('\n'));
  expect(pruneCommand('dist/prod', 'orders', 'shop').split(' \\\n')[0]).toBe('kubectl apply -f dist/prod --prune -l cockroachdb/prune-cluster=orders,cockroachdb/prune-namespace=shop');
});

test('removalCommand: a delete of every allowlisted kind by the labels (never the StatefulSet)', () => {
  expect(removalCommand('crdb', 'db')).toBe('kubectl -n db delete -l cockroachdb/prune-cluster=crdb,cockroachdb/prune-namespace=db '
    + 'configmap,pod,service,serviceaccount,job.batch,poddisruptionbudget.policy,lease.coordination.k8s.io,networkpolicy.networking.k8s.io,'
    + 'ingress.networking.k8s.io,role.rbac.authorization.k8s.io,rolebinding.rbac.authorization.k8s.io,clusterrole.rbac.authorization.k8s.io,'
    + 'clusterrolebinding.rbac.authorization.k8s.io,validatingadmissionpolicy.admissionregistration.k8s.io,'
    + 'validatingadmissionpolicybinding.admissionregistration.k8s.io,issuer.cert-manager.io,certificate.cert-manager.io,'
    + 'servicemonitor.monitoring.coreos.com,prometheusrule.monitoring.coreos.com,podmonitoring.monitoring.googleapis.com,'
    + 'rules.monitoring.googleapis.com');
  expect(removalCommand('crdb', 'db')).not.toMatch(/statefulset/i);
});

test('serverSidePruneCommand: the labelled objects less the folder\'s, deleted by name', () => {
  const kinds = removalCommand('crdb', 'db').split(' ').pop();
  expect(serverSidePruneCommand('dist/gke/', 'crdb', 'db')).toBe([
    `comm -23 <(kubectl -n db get ${kinds} -l cockroachdb/prune-cluster=crdb,cockroachdb/prune-namespace=db -o name | sort) \\`,
    '  <(kubectl get -f dist/gke/ -o name | sort) \\',
    '  | xargs -r kubectl -n db delete --ignore-not-found',
  ].join('\n'));
});

describe('withoutGroups: the commands for a cluster that lacks some CRDs', () => {
  test('without Managed Service for Prometheus (outside GKE): no monitoring.googleapis.com kind in any command', () => {
    const options = { withoutGroups: ['monitoring.googleapis.com'] };
    const prune = pruneCommand('dist', 'crdb', 'db', options);
    expect(prune).toContain('--prune-allowlist=monitoring.coreos.com/v1/PrometheusRule');
    expect(prune).not.toContain('monitoring.googleapis.com');
    expect(prune.split('\n')).toHaveLength(PRUNE_ALLOWLIST.length - 2 + 1);
    expect(removalCommand('crdb', 'db', options).endsWith('certificate.cert-manager.io,servicemonitor.monitoring.coreos.com,prometheusrule.monitoring.coreos.com')).toBe(true);
    expect(serverSidePruneCommand('dist', 'crdb', 'db', options)).not.toContain('googleapis');
  });

  test('without either monitoring group: the built-in kinds and cert-manager\'s only', () => {
    const options = { withoutGroups: ['monitoring.coreos.com', 'monitoring.googleapis.com'] };
    expect(removalCommand('crdb', 'db', options).endsWith(',issuer.cert-manager.io,certificate.cert-manager.io')).toBe(true);
    expect(serverSidePruneCommand('dist', 'crdb', 'db', options)).not.toMatch(/monitoring/);
    expect(pruneCommand('dist', 'crdb', 'db', options)).not.toMatch(/monitoring/);
    expect(pruneCommand('dist', 'crdb', 'db', { withoutGroups: [] })).toBe(pruneCommand('dist', 'crdb', 'db'));
  });

  test.each([['cert-manager.io'], ['apps'], ['monitoring.googleapis.com/v1'], ['']])('refused: %s (only the optional groups may be left out)', (group) => {
    for (const fn of [() => pruneCommand('dist', 'crdb', 'db', { withoutGroups: [group] }), () => removalCommand('crdb', 'db', { withoutGroups: ['monitoring.coreos.com', group] }),
      () => serverSidePruneCommand('dist', 'crdb', 'db', { withoutGroups: [group] })]) {
      const error = configError(fn);
      expect(error.prop).toMatch(/^withoutGroups\[[01]\]$/);
      expect(error.message).toContain(`received ${JSON.stringify(group)}; expected one of "monitoring.coreos.com", "monitoring.googleapis.com"`);
    }
  });
});
