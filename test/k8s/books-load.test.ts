import { builtinModules } from 'module';
import * as path from 'path';
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

  test('validates; one ConfigMap (the script: the books are generated in the pod) and a Job', () => {
    validateAgainstSchemas(objects);
    expect(objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name)).toEqual([expect.stringMatching(/^crdb-books-load-[0-9a-f]{10}$/)]);
    expect(load.scriptConfigMap.name).toBe(objects.find((o) => o.kind === 'ConfigMap')!.metadata.name);
    expect(job.metadata.name).toMatch(/^crdb-books-load-[0-9a-f]{10}$/);
    expect(load.job.jobName).toBe(job.metadata.name);
  });

  test('the script ConfigMap holds the bundled script with its driver, minified', () => {
    const script: string = only(objects, 'ConfigMap', load.scriptConfigMap.name).data['books-load.js'];
    expect(script).toContain('LOAD_DATABASE_URL');
    expect(script).toContain('BEGIN ISOLATION LEVEL SERIALIZABLE');
    // pg is inside (its client and its SCRAM authentication): nothing to install when the pod starts.
    expect(script).toContain('Client has already been connected. You cannot reuse a client.');
    expect(script).toContain('SCRAM-SHA-256');
    expect(script).not.toMatch(/\brequire\("pg"\)/);
    // Only Node's own modules are required, and pg's optional native binding, which is never loaded.
    const required = [...new Set([...script.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]))];
    expect(required).toContain('net');
    expect(required.filter((m) => !builtinModules.includes(m))).toEqual(['pg-native']);
    // It generates the books itself, from BOOKS_COUNT and BOOKS_SEED; there is no data file to read.
    expect(script).toContain('BOOKS_COUNT');
    expect(script).toContain('BOOKS_SEED');
    expect(script).not.toContain('BOOKS_FILE');
    // Minified (about 93 KB; unminified it was well over 200 KB).
    expect(script.length).toBeLessThan(120_000);
  });

  test('client-side kubectl apply copies the script ConfigMap into an annotation of at most 262144 bytes: it takes less than half', () => {
    // The annotation (last-applied-configuration) holds the whole object as JSON, next to the object itself.
    const configMap = only(objects, 'ConfigMap', load.scriptConfigMap.name);
    expect(Buffer.byteLength(JSON.stringify(configMap), 'utf8')).toBeLessThan(262144 / 2);
  });

  test('runs the script on a pinned Node image, restricted, with nothing to install', () => {
    expect(container.image).toBe(BOOKS_LOAD_IMAGE);
    expect(container.image).toMatch(/^node:\d+\.\d+\.\d+-alpine\d+\.\d+$/);
    expect(container.command).toEqual(['node', '/load/books-load.js']);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 1000 });
    expect(podSpecs(objects)).toHaveLength(2);
  });

  test('a mirror and a digest: the Job runs <registry>/<repo>@<digest>, pulled only when absent', () => {
    const digest = `sha256:${'9f'.repeat(32)}`;
    const { job: pinned } = build({ image: 'registry.example.com:5000/mirror/node:22.22.0-alpine3.23', imageDigest: digest });
    const c = pinned.spec.template.spec.containers[0];
    expect(c.image).toBe(`registry.example.com:5000/mirror/node@${digest}`);
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(BOOKS_LOAD_IMAGE).toMatch(/^node:/);
    expect(build({ imageDigest: digest }).job.spec.template.spec.containers[0].image).toBe(`docker.io/library/node@${digest}`);
  });

  test('connects as root with the client certificate and verify-full', () => {
    expect(container.env).toContainEqual({
      name: 'LOAD_DATABASE_URL',
      value: 'postgresql://root@crdb-public.db.svc.cluster.local:26257/defaultdb?sslmode=verify-full&sslrootcert=/cockroach/cockroach-certs/ca.crt&sslcert=/cockroach/cockroach-certs/client.root.crt&sslkey=/cockroach/cockroach-certs/client.root.key',
    });
    expect(container.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/load', '/cockroach/cockroach-certs']);
    expect(pod.volumes.map((v: any) => v.name)).toEqual(['load', 'certs']);
  });

  test('the knobs reach the script', () => {
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      BOOKS_COUNT: '1000', BOOKS_SEED: '42', LOAD_DURATION_SECONDS: '300', LOAD_CONCURRENCY: '4', LOAD_TARGET_RATE: '50', LOAD_READ_FRACTION: '0.8', LOAD_BATCH_SIZE: '100',
    });
    expect(env).not.toHaveProperty('BOOKS_FILE');
    const custom = build({ books: 100_000, seed: 7, duration: Duration.minutes(1), concurrency: 16, targetRate: 0, readFraction: 0.5, batchSize: 250, database: 'bookstore' });
    const e2 = Object.fromEntries(custom.job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(e2).toMatchObject({
      BOOKS_COUNT: '100000', BOOKS_SEED: '7', LOAD_DURATION_SECONDS: '60', LOAD_CONCURRENCY: '16', LOAD_TARGET_RATE: '0', LOAD_READ_FRACTION: '0.5', LOAD_BATCH_SIZE: '250',
    });
    expect(e2.LOAD_DATABASE_URL).toContain(':26257/bookstore?');
    // However many books, the manifests stay small: the data set is not in them.
    expect(custom.objects.filter((o) => o.kind === 'ConfigMap')).toHaveLength(1);
    expect(JSON.stringify(custom.objects).length).toBeLessThan(JSON.stringify(objects).length + 100);
  });

  test('insecure clusters: sslmode=disable and no certificate volume', () => {
    const { job: j } = build({}, ClusterSecurity.insecure());
    const c = j.spec.template.spec.containers[0];
    expect(c.env.find((e: any) => e.name === 'LOAD_DATABASE_URL').value).toBe('postgresql://root@crdb-public.db.svc.cluster.local:26257/defaultdb?sslmode=disable');
    expect(c.volumeMounts.map((m: any) => m.name)).toEqual(['load']);
  });

  test('the same input gives the same names; another seed or count, a new Job (the script ConfigMap stays)', () => {
    const again = build();
    expect(again.job.metadata.name).toBe(job.metadata.name);
    for (const other of [build({ seed: 7 }), build({ books: 999 })]) {
      expect(other.job.metadata.name).not.toBe(job.metadata.name);
      expect(other.load.scriptConfigMap.name).toBe(load.scriptConfigMap.name);
    }
  });
});

