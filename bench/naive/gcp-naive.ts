// The naive way to run the same GCP app: ts-node (type-checking every file at start) and a barrel
// import of the Google provider (every resource of the provider loaded). For the benchmark only.
// The barrel import is the point of this file (the slow path the benchmark compares against).
// eslint-disable-next-line no-restricted-imports
import * as google from '@cdktf/provider-google';
import { App } from 'cdktf';
import { buildGcpApp } from '../../apps/gcp';

void google.provider;
const app = new App();
buildGcpApp(app);
app.synth();
