import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { installManagedPrometheusCrds } from '../../managed-prometheus/crd';
import { builtFolder } from '../../support/cached-build';
import { createCertificates, etcdUrlOf, installHarnessCrds, startApiServer, startWatchdog, stopControlPlane, waitEstablished } from './control-plane';
import { clusterEnv } from './kube';

/**
 * More API servers for one test file, beside the suite's control plane (global-setup.ts): one per
 * Kubernetes cluster of a multi-cluster deployment (one per region), to apply each cluster's manifests to
 * an API server of its own. Each is a kube-apiserver with the suite's flags (RBAC, PodSecurity and
 * ValidatingAdmissionPolicy admission: what `kubectl apply --validate=strict` meets on the main plane),
 * certificates and kubeconfig of its own, cert-manager's CRDs, and a stand-in for google-cas-issuer's
 * GoogleCASIssuer CRD. No controller manager and no cert-manager: objects are admitted and stored, never
 * acted on (no pods, no issued certificates, no ServiceAccount `default`, no type-checking status on
 * ValidatingAdmissionPolicies, and a deleted Namespace stays Terminating).
 *
 * Storage: the suite's etcd, each API server under an `--etcd-prefix` of its own, rather than an etcd per
 * API server. On the 2-core machine this is the lighter choice: no etcd process per plane, whose Raft
 * ticks and commits take CPU beside the API servers all the time (measured for the harness's etcd with one
 * API server: about 50 MB of RSS, 0.3 s of CPU at start and 0.3 s a minute idle, 0.5 s to start), and no
 * more ports or data folders (the shared etcd stayed at 100 to 130 MB with three API servers on it). The
 * API server itself (400 to 550 MB each) is the cost either way. The prefixes keep the planes apart as
 * separate etcds would: an API server reads and watches only the keys under its prefix (kube-apiserver's keys are
 * `<prefix>/<resource>/…`; the suite's are under `/registry/`, which no extra prefix starts with). What
 * they share is harmless: the compaction, which every API server of one etcd coordinates already (it is
 * how HA control planes run), and the revision counter. stop() deletes the prefixes' keys.
 *
 * The folders (certificates, kubeconfigs, logs) are inside the suite's folder, which global-teardown.ts
 * removes: even a killed test worker (whose processes each plane's watchdog stops) leaves nothing in
 * TMPDIR. stop() removes them at once, and keeps them, like the suite's, with CRDB_CLUSTER_KEEP=1.
 */
export interface ExtraControlPlane {
  /** `region-1`, `region-2`…: names of the folders, prefixes and logs. */
  readonly name: string;
  /** Admin kubeconfig (client certificate in system:masters). */
  readonly kubeconfig: string;
  /** `https://127.0.0.1:<port>`. */
  readonly server: string;
  readonly apiPort: number;
  /** Its folder: certificates, kubeconfig, logs. */
  readonly dir: string;
  /** Where it keeps its objects in the suite's etcd. */
  readonly etcdPrefix: string;
  /**
   * A file like the suite's (CRDB_CLUSTER_STATE): what onPlane() points the helpers of kube.ts and
   * variant.ts at.
   */
  readonly stateFile: string;
}

export interface ExtraControlPlanes {
  readonly planes: readonly ExtraControlPlane[];
  /** The planes' kubeconfigs, in order. */
  readonly kubeconfigs: readonly string[];
  /**
   * Stops every process the planes started (by PID, with its process group), removes their folders and
   * their keys in the suite's etcd. Safe to call again.
   */
  stop(): Promise<void>;
}

export interface ExtraControlPlaneOptions {
  /** prometheus-operator's CRDs too (ServiceMonitor, PrometheusRule…), as the suite's plane has. @default false */
  readonly prometheusOperatorCrds?: boolean;
  /** GKE's Managed Service for Prometheus CRDs too (PodMonitoring, Rules…), as the suite's plane has. @default false */
  readonly managedPrometheusCrds?: boolean;
}

/** The API group and version of google-cas-issuer's issuers. */
export const CAS_ISSUER_API_VERSION = 'cas-issuer.jetstack.io/v1beta1';

/**
 * A stand-in for google-cas-issuer's GoogleCASIssuer CRD (github.com/jetstack/google-cas-issuer,
 * deploy/charts/google-cas-issuer/templates/crd-cas-issuer.jetstack.io_googlecasissuers.yaml, from
 * api/v1beta1/googlecasissuer_types.go): the same group, version, names, scope, spec fields and types,
 * with the schema written here rather than installed from the project's chart. A stand-in because the
 * issuer itself is never installed: its controller signs through Google Cloud's Certificate Authority
 * Service, which the harness cannot reach, so there is nothing to build from its module but the CRD, and
 * the strict validation of our issuers only needs the schema. The status is the issuer-lib IssuerStatus
 * (conditions), as upstream.
 */