/** [what, options, the prop named in the error, the received value as the message shows it] */
const BAD: Array<[string, BooksLoadOptions, string, string]> = [
  ['no books', { books: 0 }, 'addBooksLoad(books)', '0'],
  ['more books than the pod generates', { books: 100_001 }, 'addBooksLoad(books)', '100001'],
  ['a fractional number of books', { books: 2.5 }, 'addBooksLoad(books)', '2.5'],
  ['a negative seed', { seed: -1 }, 'addBooksLoad(seed)', '-1'],
  ['a seed above 32 bits', { seed: 2 ** 32 }, 'addBooksLoad(seed)', '4294967296'],
  ['a fractional seed', { seed: 4.2 }, 'addBooksLoad(seed)', '4.2'],
  ['zero concurrency', { concurrency: 0 }, 'addBooksLoad(concurrency)', '0'],
  ['a negative rate', { targetRate: -1 }, 'addBooksLoad(targetRate)', '-1'],
  ['a read fraction above 1', { readFraction: 1.2 }, 'addBooksLoad(readFraction)', '1.2'],
  ['a negative read fraction', { readFraction: -0.1 }, 'addBooksLoad(readFraction)', '-0.1'],
  ['a read fraction that is not a number', { readFraction: '0.5' as unknown as number }, 'addBooksLoad(readFraction)', '"0.5"'],
  ['a zero batch size', { batchSize: 0 }, 'addBooksLoad(batchSize)', '0'],
  ['a batch size above 1000', { batchSize: 1001 }, 'addBooksLoad(batchSize)', '1001'],
  ['a fractional duration', { duration: Duration.millis(1500) }, 'addBooksLoad(duration) (seconds)', '1.5'],
  ['a database with a quote', { database: "shop'" }, 'addBooksLoad(database)', '"shop\'"'],
  ['a database starting with a digit', { database: '9lives' }, 'addBooksLoad(database)', '"9lives"'],
  ['a database starting with an uppercase letter', { database: 'Shop' }, 'addBooksLoad(database)', '"Shop"'],
  ['an unpinned image', { image: 'node:latest' }, 'addBooksLoad(image)', '"node:latest"'],
  ['an image without tag', { image: 'node' }, 'addBooksLoad(image)', '"node"'],
  ['an image starting with an uppercase letter', { image: 'Node:22.22.0' }, 'addBooksLoad(image)', '"Node:22.22.0"'],
  ['an image with a character after its tag', { image: 'node:22.22.0!' }, 'addBooksLoad(image)', '"node:22.22.0!"'],
  ['an image that is not a string', { image: 22 as unknown as string }, 'addBooksLoad(image)', '22'],
  ['an image with its digest in it', { image: `node:22.22.0-alpine3.23@sha256:${'a'.repeat(64)}` }, 'addBooksLoad(image)', `"node:22.22.0-alpine3.23@sha256:${'a'.repeat(64)}"`],
  ['a malformed digest', { imageDigest: 'sha256:abc' }, 'addBooksLoad(imageDigest)', '"sha256:abc"'],
  ['a digest in uppercase hex', { imageDigest: `sha256:${'A'.repeat(64)}` }, 'addBooksLoad(imageDigest)', `"sha256:${'A'.repeat(64)}"`],
  ['a sha512 digest', { imageDigest: `sha512:${'a'.repeat(128)}` }, 'addBooksLoad(imageDigest)', `"sha512:${'a'.repeat(128)}"`],
  ['a digest with the @', { imageDigest: `@sha256:${'a'.repeat(64)}` }, 'addBooksLoad(imageDigest)', `"@sha256:${'a'.repeat(64)}"`],
];

