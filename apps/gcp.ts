/**
 * The Google Cloud app (cdktf.json's entry point): three stacks from the shared deployment description,
 * their states in the project's state bucket (`gs://<project>-tfstate`, created once beforehand).
 *
 *   cdktf deploy crdb-backups crdb-gke         GKE path: bucket, service account, cluster, Workload Identity
 *   cdktf deploy crdb-backups crdb-backup-key  minikube path: bucket, service account and a key
 */
import { App } from 'cdktf';
import { BackupKeyStack, BackupsStack, DeploymentDescription, GkeStack, GkeStackProps, StateBackend } from '../lib/gcp';
import { DEPLOYMENT } from './deployment';

/** Options of the Google Cloud app (tests and other entry points). */
export interface GcpAppOptions {
  /**
   * The deployment.
   * @default DEPLOYMENT (apps/deployment.ts)
   */
  readonly description?: DeploymentDescription;
  /**
   * Where the stacks keep their state.
   * @default StateBackend.gcs() - the description's project state bucket
   */
  readonly stateBackend?: StateBackend;
  /**
   * The GKE cluster's options.
   * @default - the library's defaults
   */
  readonly gke?: GkeStackProps['gke'];
}

export function buildGcpApp(app: App, options: GcpAppOptions = {}): { backups: BackupsStack; gke: GkeStack; key: BackupKeyStack } {
  const description = options.description ?? DEPLOYMENT;
  const stateBackend = options.stateBackend ?? StateBackend.gcs();
  const backups = new BackupsStack(app, 'crdb-backups', { description, stateBackend });
  const gke = new GkeStack(app, 'crdb-gke', { description, stateBackend, gke: options.gke });
  gke.addDependency(backups);
  const key = new BackupKeyStack(app, 'crdb-backup-key', { description, stateBackend });
  key.addDependency(backups);
  return { backups, gke, key };
}

if (require.main === module) {
  const app = new App();
  buildGcpApp(app);
  app.synth();
}
