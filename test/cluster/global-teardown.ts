import * as fs from 'fs';
import * as path from 'path';
import { stopControlPlane } from './support/control-plane';

/** Stops the processes the setup started, by PID; keeps their logs when CRDB_CLUSTER_KEEP=1. */
export default async function globalTeardown(): Promise<void> {
  const state = process.env.CRDB_CLUSTER_STATE;
  if (!state || !fs.existsSync(state)) return;
  const dir = path.dirname(state);
  stopControlPlane(dir, process.env.CRDB_CLUSTER_KEEP === '1');
}
