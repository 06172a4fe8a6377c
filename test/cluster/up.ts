/**
 * `npm run cluster:up`: builds (or reuses) the harness, starts the control plane and leaves it running
 * until Ctrl-C, for trying manifests by hand:
 *
 *   export KUBECONFIG=<the path it prints>
 *   kubectl apply --validate=strict -f dist/gke-namespace/ -f dist/gke/
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { builtFolder } from '../support/cached-build';
import { startControlPlane, stopControlPlane } from './support/control-plane';

async function main(): Promise<void> {
  // Bundled into build/run-ts/ (scripts/run-ts.js): the script is found from the project's root.
  const build = builtFolder(path.join(__dirname, '../../test/cluster/harness/build.sh'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crdb-cluster-'));
  const plane = await startControlPlane(build, dir);
  console.log(`control plane up: ${plane.server}\nexport KUBECONFIG=${plane.kubeconfig}\nlogs in ${dir}; Ctrl-C stops it`);
  const stop = () => {
    stopControlPlane(dir);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  setInterval(() => undefined, 1 << 30);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
