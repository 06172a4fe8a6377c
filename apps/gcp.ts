/**
 * The Google Cloud app (cdktf.json's entry point): three stacks from the shared deployment description.
 *
 *   cdktf deploy crdb-backups crdb-gke         GKE path: bucket, service account, cluster, Workload Identity
 *   cdktf deploy crdb-backups crdb-backup-key  minikube path: bucket, service account and a key
 */
import { App } from 'cdktf';
import { BackupKeyStack, BackupsStack, GkeStack } from '../lib/gcp';
import { DEPLOYMENT } from './deployment';

export function buildGcpApp(app: App): { backups: BackupsStack; gke: GkeStack; key: BackupKeyStack } {
  const backups = new BackupsStack(app, 'crdb-backups', { description: DEPLOYMENT });
  const gke = new GkeStack(app, 'crdb-gke', { description: DEPLOYMENT });
  gke.addDependency(backups);
  const key = new BackupKeyStack(app, 'crdb-backup-key', { description: DEPLOYMENT });
  key.addDependency(backups);
  return { backups, gke, key };
}

if (require.main === module) {
  const app = new App();
  buildGcpApp(app);
  app.synth();
}
