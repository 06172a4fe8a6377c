import { App, Chart } from 'cdk8s';
import { tempDir } from './kube';

/** Synthesizes one chart in the given namespace into a fresh folder (what `cdk8s synth` writes), for `kubectl apply -f`. */
export function synthChart(namespace: string, build: (chart: Chart) => void): string {
  const dir = tempDir('synth');
  const app = new App({ outdir: dir });
  const chart = new Chart(app, 'chart', { namespace, disableResourceNameHashes: true });
  build(chart);
  app.synth();
  return dir;
}
