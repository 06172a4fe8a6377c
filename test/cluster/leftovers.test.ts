/**
 * What an apply leaves behind when the manifests drop objects, and the documented way to remove it: the
 * README's prune command (pruneCommand()), run for real. It must remove what the library stopped
 * rendering and nothing that holds data or identity.
 */
import { execSync } from 'child_process';
import { Duration } from 'cdk8s';
import { BOOKS_LOAD_IMAGE, ClusterSecurity, CockroachCluster, pruneCommand, removalCommand, ScaleDownPhase, serverSidePruneCommand } from '../../lib/k8s';
import { apply, clusterEnv, createNamespace, getJson, kubectl, listJson, waitUntil } from './support/kube';
import { synthChart } from './support/synth';

const ns = createNamespace('prune');

function render(options: { scaleDown?: boolean; monitoring?: boolean; booksImage?: string }): string {
  return synthChart(ns, (chart) => {
    const crdb = new CockroachCluster(chart, 'crdb', {
      security: ClusterSecurity.certManager(),
      replicas: options.scaleDown ? 3 : 4,
      scaleDown: options.scaleDown ? { from: 4, phase: ScaleDownPhase.DECOMMISSION } : undefined,
      monitoring: options.monitoring ? {} : undefined,
      managedPrometheus: options.monitoring ? {} : undefined,
    });
    crdb.addDatabase('shop');
    crdb.addBooksLoad({ duration: Duration.minutes(1), image: options.booksImage ?? BOOKS_LOAD_IMAGE });
  });
}

const names = (kind: string) => listJson(kind, ns).map((o) => o.metadata.name).sort();

