import { execFileSync } from 'child_process';
import * as path from 'path';
import { builtFolder } from '../support/cached-build';

/**
 * The folder of test/managed-prometheus/build.sh ({crds/monitoring.googleapis.com_*.yaml}), fetched or
 * reused once per process. The script is found from the project's root, two folders up: from this
 * folder under jest, and from build/run-ts/ when scripts/run-ts.js bundles this file (`npm run cluster:up`),
 * where __dirname is the bundle's folder.
 */
const crdFolder = () => path.join(builtFolder(path.join(__dirname, '../../test/managed-prometheus/build.sh')), 'crds');

/** The CRDs installed: GKE's Managed Service for Prometheus, monitoring.googleapis.com. */
export const MANAGED_PROMETHEUS_CRDS = [
  'podmonitorings', 'clusterpodmonitorings', 'clusternodemonitorings', 'rules', 'clusterrules', 'globalrules', 'operatorconfigs',
].map((plural) => `${plural}.monitoring.googleapis.com`);

/**
 * Installs Managed Service for Prometheus' CRDs (PodMonitoring, Rules and the others GKE installs with
 * them: monitoring.googleapis.com v1, from github.com/GoogleCloudPlatform/prometheus-engine's chart, through
 * test/managed-prometheus/build.sh) in the API server of `kubeconfig`, server-side (they exceed client-side
 * apply's annotation limit), and returns once they are Established: the real API server then validates
 * the objects against GMP's own schema and its CEL rules. Safe to call again.
 */
export function installManagedPrometheusCrds(kubeconfig: string): void {
  const kubectl = (args: string[]) => {
    try {
      execFileSync('kubectl', ['--kubeconfig', kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120000 });
    } catch (e: any) {
      throw new Error(`kubectl ${args.join(' ')} failed: ${e.stderr?.toString() || e.message}`);
    }
  };
  kubectl(['apply', '--server-side', '-f', crdFolder()]);
  // kubectl wait can fail at once on a CRD created a moment ago (kubernetes/kubernetes#66439): try again.
  for (let attempt = 1; ; attempt++) {
    try {
      kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...MANAGED_PROMETHEUS_CRDS.map((name) => `crd/${name}`)]);
      return;
    } catch (e) {
      if (attempt === 3) throw e;
      execFileSync('sleep', ['1']);
    }
  }
}