export const CAS_ISSUER_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'googlecasissuers.cas-issuer.jetstack.io', labels: { 'app.kubernetes.io/part-of': 'crdb-harness-stand-in' } },
  spec: {
    group: 'cas-issuer.jetstack.io',
    names: { kind: 'GoogleCASIssuer', listKind: 'GoogleCASIssuerList', plural: 'googlecasissuers', singular: 'googlecasissuer' },
    scope: 'Namespaced',
    versions: [{
      name: 'v1beta1',
      served: true,
      storage: true,
      subresources: { status: {} },
      schema: {
        openAPIV3Schema: {
          type: 'object',
          properties: {
            apiVersion: { type: 'string' },
            kind: { type: 'string' },
            metadata: { type: 'object' },
            spec: {
              type: 'object',
              properties: {
                // The Google Cloud project and the location (region) of the CA pool.
                project: { type: 'string' },
                location: { type: 'string' },
                caPoolId: { type: 'string' },
                // Optional: without it, the pool's CAs share the signing.
                certificateAuthorityId: { type: 'string' },
                // Optional upstream too; here so that the schema refuses only what upstream refuses.
                certificateTemplate: { type: 'string' },
                // cert-manager's SecretKeySelector: a key of a Secret holding a service account key
                // (left out with Workload Identity).
                credentials: {
                  type: 'object',
                  required: ['name'],
                  properties: { name: { type: 'string' }, key: { type: 'string' } },
                },
              },
            },
            status: {
              type: 'object',
              properties: {
                conditions: {
                  type: 'array',
                  'x-kubernetes-list-type': 'map',
                  'x-kubernetes-list-map-keys': ['type'],
                  items: {
                    type: 'object',
                    required: ['status', 'type'],
                    properties: {
                      lastTransitionTime: { type: 'string', format: 'date-time' },
                      message: { type: 'string' },
                      observedGeneration: { type: 'integer', format: 'int64' },
                      reason: { type: 'string' },
                      status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
                      type: { type: 'string' },
                    },
                  },
                },
              },
            },
          },
        },
      },
    }],
  },
};

function kubectlAt(kubeconfig: string, args: string[], input?: string): string {
  try {
    return execFileSync('kubectl', ['--kubeconfig', kubeconfig, ...args], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], timeout: 120000 });
  } catch (e: any) {
    throw new Error(`kubectl ${args.join(' ')} failed: ${e.stderr?.toString() || e.message}`);
  }
}

/**
 * Installs the GoogleCASIssuer stand-in (CAS_ISSUER_CRD) in the API server of `kubeconfig`, as the
 * harness's CRDs are installed (server-side, then Established). Returns false when it was there already.
 */
export function installCasIssuerStandIn(kubeconfig: string): boolean {
  const present = kubectlAt(kubeconfig, ['get', 'crd', CAS_ISSUER_CRD.metadata.name, '--ignore-not-found', '-o', 'name']).trim() !== '';
  kubectlAt(kubeconfig, ['apply', '--server-side', '-f', '-'], JSON.stringify(CAS_ISSUER_CRD));
  waitEstablished(kubeconfig, [`crd/${CAS_ISSUER_CRD.metadata.name}`]);
  return !present;
}

/** Removes the stand-in CRD (and with it every GoogleCASIssuer) from the API server of `kubeconfig`. */
export function removeCasIssuerStandIn(kubeconfig: string): void {
  kubectlAt(kubeconfig, ['delete', 'crd', CAS_ISSUER_CRD.metadata.name, '--ignore-not-found', '--wait=true', '--timeout=60s']);
}

