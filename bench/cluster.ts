/**
 * The real-control-plane harness, measured (part of `npm run bench`; `--skip-cluster` leaves it out):
 *  - its build: cached (the usual case), warm (rebuilt with Go's build cache) and cold (empty Go caches:
 *    only with `--cold`, about 25 minutes; otherwise the figure recorded by the last `--cold` run);
 *  - the control plane's start-up;
 *  - the time to apply every profile and opt-in variant (client-side, fresh each time).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startControlPlane, stopControlPlane } from '../test/cluster/support/control-plane';

const root = path.resolve(__dirname, '../..');
const build = path.join(root, 'test/cluster/harness/build.sh');
const cacheRoot = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'cdk-cockroachdb', 'harness');
const coldRecord = path.join(cacheRoot, 'cold-build-seconds');

function timed(cmd: string, args: string[], env: Record<string, string> = {}): { seconds: number; stdout: string } {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, stdout: r.stdout };
}

const fmt = (s: number) => (s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`);
const row = (label: string, value: string, note = '') => console.log(`${label.padEnd(58)} ${value.padStart(10)}   ${note}`);

export async function benchCluster(cold: boolean): Promise<void> {
  console.log('\nreal control plane (test/cluster/harness)');
  const first = timed('bash', [build]);
  const dir = first.stdout.trim().split('\n').pop()!;
  const cached = timed('bash', [build]);
  row('harness build, cached (~/.cache)', fmt(cached.seconds));

  const warm = timed('bash', [build, '--rebuild']);
  fs.rmSync(warm.stdout.trim().split('\n').pop()!, { recursive: true, force: true });
  row('harness build, warm (Go build cache kept)', fmt(warm.seconds));

  if (cold) {
    // Empty Go caches of its own (about 5 GB while it runs), removed whatever happens.
    const gocache = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-gocache-'));
    const gomodcache = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-gomod-'));
    try {
      const c = timed('bash', [build, '--rebuild'], { GOCACHE: gocache, GOMODCACHE: gomodcache });
      fs.rmSync(c.stdout.trim().split('\n').pop()!, { recursive: true, force: true });
      fs.mkdirSync(cacheRoot, { recursive: true });
      fs.writeFileSync(coldRecord, `${Math.round(c.seconds)} ${new Date().toISOString().slice(0, 10)}\n`);
    } finally {
      // The module cache is read-only, as Go writes it.
      execFileSync('chmod', ['-R', 'u+w', gomodcache]);
      fs.rmSync(gocache, { recursive: true, force: true });
      fs.rmSync(gomodcache, { recursive: true, force: true });
    }
  }
  if (fs.existsSync(coldRecord)) {
    const [seconds, day] = fs.readFileSync(coldRecord, 'utf8').trim().split(' ');
    row('harness build, cold (empty Go caches, module downloads)', fmt(Number(seconds)), cold ? '' : `recorded ${day} by npm run bench -- --cold`);
  } else {
    row('harness build, cold', 'not measured', 'npm run bench -- --cold (about 25 minutes)');
  }

  const planeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cluster-'));
  const started = process.hrtime.bigint();
  const plane = await startControlPlane(dir, planeDir);
  row('control plane start-up (etcd … cert-manager, CRDs installed)', fmt(Number(process.hrtime.bigint() - started) / 1e9));
  try {
    const kubectl = (args: string[]) => timed('kubectl', ['--kubeconfig', plane.kubeconfig, ...args]);
    const variants: Array<[string, string, Record<string, string>]> = [
      ['minikube', 'minikube', {}], ['minikube, MINIKUBE_BACKUPS=1', 'minikube', { MINIKUBE_BACKUPS: '1' }],
      ['gke', 'gke', {}], ['gke, GKE_RESTORE=1', 'gke', { GKE_RESTORE: '1' }], ['gke, GKE_BOOKS_LOAD=1', 'gke', { GKE_BOOKS_LOAD: '1' }],
    ];
    let total = 0;
    for (const [name, profile, env] of variants) {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-dist-'));
      execFileSync('node', [path.join(root, 'build/apps/k8s.js')], { cwd: root, env: { ...process.env, CDK8S_OUTDIR: out, ...env } });
      const folder = path.join(out, profile);
      const applied = kubectl(['apply', '--validate=strict', '-f', folder]).seconds;
      total += applied;
      row(`  kubectl apply --validate=strict, ${name}`, fmt(applied));
      kubectl(['delete', '-f', folder, '--wait=true', '--timeout=180s']);
    }
    row('apply every profile and variant (sum of the applies)', fmt(total));
  } finally {
    stopControlPlane(planeDir);
  }
}
