/**
 * Every feature at once (test/cluster/apps/all-features.ts), and each phase of a declared scale-down, on the
 * real control plane: client-side and server-side apply, `--validate=strict`, no warning; every pod the
 * controllers make admitted under PodSecurity `restricted`; a re-apply changes nothing; every
 * Certificate issued as CockroachDB needs it; each ServiceAccount's rights.
 */
import { ScaleDownPhase } from '../../lib/k8s';
import { ALL_FEATURES_PULL_SECRET, allFeatures } from './apps/all-features';
import { createNamespace, kubectl } from './support/kube';
import { rightsOf } from './support/rbac';
import { synthChart } from './support/synth';
import { applyFolder, checkCertificates, contents, objectsIn, versions, waitForControllers } from './support/variant';

const namespaces: string[] = [];
/** The library's objects as stored: all but the test app's own web Deployment (cdk8s-plus's, not ours). */
const libraryContents = (dir: string) => Object.fromEntries(Object.entries(contents(dir)).filter(([key]) => !/^Deployment\/[^/]+\/chart-web$/.test(key)));

const VARIANTS: Array<[string, ScaleDownPhase | undefined, string[]]> = [
  ['every feature', undefined, []],
  ['every feature, scale-down phase DECOMMISSION', ScaleDownPhase.DECOMMISSION, ['get statefulsets.apps/crdb', 'patch statefulsets.apps/crdb']],
  ['every feature, scale-down phase SHRINK', ScaleDownPhase.SHRINK, ['delete persistentvolumeclaims/datadir-crdb-3', 'get pods/crdb-3']],
];

describe.each(VARIANTS)('%s', (_name, phase, scaleDownRights) => {
  test.each([['client-side', false], ['server-side', true]])('%s apply: strict, no warning, pods admitted, re-apply changes nothing', async (_mode, serverSide) => {
    const ns = createNamespace('all');
    namespaces.push(ns);
    const dir = synthChart(ns, (chart) => allFeatures(chart, { scaleDown: phase }));
    const objects = objectsIn(dir);
    applyFolder(dir, serverSide as boolean);
    await waitForControllers(objects);
    const before = libraryContents(dir);
    const again = applyFolder(dir, serverSide as boolean);
    // kubectl always sends a PodDisruptionBudget's selector (patch strategy "replace"): "configured", no
    // change. The web Deployment is the test app's own (cdk8s-plus), not the library's.
    if (!serverSide) {
      expect(again.trim().split('\n').filter((l) => !l.endsWith(' unchanged') && !l.startsWith('deployment.apps/chart-web ')))
        .toEqual(['poddisruptionbudget.policy/crdb-budget configured']);
    }
    expect(libraryContents(dir)).toEqual(before);
    const rvs = versions(dir);
    applyFolder(dir, serverSide as boolean);
    expect(versions(dir)).toEqual(rvs);

    // Every pod the controllers made pulls with the cluster's Secret: the ServiceAccount admission adds it.
    const pods = JSON.parse(kubectl(['-n', ns, 'get', 'pods', '-o', 'json'])).items.filter((p: any) => !p.metadata.name.startsWith('chart-web'));
    expect(pods.length).toBeGreaterThan(8);
    for (const pod of pods) expect([pod.metadata.name, pod.spec.imagePullSecrets]).toEqual([pod.metadata.name, [{ name: ALL_FEATURES_PULL_SECRET }]]);

    // CA, node, root client, and the app user's client certificate.
    expect(checkCertificates(objects)).toBe(4);
    expect(rightsOf(ns, 'crdb')).toEqual(['get nodes/*']);
    expect(rightsOf(ns, 'crdb-client')).toEqual([]);
    expect(rightsOf(ns, 'crdb-sql')).toEqual(['get leases.coordination.k8s.io/crdb-sql', 'patch leases.coordination.k8s.io/crdb-sql']);
    expect(rightsOf(ns, 'crdb-scale-down')).toEqual(scaleDownRights);
    // A client-side apply, then a server-side one (a switch to GitOps): no conflict, no change.
    if (!serverSide) {
      const csa = libraryContents(dir);
      applyFolder(dir, true);
      expect(libraryContents(dir)).toEqual(csa);
    }
  });
});

afterAll(() => {
  if (namespaces.length > 0) kubectl(['delete', 'namespace', ...namespaces, '--wait=false']);
});
