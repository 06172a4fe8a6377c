// A consumer's cdktf app: only the package's public API, through its `gcp` entry.
import { App } from 'cdktf';
import { BackupsStack, DeploymentDescription, GkeStack } from 'cdk-cockroachdb/gcp';

const description = DeploymentDescription.of({ projectId: 'acme-orders-prod', region: 'us-east1', bucketName: 'acme-orders-crdb-backups', namespace: 'orders', cockroachClusterName: 'ordersdb' });
const app = new App({ outdir: process.argv[2] });
new BackupsStack(app, 'backups', { description });
new GkeStack(app, 'gke', { description });
app.synth();
