import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { kubeletExpand } from '../../support/scripts';
import { clusterEnv, getJson, kubectl, tempDir, waitUntil } from './kube';

/**
 * Runs one container of a Pod that a controller created in the real API server, the way a kubelet would
 * as far as the scripts can tell, without a container runtime (none here):
 *
 * - its volumes are materialized from the API: a projected ServiceAccount token is a real token requested
 *   for the pod's ServiceAccount and bound to the Pod (TokenRequest), ConfigMaps and Secrets are read
 *   from the API, emptyDirs are empty folders;
 * - its env is resolved: values, `$(VAR)` expansion, fieldRefs from the Pod (name, namespace, node name,
 *   labels such as `batch.kubernetes.io/job-name` that the Job controller set), secretKeyRefs;
 * - `kubernetes.default.svc:443` reaches the test's kube-apiserver (curl's `connect-to`, through
 *   CURL_HOME): the script's own URL, TLS checked against the cluster CA it was given;
 * - the container's paths are mapped into a temporary root (each mount path, and `/cockroach`, the
 *   image's folder): the command is the Pod's, with those path prefixes rewritten;
 * - `/cockroach/cockroach` is a fake when one is given: CockroachDB's binary cannot be had here (its
 *   licence keeps it off the registries this machine reaches).
 *
 * It runs as the container's runAsUser/runAsGroup with the pod's fsGroup when the tests run as root (CI).
 */
export interface RunOptions {
  /** The fake `cockroach` executable. */
  readonly cockroach?: string;
  /** Extra env, over the container's (e.g. to shorten sleeps). */
  readonly env?: Record<string, string>;
  readonly timeoutSeconds?: number;
  /** Rewrites the final script text (e.g. `sleep 5` → `sleep 0.2`). */
  readonly rewrite?: (script: string) => string;
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The temporary root the container's paths were mapped into. */
  readonly root: string;
}

interface Materialized {
  readonly root: string;
  readonly env: Record<string, string>;
  readonly argv: string[];
  readonly uid?: number;
  readonly gid?: number;
  readonly fsGroup?: number;
}

function writeFile(file: string, content: string | Buffer, mode: number, fsGroup?: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  fs.chmodSync(file, mode);
  if (fsGroup !== undefined && process.getuid?.() === 0) fs.chownSync(file, 0, fsGroup);
}

function resolveItems(data: Record<string, string | Buffer>, items: Array<{ key: string; path: string; mode?: number }> | undefined): Array<[string, string | Buffer, number | undefined]> {
  if (!items) return Object.entries(data).map(([k, v]) => [k, v, undefined]);
  return items.map((i) => {
    if (!(i.key in data)) throw new Error(`key ${i.key} missing`);
    return [i.path, data[i.key], i.mode];
  });
}

function configMapData(namespace: string, name: string): Record<string, string> {
  const cm = getJson('configmap', name, namespace);
  if (!cm) throw new Error(`ConfigMap ${namespace}/${name} not found (the pod would not start)`);
  return cm.data ?? {};
}