describe('books load edge values are accepted', () => {
  test.each([0, 1])('readFraction %s', (readFraction) => {
    const env = build({ readFraction }).job.spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'LOAD_READ_FRACTION', value: String(readFraction) });
  });
});

describe('the bundled script', () => {
  // Node's fs module itself (not the ES module namespace of an import), so that its functions can be spied on.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs: typeof import('fs') = require('fs');
  const BUNDLE_SUFFIX = path.join('build', 'assets', 'books-load.js');
  // A fresh copy of the library, so that the script is not cached yet; with its own cdk8s, so that the
  // chart and the cluster come from the same copy.
  const fresh = () => {
    let buildFresh: () => void = () => undefined;
    jest.isolateModules(() => {
      // Within isolateModules only require() loads fresh copies.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const cdk8s = require('cdk8s');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const lib = require('../../lib/k8s');
      buildFresh = () => new lib.CockroachCluster(new cdk8s.Chart(cdk8s.Testing.app(), 'test', { namespace: 'db' }), 'crdb',
        { init: { enabled: false } }).addBooksLoad();
    });
    return buildFresh;
  };
  afterEach(() => jest.restoreAllMocks());

  test('is read once, then cached', () => {
    build();
    const read = jest.spyOn(fs, 'readFileSync');
    build();
    expect(read.mock.calls.filter(([file]) => String(file).endsWith(BUNDLE_SUFFIX))).toEqual([]);
  });

  test('is found in build/assets of the folder with package.json, above lib/', () => {
    const read = jest.spyOn(fs, 'readFileSync');
    fresh()();
    expect(read.mock.calls.filter(([file]) => String(file).endsWith(BUNDLE_SUFFIX)).map(([file]) => file))
      .toEqual([path.resolve(__dirname, '../..', BUNDLE_SUFFIX)]);
  });

  // The folders are faked (fs.existsSync): the real build/ is shared with whoever runs the other tests, and
  // where the library looks from (its own folder) cannot be moved.
  const lib = path.resolve(__dirname, '../../lib/k8s');
  test.each([
    ['a folder with build/assets but no package.json', path.join(lib, 'build', 'assets')],
    ['a folder with package.json but no build/assets', path.join(lib, 'package.json')],
  ])('%s is passed by', (_what, fakeExisting) => {
    const existsSync = fs.existsSync;
    jest.spyOn(fs, 'existsSync').mockImplementation((p) => p === fakeExisting || existsSync(p));
    const read = jest.spyOn(fs, 'readFileSync');
    fresh()();
    expect(read.mock.calls.filter(([file]) => String(file).endsWith(BUNDLE_SUFFIX)).map(([file]) => file))
      .toEqual([path.resolve(__dirname, '../..', BUNDLE_SUFFIX)]);
  });

  test('no build/assets anywhere: an error saying to run npm run build', () => {
    const existsSync = fs.existsSync;
    jest.spyOn(fs, 'existsSync').mockImplementation((p) => !String(p).endsWith(path.join('build', 'assets')) && existsSync(p));
    const buildFresh = fresh();
    // The fresh copy's own CockroachConfigError class: compared by name, not by instanceof.
    let error: any;
    try {
      buildFresh();
    } catch (e) {
      error = e;
    }
    expect(error?.constructor.name).toBe('CockroachConfigError');
    expect(error.prop).toBe('books load script');
    expect(error.message).toContain('books load script: received "build/assets/books-load.js"; expected the bundled script: run `npm run build` (it bundles lib/k8s/load with esbuild)');
  });
});

describe('books load errors are thrown', () => {
  test.each(BAD)('%s', (_what, options, prop, received) => {
    const error = configError(() => build(options));
    expect(error.prop).toBe(prop);
    expect(error.message).toContain(`${prop}: received ${received}; expected `);
  });

  test('an image with a digest in it is told to give the digest as imageDigest', () => {
    const error = configError(() => build({ image: `node:22.22.0-alpine3.23@sha256:${'a'.repeat(64)}` }));
    expect(error.message).toContain('; expected an image without digest: give the digest as addBooksLoad(imageDigest)');
  });

  test('an image without exact tag is told to give one', () => {
    expect(configError(() => build({ image: 'node' })).message).toContain('; expected an image with an exact tag, e.g. "node:22.22.0-alpine3.23"');
  });

  test('a second books load', () => {
    const cluster = new CockroachCluster(newChart(), 'crdb');
    cluster.addBooksLoad();
    expect(() => cluster.addBooksLoad()).toThrow(/expected one books load per cluster/);
  });
});
