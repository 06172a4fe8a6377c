import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import { BOOKS_MAX, generateBooks } from '../../../lib/k8s/load/books-data';
import { startPostgres, TestPostgres } from '../../support/postgres';

// The script exactly as it ships (the esbuild bundle with the pg driver), against a real PostgreSQL 15
// on loopback. `npm test` builds the bundle first.
const BUNDLE = path.resolve(__dirname, '../../../build/assets/books-load.js');

let pg: TestPostgres;
// The three timed runs (the mix, the target rate, contention) start together as soon as the server is
// up, each on its own database; their tests await them.
let mixRun: Promise<{ url: string; r: Run }>;
let rateRun: Promise<{ url: string; r: Run }>;
let contentionRun: Promise<{ url: string; r: Run }>;
let restoreWaitRun: Promise<{ r: Run; booksBeforeMarkerTable: unknown; booksBeforeRecord: unknown }>;
const RESTORE_ID = '0123456789abcdef';
const timed = async (env: Record<string, string>) => {
  const url = await pg.newDatabase();
  return { url, r: await runLoad({ LOAD_DATABASE_URL: url, ...env }) };
};
beforeAll(async () => {
  if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build`);
  pg = await startPostgres();
  mixRun = timed({ LOAD_DURATION_SECONDS: '2', LOAD_CONCURRENCY: '2', LOAD_TARGET_RATE: '200', LOAD_READ_FRACTION: '0.5' });
  rateRun = timed({ LOAD_DURATION_SECONDS: '2', LOAD_CONCURRENCY: '2', LOAD_TARGET_RATE: '20', LOAD_READ_FRACTION: '0.5' });
  contentionRun = timed({ LOAD_DURATION_SECONDS: '1', LOAD_CONCURRENCY: '4', LOAD_TARGET_RATE: '0', LOAD_READ_FRACTION: '0', LOAD_HOT_BOOKS: '2' });
  // A full-cluster restore is declared: the load must write nothing until the SQL Job records it. The
  // marker table appears first (the Job creates it), then the restore's row.
  restoreWaitRun = (async () => {
    const url = await pg.newDatabase();
    const run = runLoad({ LOAD_DATABASE_URL: url, LOAD_DURATION_SECONDS: '0', LOAD_AFTER_RESTORE: RESTORE_ID, LOAD_RESTORE_POLL_SECONDS: '1' });
    const books = async () => (await query(url, "SELECT to_regclass('public.books') AS t"))[0].t;
    await new Promise((r) => setTimeout(r, 1500));
    const booksBeforeMarkerTable = await books();
    await query(url, 'CREATE SCHEMA crdb_k8s_ops; CREATE TABLE crdb_k8s_ops.restores (id TEXT PRIMARY KEY)');
    await new Promise((r) => setTimeout(r, 1500));
    const booksBeforeRecord = await books();
    await query(url, `INSERT INTO crdb_k8s_ops.restores (id) VALUES ('${RESTORE_ID}')`);
    return { r: await run, booksBeforeMarkerTable, booksBeforeRecord };
  })();
}, 60000);
afterAll(async () => { await pg?.stop(); });

interface Run { status: number | null; lines: any[]; stdout: string }

function runLoad(env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BUNDLE], {
      env: { PATH: process.env.PATH!, LOAD_LOG_INTERVAL_SECONDS: '1', ...env },
    });
    let stdout = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.on('exit', (status) => resolve({
      status, stdout, lines: stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)),
    }));
  });
}

async function query<T = any>(url: string, sql: string): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

const summary = (r: Run) => r.lines.find((l) => l.event === 'summary');

const BOOK_COLUMNS = 'SELECT id, title, author, year, genre, price::float AS price, isbn FROM books ORDER BY id';

test('generates BOOKS_COUNT books from BOOKS_SEED, inserts each exactly once, and a second run inserts none', async () => {
  const url = await pg.newDatabase();
  const env = { LOAD_DATABASE_URL: url, LOAD_DURATION_SECONDS: '0', BOOKS_COUNT: '1234', BOOKS_SEED: '7' };
  const first = await runLoad(env);
  expect(first.status).toBe(0);
  expect(first.lines.find((l) => l.event === 'books-loaded')).toMatchObject({ books: 1234, inserted: 1234, batchSize: 100 });
  // The rows are the data set the construct's seed names, generated in the pod.
  expect(await query(url, BOOK_COLUMNS)).toEqual(generateBooks(1234, 7));
  const [{ ids, isbns }] = await query(url, 'SELECT count(DISTINCT id)::int AS ids, count(DISTINCT isbn)::int AS isbns FROM books');
  expect({ ids, isbns }).toEqual({ ids: 1234, isbns: 1234 });

  const again = await runLoad(env);
  expect(again.status).toBe(0);
  expect(again.lines.find((l) => l.event === 'books-loaded').inserted).toBe(0);
  expect((await query(url, 'SELECT count(*)::int AS n FROM books'))[0].n).toBe(1234);
}, 60000);

test('without BOOKS_COUNT and BOOKS_SEED: 1000 books of seed 42 (the construct\'s defaults)', async () => {
  const url = await pg.newDatabase();
  const r = await runLoad({ LOAD_DATABASE_URL: url, LOAD_DURATION_SECONDS: '0' });
  expect(r.status).toBe(0);
  expect(await query(url, BOOK_COLUMNS)).toEqual(generateBooks(1000, 42));
}, 60000);

test('runs the read/write mix, logs progress, and every write is counted once', async () => {
  const { url, r } = await mixRun;
  expect(r.status).toBe(0);
  expect(r.lines.filter((l) => l.event === 'progress').length).toBeGreaterThanOrEqual(1);
  const s = summary(r);
  expect(s.reads).toBeGreaterThan(0);
  expect(s.writes).toBeGreaterThan(0);
  const [{ stock, movements }] = await query(url, 'SELECT (SELECT sum(stock)::int FROM books) AS stock, (SELECT count(*)::int FROM stock_movements) AS movements');
  expect(stock).toBe(s.writes);
  expect(movements).toBe(s.writes);
}, 60000);

test('a target rate is respected', async () => {
  const { r } = await rateRun;
  expect(r.status).toBe(0);
  const ops = summary(r).reads + summary(r).writes;
  expect(ops).toBeGreaterThanOrEqual(25);
  expect(ops).toBeLessThanOrEqual(50);
}, 60000);

test('under forced contention at SERIALIZABLE, 40001 errors happen, are retried, and no write is lost or duplicated', async () => {
  const { url, r } = await contentionRun;
  expect(r.status).toBe(0);
  const s = summary(r);
  expect(s.retries).toBeGreaterThan(0);
  expect(s.writes).toBeGreaterThan(0);
  const rows = await query(url, `SELECT b.id, b.stock, count(m.movement_id)::int AS movements
    FROM books b LEFT JOIN stock_movements m ON m.book_id = b.id WHERE b.id IN (1, 2) GROUP BY b.id, b.stock ORDER BY b.id`);
  for (const row of rows) expect(row.stock).toBe(row.movements);
  expect(rows.reduce((acc, row) => acc + row.stock, 0)).toBe(s.writes);
  const [{ others }] = await query(url, 'SELECT count(*)::int AS others FROM stock_movements WHERE book_id > 2');
  expect(others).toBe(0);
}, 60000);

test('after a declared full-cluster restore: waits, writing nothing, until the restore is recorded, then loads', async () => {
  const { r, booksBeforeMarkerTable, booksBeforeRecord } = await restoreWaitRun;
  expect(r.status).toBe(0);
  expect(booksBeforeMarkerTable).toBeNull();
  expect(booksBeforeRecord).toBeNull();
  const events = r.lines.map((l) => l.event);
  expect(events.filter((e) => e === 'waiting-for-restore').length).toBeGreaterThanOrEqual(2);
  // Before the marker table exists, the query fails: that is "not yet", not a reason to give up.
  expect(r.lines.some((l) => l.event === 'waiting-for-restore' && /crdb_k8s_ops/.test(l.error ?? ''))).toBe(true);
  expect(r.lines.find((l) => l.event === 'restore-done')).toMatchObject({ restore: RESTORE_ID });
  expect(events.indexOf('restore-done')).toBeLessThan(events.indexOf('books-loaded'));
  expect(r.lines.find((l) => l.event === 'books-loaded')).toMatchObject({ inserted: 1000 });
}, 60000);

test('retries the connection while the database starts, then gives up with a non-zero exit', async () => {
  const r = await runLoad({ LOAD_DATABASE_URL: 'postgresql://test@127.0.0.1:1/nothing', LOAD_CONNECT_ATTEMPTS: '3', LOAD_CONNECT_DELAY_MS: '50' });
  expect(r.status).toBe(1);
  expect(r.lines.filter((l) => l.event === 'waiting')).toHaveLength(2);
  expect(r.lines.at(-1)).toMatchObject({ event: 'error', message: expect.stringContaining('unrecoverable error') });
}, 60000);

test('an unrecoverable SQL error exits non-zero with its SQLSTATE', async () => {
  const url = await pg.newDatabase();
  await query(url, 'CREATE TABLE books (id INT PRIMARY KEY)');
  const r = await runLoad({ LOAD_DATABASE_URL: url, LOAD_DURATION_SECONDS: '0' });
  expect(r.status).toBe(1);
  expect(r.lines.at(-1).message).toMatch(/SQLSTATE 42703/);
}, 60000);

test.each([
  [{ LOAD_CONCURRENCY: '0' }, 'LOAD_CONCURRENCY'],
  [{ LOAD_READ_FRACTION: '1.5' }, 'LOAD_READ_FRACTION'],
  [{ LOAD_DURATION_SECONDS: 'ten' }, 'LOAD_DURATION_SECONDS'],
  [{ BOOKS_COUNT: '0' }, 'BOOKS_COUNT'],
  [{ BOOKS_COUNT: String(BOOKS_MAX + 1) }, 'BOOKS_COUNT'],
  [{ BOOKS_COUNT: '2.5' }, 'BOOKS_COUNT'],
  [{ BOOKS_COUNT: 'many' }, 'BOOKS_COUNT'],
  [{ BOOKS_SEED: '-1' }, 'BOOKS_SEED'],
  [{ BOOKS_SEED: String(2 ** 32) }, 'BOOKS_SEED'],
  [{ BOOKS_SEED: '4.2' }, 'BOOKS_SEED'],
  [{ LOAD_AFTER_RESTORE: 'latest' }, 'LOAD_AFTER_RESTORE'],
  [{ LOAD_AFTER_RESTORE: '0123456789abcdef', LOAD_RESTORE_POLL_SECONDS: '0' }, 'LOAD_RESTORE_POLL_SECONDS'],
])('bad configuration %o exits 2 naming %s', async (env, name) => {
  const r = await runLoad({ LOAD_DATABASE_URL: 'postgresql://test@127.0.0.1:1/x', ...env });
  expect(r.status).toBe(2);
  expect(r.lines.at(-1)).toMatchObject({ event: 'error', message: expect.stringMatching(new RegExp(`^${name}: received `)) });
});
