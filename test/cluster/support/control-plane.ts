import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { installManagedPrometheusCrds } from '../../managed-prometheus/crd';

/**
 * A real Kubernetes control plane on loopback, for the cluster tests: etcd, kube-apiserver (RBAC,
 * PodSecurity and ValidatingAdmissionPolicy admission), kube-controller-manager (StatefulSet, Job,
 * garbage collector, namespace, ServiceAccount, root CA publisher… controllers) and cert-manager's
 * controllers. No scheduler and no kubelet: Pods are created and admitted, never run.
 *
 * Everything listens on 127.0.0.1 only, on ports picked free, with its data and logs in `dir`.
 */
export interface ControlPlane {
  /** The folder of certificates, kubeconfigs, data and logs. */
  readonly dir: string;
  /** Admin kubeconfig (client certificate in system:masters). */
  readonly kubeconfig: string;
  /** `https://127.0.0.1:<port>`. */
  readonly server: string;
  readonly apiPort: number;
  /** The CA of the API server's serving certificate and of client certificates. */
  readonly caFile: string;
  /** The processes started, to stop by PID. */
  readonly pids: number[];
  /**
   * The CRDs of the harness build (cert-manager, prometheus-operator). GKE's Managed Service for
   * Prometheus CRDs are installed too, from test/managed-prometheus/build.sh's folder.
   */
  readonly crdDir: string;
  /** kube-apiserver's audit log (JSON lines): every request made by a ServiceAccount. */
  readonly auditLog: string;
}

const HOST = '127.0.0.1';
/** Names that the API server's serving certificate answers to: what a pod calls it. */
const API_SANS = ['DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local', 'DNS:localhost', `IP:${HOST}`, 'IP:10.0.0.1'];

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, HOST, () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** An EC P-256 key and a certificate signed by the harness CA. */
function issue(dir: string, name: string, subject: string, extensions: string): void {
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`], dir);
  openssl(['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`], dir);
  fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2',
    '-extfile', `${name}.ext`, '-out', `${name}.crt`], dir);
}

