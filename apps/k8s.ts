/**
 * The Kubernetes apps: one folder of manifests per profile under the cdk8s output folder
 * (`dist/<profile>/`). Every chart is built before anything is written, so an invalid input fails the
 * synth with nothing in the output folder.
 */
import * as path from 'path';
import { App } from 'cdk8s';
import { GkeChart } from './gke';
import { MinikubeChart } from './minikube';

const outRoot = process.env.CDK8S_OUTDIR ?? 'dist';

// Opt-in parts that need something to exist first (a Secret, a backup), switched on by env vars.
const profiles: Array<[string, (app: App) => void]> = [
  ['minikube', (app) => new MinikubeChart(app, { backups: process.env.MINIKUBE_BACKUPS === '1' })],
  ['gke', (app) => new GkeChart(app, { restore: process.env.GKE_RESTORE === '1', booksLoad: process.env.GKE_BOOKS_LOAD === '1' })],
];

const apps = profiles.map(([profile, build]) => {
  const app = new App({ outdir: path.join(outRoot, profile) });
  build(app);
  return app;
});
for (const app of apps) app.synth();
