/**
 * Every app in one process (the Kubernetes profiles and the Google Cloud stacks), sharing one Node.js
 * start-up: `npm run synth` (scripts/synth.js) loads it once the build is up to date, after emptying the
 * output folder and setting CDK8S_OUTDIR as `cdk8s synth` does. The cdk8s CLI (`cdk8s synth`) and the
 * cdktf CLI (`cdktf synth`) run apps/k8s.ts and apps/gcp.ts on their own, with the same output
 * (test/apps/synth.test.ts compares them file by file).
 */
import './k8s';
import { App } from 'cdktf';
import { buildGcpApp, buildMultiRegionGcpApp } from './gcp';

const app = new App();
buildGcpApp(app);
buildMultiRegionGcpApp(app);
app.synth();