/** POSTs to etcd's JSON gateway (`/v3/...`, served on its client URL). */
function etcdCall(url: string, api: string, body: unknown): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/v3/${api}`, { method: 'POST', headers: { 'content-type': 'application/json' }, timeout: 10000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`etcd ${api}: HTTP ${res.statusCode}: ${text}`))));
    });
    req.on('timeout', () => req.destroy(new Error(`etcd ${api}: timed out`)));
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** The etcd range of every key under `prefix` + '/', base64 as the gateway wants it. */
function prefixRange(prefix: string): { key: string; range_end: string } {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  // The keys from `<prefix>/` up to, not including, `<prefix>0` ('0' follows '/').
  return { key: b64(`${prefix}/`), range_end: b64(`${prefix}0`) };
}

/** Number of keys under the plane's prefix in the suite's etcd (0 after stop()). */
export async function etcdKeysUnder(prefix: string): Promise<number> {
  const r = await etcdCall(etcdUrlOf(clusterEnv().dir), 'kv/range', { ...prefixRange(prefix), count_only: true });
  return Number(r.count ?? 0);
}

/**
 * Starts `count` API servers on loopback (see ExtraControlPlane), side by side, each with its CRDs
 * Established; when one fails, those started are stopped and the error names its log.
 */
export async function startExtraControlPlanes(count: number, options: ExtraControlPlaneOptions = {}): Promise<ExtraControlPlanes> {
  const suite = clusterEnv();
  const etcdUrl = etcdUrlOf(suite.dir);
  // The harness build the suite runs (cached: this only checks that it is complete).
  const buildDir = builtFolder(path.join(__dirname, '..', 'harness', 'build.sh'));
  const crdDir = path.join(buildDir, 'crds');
  const keep = process.env.CRDB_CLUSTER_KEEP === '1';
  const started: Array<{ dir: string; etcdPrefix: string }> = [];
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const { dir } of started) stopControlPlane(dir, keep);
    for (const { etcdPrefix } of started) await etcdCall(etcdUrl, 'kv/deleterange', prefixRange(etcdPrefix));
  };

  const startOne = async (index: number): Promise<ExtraControlPlane> => {
    const name = `region-${index + 1}`;
    const dir = fs.mkdtempSync(path.join(suite.dir, `extra-${name}-`));
    const etcdPrefix = `/extra-plane/${path.basename(dir)}`;
    started.push({ dir, etcdPrefix });
    createCertificates(dir);
    startWatchdog(dir);
    const startApi = () => startApiServer(buildDir, dir, { etcdServers: etcdUrl, etcdPrefix });
    // Its port is picked free, then bound by the API server: the other planes' connections, started at the
    // same time, may take it in between. Then once more, on another port.
    const api = await startApi().catch((e) => {
      if (!fs.readFileSync(path.join(dir, 'kube-apiserver.log'), 'utf8').includes('address already in use')) throw e;
      return startApi();
    });
    // cert-manager's CRDs as the suite's plane installs them (installHarnessCrds), and what else is asked.
    installHarnessCrds(api.kubeconfig, crdDir, options.prometheusOperatorCrds ? ['cert-manager', 'prometheus-operator'] : ['cert-manager']);
    if (options.managedPrometheusCrds) {
      // Its `kubectl wait` meets kubernetes/kubernetes#66439 too (see waitEstablished): once more, then.
      try {
        installManagedPrometheusCrds(api.kubeconfig);
      } catch (e) {
        if (!(e as Error).message.includes('.status.conditions accessor error')) throw e;
        installManagedPrometheusCrds(api.kubeconfig);
      }
    }
    installCasIssuerStandIn(api.kubeconfig);
    const stateFile = path.join(dir, 'state.json');
    fs.writeFileSync(stateFile, JSON.stringify({ kubeconfig: api.kubeconfig, apiPort: api.apiPort, dir }));
    return { name, kubeconfig: api.kubeconfig, server: api.server, apiPort: api.apiPort, dir, etcdPrefix, stateFile };
  };

  try {
    const planes = await Promise.all(Array.from({ length: count }, (_, i) => startOne(i)));
    return { planes, kubeconfigs: planes.map((p) => p.kubeconfig), stop };
  } catch (e) {
    // Keep the logs of the failure in the suite's folder (removed by its teardown).
    stopped = true;
    for (const { dir } of started) stopControlPlane(dir, true);
    for (const { etcdPrefix } of started) await etcdCall(etcdUrl, 'kv/deleterange', prefixRange(etcdPrefix)).catch(() => undefined);
    throw new Error(`extra control planes did not start: ${(e as Error).message}\n(logs in ${started.map((s) => s.dir).join(', ')})`);
  }
}

/** The suite's own plane, as onPlane() takes it. */
export function suitePlane(): { name: string; kubeconfig: string; stateFile: string } {
  const stateFile = process.env.CRDB_CLUSTER_STATE;
  if (!stateFile) throw new Error('no control plane: run the cluster tests with `npm run test:cluster`');
  return { name: 'suite', kubeconfig: clusterEnv().kubeconfig, stateFile };
}

let switchedTo: string | undefined;

/**
 * Runs `fn` with the helpers of kube.ts and variant.ts (kubectl, apply, getJson, listJson, contents,
 * versions, applyFolder…) talking to `plane`: they read the plane from CRDB_CLUSTER_STATE at each call,
 * which points at the plane's state file until `fn` has settled. One plane at a time (a call inside
 * another throws): a test file's tests run one after the other, and nothing else may use the helpers
 * while `fn` awaits.
 */
export async function onPlane<T>(plane: { name: string; stateFile: string }, fn: () => T | Promise<T>): Promise<T> {
  if (switchedTo !== undefined) throw new Error(`onPlane(${plane.name}) inside onPlane(${switchedTo})`);
  const previous = process.env.CRDB_CLUSTER_STATE;
  switchedTo = plane.name;
  process.env.CRDB_CLUSTER_STATE = plane.stateFile;
  try {
    return await fn();
  } finally {
    process.env.CRDB_CLUSTER_STATE = previous;
    switchedTo = undefined;
  }
}
