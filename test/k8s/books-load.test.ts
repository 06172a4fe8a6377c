import { Duration } from 'cdk8s';
import { BOOKS_LOAD_IMAGE, ClusterSecurity, CockroachCluster, BooksLoadOptions } from '../../lib/k8s';
import { newChart, only, podSpecs, synth, validateAgainstSchemas } from '../support/manifests';
import { configError } from '../support/errors';

const build = (options: BooksLoadOptions = {}, security?: ClusterSecurity) => {
  const chart = newChart();
  const cluster = new CockroachCluster(chart, 'crdb', { security, init: { enabled: false } });
  const load = cluster.addBooksLoad(options);
  const objects = synth(chart);
  return { cluster, load, objects, job: only(objects, 'Job') };
};

describe('addBooksLoad', () => {
  const { objects, job, load } = build();
  const pod = job.spec.template.spec;
  const container = pod.containers[0];

  test('validates; two ConfigMaps and a Job', () => {
    validateAgainstSchemas(objects);
    expect(objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name)).toEqual([
      expect.stringMatching(/^crdb-books-data-[0-9a-f]{10}$/), expect.stringMatching(/^crdb-books-load-[0-9a-f]{10}$/),
    ]);
    expect(job.metadata.name).toMatch(/^crdb-books-load-[0-9a-f]{10}$/);
    expect(load.job.jobName).toBe(job.metadata.name);
  });

  test('the data ConfigMap holds 1000 books; the script ConfigMap the bundled script with its driver', () => {
    const data = JSON.parse(only(objects, 'ConfigMap', load.dataConfigMap.name).data['books.json']);
    expect(data).toHaveLength(1000);
    const script: string = only(objects, 'ConfigMap', load.scriptConfigMap.name).data['books-load.js'];
    expect(script).toContain('LOAD_DATABASE_URL');
    expect(script).toContain('BEGIN ISOLATION LEVEL SERIALIZABLE');
    // pg is inside: nothing to install when the pod starts.
    expect(script).toMatch(/node_modules\/pg\/lib\/client\.js/);
    expect(script).not.toMatch(/\brequire\("pg"\)/);
  });

  test('runs the script on a pinned Node image, restricted, with nothing to install', () => {
    expect(container.image).toBe(BOOKS_LOAD_IMAGE);
    expect(container.image).toMatch(/^node:\d+\.\d+\.\d+-alpine\d+\.\d+$/);
    expect(container.command).toEqual(['node', '/load/books-load.js']);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 1000 });
    expect(podSpecs(objects)).toHaveLength(2);
  });

  test('connects as root with the client certificate and verify-full', () => {
    expect(container.env).toContainEqual({
      name: 'LOAD_DATABASE_URL',
      value: 'postgresql://root@crdb-public.db.svc.cluster.local:26257/defaultdb?sslmode=verify-full&sslrootcert=/cockroach/cockroach-certs/ca.crt&sslcert=/cockroach/cockroach-certs/client.root.crt&sslkey=/cockroach/cockroach-certs/client.root.key',
    });
    expect(container.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/data', '/load', '/cockroach/cockroach-certs']);
  });

  test('the knobs reach the script', () => {
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ LOAD_DURATION_SECONDS: '300', LOAD_CONCURRENCY: '4', LOAD_TARGET_RATE: '50', LOAD_READ_FRACTION: '0.8', LOAD_BATCH_SIZE: '100', BOOKS_FILE: '/data/books.json' });
    const custom = build({ books: 2000, duration: Duration.minutes(1), concurrency: 16, targetRate: 0, readFraction: 0.5, batchSize: 250, database: 'bookstore' });
    const e2 = Object.fromEntries(custom.job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(e2).toMatchObject({ LOAD_DURATION_SECONDS: '60', LOAD_CONCURRENCY: '16', LOAD_TARGET_RATE: '0', LOAD_READ_FRACTION: '0.5', LOAD_BATCH_SIZE: '250' });
    expect(e2.LOAD_DATABASE_URL).toContain(':26257/bookstore?');
    expect(JSON.parse(custom.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('crdb-books-data'))!.data['books.json'])).toHaveLength(2000);
  });

  test('insecure clusters: sslmode=disable and no certificate volume', () => {
    const { job: j } = build({}, ClusterSecurity.insecure());
    const c = j.spec.template.spec.containers[0];
    expect(c.env.find((e: any) => e.name === 'LOAD_DATABASE_URL').value).toBe('postgresql://root@crdb-public.db.svc.cluster.local:26257/defaultdb?sslmode=disable');
    expect(c.volumeMounts.map((m: any) => m.name)).toEqual(['data', 'load']);
  });

  test('the same input gives the same names; another seed, new data and a new Job', () => {
    const again = build();
    expect(again.job.metadata.name).toBe(job.metadata.name);
    const other = build({ seed: 7 });
    expect(other.job.metadata.name).not.toBe(job.metadata.name);
  });
});

/** [what, options, the prop named in the error, the received value as the message shows it] */
const BAD: Array<[string, BooksLoadOptions, string, string]> = [
  ['no books', { books: 0 }, 'addBooksLoad(books)', '0'],
  ['too many books for a ConfigMap', { books: 5001 }, 'addBooksLoad(books)', '5001'],
  ['a negative seed', { seed: -1 }, 'addBooksLoad(seed)', '-1'],
  ['a seed above 32 bits', { seed: 2 ** 32 }, 'addBooksLoad(seed)', '4294967296'],
  ['a fractional seed', { seed: 4.2 }, 'addBooksLoad(seed)', '4.2'],
  ['zero concurrency', { concurrency: 0 }, 'addBooksLoad(concurrency)', '0'],
  ['a negative rate', { targetRate: -1 }, 'addBooksLoad(targetRate)', '-1'],
  ['a read fraction above 1', { readFraction: 1.2 }, 'addBooksLoad(readFraction)', '1.2'],
  ['a zero batch size', { batchSize: 0 }, 'addBooksLoad(batchSize)', '0'],
  ['a batch size above 1000', { batchSize: 1001 }, 'addBooksLoad(batchSize)', '1001'],
  ['a fractional duration', { duration: Duration.millis(1500) }, 'addBooksLoad(duration) (seconds)', '1.5'],
  ['a database with a quote', { database: "shop'" }, 'addBooksLoad(database)', '"shop\'"'],
  ['an unpinned image', { image: 'node:latest' }, 'addBooksLoad(image)', '"node:latest"'],
  ['an image without tag', { image: 'node' }, 'addBooksLoad(image)', '"node"'],
];

describe('books load errors are thrown', () => {
  test.each(BAD)('%s', (_what, options, prop, received) => {
    const error = configError(() => build(options));
    expect(error.prop).toBe(prop);
    expect(error.message).toContain(`${prop}: received ${received}; expected `);
  });

  test('a second books load', () => {
    const cluster = new CockroachCluster(newChart(), 'crdb');
    cluster.addBooksLoad();
    expect(() => cluster.addBooksLoad()).toThrow(/expected one books load per cluster/);
  });
});
