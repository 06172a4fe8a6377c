import { execFileSync } from 'child_process';
import * as path from 'path';
import { builtFolder } from '../support/cached-build';

/** The folder of test/ingress-gce/build.sh ({bin/ensure-gke-crds}), built or reused once per process. */
const toolFolder = () => builtFolder(path.join(__dirname, 'build.sh'));

/**
 * Installs GKE's BackendConfig CRD (backendconfigs.cloud.google.com: cloud.google.com/v1 and v1beta1,
 * namespaced) in the API server of `kubeconfig`, by running GKE's ingress controller's own code
 * (k8s.io/ingress-gce's crd.EnsureCRD, through test/ingress-gce/tool): the schema GKE serves, validated by
 * the real API server. Creates or updates the CRD and returns once it is Established; safe to call again.
 */
export function installGkeCrds(kubeconfig: string): void {
  const tool = path.join(toolFolder(), 'bin', 'ensure-gke-crds');
  try {
    execFileSync(tool, ['--kubeconfig', kubeconfig], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 180000 });
  } catch (e: any) {
    throw new Error(`ensure-gke-crds failed: ${e.stderr?.toString() || e.message}`);
  }
}
