/**
 * Entry point of the books load pod: `node books-load.js` (this file bundled with `pg` by esbuild).
 * Configuration comes from the environment; the result is a JSON summary line. Exit codes: 0 done,
 * 1 an unrecoverable error, 2 a bad configuration.
 */
import { Pool } from 'pg';
import { RESTORE_ID_PATTERN } from '../private/restore-marker';
import { BOOKS_MAX, generateBooks } from './books-data';
import { createSchema, insertBooksBatched, LoadStats, runMix, waitForDatabase, waitForRestore } from './books-load-core';

const log = (msg: object) => console.log(JSON.stringify({ time: new Date().toISOString(), ...msg }));

function fail(code: number, message: string): never {
  log({ event: 'error', message });
  process.exit(code);
}

function intEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) fail(2, `${name}: received ${JSON.stringify(raw)}; expected an integer from ${min} to ${max}`);
  return value;
}

function fractionEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) fail(2, `${name}: received ${JSON.stringify(raw)}; expected a number from 0 to 1`);
  return value;
}

async function main(): Promise<void> {
  const url = process.env.LOAD_DATABASE_URL;
  if (!url) fail(2, 'LOAD_DATABASE_URL: received nothing; expected a postgresql:// connection URL');
  // The data set is generated here from its seed, not shipped: the same count and seed always give the
  // same books, and no ConfigMap of data has to fit in an annotation of kubectl apply.
  const bookCount = intEnv('BOOKS_COUNT', 1000, 1, BOOKS_MAX);
  const seed = intEnv('BOOKS_SEED', 42, 0, 2 ** 32 - 1);
  const concurrency = intEnv('LOAD_CONCURRENCY', 4, 1, 256);
  const options = {
    durationSeconds: intEnv('LOAD_DURATION_SECONDS', 300, 0, 7 * 86400),
    concurrency,
    targetRate: intEnv('LOAD_TARGET_RATE', 50, 0, 1_000_000),
    readFraction: fractionEnv('LOAD_READ_FRACTION', 0.8),
    hotBooks: intEnv('LOAD_HOT_BOOKS', 0, 0, 1_000_000),
    logIntervalSeconds: intEnv('LOAD_LOG_INTERVAL_SECONDS', 10, 1, 3600),
  };
  const batchSize = intEnv('LOAD_BATCH_SIZE', 100, 1, 1000);
  const connectAttempts = intEnv('LOAD_CONNECT_ATTEMPTS', 60, 1, 10000);
  const connectDelayMs = intEnv('LOAD_CONNECT_DELAY_MS', 5000, 0, 600000);
  // A full-cluster restore declared on the cluster: write nothing before the SQL Job has recorded it.
  const afterRestore = process.env.LOAD_AFTER_RESTORE || undefined;
  if (afterRestore !== undefined && !RESTORE_ID_PATTERN.test(afterRestore)) {
    fail(2, `LOAD_AFTER_RESTORE: received ${JSON.stringify(afterRestore)}; expected a restore id of 16 hexadecimal digits`);
  }
  const restorePollMs = intEnv('LOAD_RESTORE_POLL_SECONDS', 10, 1, 600) * 1000;

  const books = generateBooks(bookCount, seed);

  const pool = new Pool({ connectionString: url, max: concurrency + 1, connectionTimeoutMillis: 10000 });
  pool.on('error', (e) => log({ event: 'pool-error', message: e.message }));
  const stats: LoadStats = { reads: 0, writes: 0, retries: 0 };
  const started = Date.now();
  try {
    await waitForDatabase(pool, connectAttempts, connectDelayMs, log);
    if (afterRestore !== undefined) await waitForRestore(pool, afterRestore, restorePollMs, log);
    await createSchema(pool);
    const inserted = await insertBooksBatched(pool, books, batchSize, stats);
    log({ event: 'books-loaded', books: books.length, inserted, batchSize });
    await runMix(pool, books, options, stats, log);
    log({ event: 'summary', ...stats, seconds: Math.round((Date.now() - started) / 100) / 10 });
  } catch (e) {
    const err = e as { message?: string; code?: string };
    log({ event: 'summary', ...stats, failed: true });
    fail(1, `unrecoverable error${err.code ? ` (SQLSTATE ${err.code})` : ''}: ${err.message}`);
  } finally {
    await pool.end().catch(() => undefined);
  }
}

void main();
