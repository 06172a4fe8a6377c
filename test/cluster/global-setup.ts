import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { builtFolder } from '../support/cached-build';
import { startControlPlane } from './support/control-plane';

/**
 * Builds the harness (or reuses the cached build), starts the control plane once for every test file,
 * and leaves its coordinates in a file named by CRDB_CLUSTER_STATE.
 */
export default async function globalSetup(): Promise<void> {
  const build = builtFolder(path.join(__dirname, 'harness', 'build.sh'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crdb-cluster-'));
  const started = Date.now();
  const plane = await startControlPlane(build, dir);
  const state = path.join(dir, 'state.json');
  fs.writeFileSync(state, JSON.stringify({ kubeconfig: plane.kubeconfig, apiPort: plane.apiPort, dir, startSeconds: (Date.now() - started) / 1000 }));
  process.env.CRDB_CLUSTER_STATE = state;
  process.stderr.write(`\ncontrol plane up in ${((Date.now() - started) / 1000).toFixed(1)} s: ${plane.server} (logs in ${dir})\n`);
}
