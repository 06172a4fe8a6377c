/**
 * The books load: schema, batched inserts, and a read/write mix with CockroachDB's client-side
 * transaction retry. Runs in a pod (bundled with the `pg` driver into one file, shipped in a ConfigMap)
 * and in the tests and the benchmark against a real PostgreSQL server.
 *
 * Only SQL that both CockroachDB and PostgreSQL accept is used.
 */
import { randomUUID } from 'crypto';
import type { Pool, PoolClient } from 'pg';
import { restoreRecordedQuery } from '../private/restore-marker';

/** One book of the data set. */
export interface Book {
  readonly id: number;
  readonly title: string;
  readonly author: string;
  readonly year: number;
  readonly genre: string;
  readonly price: number;
  readonly isbn: string;
}

/** Counters shared by the workers. */
export interface LoadStats {
  reads: number;
  writes: number;
  retries: number;
}

/** How transactions are retried on SQLSTATE 40001. */
export interface RetryPolicy {
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 15, baseDelayMs: 10, maxDelayMs: 2000 };

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS books (
    id INT PRIMARY KEY,
    title TEXT NOT NULL,
    author TEXT NOT NULL,
    year INT NOT NULL,
    genre TEXT NOT NULL,
    price NUMERIC(10, 2) NOT NULL,
    isbn TEXT NOT NULL UNIQUE,
    stock INT NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE IF NOT EXISTS stock_movements (
    movement_id UUID PRIMARY KEY,
    book_id INT NOT NULL REFERENCES books (id),
    delta INT NOT NULL,
    moved_at TIMESTAMPTZ NOT NULL DEFAULT now()
  )`,
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** True for "restart transaction": CockroachDB's (and PostgreSQL's) serialization failure. */
export function isRetryable(error: unknown): boolean {
  return (error as { code?: string })?.code === '40001';
}

/** Exponential backoff with full jitter. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}

/** Runs `attempt`, again on SQLSTATE 40001, with exponential backoff and jitter, up to `maxRetries`. */
export async function withRetry<T>(attempt: () => Promise<T>, stats?: LoadStats, policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isRetryable(error) || n >= policy.maxRetries) throw error;
      if (stats) stats.retries++;
      await sleep(backoffMs(n, policy));
    }
  }
}

/**
 * Runs `work` in a SERIALIZABLE transaction, retrying the whole transaction on SQLSTATE 40001 with
 * backoff and jitter, as CockroachDB's client-side retry documentation prescribes. Other errors, and
 * 40001 after `maxRetries`, are thrown.
 */
export async function runTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>, stats?: LoadStats,
  policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  return withRetry(async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }, stats, policy);
}

/** Waits until the database accepts connections (the cluster may still be starting). */
export async function waitForDatabase(pool: Pool, attempts: number, delayMs: number, log: (msg: object) => void): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await pool.query('SELECT 1');
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      log({ event: 'waiting', attempt, error: (error as Error).message });
      await sleep(delayMs);
    }
  }
}

/**
 * Waits until the SQL Job has recorded the full-cluster restore `restoreId`: a full-cluster restore needs
 * an empty cluster, so nothing may be written before it is done. Polls every `pollMs`. Any error (the
 * marker table not there yet, a node restarting, the restored marker database offline during the
 * restore) means "not yet": the wait may last hours, and the Job's deadline bounds it.
 */
export async function waitForRestore(pool: Pool, restoreId: string, pollMs: number, log: (msg: object) => void): Promise<void> {
  const query = restoreRecordedQuery(restoreId);
  for (let attempt = 1; ; attempt++) {
    try {
      const { rows } = await pool.query(query);
      if (Number(rows[0].count) >= 1) {
        log({ event: 'restore-done', restore: restoreId });
        return;
      }
    } catch (error) {
      log({ event: 'waiting-for-restore', restore: restoreId, attempt, error: (error as Error).message });
      await sleep(pollMs);
      continue;
    }
    log({ event: 'waiting-for-restore', restore: restoreId, attempt });
    await sleep(pollMs);
  }
}

export async function createSchema(pool: Pool): Promise<void> {
  for (const ddl of SCHEMA) await pool.query(ddl);
}

/** Inserts the books in multi-row statements of `batchSize`; a book already present is left alone. */
export async function insertBooksBatched(pool: Pool, books: Book[], batchSize: number, stats?: LoadStats): Promise<number> {
  let inserted = 0;
  for (let start = 0; start < books.length; start += batchSize) {
    const batch = books.slice(start, start + batchSize);
    const values: unknown[] = [];
    const rows = batch.map((b, i) => {
      values.push(b.id, b.title, b.author, b.year, b.genre, b.price, b.isbn);
      const o = i * 7;
      return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6}, $${o + 7})`;
    });
    const sql = `INSERT INTO books (id, title, author, year, genre, price, isbn) VALUES ${rows.join(', ')} ON CONFLICT (id) DO NOTHING`;
    // One statement in an implicit transaction: one round trip, and CockroachDB retries it on the server
    // when it can; a 40001 that still reaches the client is retried here.
    inserted += await withRetry(async () => (await pool.query(sql, values)).rowCount ?? 0, stats);
  }
  return inserted;
}

