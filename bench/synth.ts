/**
 * `npm run bench`: synth speed on this machine, printed as figures (not timed tests).
 *  - all apps (minikube, GKE, GCP) from compiled JavaScript, one process;
 *  - `npm run synth` with the build up to date, and the `cdk8s synth` CLI;
 *  - the same GCP stacks the naive way (ts-node + barrel import of @cdktf/provider-google), and the ratio;
 *  - the cost of each extra cluster in one synth (1, 10, 50 clusters);
 *  - the import time of the Kubernetes-only entry;
 *  - `npm test` wall time (skip with --skip-npm-test);
 *  - the real-control-plane harness: build (cached, warm, cold with --cold), start-up, apply of every
 *    profile (skip with --skip-cluster; see bench/cluster.ts).
 * Targets: all apps <= 1.0 s; `npm run synth` <= 1.0 s; >= 10x faster than naive; <= 20 ms per extra
 * cluster; k8s entry <= 0.3 s; npm test <= 30 s.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { CockroachCluster } from '../lib/k8s';
import { benchCluster } from './cluster';

const root = path.resolve(__dirname, '../..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));

function wall(cmd: string, args: string[], env: Record<string, string> = {}, runs = 5): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: 'pipe' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return median(times);
}

function perCluster(n: number): number {
  const times: number[] = [];
  for (let run = 0; run < 5; run++) {
    const start = process.hrtime.bigint();
    const app = new App({ outdir: tmp() });
    const chart = new Chart(app, 'bench', { namespace: 'db' });
    for (let i = 0; i < n; i++) new CockroachCluster(chart, `crdb${i}`);
    chart.toJson();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

const s = (x: number) => `${x.toFixed(2)} s`;
const line = (label: string, value: string, target: string, ok: boolean) =>
  console.log(`${label.padEnd(58)} ${value.padStart(10)}   target ${target.padEnd(9)} ${ok ? 'OK' : 'MISSED'}`);

if (!fs.existsSync(path.join(root, 'build/apps/all.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
console.log(`synth benchmark, ${os.cpus().length} cores, Node ${process.version}, median of 5 runs\n`);

const all = wall('node', ['build/apps/all.js'], { CDK8S_OUTDIR: tmp(), CDKTF_OUTDIR: tmp() });
line('all apps (minikube, GKE, GCP) from compiled JavaScript', s(all), '<= 1.0 s', all <= 1.0);
const k8sApp = wall('node', ['build/apps/k8s.js'], { CDK8S_OUTDIR: tmp() });
const gcpApp = wall('node', ['build/apps/gcp.js'], { CDKTF_OUTDIR: tmp() });
console.log(`  of which the Kubernetes apps alone ${s(k8sApp)}, the GCP app alone ${s(gcpApp)}`);

// The documented command with nothing to rebuild (one run first: it compiles if the build has no record
// yet), against the cdk8s CLI, which runs the Kubernetes apps only, in a process of its own.
const synthArgs = () => ['--output', path.join(tmp(), 'dist')];
execFileSync('npm', ['run', '-s', 'synth', '--', ...synthArgs()], { cwd: root, env: { ...process.env, CDKTF_OUTDIR: tmp() }, stdio: 'pipe' });
const npmSynth = wall('npm', ['run', '-s', 'synth', '--', ...synthArgs()], { CDKTF_OUTDIR: tmp() });
line('`npm run synth`, build up to date (all apps, one process, bundled, V8 code cache)', s(npmSynth), '<= 1.0 s', npmSynth <= 1.0);
const synthScript = wall('node', ['scripts/synth.js', ...synthArgs()], { CDKTF_OUTDIR: tmp() });
console.log(`  of which npm's start-up ${s(npmSynth - synthScript)}; node scripts/synth.js ${s(synthScript)}`);
const unbundled = wall('node', ['scripts/synth.js', '--no-bundle', ...synthArgs()], { CDKTF_OUTDIR: tmp() });
console.log(`  node scripts/synth.js --no-bundle (the apps from build/apps/, module by module) ${s(unbundled)}`);
const cdk8sCli = wall(path.join(root, 'node_modules/.bin/cdk8s'), ['synth', '--check-upgrade=false', ...synthArgs()]);
line('`cdk8s synth` (the CLI, Kubernetes apps only)', s(cdk8sCli), '', true);

const naive = wall(path.join(root, 'node_modules/.bin/ts-node'), ['bench/naive/gcp-naive.ts'], { CDKTF_OUTDIR: tmp() }, 3);
line('GCP app, naive (ts-node + provider barrel import)', s(naive), '', true);
line('  ratio naive / compiled with deep imports', `${(naive / gcpApp).toFixed(1)}x`, '>= 10x', naive / gcpApp >= 10);

const t1 = perCluster(1);
const t10 = perCluster(10);
const t50 = perCluster(50);
const extra = (t50 - t1) / 49;
console.log(`clusters in one synth: 1 -> ${t1.toFixed(0)} ms, 10 -> ${t10.toFixed(0)} ms, 50 -> ${t50.toFixed(0)} ms`);
line('  cost per extra cluster', `${extra.toFixed(1)} ms`, '<= 20 ms', extra <= 20);

const baseline = wall('node', ['-e', '0']);
const k8sImport = wall('node', ['-e', "require('./build/lib/k8s')"]);
line('import of the Kubernetes-only entry (cdk-cockroachdb/k8s)', s(k8sImport), '<= 0.3 s', k8sImport <= 0.3);
console.log(`  node start-up alone ${s(baseline)}; the entry itself ${s(k8sImport - baseline)}`);

if (!process.argv.includes('--skip-npm-test')) {
  const t = wall('npm', ['test'], { CI: 'true' }, 1);
  line('npm test (build, type-check, lint, all tests)', s(t), '<= 30 s', t <= 30);
}

if (!process.argv.includes('--skip-cluster')) {
  benchCluster(process.argv.includes('--cold')).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
