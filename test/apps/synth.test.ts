import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// These tests run the real entry points: `npm run synth` (scripts/synth.js), and the cdk8s CLI with
// cdk8s.yaml's `app` on the compiled JavaScript (`npm test` builds it first).
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

test('bad input fails the synth with a clear error and writes nothing', () => {
  const out = path.join(tmp(), 'dist');
  const result = cdk8sSynth(out, 'node test/fixtures/bad-replicas-app.js');
  expect(result.status).not.toBe(0);
  expect(result.stderr).toContain('CockroachConfigError: [bad/crdb] replicas: received 2; expected 1 (a single-node development cluster) or an integer ≥ 3');
  expect(fs.existsSync(out)).toBe(false);
}, 60000);

// scripts/synth.js builds what is out of date before it synthesizes: these tests run it in a copy of the
// project (its own build/, node_modules linked), where they edit sources and delete outputs. In order:
// each test starts from the state that the one before left.
describe('npm run synth (scripts/synth.js) in a copy of the project', () => {
  let project: string;
  let original: { dist: Record<string, string>; cdktf: Record<string, string> };
  const env: NodeJS.ProcessEnv = { ...process.env, CDK8S_CHECK_UPGRADE: 'false' };
  delete env.CDK8S_OUTDIR;
  delete env.CDKTF_OUTDIR;
  const at = (rel: string) => path.join(project, rel);
  const synth = () => spawnSync(process.execPath, ['scripts/synth.js'], { cwd: project, encoding: 'utf8', env });
  const outputs = () => ({ dist: readTree(at('dist')), cdktf: readTree(at('cdktf.out')) });
  const edit = (rel: string, change: (text: string) => string) => fs.writeFileSync(at(rel), change(fs.readFileSync(at(rel), 'utf8')));
  const sourcesBefore: Record<string, string> = {};
  const keep = (rel: string) => { sourcesBefore[rel] ??= fs.readFileSync(at(rel), 'utf8'); };
  const putBack = (rel: string) => fs.writeFileSync(at(rel), sourcesBefore[rel]);

  beforeAll(() => {
    project = path.join(tmp(), 'project');
    for (const item of ['lib', 'apps', 'scripts', 'tsconfig.json', 'package.json', 'cdk8s.yaml', 'cdktf.json']) {
      fs.cpSync(path.join(root, item), path.join(project, item), { recursive: true });
    }
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(project, 'node_modules'));
  });

  test('without build/, it compiles and bundles, then writes what `cdk8s synth` and the GCP app write, file for file', () => {
    expect(fs.existsSync(at('build'))).toBe(false);
    const fast = synth();
    expect(fast.stderr).toBe('');
    expect(fast.status).toBe(0);
    expect(fast.stdout).toContain('TypeScript: compiling (no record of the last compile)');
    expect(fast.stdout).toContain('load bundle: bundled (no record of the last bundle)');
    expect(fast.stdout).toContain('app bundle: bundled (no record of the last bundle)');
    expect(fast.stdout).toContain('Synthesizing application\n  - dist/gke/cockroachdb.k8s.yaml\n  - dist/gke-namespace/namespace.k8s.yaml\n');

    // The commands `npm run synth` stands for, on the build it made, into other folders.
    const cli = spawnSync(path.join(root, 'node_modules/.bin/cdk8s'), ['synth', '--check-upgrade=false', '--output', 'cli/dist'], { cwd: project, encoding: 'utf8', env });
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    const gcp = spawnSync(process.execPath, ['build/apps/gcp.js'], { cwd: project, encoding: 'utf8', env: { ...env, CDKTF_OUTDIR: 'cli/cdktf.out' } });
    expect(gcp.status).toBe(0);

    original = outputs();
    expect(Object.keys(original.dist).sort()).toEqual([
      'gke-namespace/namespace.k8s.yaml', 'gke/cockroachdb.k8s.yaml',
      ...['asia-southeast1', 'europe-west1', 'us-east1'].flatMap((r) => [`global-${r}-namespace/namespace.k8s.yaml`, `global-${r}/cockroachdb.k8s.yaml`]),
      'minikube-namespace/namespace.k8s.yaml', 'minikube/cockroachdb.k8s.yaml',
    ]);
    expect(original.dist['minikube/cockroachdb.k8s.yaml']).toContain('kind: StatefulSet');
    expect(Object.keys(original.cdktf).sort()).toEqual([
      'manifest.json', 'stacks/crdb-backup-key/cdk.tf.json', 'stacks/crdb-backups/cdk.tf.json', 'stacks/crdb-gke/cdk.tf.json',
      'stacks/crdb-global-backups/cdk.tf.json', 'stacks/crdb-global-gke/cdk.tf.json',
    ]);
    expect(original.dist).toEqual(readTree(at('cli/dist')));
    expect(original.cdktf).toEqual(readTree(at('cli/cdktf.out')));
  }, 120000);

  test('a touched source with the same content: nothing is rebuilt, the output is written again the same', () => {
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(at('lib/k8s/books-load.ts'), later, later);
    fs.rmSync(at('dist/gke'), { recursive: true });
    fs.writeFileSync(at('dist/left-over.k8s.yaml'), 'kind: Stale\n');
    const builtApp = fs.statSync(at('build/apps/all.js')).mtimeMs;
    const again = synth();
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('TypeScript: up to date\nload bundle: up to date\napp bundle: up to date\n');
    expect(fs.statSync(at('build/apps/all.js')).mtimeMs).toBe(builtApp);
    // Like the CLI, it empties the output folder first.
    expect(outputs()).toEqual(original);
  }, 60000);

  test('an edited library file and an edited load script are compiled and bundled, and show in the output', () => {
    const image = /BOOKS_LOAD_IMAGE = '[^']+'/;
    keep('lib/k8s/books-load.ts');
    keep('lib/k8s/load/books-load-main.ts');
    expect(sourcesBefore['lib/k8s/books-load.ts']).toMatch(image);
    edit('lib/k8s/books-load.ts', (text) => text.replace(image, "BOOKS_LOAD_IMAGE = 'node:0.0.7-alpine0.7'"));
    edit('lib/k8s/load/books-load-main.ts', (text) => `${text}export const synthTestMarker = 'marker-from-the-synth-test';\n`);
    const result = synth();
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('TypeScript: compiling (lib/k8s/books-load.ts, lib/k8s/load/books-load-main.ts changed)');
    expect(result.stdout).toContain('load bundle: bundled (lib/k8s/load/books-load-main.ts changed)');
    expect(result.stdout).toContain('app bundle: bundled (build/lib/k8s/books-load.js changed)');
    const minikube = readTree(at('dist'))['minikube/cockroachdb.k8s.yaml'];
    expect(minikube).toContain('image: node:0.0.7-alpine0.7');
    expect(minikube).toContain('marker-from-the-synth-test');
    expect(original.dist['minikube/cockroachdb.k8s.yaml']).not.toContain('node:0.0.7-alpine0.7');
  }, 60000);

  test('the sources put back and a compiled file deleted: everything is compiled again (tsc --incremental alone would not write it)', () => {
    putBack('lib/k8s/books-load.ts');
    putBack('lib/k8s/load/books-load-main.ts');
    fs.rmSync(at('build/apps/gke.js'));
    const result = synth();
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('TypeScript: compiling (build/apps/gke.js changed since the last compile: compiling everything)');
    expect(result.stdout).toContain('load bundle: bundled (lib/k8s/load/books-load-main.ts changed)');
    expect(fs.existsSync(at('build/apps/gke.js'))).toBe(true);
    expect(outputs()).toEqual(original);
  }, 60000);

  test('a type error fails the synth before anything is written, and again on the next synth; fixed, it compiles', () => {
    keep('apps/deployment.ts');
    edit('apps/deployment.ts', (text) => `${text}export const synthTestTypeError: number = 'not a number';\n`);
    fs.rmSync(at('dist/minikube-namespace/namespace.k8s.yaml'));
    for (const why of ['apps/deployment.ts changed', 'no record of the last compile']) {
      const failed = synth();
      expect(failed.status).toBe(2);
      expect(failed.stdout).toContain(`TypeScript: compiling (${why})`);
      expect(failed.stdout).toContain("apps/deployment.ts(");
      expect(failed.stdout).toContain('error TS2322');
      expect(failed.stderr).toContain('tsc -p tsconfig.json failed (exit status 2)');
      expect(failed.stdout).not.toContain('Synthesizing application');
      // The output folder is as the failed synth found it.
      expect(fs.existsSync(at('dist/minikube-namespace/namespace.k8s.yaml'))).toBe(false);
      expect(fs.existsSync(at('dist/minikube/cockroachdb.k8s.yaml'))).toBe(true);
    }
    putBack('apps/deployment.ts');
    const fixed = synth();
    expect(fixed.status).toBe(0);
    expect(fixed.stdout).toContain('TypeScript: compiling (no record of the last compile)');
    expect(outputs()).toEqual(original);
  }, 60000);

  test('the app runs from its bundle with the code cache made from that bundle only; --no-bundle runs build/apps/', () => {
    const cache = at('build/synth/all.js.v8cache');
    const sha = crypto.createHash('sha256').update(fs.readFileSync(at('build/synth/all.js'))).digest();
    expect(fs.readFileSync(cache).subarray(0, 32)).toEqual(sha);
    const written = fs.statSync(cache).mtimeMs;
    expect(synth().status).toBe(0);
    expect(fs.statSync(cache).mtimeMs).toBe(written);

    // A cache made from another bundle (another digest) is not used, and is made again.
    const other = Buffer.from(fs.readFileSync(cache));
    other[0] ^= 0xff;
    fs.writeFileSync(cache, other);
    expect(synth().status).toBe(0);
    expect(outputs()).toEqual(original);
    expect(fs.readFileSync(cache).subarray(0, 32)).toEqual(sha);

    // A damaged cache for this bundle: V8 refuses it, and it is made again.
    fs.writeFileSync(cache, Buffer.concat([sha, Buffer.alloc(4096, 7)]));
    expect(synth().status).toBe(0);
    expect(outputs()).toEqual(original);
    expect(fs.readFileSync(cache).subarray(32)).not.toEqual(Buffer.alloc(4096, 7));

    const plain = spawnSync(process.execPath, ['scripts/synth.js', '--no-bundle'], { cwd: project, encoding: 'utf8', env });
    expect(plain.status).toBe(0);
    expect(plain.stdout).not.toContain('app bundle');
    expect(outputs()).toEqual(original);
  }, 60000);

  test('cdk8s.yaml with another app: the cdk8s CLI runs it, with the same output', () => {
    edit('cdk8s.yaml', (text) => text.replace(/^app: .*$/m, 'app: node ./build/apps/k8s.js'));
    const result = synth();
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('TypeScript: up to date\nload bundle: up to date\n');
    expect(result.stdout).toContain('running the cdk8s CLI');
    expect(result.stdout).not.toContain('app bundle');
    expect(result.stdout).toContain('Synthesizing application');
    expect(outputs()).toEqual(original);
  }, 60000);
});
