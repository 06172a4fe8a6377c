// A consumer's cdk8s app: only the package's public API, through its `k8s` entry.
import * as assert from 'assert';
import { createRequire } from 'module';
import { App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { CockroachCluster, DatabasePrivilege, Locality, PodAntiAffinity } from 'cdk-cockroachdb/k8s';

const app = new App({ outdir: process.argv[2] });
const chart = new Chart(app, 'orders', { namespace: 'orders' });
const crdb = new CockroachCluster(chart, 'ordersdb', {
  replicas: 3,
  resources: { cpu: { limit: Cpu.units(2) }, memory: { limit: Size.gibibytes(8) } },
  placement: { antiAffinity: PodAntiAffinity.required() },
  locality: Locality.fromNode(),
});
const db = crdb.addDatabase('orders');
db.grant(crdb.addUser('api', { clientCertificate: true }), DatabasePrivilege.ALL);
crdb.addBooksLoad({ books: 100 });
app.synth();

// A Kubernetes-only user never loads cdktf or the Google provider. (Node's CommonJS module cache, read
// through createRequire: this app also runs as an ES module, where `require` is not defined.)
const loaded = Object.keys(createRequire(process.argv[1]).cache);
assert.ok(!loaded.some((f) => /node_modules[\\/](cdktf|@cdktf)[\\/]/.test(f)), 'the k8s entry loaded cdktf');
console.log(JSON.stringify({ publicHost: crdb.publicHost, modules: loaded.length }));
