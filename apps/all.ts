/**
 * Every app in one process (the Kubernetes profiles and the Google Cloud stacks): what `npm run synth`
 * runs after the build, sharing one Node.js start-up. The cdk8s CLI (`cdk8s synth`) and the cdktf CLI
 * (`cdktf synth`) run apps/k8s.ts and apps/gcp.ts on their own, with the same output.
 */
import './k8s';
import { App } from 'cdktf';
import { buildGcpApp } from './gcp';

const app = new App();
buildGcpApp(app);
app.synth();
