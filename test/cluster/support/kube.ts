import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** What globalSetup leaves for the tests: the running control plane. */
export interface ClusterEnv {
  readonly kubeconfig: string;
  readonly apiPort: number;
  readonly dir: string;
}

export function clusterEnv(): ClusterEnv {
  const file = process.env.CRDB_CLUSTER_STATE;
  if (!file || !fs.existsSync(file)) throw new Error('no control plane: run the cluster tests with `npm run test:cluster` (its globalSetup starts one)');
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

export interface KubectlResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs kubectl against the control plane as admin; never throws. */
export function kubectlRun(args: string[], input?: string): KubectlResult {
  const r = spawnSync('kubectl', ['--kubeconfig', clusterEnv().kubeconfig, ...args], { input, encoding: 'utf8', timeout: 120000, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Runs kubectl and returns its output; throws with its error output when it fails. */
export function kubectl(args: string[], input?: string): string {
  const r = kubectlRun(args, input);
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** The object as JSON, or undefined when it does not exist. */
export function getJson(kind: string, name: string, namespace?: string): any {
  const r = kubectlRun([...(namespace ? ['-n', namespace] : []), 'get', kind, name, '-o', 'json']);
  if (r.status !== 0) {
    if (/NotFound|not found/.test(r.stderr)) return undefined;
    throw new Error(`kubectl get ${kind} ${name} failed:\n${r.stderr}`);
  }
  return JSON.parse(r.stdout);
}

export function listJson(kind: string, namespace: string, selector?: string): any[] {
  return JSON.parse(kubectl(['-n', namespace, 'get', kind, '-o', 'json', ...(selector ? ['-l', selector] : [])])).items;
}

/** `kubectl apply --validate=strict`, client-side or server-side; any `Warning:` line fails, like an error. */
export function apply(files: string[], options: { serverSide?: boolean; extra?: string[] } = {}): string {
  const r = applyRun(files, options);
  if (r.status !== 0) throw new Error(`kubectl apply failed (${r.status}):\n${r.stderr}`);
  const warnings = r.stderr.split('\n').filter((l) => /warning/i.test(l));
  if (warnings.length > 0) throw new Error(`kubectl apply printed warnings:\n${warnings.join('\n')}`);
  return r.stdout;
}

export function applyRun(files: string[], options: { serverSide?: boolean; extra?: string[] } = {}): KubectlResult {
  return kubectlRun(['apply', '--validate=strict', ...(options.serverSide ? ['--server-side'] : []), ...(options.extra ?? []), ...files.flatMap((f) => ['-f', f])]);
}

/** Polls until `check` returns a value other than undefined/false, or fails with `what`. */
export async function waitUntil<T>(what: string, check: () => T | undefined | false, seconds = 60): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  let last: unknown;
  for (;;) {
    try {
      const v = check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** A fresh namespace enforcing the restricted Pod Security Standard, as the apps' own namespace does. */
export function createNamespace(prefix: string): string {
  const name = `${prefix}-${Math.random().toString(36).slice(2, 7)}`;
  kubectl(['apply', '-f', '-'], JSON.stringify({
    apiVersion: 'v1', kind: 'Namespace',
    metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' } },
  }));
  return name;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `crdb-${prefix}-`));
}

/** The PEM files of a kubernetes.io/tls Secret (ca.crt, tls.crt, tls.key), written to a folder. */
export function secretFiles(namespace: string, name: string): { dir: string; data: Record<string, string> } {
  const secret = getJson('secret', name, namespace);
  if (!secret) throw new Error(`Secret ${namespace}/${name} not found`);
  const dir = tempDir('secret');
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries<string>(secret.data ?? {})) {
    data[key] = Buffer.from(value, 'base64').toString('utf8');
    fs.writeFileSync(path.join(dir, key), data[key]);
  }
  return { dir, data };
}

export function openssl(args: string[], input?: string): string {
  return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}
