import * as fs from 'fs';
import * as path from 'path';
import { Duration, Lazy } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { checkInteger, reject } from '../shared/validate';
import type { CockroachCluster } from './cluster';
import { generateBooks } from './load/books-data';
import { shortHash } from './private/hash';
import { DigestNamedJob } from './digest-named-job';
import { renderClusterJob } from './private/job';
import { durationSeconds } from './private/units';
import { helperResources } from './private/pod-security';

/** The Node.js image the books load runs on: pinned, public, and it needs nothing installed at start. */
export const BOOKS_LOAD_IMAGE = 'node:22.22.0-alpine3.23';
const MAX_BOOKS = 5000;

/** Options of {@link CockroachCluster.addBooksLoad}. */
export interface BooksLoadOptions {
  /**
   * Number of books in the generated data set (1 to 5000: it ships in a ConfigMap).
   * @default 1000
   */
  readonly books?: number;
  /**
   * Seed of the data set: the same seed always gives the same books.
   * @default 42
   */
  readonly seed?: number;
  /**
   * How long the read/write mix runs after the books are loaded.
   * @default Duration.minutes(5)
   */
  readonly duration?: Duration;
  /**
   * Concurrent workers (connections).
   * @default 4
   */
  readonly concurrency?: number;
  /**
   * Operations per second for all workers together; 0 for as fast as possible.
   * @default 50
   */
  readonly targetRate?: number;
  /**
   * Share of reads in the mix, from 0 to 1.
   * @default 0.8
   */
  readonly readFraction?: number;
  /**
   * Books per INSERT statement when loading.
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * Database of the `books` and `stock_movements` tables (it must exist).
   * @default 'defaultdb'
   */
  readonly database?: string;
  /**
   * The Node.js image (a registry mirror of the same release, for instance).
   * @default BOOKS_LOAD_IMAGE
   */
  readonly image?: string;
}

/** Properties of {@link BooksLoad}. */
export interface BooksLoadProps extends BooksLoadOptions {
  /** The cluster to load. */
  readonly cluster: CockroachCluster;
}

let bundleCache: string | undefined;

/** The load script bundled with the pg driver (`npm run build` writes it to build/assets/). */
function loadScriptBundle(scope: Construct): string {
  if (bundleCache !== undefined) return bundleCache;
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) || !fs.existsSync(path.join(dir, 'build', 'assets'))) {
    const parent = path.dirname(dir);
    if (parent === dir) reject(scope, 'books load script', 'build/assets/books-load.js', 'expected the bundled script: run `npm run build` (it bundles lib/k8s/load with esbuild)');
    dir = parent;
  }
  bundleCache = fs.readFileSync(path.join(dir, 'build', 'assets', 'books-load.js'), 'utf8');
  return bundleCache;
}

/**
 * The book's "small load on the cluster", made dependable: a ConfigMap with a generated books data set,
 * a ConfigMap with the load script (bundled with the `pg` driver, so the pod installs nothing), and a Job
 * that creates the schema, inserts the books in batches, then runs a read/write mix with CockroachDB's
 * client-side retry on SQLSTATE 40001, logging progress as JSON lines.
 */
export class BooksLoad extends Construct {
  /** The books data ConfigMap (escape hatch). */
  public readonly dataConfigMap: k8s.KubeConfigMap;
  /** The script ConfigMap (escape hatch). */
  public readonly scriptConfigMap: k8s.KubeConfigMap;
  /** The Job (escape hatch). */
  public readonly job: DigestNamedJob;

