/**
 * The example apps as a user applies them (README: `npm run synth`, then `kubectl apply -f
 * dist/<profile>-namespace/` and `kubectl apply -f dist/<profile>/`),
 * every profile and opt-in variant, on the real control plane: client-side and server-side apply, both
 * `--validate=strict`, no warning; every pod the controllers make admitted under PodSecurity
 * `restricted`; a re-apply changes nothing; cert-manager issues every Certificate as CockroachDB needs it;
 * each ServiceAccount has exactly the rights its scripts use. The apps share the namespace `cockroachdb`,
 * so they run one after the other, each from scratch.
 */
import { kubectl, listJson, waitUntil } from './support/kube';
import { rightsOf } from './support/rbac';
import { applyFolder, checkCertificates, contents, deleteFolder, objectsIn, synthProfile, versions, waitForControllers } from './support/variant';

const VARIANTS: Array<[string, string, Record<string, string>, { tls: boolean; locality: boolean; sql: boolean }]> = [
  ['minikube', 'minikube', {}, { tls: false, locality: false, sql: false }],
  ['minikube with backups (MINIKUBE_BACKUPS=1)', 'minikube', { MINIKUBE_BACKUPS: '1' }, { tls: false, locality: false, sql: true }],
  ['minikube with the Prometheus Operator (MINIKUBE_PROMETHEUS_OPERATOR=1)', 'minikube', { MINIKUBE_PROMETHEUS_OPERATOR: '1' }, { tls: false, locality: false, sql: false }],
  ['gke', 'gke', {}, { tls: true, locality: true, sql: true }],
  ['gke with the restore (GKE_RESTORE=1)', 'gke', { GKE_RESTORE: '1' }, { tls: true, locality: true, sql: true }],
  ['gke with the books load (GKE_BOOKS_LOAD=1)', 'gke', { GKE_BOOKS_LOAD: '1' }, { tls: true, locality: true, sql: true }],
];

describe.each(VARIANTS)('%s', (_name, profile, env, expected) => {
  const { namespaceDir, dir } = synthProfile(profile, env);
  const objects = objectsIn(dir);
  const namespaceObjects = objectsIn(namespaceDir);

  afterEach(async () => {
    await deleteFolder(dir, objects);
    await deleteFolder(namespaceDir, namespaceObjects);
  });

  test.each([['client-side', false], ['server-side', true]])('%s apply: strict, no warning, pods admitted, re-apply changes nothing', async (_mode, serverSide) => {
    applyFolder(namespaceDir, serverSide as boolean);
    applyFolder(dir, serverSide as boolean);
    await waitForControllers(objects);
    const before = contents(dir);
    const again = applyFolder(dir, serverSide as boolean);
    // kubectl always sends a PodDisruptionBudget's selector (its patch strategy is "replace"), so it says
    // "configured" for it every time; the server changes nothing (below).
    if (!serverSide) expect(again.trim().split('\n').filter((l) => !l.endsWith(' unchanged'))).toEqual(['poddisruptionbudget.policy/crdb-budget configured']);
    expect(contents(dir)).toEqual(before);
    // And from then on not even a write: the same resourceVersions. (After another manager wrote an
    // object's status, the first server-side re-apply only reorders managedFields: hence the content check above.)
    const rvs = versions(dir);
    applyFolder(dir, serverSide as boolean);
    expect(versions(dir)).toEqual(rvs);

    expect(checkCertificates(objects)).toBe(expected.tls ? objects.filter((o) => o.kind === 'Certificate').length : 0);
    if (expected.tls) expect(objects.filter((o) => o.kind === 'Certificate').length).toBeGreaterThanOrEqual(4);

    // Rights beyond any ServiceAccount's: the database pods read their node (locality) and nothing else;
    // the Jobs' client identity has none; the SQL Job may read and renew its Lease.
    expect(rightsOf('cockroachdb', 'crdb')).toEqual(expected.locality ? ['get nodes/*'] : []);
    expect(rightsOf('cockroachdb', 'crdb-client')).toEqual([]);
    expect(objects.some((o) => o.kind === 'Lease')).toBe(expected.sql);
    expect(rightsOf('cockroachdb', 'crdb-sql')).toEqual(expected.sql ? ['get leases.coordination.k8s.io/crdb-sql', 'patch leases.coordination.k8s.io/crdb-sql'] : []);
    // A client-side apply, then a server-side one (a switch to GitOps): no conflict, no change.
    if (!serverSide) {
      const csa = contents(dir);
      applyFolder(dir, true);
      expect(contents(dir)).toEqual(csa);
    }
  });
});

/**
 * The README's removal that keeps the data, on the real control plane: `kubectl delete -f dist/minikube/`
 * deletes the StatefulSet and leaves the volumes its controller made (the namespace is in the other
 * folder, and the StatefulSet's PVC retention policy is Retain); applying the folder again gives the same
 * StatefulSet the same volumes back.
 */
describe('kubectl delete -f dist/minikube/ keeps the volumes', () => {
  const { namespaceDir, dir } = synthProfile('minikube', {});
  const objects = objectsIn(dir);
  afterAll(async () => {
    await deleteFolder(dir, objects);
    kubectl(['-n', 'cockroachdb', 'delete', 'pvc', '--all', '--wait=false']);
    await deleteFolder(namespaceDir, objectsIn(namespaceDir));
  });

  test('the volumes outlive the cluster, and the same cluster finds them again', async () => {
    applyFolder(namespaceDir, false);
    applyFolder(dir, false);
    const claims = () => listJson('persistentvolumeclaims', 'cockroachdb').map((c) => `${c.metadata.name} ${c.metadata.uid}`).sort();
    const before = await waitUntil('the StatefulSet\'s 3 volumes', () => claims().length === 3 && claims(), 60);
    expect(before.map((c) => c.split(' ')[0])).toEqual(['datadir-crdb-0', 'datadir-crdb-1', 'datadir-crdb-2']);

    kubectl(['delete', '-f', dir, '--wait=true']);
    await waitUntil('the StatefulSet gone', () => listJson('statefulsets', 'cockroachdb').length === 0, 60);
    // Long enough for the garbage collector to have acted on anything it owned.
    await waitUntil('the pods gone', () => listJson('pods', 'cockroachdb', 'app.kubernetes.io/component=database').length === 0, 60);
    expect(claims()).toEqual(before);
    expect(kubectl(['get', 'namespace', 'cockroachdb', '-o', 'name']).trim()).toBe('namespace/cockroachdb');

    applyFolder(dir, false);
    await waitUntil('the pods back', () => listJson('pods', 'cockroachdb', 'app.kubernetes.io/component=database').length === 3, 60);
    // The same claims (same uids): the new pods mount the old volumes.
    expect(claims()).toEqual(before);
  });
});
