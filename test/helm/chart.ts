import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { builtFolder } from '../support/cached-build';

/** The official chart's version (`version` of cockroachdb/Chart.yaml in CHART_MODULE); appVersion 26.3.1. */
export const CHART_VERSION = '22.0.3';
/**
 * The Go module that carries the chart (github.com/cockroachdb/helm-charts, served by the Go module proxy;
 * the chart is its `cockroachdb/` folder). The same pin as CHART_MODULE in test/helm/build.sh.
 */
export const CHART_MODULE = 'github.com/cockroachdb/helm-charts@v0.0.0-20260828131910-3f65257a73c7';
/**
 * The Kubernetes version `helm template` renders for: the cluster harness's (test/cluster/harness/build.sh).
 * The chart asks .Capabilities for policy/v1, batch/v1 CronJob and networking.k8s.io/v1 Ingress, which every
 * version since 1.21 has; without the flag helm would assume the Kubernetes of its client-go.
 */
export const KUBE_VERSION = '1.37.2';

/**
 * The kinds the chart asks `.Capabilities.APIVersions` about, which a real Kubernetes 1.37 serves and
 * `helm install` would find there; `helm template` knows only what it is told (without them, the chart
 * renders its CronJobs as batch/v1beta1, which no current API server serves).
 */
const SERVED_KINDS = ['batch/v1/CronJob', 'networking.k8s.io/v1/Ingress', 'policy/v1'];

/** The folder of test/helm/build.sh ({bin/helm, cockroachdb}), built or reused once per process. */
export function helmFolder(): string {
  return builtFolder(path.join(__dirname, 'build.sh'));
}

/** `helm template` of the official chart with these values: its objects, in helm's order. */
export function renderChart(options: { release: string; namespace: string; values: object }): any[] {
  const helm = helmFolder();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crdb-helm-'));
  try {
    // JSON is YAML; helm reads the values file as such.
    const values = path.join(tmp, 'values.yaml');
    fs.writeFileSync(values, JSON.stringify(options.values));
    let out: string;
    try {
      out = execFileSync(path.join(helm, 'bin', 'helm'), [
        'template', options.release, path.join(helm, 'cockroachdb'),
        '--namespace', options.namespace, '--kube-version', KUBE_VERSION, '-f', values,
        ...SERVED_KINDS.flatMap((k) => ['--api-versions', k]),
      ], {
        // Helm's own folders (config, cache, data) in the temporary folder: nothing left in ~/.config or ~/.cache.
        env: { ...process.env, HELM_CONFIG_HOME: path.join(tmp, 'config'), HELM_CACHE_HOME: path.join(tmp, 'cache'), HELM_DATA_HOME: path.join(tmp, 'data') },
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 64 * 1024 * 1024,
      }).toString();
    } catch (e: any) {
      throw new Error(`helm template failed: ${e.stderr?.toString() || e.message}`);
    }
    const docs = parseAllDocuments(out);
    if (!Array.isArray(docs)) return []; // an empty stream
    const errors = docs.flatMap((d) => d.errors);
    if (errors.length > 0) throw new Error(`helm template printed invalid YAML: ${errors[0].message}`);
    return docs.map((d) => d.toJSON()).filter((o) => o !== null && o !== undefined);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