/** The harness CA, the API server's serving certificate, the admin client certificate and the ServiceAccount key, in `dir`. */
export function createCertificates(dir: string): void {
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key'], dir);
  openssl(['req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=harness-ca', '-days', '2', '-out', 'ca.crt',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  issue(dir, 'apiserver', '/CN=kube-apiserver',
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${API_SANS.join(',')}\n`);
  // One admin identity for the test itself, the controller manager and cert-manager: their own RBAC is
  // not what these tests are about.
  issue(dir, 'admin', '/O=system:masters/CN=harness-admin', 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
  // The key that signs and verifies ServiceAccount tokens.
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'sa.key'], dir);
  openssl(['ec', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
}

function writeKubeconfig(dir: string, server: string): string {
  const file = path.join(dir, 'admin.kubeconfig');
  fs.writeFileSync(file, [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: harness',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority: ${path.join(dir, 'ca.crt')}`,
    'users:',
    '- name: admin',
    '  user:',
    `    client-certificate: ${path.join(dir, 'admin.crt')}`,
    `    client-key: ${path.join(dir, 'admin.key')}`,
    'contexts:',
    '- name: harness',
    '  context: {cluster: harness, user: admin}',
    'current-context: harness',
    '',
  ].join('\n'), { mode: 0o600 });
  return file;
}

/** Starts a process in a group of its own (so stopping it stops its children), logging to a file. */
function start(dir: string, name: string, command: string, args: string[]): number {
  const log = fs.openSync(path.join(dir, `${name}.log`), 'a');
  const child = spawn(command, args, { cwd: dir, detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  child.unref();
  if (!child.pid) throw new Error(`could not start ${name}`);
  fs.appendFileSync(path.join(dir, 'pids'), `${child.pid} ${name}\n`);
  return child.pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A child that exited but that this process has not reaped yet is gone too: Node reaps its children from
  // its event loop, which stopControlPlane() blocks while it waits.
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return true;
  }
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

async function waitFor(what: string, dir: string, pid: number, check: () => boolean, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (check()) return;
    if (!alive(pid)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const logFile = path.join(dir, `${what}.log`);
  const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n') : '';
  throw new Error(`${what} did not become ready within ${seconds} s${alive(pid) ? '' : ' (it exited)'}:\n${tail}`);
}

function kubectlOk(kubeconfig: string, args: string[]): boolean {
  try {
    execFileSync('kubectl', ['--kubeconfig', kubeconfig, ...args], { stdio: 'pipe', timeout: 10000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts etcd, kube-apiserver, kube-controller-manager and cert-manager, and installs the CRDs. When a step
 * fails, what was started is stopped (the folder and its logs are kept for the error).
 */
export async function startControlPlane(buildDir: string, dir: string): Promise<ControlPlane> {
  try {
    return await startAll(buildDir, dir);
  } catch (e) {
    stopControlPlane(dir, true);
    throw new Error(`${(e as Error).message}\n(logs in ${dir})`);
  }
}

async function startAll(buildDir: string, dir: string): Promise<ControlPlane> {
  const bin = (name: string) => path.join(buildDir, 'bin', name);
  fs.mkdirSync(dir, { recursive: true });
  createCertificates(dir);
  const pids: number[] = [startWatchdog(dir)];
  const etcd = await startEtcd(buildDir, dir);
  pids.push(etcd.pid);
  const api = await startApiServer(buildDir, dir, { etcdServers: etcd.url, auditLog: true });
  pids.push(api.pid);
  const { kubeconfig, server, apiPort } = api;

  const controllerManager = start(dir, 'kube-controller-manager', bin('kube-controller-manager'), [
    `--kubeconfig=${kubeconfig}`,
    `--bind-address=${HOST}`, `--secure-port=${await freePort()}`,
    `--authentication-kubeconfig=${kubeconfig}`, `--authorization-kubeconfig=${kubeconfig}`,
    '--leader-elect=false',
    '--use-service-account-credentials=false',
    '--service-account-private-key-file=sa.key',
    // Published into every namespace as the kube-root-ca.crt ConfigMap, which the scripts' token volumes read.
    '--root-ca-file=ca.crt',
    '--controllers=*',
    '--profiling=false',
  ]);
  pids.push(controllerManager);
  // The root CA publisher is the sign that the controllers run.
  await waitFor('kube-controller-manager', dir, controllerManager, () => kubectlOk(kubeconfig, ['-n', 'default', 'get', 'configmap', 'kube-root-ca.crt']), 120);

  const crdDir = path.join(buildDir, 'crds');
  installHarnessCrds(kubeconfig, crdDir, ['cert-manager', 'prometheus-operator']);
  // GKE's Managed Service for Prometheus CRDs (PodMonitoring, Rules…), from a build of their own
  // (test/managed-prometheus/build.sh, cached; the harness build's key stays as it is). Here rather than in
  // the tests that apply the GKE app: GKE installs them on every cluster with managed collection (the
  // default), the GKE app renders a PodMonitoring and Rules, and every test or `npm run cluster:up` user that
  // applies dist/gke/ needs them; installing them takes about a second.
  installManagedPrometheusCrds(kubeconfig);
  execFileSync('kubectl', ['--kubeconfig', kubeconfig, 'create', 'namespace', 'cert-manager'], { stdio: 'pipe' });
  const certManager = start(dir, 'cert-manager', bin('cert-manager-controller'), [`--kubeconfig=${kubeconfig}`, '--cluster-resource-namespace=cert-manager']);
  pids.push(certManager);
  await waitFor('cert-manager', dir, certManager, () => fs.readFileSync(path.join(dir, 'cert-manager.log'), 'utf8').includes('cert-manager controllers running'), 60);

  return { dir, kubeconfig, server, apiPort, caFile: path.join(dir, 'ca.crt'), pids, crdDir, auditLog: path.join(dir, 'audit.log') };
}

/**
 * Starts a watchdog in `dir`: should this process die without stopping what it started there (Ctrl-C, a
 * CI timeout), it stops every process of `dir`'s pids file.
 */
export function startWatchdog(dir: string): number {
  return start(dir, 'watchdog', 'bash', ['-c', [
    `while kill -0 ${process.pid} 2>/dev/null; do sleep 2; done`,
    `while read -r pid name; do [ "$name" = watchdog ] || kill -TERM -- "-$pid" 2>/dev/null; done < ${path.join(dir, 'pids')}`,
  ].join('\n')]);
}

/** Starts the harness's etcd with its data in `dir`; returns once it serves, with its client URL. */
export async function startEtcd(buildDir: string, dir: string): Promise<{ pid: number; url: string }> {
  const etcdPort = await freePort();
  const etcdPeerPort = await freePort();
  const pid = start(dir, 'etcd', path.join(buildDir, 'bin', 'etcd'), ['--data-dir', path.join(dir, 'etcd'),
    '--listen-client-url', `http://${HOST}:${etcdPort}`, '--listen-peer-url', `http://${HOST}:${etcdPeerPort}`]);
  await waitFor('etcd', dir, pid, () => fs.readFileSync(path.join(dir, 'etcd.log'), 'utf8').includes('etcd ready'), 60);
  return { pid, url: `http://${HOST}:${etcdPort}` };
}

/** The client URL of the etcd that startEtcd started in `dir` (from the line it logs when ready). */
export function etcdUrlOf(dir: string): string {
  const m = /etcd ready on (http:\/\/\S+)/.exec(fs.readFileSync(path.join(dir, 'etcd.log'), 'utf8'));
  if (!m) throw new Error(`no etcd started in ${dir}`);
  return m[1];
}

export interface ApiServerOptions {
  /** `--etcd-servers`. */
  readonly etcdServers: string;
  /** `--etcd-prefix`: where in etcd this API server keeps its objects. @default /registry */
  readonly etcdPrefix?: string;
  /** Write the audit log of ServiceAccounts' requests (`audit.log`). @default false */
  readonly auditLog?: boolean;
}

/**
 * Starts kube-apiserver with the certificates of createCertificates() in `dir` and writes its admin
 * kubeconfig there; returns once it is ready.
 */
export async function startApiServer(buildDir: string, dir: string, options: ApiServerOptions): Promise<{ pid: number; apiPort: number; server: string; kubeconfig: string }> {
  const audit = options.auditLog ? [
    '--audit-policy-file=audit-policy.yaml', '--audit-log-path=audit.log', '--audit-log-format=json', '--audit-log-mode=blocking',
  ] : [];
  // What ServiceAccounts do, for the tests that compare a ServiceAccount's rights with its script's calls.
  if (options.auditLog) {
    fs.writeFileSync(path.join(dir, 'audit-policy.yaml'), [
      'apiVersion: audit.k8s.io/v1',
      'kind: Policy',
      'omitStages: [RequestReceived]',
      'rules:',
      '- level: Metadata',
      '  userGroups: [system:serviceaccounts]',
      '- level: None',
      '',
    ].join('\n'));
  }
  const apiPort = await freePort();
  const server = `https://${HOST}:${apiPort}`;
  const kubeconfig = writeKubeconfig(dir, server);
  const pid = start(dir, 'kube-apiserver', path.join(buildDir, 'bin', 'kube-apiserver'), [
    `--etcd-servers=${options.etcdServers}`,
    ...(options.etcdPrefix ? [`--etcd-prefix=${options.etcdPrefix}`] : []),
    `--bind-address=${HOST}`, `--advertise-address=${HOST}`, `--secure-port=${apiPort}`,
    '--tls-cert-file=apiserver.crt', '--tls-private-key-file=apiserver.key', '--client-ca-file=ca.crt',
    '--service-account-key-file=sa.pub', '--service-account-signing-key-file=sa.key',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    '--service-cluster-ip-range=10.0.0.0/24',
    '--authorization-mode=RBAC',
    '--enable-admission-plugins=NamespaceLifecycle,ServiceAccount,PodSecurity,ValidatingAdmissionPolicy',
    // No kubelet, no Endpoints for the kubernetes Service: the reconciler would only fail.
    '--endpoint-reconciler-type=none',
    '--profiling=false',
    ...audit,
  ]);
  await waitFor('kube-apiserver', dir, pid, () => kubectlOk(kubeconfig, ['get', '--raw', '/readyz']), 120);
  return { pid, apiPort, server, kubeconfig };
}

/**
 * Installs folders of the harness build's CRDs (`crds/cert-manager`, `crds/prometheus-operator`), and
 * returns once every CRD of the API server is Established. Server-side: the prometheus-operator CRDs
 * exceed client-side apply's annotation limit.
 */
export function installHarnessCrds(kubeconfig: string, crdDir: string, folders: Array<'cert-manager' | 'prometheus-operator'>): void {
  execFileSync('kubectl', ['--kubeconfig', kubeconfig, 'apply', '--server-side', ...folders.flatMap((f) => ['-f', path.join(crdDir, f)])], { stdio: 'pipe' });
  waitEstablished(kubeconfig, ['crd', '--all']);
}

/**
 * `kubectl wait --for=condition=Established` on CRDs (`crd --all`, `crd/<name>`…), for up to 60 s. kubectl
 * fails at once instead of waiting when a CRD just created has no status conditions yet (".status.conditions
 * accessor error: <nil>", kubernetes/kubernetes#66439): then it waits again.
 */
export function waitEstablished(kubeconfig: string, targets: string[]): void {
  const deadline = Date.now() + 60000;
  for (;;) {
    try {
      execFileSync('kubectl', ['--kubeconfig', kubeconfig, 'wait', '--for=condition=Established', '--timeout=60s', ...targets], { stdio: 'pipe' });
      return;
    } catch (e: any) {
      if (!String(e.stderr).includes('.status.conditions accessor error') || Date.now() > deadline) throw e;
      execFileSync('sleep', ['0.2']);
    }
  }
}

/** Stops every process started (by PID, with its process group), then removes the folder unless asked to keep it. */
export function stopControlPlane(dir: string, keep = false): void {
  const pidsFile = path.join(dir, 'pids');
  const pids = fs.existsSync(pidsFile)
    ? fs.readFileSync(pidsFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => Number(l.split(' ')[0])).reverse()
    : [];
  for (const pid of pids) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 10000;
  while (pids.some(alive) && Date.now() < deadline) execFileSync('sleep', ['0.1']);
  for (const pid of pids.filter(alive)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (!keep) fs.rmSync(dir, { recursive: true, force: true });
}
