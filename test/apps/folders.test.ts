import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

/**
 * The folders `npm run synth` writes, as the README's commands use them: `kubectl apply -f
 * dist/<profile>-namespace/` once, `kubectl apply -f dist/<profile>/` after every synth, and
 * `kubectl delete -f dist/<profile>/` to remove the cluster and keep its data. Deleting a Namespace
 * deletes every volume in it, so the cluster's folder must hold none, nor anything else that deletes a
 * volume. (The removal itself runs against the real API server: test/cluster/apply-apps.test.ts.)
 */
const ROOT = path.resolve(__dirname, '../..');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'folders-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

// The variants with the most objects: backups on minikube; the restore and the books load on GKE.
execFileSync(process.execPath, [path.join(ROOT, 'build/apps/k8s.js')], {
  cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: out, MINIKUBE_BACKUPS: '1', GKE_RESTORE: '1', GKE_BOOKS_LOAD: '1' }, stdio: 'pipe',
});
const objectsIn = (folder: string): any[] => fs.readdirSync(path.join(out, folder)).flatMap((f) =>
  parseAllDocuments(fs.readFileSync(path.join(out, folder, f), 'utf8')).map((d) => d.toJSON()).filter(Boolean));

test('two folders per profile: the namespace, and the cluster', () => {
  expect(fs.readdirSync(out).sort()).toEqual([
    'gke', 'gke-namespace',
    // One cluster across three regions: a folder per region, each applied to its region's GKE cluster.
    'global-asia-southeast1', 'global-asia-southeast1-namespace', 'global-europe-west1', 'global-europe-west1-namespace',
    'global-us-east1', 'global-us-east1-namespace',
    'minikube', 'minikube-namespace',
  ]);
});

describe.each([
  ['minikube', 'cockroachdb'], ['gke', 'cockroachdb'],
  ['global-europe-west1', 'cockroachdb-global'], ['global-us-east1', 'cockroachdb-global'], ['global-asia-southeast1', 'cockroachdb-global'],
])('%s', (profile, ns) => {
  const cluster = objectsIn(profile);
  const namespace = objectsIn(`${profile}-namespace`);

  test('the namespace folder holds the restricted Namespace alone', () => {
    expect(namespace.map((o) => [o.kind, o.metadata.name, o.metadata.labels['pod-security.kubernetes.io/enforce']])).toEqual([['Namespace', ns, 'restricted']]);
  });

  test('the folder `kubectl delete -f` removes holds no Namespace, no volume, and nothing that deletes volumes', () => {
    expect(cluster.length).toBeGreaterThan(10);
    expect(cluster.filter((o) => ['Namespace', 'PersistentVolumeClaim', 'PersistentVolume'].includes(o.kind))).toEqual([]);
    const sts = cluster.filter((o) => o.kind === 'StatefulSet');
    expect(sts.map((o) => o.spec.persistentVolumeClaimRetentionPolicy)).toEqual([{ whenDeleted: 'Retain', whenScaled: 'Retain' }]);
    // No Role may delete volumes outside a declared scale-down's SHRINK phase.
    for (const role of cluster.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole')) {
      for (const rule of role.rules ?? []) {
        expect([role.metadata.name, rule.resources?.includes('persistentvolumeclaims') && rule.verbs.includes('delete')]).toEqual([role.metadata.name, false]);
      }
    }
    // Everything it holds lives in the namespace the namespace folder creates (or is cluster-scoped and named after it).
    for (const o of cluster.filter((x) => x.metadata.namespace !== undefined)) expect(o.metadata.namespace).toBe(ns);
  });
});

describe('the minikube app for kube-prometheus-stack (MINIKUBE_PROMETHEUS_OPERATOR=1)', () => {
  const variant = fs.mkdtempSync(path.join(os.tmpdir(), 'folders-po-'));
  afterAll(() => fs.rmSync(variant, { recursive: true, force: true }));
  execFileSync(process.execPath, [path.join(ROOT, 'build/apps/k8s.js')], {
    cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: variant, MINIKUBE_PROMETHEUS_OPERATOR: '1' }, stdio: 'pipe',
  });
  const objects = fs.readdirSync(path.join(variant, 'minikube')).flatMap((f) =>
    parseAllDocuments(fs.readFileSync(path.join(variant, 'minikube', f), 'utf8')).map((d) => d.toJSON()).filter(Boolean));
  const one = (kind: string) => objects.filter((o) => o.kind === kind && o.metadata.name.startsWith('crdb'));

  test('a ServiceMonitor over HTTP (the minikube cluster is insecure), the PrometheusRule and the Grafana dashboard, labelled for the stack', () => {
    const [sm] = one('ServiceMonitor');
    expect(sm.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(sm.spec.endpoints).toEqual([{ port: 'http', path: '/_status/vars', interval: '30s', scheme: 'http' }]);
    const [rule] = one('PrometheusRule');
    expect(rule.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(rule.spec.groups[0].rules[0].expr).toBe('absent(up{namespace="cockroachdb", service="crdb"})');
    const dashboards = objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1');
    expect(dashboards.map((o) => o.metadata.name)).toEqual(['crdb-grafana-dashboard']);
    expect(JSON.parse(dashboards[0].data['cockroachdb-cockroachdb-crdb.json']).panels).toHaveLength(12);
  });

  test('the default minikube app has none of them: the scrape annotations only', () => {
    const plain = objectsIn('minikube');
    expect(plain.filter((o) => ['ServiceMonitor', 'PrometheusRule'].includes(o.kind) || o.metadata.name.endsWith('grafana-dashboard'))).toEqual([]);
    expect(plain.find((o) => o.kind === 'Service' && o.metadata.name === 'crdb').metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true', 'prometheus.io/path': '_status/vars', 'prometheus.io/port': '8080', 'prometheus.io/scheme': 'http',
    });
  });
});