function secretData(namespace: string, name: string): Record<string, Buffer> {
  const secret = getJson('secret', name, namespace);
  if (!secret) throw new Error(`Secret ${namespace}/${name} not found (the pod would not start)`);
  return Object.fromEntries(Object.entries<string>(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}

function materializeVolume(pod: any, volume: any, dir: string, fsGroup: number | undefined): void {
  const ns = pod.metadata.namespace;
  fs.mkdirSync(dir, { recursive: true });
  if (fsGroup !== undefined && process.getuid?.() === 0) fs.chownSync(dir, 0, fsGroup);
  fs.chmodSync(dir, volume.emptyDir || volume.persistentVolumeClaim ? 0o2775 : 0o755);
  if (volume.emptyDir || volume.persistentVolumeClaim) return;
  if (volume.projected) {
    const mode = volume.projected.defaultMode ?? 0o644;
    for (const source of volume.projected.sources) {
      if (source.serviceAccountToken) {
        const t = source.serviceAccountToken;
        const token = kubectl(['-n', ns, 'create', 'token', pod.spec.serviceAccountName ?? 'default',
          `--duration=${t.expirationSeconds ?? 3600}s`, ...(t.audience ? [`--audience=${t.audience}`] : []),
          '--bound-object-kind=Pod', `--bound-object-name=${pod.metadata.name}`, `--bound-object-uid=${pod.metadata.uid}`]).trim();
        writeFile(path.join(dir, t.path), token, mode, fsGroup);
      } else if (source.configMap) {
        for (const [p, v, m] of resolveItems(configMapData(ns, source.configMap.name), source.configMap.items)) writeFile(path.join(dir, p), v, m ?? mode, fsGroup);
      } else if (source.secret) {
        for (const [p, v, m] of resolveItems(secretData(ns, source.secret.name), source.secret.items)) writeFile(path.join(dir, p), v, m ?? mode, fsGroup);
      } else {
        throw new Error(`projected source not supported by the runner: ${JSON.stringify(source)}`);
      }
    }
    return;
  }
  if (volume.configMap) {
    for (const [p, v, m] of resolveItems(configMapData(ns, volume.configMap.name), volume.configMap.items)) writeFile(path.join(dir, p), v, m ?? volume.configMap.defaultMode ?? 0o644, fsGroup);
    return;
  }
  if (volume.secret) {
    for (const [p, v, m] of resolveItems(secretData(ns, volume.secret.secretName), volume.secret.items)) writeFile(path.join(dir, p), v, m ?? volume.secret.defaultMode ?? 0o644, fsGroup);
    return;
  }
  throw new Error(`volume not supported by the runner: ${JSON.stringify(volume)}`);
}

function fieldValue(pod: any, fieldPath: string): string {
  const label = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (label) return pod.metadata[label[1]]?.[label[2]] ?? '';
  const simple: Record<string, string | undefined> = {
    'metadata.name': pod.metadata.name,
    'metadata.namespace': pod.metadata.namespace,
    'metadata.uid': pod.metadata.uid,
    'spec.nodeName': pod.spec.nodeName,
    'spec.serviceAccountName': pod.spec.serviceAccountName,
  };
  if (!(fieldPath in simple)) throw new Error(`fieldRef not supported by the runner: ${fieldPath}`);
  return simple[fieldPath] ?? '';
}

function materialize(pod: any, containerName: string, cockroach: string | undefined): Materialized {
  const container = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c: any) => c.name === containerName);
  if (!container) throw new Error(`no container ${containerName} in pod ${pod.metadata.name}`);
  const root = tempDir('pod');
  fs.chmodSync(root, 0o755);
  const fsGroup: number | undefined = pod.spec.securityContext?.fsGroup;
  const volumes = new Map<string, any>((pod.spec.volumes ?? []).map((v: any) => [v.name, v]));

  // The image's folder, with the fake binary in it.
  const imageDir = path.join(root, 'cockroach');
  fs.mkdirSync(imageDir, { recursive: true });
  fs.chmodSync(imageDir, 0o755);
  if (cockroach) fs.symlinkSync(cockroach, path.join(imageDir, 'cockroach'));
  const mounts: string[] = ['/cockroach'];
  for (const m of container.volumeMounts ?? []) {
    materializeVolume(pod, volumes.get(m.name), path.join(root, m.mountPath), fsGroup);
    mounts.push(m.mountPath);
  }

  // curl reaches the API server for https://kubernetes.default.svc (port 443), as in a pod.
  const curlHome = path.join(root, '.curl');
  fs.mkdirSync(curlHome);
  fs.writeFileSync(path.join(curlHome, '.curlrc'), `connect-to = kubernetes.default.svc:443:127.0.0.1:${clusterEnv().apiPort}\n`);
  fs.chmodSync(curlHome, 0o755);

  const env: Record<string, string> = {
    // What every container gets: the kubernetes Service's address and the image's PATH.
    KUBERNETES_SERVICE_HOST: '10.0.0.1',
    KUBERNETES_SERVICE_PORT: '443',
    PATH: `${imageDir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    HOME: root,
    CURL_HOME: curlHome,
  };
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = kubeletExpand(e.value, env);
    else if (e.valueFrom?.fieldRef) env[e.name] = fieldValue(pod, e.valueFrom.fieldRef.fieldPath);
    else if (e.valueFrom?.secretKeyRef) env[e.name] = secretData(pod.metadata.namespace, e.valueFrom.secretKeyRef.name)[e.valueFrom.secretKeyRef.key].toString('utf8');
    else if (e.valueFrom?.configMapKeyRef) env[e.name] = configMapData(pod.metadata.namespace, e.valueFrom.configMapKeyRef.name)[e.valueFrom.configMapKeyRef.key];
    else throw new Error(`env var not supported by the runner: ${JSON.stringify(e)}`);
  }

  // Container paths → the temporary root, longest first (/cockroach/cockroach-certs before /cockroach).
  const mapped = [...new Set(mounts)].sort((a, b) => b.length - a.length);
  const rewritePaths = (text: string) => mapped.reduce((t, p) => t.replace(
    new RegExp(`(^|[\\s"'=:(<@])${p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?=[/\\s"'):;]|$)`, 'g'), `$1${root}${p}`), text);
  const argv = [...(container.command ?? []), ...(container.args ?? [])].map((a: string) => rewritePaths(kubeletExpand(a, env)));
  for (const [k, v] of Object.entries(env)) env[k] = k === 'PATH' || k === 'HOME' || k === 'CURL_HOME' ? v : rewritePaths(v);
  const sc = { ...pod.spec.securityContext, ...container.securityContext };
  return { root, env, argv, uid: sc.runAsUser, gid: sc.runAsGroup, fsGroup };
}

/** A container started by {@link startContainer}: its output so far, a way to stop it, and its end. */
export interface RunningContainer {
  stdout(): string;
  /** SIGKILL: the pod is gone at once (no trap runs). */
  kill(): void;
  /** SIGTERM to the container's command, as kubelet sends at a pod's deletion. */
  terminate(): void;
  readonly done: Promise<RunResult>;
}

/** Starts the container's command (see the file comment) and returns at once. */
export function startContainer(namespace: string, podName: string, containerName: string, options: RunOptions = {}): RunningContainer {
  const pod = getJson('pod', podName, namespace);
  if (!pod) throw new Error(`pod ${namespace}/${podName} not found`);
  const m = materialize(pod, containerName, options.cockroach);
  let [command, ...args] = m.argv;
  if (command === '/bin/bash') {
    command = 'bash';
    args = ['--norc', ...args];
  }
  if (options.rewrite && args[0] === '--norc' && args[1] === '-c') args[2] = options.rewrite(args[2]);
  const asRoot = process.getuid?.() === 0;
  // As the container's user, with the pod's fsGroup as a supplementary group.
  const argv = asRoot && m.uid !== undefined
    ? ['setpriv', `--reuid=${m.uid}`, `--regid=${m.gid ?? m.uid}`, `--groups=${m.fsGroup ?? m.gid ?? m.uid}`, '--', command, ...args]
    : [command, ...args];
  const child = spawn(argv[0], argv.slice(1), { cwd: m.root, env: { ...m.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<RunResult>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), (options.timeoutSeconds ?? 120) * 1000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, root: m.root });
    });
  });
  // setpriv execs the command: the signal reaches bash itself.
  return { stdout: () => stdout, kill: () => child.kill('SIGKILL'), terminate: () => child.kill('SIGTERM'), done };
}