describe('leftovers and the prune command', () => {
  test('an apply without prune leaves the dropped objects; the README\'s prune command removes them, and only them', async () => {
    apply([render({})]);
    await waitUntil('4 volumes', () => names('pvc').length === 4);
    kubectl(['-n', ns, 'wait', '--for=condition=Ready', '--timeout=120s', 'certificate.cert-manager.io', '--all']);
    apply([render({ scaleDown: true, monitoring: true })]);
    // The scrape CA's Secret too, before the Secrets are counted: it must outlive the prune like the others.
    kubectl(['-n', ns, 'wait', '--for=condition=Ready', '--timeout=120s', 'certificate.cert-manager.io', '--all']);
    const secrets = names('secret');
    expect(secrets).toContain('crdb-scrape-ca');
    const claims = names('pvc');
    const firstJobs = names('jobs');

    // Back to no scale-down and no monitoring, and another books-load image (so another Job).
    const current = render({ booksImage: 'node:22.22.0-alpine3.22' });
    apply([current]);
    expect(names('serviceaccount')).toContain('crdb-scale-down');
    expect(names('rolebinding')).toContain('crdb-scale-down');
    expect(names('servicemonitor.monitoring.coreos.com')).toEqual(['crdb']);
    expect(names('podmonitoring.monitoring.googleapis.com')).toEqual(['crdb']);
    expect(names('rules.monitoring.googleapis.com')).toEqual(['crdb']);
    expect(names('jobs').filter((j) => j.startsWith('crdb-decommission-'))).toHaveLength(1);

    // The command as the README gives it, run by a shell.
    execSync(pruneCommand(current, 'crdb', ns), { env: { ...process.env, KUBECONFIG: clusterEnv().kubeconfig }, stdio: 'pipe' });

    // Gone: what the current manifests no longer have.
    expect(names('serviceaccount')).toEqual(['crdb', 'crdb-client', 'crdb-sql', 'default']);
    expect(names('rolebinding')).toEqual(['crdb-sql']);
    expect(names('servicemonitor.monitoring.coreos.com')).toEqual([]);
    expect(names('prometheusrule.monitoring.coreos.com')).toEqual([]);
    expect(names('podmonitoring.monitoring.googleapis.com')).toEqual([]);
    expect(names('rules.monitoring.googleapis.com')).toEqual([]);
    expect(names('configmap')).not.toContain('crdb-grafana-dashboard');
    expect(names('certificate.cert-manager.io')).not.toContain('crdb-scrape-ca');
    const jobs = names('jobs');
    expect(jobs.filter((j) => j.startsWith('crdb-decommission-'))).toEqual([]);
    expect(jobs.filter((j) => j.startsWith('crdb-books-load-'))).toHaveLength(1);
    expect(jobs).not.toContain(firstJobs.find((j) => j.startsWith('crdb-books-load-')));
    // Kept: the database, its volumes, the issued certificates, and the (empty) scale-down Role.
    expect(getJson('statefulset', 'crdb', ns).spec.replicas).toBe(4);
    expect(names('pvc')).toEqual(claims);
    expect(names('secret')).toEqual(secrets);
    expect(getJson('role', 'crdb-scale-down', ns).rules ?? []).toEqual([]);

    // Pruning again with the same manifests removes nothing.
    const before = JSON.stringify(['serviceaccount', 'rolebinding', 'role', 'jobs', 'configmap', 'pvc', 'secret', 'lease'].map(names));
    execSync(pruneCommand(current, 'crdb', ns), { env: { ...process.env, KUBECONFIG: clusterEnv().kubeconfig }, stdio: 'pipe' });
    expect(JSON.stringify(['serviceaccount', 'rolebinding', 'role', 'jobs', 'configmap', 'pvc', 'secret', 'lease'].map(names))).toBe(before);
  });

  test('server-side apply: kubectl --prune refuses; the server-side prune command removes what the manifests dropped, and only that', async () => {
    const ssa = createNamespace('prune-ssa');
    const render2 = (scaleDown: boolean) => synthChart(ssa, (chart) => new CockroachCluster(chart, 'crdb', {
      security: ClusterSecurity.insecure(), replicas: scaleDown ? 3 : 4, scaleDown: scaleDown ? { from: 4, phase: ScaleDownPhase.DECOMMISSION } : undefined,
    }));
    const plain = render2(false);
    apply([plain], { serverSide: true });
    apply([render2(true)], { serverSide: true });
    apply([plain], { serverSide: true });
    const here = (kind: string) => listJson(kind, ssa).map((o) => o.metadata.name).sort();
    expect(here('serviceaccount')).toContain('crdb-scale-down');
    // The current init Job's pod (Pending: no kubelet) and the dropped decommission Job's pod.
    await waitUntil('the Jobs\' pods', () => here('pods').some((p) => p.startsWith('crdb-init-')) && here('pods').some((p) => p.startsWith('crdb-decommission-')));
    const initPods = here('pods').filter((p) => p.startsWith('crdb-init-'));
    const env = { ...process.env, KUBECONFIG: clusterEnv().kubeconfig };
    expect(() => execSync(pruneCommand(plain, 'crdb', ssa).replace('--prune', '--server-side --prune'), { env, stdio: 'pipe' }))
      .toThrow(/doesn't currently work on objects created by server-side apply/);
    execSync(serverSidePruneCommand(plain, 'crdb', ssa), { env, stdio: 'pipe', shell: '/bin/bash' });
    expect(here('serviceaccount')).toEqual(['crdb', 'crdb-client', 'default']);
    expect(here('rolebinding')).toEqual([]);
    expect(here('jobs').filter((j) => j.startsWith('crdb-decommission-'))).toEqual([]);
    expect(here('jobs').filter((j) => j.startsWith('crdb-init-'))).toHaveLength(1);
    // The current Job's pod is the same pod: never selected, never deleted (and so never retried).
    expect(here('pods').filter((p) => p.startsWith('crdb-init-'))).toEqual(initPods);
    expect(getJson('statefulset', 'crdb', ssa).spec.replicas).toBe(4);
    expect(getJson('role', 'crdb-scale-down', ssa)).toBeDefined();
    kubectl(['delete', 'namespace', ssa, '--wait=false']);
  });

  test('a cluster removed from the manifests: the README\'s removal command takes everything but the database, its volumes and certificates', () => {
    // A second cluster of the same name in another namespace: its cluster-scoped objects stay.
    const other = createNamespace('prune-other');
    apply([synthChart(other, (chart) => new CockroachCluster(chart, 'crdb', { security: ClusterSecurity.insecure() }))]);
    execSync(removalCommand('crdb', ns), { env: { ...process.env, KUBECONFIG: clusterEnv().kubeconfig }, stdio: 'pipe' });
    expect(getJson('statefulset', 'crdb', ns)).toBeDefined();
    expect(names('pvc')).toHaveLength(4);
    expect(kubectl(['-n', ns, 'get', 'secret', 'crdb-ca', '-o', 'name']).trim()).toBe('secret/crdb-ca');
    for (const kind of ['service', 'serviceaccount', 'role', 'rolebinding', 'lease', 'jobs', 'configmap', 'poddisruptionbudget']) {
      expect([kind, names(kind).filter((n) => n !== 'default' && n !== 'kube-root-ca.crt')]).toEqual([kind, []]);
    }
    // The CA stays, with its key: its Certificate and self-signed Issuer are never selected.
    expect(names('certificate.cert-manager.io')).toEqual(['crdb-ca']);
    expect(names('issuer.cert-manager.io')).toEqual(['crdb-selfsigned']);
    expect(getJson('validatingadmissionpolicy', `${ns}-crdb-replica-guard`)).toBeUndefined();
    expect(getJson('validatingadmissionpolicy', `${other}-crdb-replica-guard`)).toBeDefined();
    expect(getJson('validatingadmissionpolicy', `${ns}-crdb-version-guard`)).toBeUndefined();
    expect(getJson('validatingadmissionpolicy', `${other}-crdb-version-guard`)).toBeDefined();
    kubectl(['delete', 'namespace', other, '--wait=false']);
  });
});

afterAll(() => {
  kubectl(['delete', 'namespace', ns, '--wait=false']);
});
