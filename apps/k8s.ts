/**
 * The Kubernetes apps: two folders of manifests per profile under the cdk8s output folder, the
 * namespace (`dist/<profile>-namespace/`) and the cluster (`dist/<profile>/`). The namespace has a folder
 * of its own because deleting a Namespace deletes every volume in it: `kubectl delete -f dist/<profile>/`,
 * the documented removal, must keep the data. Every chart is built before anything is written, so an
 * invalid input fails the synth with nothing in the output folder.
 */
import * as path from 'path';
import { App } from 'cdk8s';
import { DEPLOYMENT, MULTI_REGION_DEPLOYMENT } from './deployment';
import { GkeChart } from './gke';
import { MINIKUBE_NAMESPACE, MinikubeChart } from './minikube';
import { MultiRegionChart } from './multi-region';
import { RestrictedNamespaceChart } from './namespace';

const outRoot = process.env.CDK8S_OUTDIR ?? 'dist';

// Opt-in parts that need something to exist first (a Secret, a backup), switched on by env vars.
const profiles: Array<[string, string, (app: App) => void]> = [
  ['minikube', MINIKUBE_NAMESPACE, (app) => new MinikubeChart(app, {
    backups: process.env.MINIKUBE_BACKUPS === '1', prometheusOperator: process.env.MINIKUBE_PROMETHEUS_OPERATOR === '1',
  })],
  ['gke', DEPLOYMENT.namespace, (app) => new GkeChart(app, { restore: process.env.GKE_RESTORE === '1', booksLoad: process.env.GKE_BOOKS_LOAD === '1' })],
  // One cluster across three regions: a profile per region, each applied to that region's GKE cluster.
  ...MULTI_REGION_DEPLOYMENT.regions.map((r): [string, string, (app: App) => void] =>
    [`global-${r.region}`, MULTI_REGION_DEPLOYMENT.namespace, (app) => new MultiRegionChart(app, r.region)]),
];

const apps = profiles.flatMap(([profile, namespace, build]) => {
  const namespaceApp = new App({ outdir: path.join(outRoot, `${profile}-namespace`) });
  new RestrictedNamespaceChart(namespaceApp, 'namespace', namespace);
  const clusterApp = new App({ outdir: path.join(outRoot, profile) });
  build(clusterApp);
  return [namespaceApp, clusterApp];
});
for (const app of apps) app.synth();