/** Runs the container's command to its end (see the file comment); resolves with its exit and output. */
export function runContainer(namespace: string, podName: string, containerName: string, options: RunOptions = {}): Promise<RunResult> {
  return startContainer(namespace, podName, containerName, options).done;
}

/** The Pods a Job's controller created (oldest first). */
export function jobPods(namespace: string, jobName: string): any[] {
  const pods = JSON.parse(kubectl(['-n', namespace, 'get', 'pods', '-l', `batch.kubernetes.io/job-name=${jobName}`, '-o', 'json'])).items;
  return pods.sort((a: any, b: any) => a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp));
}

/**
 * The pod of the digest-named Job `<prefix><10 hex digits>` in the manifests synthesized into `dir`, once its
 * controller created it. Exactly one such Job must be in `dir` (older Jobs of the prefix may remain in the
 * namespace: the name picks this synth's).
 */
export async function digestJobPod(namespace: string, dir: string, prefix: string): Promise<string> {
  const manifests = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
  const names = manifests.match(new RegExp(`name: ${prefix}[0-9a-f]{10}$`, 'gm')) ?? [];
  if (names.length !== 1) throw new Error(`expected one ${prefix} Job in ${dir}, found ${names.length}`);
  const name = names[0].slice('name: '.length);
  return waitUntil(`the pod of ${name}`, () => jobPods(namespace, name)[0]?.metadata.name);
}

/** Does what the scheduler does: binds a Pod to a Node (POST pods/<name>/binding). */
export function bindPod(namespace: string, podName: string, nodeName: string): void {
  kubectl(['create', '--raw', `/api/v1/namespaces/${namespace}/pods/${podName}/binding`, '-f', '-'], JSON.stringify({
    apiVersion: 'v1', kind: 'Binding', metadata: { name: podName, namespace }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
  }));
}
