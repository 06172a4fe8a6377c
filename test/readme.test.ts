import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The README is executable. Every TypeScript block is a whole program, imports shown, written against
 * the package's entries (`cdk-cockroachdb/k8s`, `cdk-cockroachdb/gcp`) as a user writes it: this test
 * extracts each one (scripts/readme-blocks.js), type-checks it with the compiler and settings of the
 * build, runs it with node, and checks what it printed and wrote. Every shell block says whether CI runs
 * it (.ci/run executes the ones marked `<!-- ci: runs -->`, as written) or why not.
 *
 * The programs resolve `cdk-cockroachdb/…` to this package by its own name (a package may import itself
 * through its `exports`), so they see the compiled build/lib, as a user sees the installed package: run
 * `npm run build` first (`npm test` does).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { blocks, README } = require('../scripts/readme-blocks.js') as {
  blocks: (text: string) => Array<{ lang: string; line: number; code: string; ci?: { runs: boolean; reason?: string } }>;
  README: string;
};

const ROOT = path.resolve(__dirname, '..');
const text = fs.readFileSync(README, 'utf8');
const all = blocks(text);
const programs = all.filter((b) => b.lang === 'ts');
const shells = all.filter((b) => b.lang === 'bash');

test('the extraction finds the README\'s blocks (a check that cannot pass on an empty list)', () => {
  expect(programs.length).toBeGreaterThanOrEqual(7);
  expect(shells.length).toBeGreaterThanOrEqual(10);
  expect(programs.map((b) => b.code).join('\n')).toContain("from 'cdk-cockroachdb/gcp'");
});

test('every shell block says whether CI runs it, and why not', () => {
  const unmarked = shells.filter((b) => b.ci === undefined).map((b) => `README.md:${b.line}`);
  expect(unmarked).toEqual([]);
  for (const b of shells.filter((x) => !x.ci!.runs)) expect(b.ci!.reason!.length).toBeGreaterThan(10);
  // The set-up commands of the README's first lines are among the ones CI runs, as written.
  expect(shells[0].ci).toEqual({ runs: true, reason: undefined });
  expect(shells[0].code).toBe('npm ci && npm run synth   # install, then write the manifests: dist/<profile>/ (Kubernetes) and cdktf.out/ (Google Cloud)\n'
    + 'npm ci && npm test        # install, then build, type-check, lint and run the test suite\n');
});

test('.ci/run executes the shell blocks marked to run', () => {
  const ci = fs.readFileSync(path.join(ROOT, '.ci/run'), 'utf8');
  expect(ci).toContain('node scripts/readme-blocks.js ci-commands');
});

describe('every TypeScript block compiles, runs and synthesizes', () => {
  // Inside the package, so that `cdk-cockroachdb/…` resolves to it by name, as in a user's project.
  const work = fs.mkdtempSync(path.join(ROOT, 'build', 'readme-'));
  const run = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-run-'));
  afterAll(() => {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(run, { recursive: true, force: true });
  });
  const file = (line: number) => `readme-line-${line}`;
  let compile: ReturnType<typeof spawnSync>;

  beforeAll(() => {
    for (const b of programs) fs.writeFileSync(path.join(work, `${file(b.line)}.ts`), b.code);
    fs.writeFileSync(path.join(work, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, skipLibCheck: true, types: ['node'],
        outDir: 'out', rootDir: '.', typeRoots: [path.join(ROOT, 'node_modules/@types')],
      },
      include: ['*.ts'],
    }));
    compile = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript-7/bin/tsc'), '-p', work], { encoding: 'utf8' });
  }, 60_000);

  test('they type-check (strict) against the package\'s published types', () => {
    expect(`${compile.stdout}${compile.stderr}`).toBe('');
    expect(compile.status).toBe(0);
  });

  test.each(programs.map((b) => [b.line, b] as const))('README.md:%i', (line, b) => {
    const cwd = fs.mkdtempSync(path.join(run, `${line}-`));
    const r = spawnSync(process.execPath, [path.join(work, 'out', `${file(line)}.js`)], {
      cwd, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' }, timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // What it prints is what the block says it prints: `// → value` after a console.log line.
    const promised = b.code.split('\n').filter((l) => /^\s*\/\/ → /.test(l) || /console\.log\(.*\/\/ → /.test(l)).map((l) => l.replace(/^.*\/\/ → /, ''));
    const printed = r.stdout.split('\n').filter((l) => l !== '');
    if (promised.length > 0) expect(printed).toEqual(promised);
    // It wrote manifests (cdk8s) or Terraform JSON (cdktf).
    const written = (dir: string): string[] => (fs.existsSync(dir)
      ? fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.k8s.yaml') || f.endsWith('cdk.tf.json'))
      : []);
    const outputs = [...written(path.join(cwd, 'dist')), ...written(path.join(cwd, 'cdktf.out'))];
    expect(outputs.length).toBeGreaterThan(0);
  }, 60_000);

  test('a block marked as the output of the TypeScript block above is exactly what that program prints', () => {
    const marked = all.filter((b, i) => i > 0 && text.split('\n')[b.line - 2].trim() === '<!-- output of the TypeScript block above -->');
    expect(marked.length).toBeGreaterThan(0);
    for (const b of marked) {
      const program = [...programs].reverse().find((p) => p.line < b.line)!;
      const cwd = fs.mkdtempSync(path.join(run, 'output-'));
      const r = spawnSync(process.execPath, [path.join(work, 'out', `${file(program.line)}.js`)], { cwd, encoding: 'utf8' });
      expect(r.stdout).toBe(b.code);
    }
  });
});