/** The slow path the benchmark compares against: one statement (and one commit) per book. */
export async function insertBooksOneByOne(pool: Pool, books: Book[]): Promise<number> {
  let inserted = 0;
  for (const b of books) {
    const r = await pool.query(
      'INSERT INTO books (id, title, author, year, genre, price, isbn) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING',
      [b.id, b.title, b.author, b.year, b.genre, b.price, b.isbn]);
    inserted += r.rowCount ?? 0;
  }
  return inserted;
}

/** The mix's knobs. */
export interface MixOptions {
  readonly durationSeconds: number;
  readonly concurrency: number;
  /** Operations per second for all workers together; 0 = as fast as possible. */
  readonly targetRate: number;
  /** Share of reads, 0 to 1. */
  readonly readFraction: number;
  /** Writes touch only the first N books (contention on purpose); 0 = all. */
  readonly hotBooks: number;
  readonly logIntervalSeconds: number;
}

/**
 * Runs the read/write mix until the duration is over. Reads: a book by id, or the cheapest books of a
 * genre. Writes: a SERIALIZABLE read-modify-write of a book's stock plus a movement row with a unique id,
 * so that `stock = count(movements)` proves no write was lost or applied twice.
 */
export async function runMix(pool: Pool, books: Book[], options: MixOptions, stats: LoadStats, log: (msg: object) => void,
  random: () => number = Math.random): Promise<void> {
  const genres = [...new Set(books.map((b) => b.genre))];
  const writable = options.hotBooks > 0 ? books.slice(0, options.hotBooks) : books;
  const deadline = Date.now() + options.durationSeconds * 1000;
  const started = Date.now();
  const interval = options.targetRate > 0 ? (1000 * options.concurrency) / options.targetRate : 0;
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];

  const ticker = setInterval(() => {
    const elapsed = (Date.now() - started) / 1000;
    log({ event: 'progress', elapsedSeconds: Math.round(elapsed), ...stats, opsPerSecond: Math.round((stats.reads + stats.writes) / Math.max(elapsed, 0.001)) });
  }, options.logIntervalSeconds * 1000);

  const worker = async (w: number) => {
    let next = Date.now() + (interval * w) / options.concurrency;
    while (Date.now() < deadline) {
      if (interval > 0) {
        const wait = next - Date.now();
        if (wait > 0) await sleep(Math.min(wait, deadline - Date.now()));
        if (Date.now() >= deadline) break;
        next += interval;
      }
      if (random() < options.readFraction) {
        if (random() < 0.5) await pool.query('SELECT id, title, author, price, stock FROM books WHERE id = $1', [pick(books).id]);
        else await pool.query('SELECT id, title, price FROM books WHERE genre = $1 ORDER BY price LIMIT 20', [pick(genres)]);
        stats.reads++;
      } else {
        const book = pick(writable);
        const movementId = randomUUID();
        await runTransaction(pool, async (c) => {
          const current = await c.query('SELECT stock FROM books WHERE id = $1', [book.id]);
          await c.query('UPDATE books SET stock = $1, updated_at = now() WHERE id = $2', [Number(current.rows[0].stock) + 1, book.id]);
          await c.query('INSERT INTO stock_movements (movement_id, book_id, delta) VALUES ($1, $2, 1)', [movementId, book.id]);
        }, stats);
        stats.writes++;
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: options.concurrency }, (_, w) => worker(w)));
  } finally {
    clearInterval(ticker);
  }
}
