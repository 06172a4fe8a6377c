/**
 * The books load at its largest, applied as the README says (plain `kubectl apply`, which copies each
 * object into its last-applied-configuration annotation, limited to 262144 bytes), then run from what the
 * API server stores: the script ConfigMap's content, in the Job's pod, against a real PostgreSQL (the
 * CockroachDB server cannot be had here; the load speaks the PostgreSQL protocol to both).
 */
import { Duration } from 'cdk8s';
import { BOOKS_LOAD_IMAGE, ClusterSecurity, CockroachCluster } from '../../lib/k8s';
import { BOOKS_MAX } from '../../lib/k8s/load/books-data';
import { startPostgres, TestPostgres } from '../support/postgres';
import { Client } from 'pg';
import { apply, createNamespace, getJson, kubectl, listJson, waitUntil } from './support/kube';
import { jobPods, runContainer } from './support/pod-runner';
import { synthChart } from './support/synth';

const ns = createNamespace('books');
const ANNOTATION_LIMIT = 262144;
let pg: TestPostgres;

beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
  kubectl(['delete', 'namespace', ns, '--wait=false']);
});

test(`addBooksLoad({ books: ${BOOKS_MAX} }): plain kubectl apply succeeds, with room to spare in every annotation`, async () => {
  const dir = synthChart(ns, (chart) => {
    const crdb = new CockroachCluster(chart, 'crdb', { security: ClusterSecurity.insecure(), init: { enabled: false } });
    crdb.addBooksLoad({ books: BOOKS_MAX, duration: Duration.seconds(1), image: BOOKS_LOAD_IMAGE });
  });
  apply([dir]);
  const script = listJson('configmaps', ns, 'app.kubernetes.io/component=books-load')[0];
  const annotation = script.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
  // Under half the limit: room for the driver to grow.
  expect(annotation.length).toBeLessThan(ANNOTATION_LIMIT / 2);

  const job = await waitUntil('the books load Job', () => listJson('jobs', ns, 'app.kubernetes.io/component=books-load')[0]?.metadata.name);
  const pod = await waitUntil('its pod', () => jobPods(ns, job)[0]?.metadata.name);
  expect(getJson('pod', pod, ns).spec.volumes.map((v: any) => v.configMap?.name).filter(Boolean)).toEqual([script.metadata.name]);

  // The pod's own command, script and env (BOOKS_COUNT, BOOKS_SEED…), but the database: a real PostgreSQL.
  const url = await pg.newDatabase();
  const r = await runContainer(ns, pod, 'run', { env: { LOAD_DATABASE_URL: url, LOAD_TARGET_RATE: '0' }, timeoutSeconds: 240 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const client = new Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query('SELECT count(*)::int AS n, min(id) AS lo, max(id) AS hi FROM books');
  await client.end();
  expect(rows[0]).toEqual({ n: BOOKS_MAX, lo: 1, hi: BOOKS_MAX });
});
