import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// These tests run the real entry point the way `npm run synth` does: the cdk8s CLI with cdk8s.yaml's
// `app`, on the compiled JavaScript (`npm test` builds it first).
const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'node_modules/.bin/cdk8s');

function cdk8sSynth(outdir: string, app?: string) {
  const args = ['synth', '--check-upgrade=false', '--output', outdir, ...(app ? ['--app', app] : [])];
  return spawnSync(cli, args, { cwd: root, encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });
}

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath ?? (entry as any).path, entry.name);
      out[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
    }
  }
  return out;
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'crdb-synth-'));

beforeAll(() => {
  if (!fs.existsSync(path.join(root, 'build/apps/k8s.js'))) {
    throw new Error('build/apps/k8s.js is missing: run `npm run build` (npm test does it) before jest');
  }
});

test('cdk8s synth writes each profile under <output>/<profile>/; another process writes the same bytes', () => {
  const a = path.join(tmp(), 'dist');
  const b = path.join(tmp(), 'dist');
  const first = cdk8sSynth(a);
  expect(first.stderr).toBe('');
  expect(first.status).toBe(0);
  // The second synth runs the app the way the CLI does (CDK8S_OUTDIR), without the CLI's own start-up.
  const second = spawnSync(process.execPath, ['build/apps/k8s.js'], { cwd: root, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: b } });
  expect(second.status).toBe(0);
  const treeA = readTree(a);
  expect(Object.keys(treeA).sort()).toEqual([
    'gke/0000-namespace.k8s.yaml', 'gke/0001-cockroachdb.k8s.yaml',
    'minikube/0000-namespace.k8s.yaml', 'minikube/0001-cockroachdb.k8s.yaml',
  ]);
  expect(treeA['minikube/0001-cockroachdb.k8s.yaml']).toContain('kind: StatefulSet');
  expect(readTree(b)).toEqual(treeA);
});

test('bad input fails the synth with a clear error and writes nothing', () => {
  const out = path.join(tmp(), 'dist');
  const result = cdk8sSynth(out, 'node test/fixtures/bad-replicas-app.js');
  expect(result.status).not.toBe(0);
  expect(result.stderr).toContain('CockroachConfigError: [bad/crdb] replicas: received 2; expected 1 (a single-node development cluster) or an integer ≥ 3');
  expect(fs.existsSync(out)).toBe(false);
});

