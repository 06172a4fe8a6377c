// A consumer's app with both halves through the package root, `cdk-cockroachdb`: one description, the
// cluster's manifests (cdk8s) and the GKE stack (cdktf) whose Workload Identity binding names its pods.
import { App as Cdk8sApp, Chart } from 'cdk8s';
import { App as CdktfApp } from 'cdktf';
import { CockroachCluster, DeploymentDescription, GcsCredentials, GkeStack } from 'cdk-cockroachdb';

const description = DeploymentDescription.of({ projectId: 'acme-orders-prod', region: 'us-east1', bucketName: 'acme-orders-crdb-backups', namespace: 'orders', cockroachClusterName: 'ordersdb' });
const k8s = new Cdk8sApp({ outdir: `${process.argv[2]}/k8s` });
const chart = new Chart(k8s, 'orders', { namespace: description.namespace });
new CockroachCluster(chart, description.cockroachClusterName, { gcsCredentials: GcsCredentials.fromDeployment(description) });
k8s.synth();
const gcp = new CdktfApp({ outdir: `${process.argv[2]}/gcp` });
new GkeStack(gcp, 'gke', { description });
gcp.synth();