  constructor(scope: Construct, id: string, props: BooksLoadProps) {
    super(scope, id);
    const cluster = props.cluster;
    const count = props.books ?? 1000;
    const seed = props.seed ?? 42;
    const duration = props.duration ?? Duration.minutes(5);
    const concurrency = props.concurrency ?? 4;
    const targetRate = props.targetRate ?? 50;
    const readFraction = props.readFraction ?? 0.8;
    const batchSize = props.batchSize ?? 100;
    const database = props.database ?? 'defaultdb';
    const image = props.image ?? BOOKS_LOAD_IMAGE;
    checkInteger(cluster, 'addBooksLoad(books)', count, 1, MAX_BOOKS);
    checkInteger(cluster, 'addBooksLoad(seed)', seed, 0, 2 ** 32 - 1);
    checkInteger(cluster, 'addBooksLoad(duration) (seconds)', durationSeconds(duration), 0, 7 * 86400);
    checkInteger(cluster, 'addBooksLoad(concurrency)', concurrency, 1, 256);
    checkInteger(cluster, 'addBooksLoad(targetRate)', targetRate, 0, 1_000_000);
    checkInteger(cluster, 'addBooksLoad(batchSize)', batchSize, 1, 1000);
    if (typeof readFraction !== 'number' || !(readFraction >= 0 && readFraction <= 1)) {
      reject(cluster, 'addBooksLoad(readFraction)', readFraction, 'expected a number from 0 to 1');
    }
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) reject(cluster, 'addBooksLoad(database)', database, 'expected a database name of lowercase letters, digits or \'_\'');
    if (!/^[a-z0-9./_-]+(:[0-9]+)?(\/[a-z0-9._-]+)*:[A-Za-z0-9._-]+$/.test(image) || image.endsWith(':latest')) {
      reject(cluster, 'addBooksLoad(image)', image, 'expected an image with an exact tag, e.g. "node:22.22.0-alpine3.23"');
    }

    const booksJson = JSON.stringify(generateBooks(count, seed));
    const script = loadScriptBundle(this);
    const labels = cluster._componentLabels('books-load');
    // Content-addressed names: new content means a new ConfigMap, so a changed Job never reads stale data.
    this.dataConfigMap = new k8s.KubeConfigMap(this, 'Data', {
      metadata: { name: `${cluster.name}-books-data-${shortHash(booksJson)}`, namespace: cluster.namespace, labels },
      data: { 'books.json': booksJson },
    });
    this.scriptConfigMap = new k8s.KubeConfigMap(this, 'Script', {
      metadata: { name: `${cluster.name}-books-load-${shortHash(script)}`, namespace: cluster.namespace, labels },
      data: { 'books-load.js': script },
    });

    const connection = cluster._clientConnection();
    this.job = renderClusterJob(this, 'Job', {
      baseName: `${cluster.name}-books-load`,
      namespace: cluster.namespace,
      labels: cluster._jobLabels('books-load'),
      image,
      command: ['node', '/load/books-load.js'],
      // Read at synth time: a full-cluster restore declared after addBooksLoad() counts.
      env: Lazy.any({
        produce: () => [
          { name: 'LOAD_DATABASE_URL', value: cluster._rootConnectionUrl(database) },
          { name: 'BOOKS_FILE', value: '/data/books.json' },
          { name: 'LOAD_DURATION_SECONDS', value: String(durationSeconds(duration)) },
          { name: 'LOAD_CONCURRENCY', value: String(concurrency) },
          { name: 'LOAD_TARGET_RATE', value: String(targetRate) },
          { name: 'LOAD_READ_FRACTION', value: String(readFraction) },
          { name: 'LOAD_BATCH_SIZE', value: String(batchSize) },
          ...afterRestoreEnv(cluster),
        ],
      }) as unknown as k8s.EnvVar[],
      serviceAccountName: cluster.clientServiceAccountName,
      ttlAfterFinished: Duration.hours(1),
      // Loading, the mix, room for the cluster to come up first, and for a declared restore.
      deadlineSeconds: Lazy.any({ produce: () => durationSeconds(duration) + 1800 + (cluster._fullRestore()?.timeoutSeconds ?? 0) }) as unknown as number,
      backoffLimit: 3,
      resources: helperResources('100m', '192Mi', '256Mi'),
      volumes: [
        { name: 'data', configMap: { name: this.dataConfigMap.name } },
        { name: 'load', configMap: { name: this.scriptConfigMap.name } },
        ...connection.volumes,
      ],
      volumeMounts: [
        { name: 'data', mountPath: '/data', readOnly: true },
        { name: 'load', mountPath: '/load', readOnly: true },
        ...connection.volumeMounts,
      ],
    });
  }
}

/** `LOAD_AFTER_RESTORE`: the load writes nothing before the declared full-cluster restore is recorded. */
function afterRestoreEnv(cluster: CockroachCluster): k8s.EnvVar[] {
  const restore = cluster._fullRestore();
  return restore ? [{ name: 'LOAD_AFTER_RESTORE', value: restore.id }] : [];
}
