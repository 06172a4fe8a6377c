import { Client, Pool } from 'pg';
import { seededRandom } from '../../../lib/k8s/load/books-data';
import {
  backoffMs, Book, createSchema, DEFAULT_RETRY, insertBooksBatched, insertBooksOneByOne, isRetryable, LoadStats, MixOptions, runMix,
  runTransaction, waitForDatabase, waitForRestore, withRetry,
} from '../../../lib/k8s/load/books-load-core';
import { startPostgres, TestPostgres } from '../../support/postgres';

const pgError = (code: string) => Object.assign(new Error(`error ${code}`), { code });
const fast = { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2 };

describe('client-side retry', () => {
  test('only SQLSTATE 40001 is retryable', () => {
    expect(isRetryable(pgError('40001'))).toBe(true);
    for (const code of ['23505', '40P01', '42P01', '57P01']) expect(isRetryable(pgError(code))).toBe(false);
    expect(isRetryable(new Error('plain'))).toBe(false);
    expect(isRetryable(undefined)).toBe(false);
  });

  test('exponential backoff with full jitter, capped', () => {
    expect(backoffMs(0, DEFAULT_RETRY, () => 0.999)).toBe(9);
    expect(backoffMs(3, DEFAULT_RETRY, () => 0.999)).toBe(79);
    expect(backoffMs(20, DEFAULT_RETRY, () => 0.999)).toBe(1998);
    expect(backoffMs(5, DEFAULT_RETRY, () => 0)).toBe(0);
  });

  test('retries 40001 until it succeeds, counting the retries', async () => {
    const stats: LoadStats = { reads: 0, writes: 0, retries: 0 };
    let calls = 0;
    const result = await withRetry(async () => {
      calls++;
      if (calls < 3) throw pgError('40001');
      return 'ok';
    }, stats, fast);
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(stats.retries).toBe(2);
  });

  test('gives up after maxRetries, and never retries other errors', async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw pgError('40001'); }, undefined, fast)).rejects.toMatchObject({ code: '40001' });
    expect(calls).toBe(4);
    calls = 0;
    await expect(withRetry(async () => { calls++; throw pgError('23505'); }, undefined, fast)).rejects.toMatchObject({ code: '23505' });
    expect(calls).toBe(1);
  });
});

// The database paths, in process, against a real PostgreSQL 15 on loopback (the helper the bundle's test
// uses). Each test has a database of its own.
describe('against a real PostgreSQL', () => {
  let pg: TestPostgres;
  const pools: Pool[] = [];
  const clients: Client[] = [];
  beforeAll(async () => { pg = await startPostgres(); }, 60000);
  afterAll(async () => { await pg?.stop(); });
  afterEach(async () => {
    jest.restoreAllMocks();
    await Promise.all([...pools.splice(0).map((p) => p.end()), ...clients.splice(0).map((c) => c.end())]);
  });

  const newPool = async (max = 10) => {
    const url = await pg.newDatabase();
    const pool = new Pool({ connectionString: url, max });
    pools.push(pool);
    return { url, pool };
  };
  /** Another connection than the pool's: it sees only what was committed. */
  const outside = async (url: string) => {
    const c = new Client({ connectionString: url });
    clients.push(c);
    await c.connect();
    return c;
  };
  /** Every pool.query, with when it started (ms after `since`): the calls go through to the server. */
  const recordQueries = (pool: Pool, since = Date.now()) => {
    const calls: Array<{ at: number; sql: string; params: unknown[] }> = [];
    const query = pool.query.bind(pool) as (sql: string, params?: unknown[]) => Promise<unknown>;
    jest.spyOn(pool, 'query').mockImplementation(((sql: string, params?: unknown[]) => {
      calls.push({ at: Date.now() - since, sql, params: params ?? [] });
      return query(sql, params);
    }) as any);
    return calls;
  };
  const until = async (condition: () => boolean, what: string) => {
    for (let i = 0; !condition(); i++) {
      if (i > 200) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  /** Four books, written out: genres in order of first appearance are poetry, travel, history. */
  const BOOKS: Book[] = [
    { id: 1, title: 'The Silent River', author: 'Ada Okafor', year: 1901, genre: 'poetry', price: 12.5, isbn: '9781000000019' },
    { id: 2, title: 'Golden Atlas', author: 'Kwame Moreau', year: 1999, genre: 'travel', price: 7.25, isbn: '9781000000026' },
    { id: 3, title: 'A Tide of Salt', author: 'Ines Tanaka', year: 2020, genre: 'poetry', price: 30, isbn: '9781000000033' },
    { id: 4, title: 'Letters from the Harbor', author: 'Yuki Novak', year: 1850, genre: 'history', price: 4.99, isbn: '9781000000040' },
  ];
  const INSERT_1 = 'INSERT INTO books (id, title, author, year, genre, price, isbn) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING';
  const INSERT_2 = 'INSERT INTO books (id, title, author, year, genre, price, isbn) VALUES ($1, $2, $3, $4, $5, $6, $7), ($8, $9, $10, $11, $12, $13, $14) ON CONFLICT (id) DO NOTHING';
  const INSERT_3 = 'INSERT INTO books (id, title, author, year, genre, price, isbn) VALUES ($1, $2, $3, $4, $5, $6, $7), ($8, $9, $10, $11, $12, $13, $14), ($15, $16, $17, $18, $19, $20, $21) ON CONFLICT (id) DO NOTHING';
  const bookRows = async (pool: Pool) => (await pool.query('SELECT id, title, author, year, genre, price::float AS price, isbn FROM books ORDER BY id')).rows;
  const loaded = async () => {
    const db = await newPool();
    await createSchema(db.pool);
    await insertBooksBatched(db.pool, BOOKS, 100);
    return db;
  };

  describe('createSchema', () => {
    test('creates books and stock_movements, column by column, and again is a no-op', async () => {
      const { pool } = await newPool();
      await createSchema(pool);
      await createSchema(pool);
      const { rows } = await pool.query(`SELECT table_name, column_name, data_type, is_nullable, column_default, numeric_precision, numeric_scale
        FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`);
      const row = (table_name: string, column_name: string, data_type: string, is_nullable: string, column_default: string | null = null,
        numeric_precision: number | null = null, numeric_scale: number | null = null) =>
        ({ table_name, column_name, data_type, is_nullable, column_default, numeric_precision, numeric_scale });
      expect(rows).toEqual([
        row('books', 'id', 'integer', 'NO', null, 32, 0),
        row('books', 'title', 'text', 'NO'),
        row('books', 'author', 'text', 'NO'),
        row('books', 'year', 'integer', 'NO', null, 32, 0),
        row('books', 'genre', 'text', 'NO'),
        row('books', 'price', 'numeric', 'NO', null, 10, 2),
        row('books', 'isbn', 'text', 'NO'),
        row('books', 'stock', 'integer', 'NO', '0', 32, 0),
        row('books', 'updated_at', 'timestamp with time zone', 'NO', 'now()'),
        row('stock_movements', 'movement_id', 'uuid', 'NO'),
        row('stock_movements', 'book_id', 'integer', 'NO', null, 32, 0),
        row('stock_movements', 'delta', 'integer', 'NO', null, 32, 0),
        row('stock_movements', 'moved_at', 'timestamp with time zone', 'NO', 'now()'),
      ]);
      const constraints = await pool.query(`SELECT conrelid::regclass::text AS t, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE connamespace = 'public'::regnamespace AND contype IN ('p', 'u', 'f') ORDER BY 1, 2`);
      expect(constraints.rows).toEqual([
        { t: 'books', def: 'PRIMARY KEY (id)' },
        { t: 'books', def: 'UNIQUE (isbn)' },
        { t: 'stock_movements', def: 'FOREIGN KEY (book_id) REFERENCES books(id)' },
        { t: 'stock_movements', def: 'PRIMARY KEY (movement_id)' },
      ]);
    });
  });

  describe('insertBooksBatched and insertBooksOneByOne', () => {
    test('batches of batchSize, one multi-row statement each; a book already there is left alone', async () => {
      const { pool } = await newPool();
      await createSchema(pool);
      const calls = recordQueries(pool);
      // 4 books in batches of 2: exactly two statements, no empty third one.
      expect(await insertBooksBatched(pool, BOOKS, 2)).toBe(4);
      expect(calls.map((c) => c.sql)).toEqual([INSERT_2, INSERT_2]);
      expect(calls[0].params).toEqual([1, 'The Silent River', 'Ada Okafor', 1901, 'poetry', 12.5, '9781000000019',
        2, 'Golden Atlas', 'Kwame Moreau', 1999, 'travel', 7.25, '9781000000026']);
      expect(calls[1].params.filter((_, i) => i % 7 === 0)).toEqual([3, 4]);
      expect(await bookRows(pool)).toEqual(BOOKS);
      // Again, in batches of 3 and with a fifth book: only the new one is inserted.
      calls.length = 0;
      const fifth: Book = { id: 5, title: 'Hidden Engine', author: 'Mei Khan', year: 1960, genre: 'science', price: 19.99, isbn: '9781000000057' };
      expect(await insertBooksBatched(pool, [...BOOKS, fifth], 3)).toBe(1);
      expect(calls.map((c) => c.sql)).toEqual([INSERT_3, INSERT_2]);
      expect(calls[1].params).toEqual([4, 'Letters from the Harbor', 'Yuki Novak', 1850, 'history', 4.99, '9781000000040',
        5, 'Hidden Engine', 'Mei Khan', 1960, 'science', 19.99, '9781000000057']);
      expect(await bookRows(pool)).toEqual([...BOOKS, fifth]);
    });

    test('a batch of one, and no books at all', async () => {
      const { pool } = await newPool();
      await createSchema(pool);
      const calls = recordQueries(pool);
      expect(await insertBooksBatched(pool, BOOKS.slice(0, 1), 1)).toBe(1);
      expect(calls.map((c) => c.sql)).toEqual([INSERT_1]);
      expect(await insertBooksBatched(pool, [], 10)).toBe(0);
      expect(calls).toHaveLength(1); // no books, no statement
    });

    test('one statement per book', async () => {
      const { pool } = await newPool();
      await createSchema(pool);
      const calls = recordQueries(pool);
      expect(await insertBooksOneByOne(pool, BOOKS)).toBe(4);
      expect(calls.map((c) => c.sql)).toEqual([INSERT_1, INSERT_1, INSERT_1, INSERT_1]);
      expect(calls[3].params).toEqual([4, 'Letters from the Harbor', 'Yuki Novak', 1850, 'history', 4.99, '9781000000040']);
      expect(await bookRows(pool)).toEqual(BOOKS);
      expect(await insertBooksOneByOne(pool, BOOKS)).toBe(0);
    });
  });

  describe('runTransaction', () => {
    test('runs the work in one SERIALIZABLE transaction, commits, returns its result, and releases the connection', async () => {
      const { url, pool } = await newPool(1);
      await pool.query('CREATE TABLE t (v INT)');
      const result = await runTransaction(pool, async (c) => {
        await c.query('INSERT INTO t VALUES (1)');
        return (await c.query('SHOW transaction_isolation')).rows[0].transaction_isolation;
      });
      expect(result).toBe('serializable');
      expect({ total: pool.totalCount, idle: pool.idleCount }).toEqual({ total: 1, idle: 1 });
      expect((await (await outside(url)).query('SELECT v FROM t')).rows).toEqual([{ v: 1 }]);
    });

    test('an error in the work: rolled back, the connection released clean, the error thrown, not retried', async () => {
      const { url, pool } = await newPool(1);
      await pool.query('CREATE TABLE t (v INT)');
      let calls = 0;
      await expect(runTransaction(pool, async (c) => {
        calls++;
        await c.query('INSERT INTO t VALUES (1)');
        throw new Error('boom');
      })).rejects.toThrow('boom');
      expect(calls).toBe(1);
      expect({ total: pool.totalCount, idle: pool.idleCount }).toEqual({ total: 1, idle: 1 });
      // The same connection (max 1), outside any transaction: the row is gone for it too.
      expect((await pool.query('SELECT count(*)::int AS n FROM t')).rows).toEqual([{ n: 0 }]);
      expect((await (await outside(url)).query('SELECT count(*)::int AS n FROM t')).rows).toEqual([{ n: 0 }]);
    });

    test('a real SQLSTATE 40001 from the server: the whole transaction is rolled back and run again, and counted', async () => {
      const { pool } = await newPool(1);
      await pool.query('CREATE TABLE t (v INT)');
      const stats: LoadStats = { reads: 0, writes: 0, retries: 0 };
      let attempts = 0;
      const result = await runTransaction(pool, async (c) => {
        attempts++;
        await c.query('INSERT INTO t VALUES ($1)', [attempts]);
        if (attempts === 1) await c.query("DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$");
        return attempts;
      }, stats, fast);
      expect(result).toBe(2);
      expect(stats.retries).toBe(1);
      expect((await pool.query('SELECT v FROM t')).rows).toEqual([{ v: 2 }]);
    });
  });

  describe('waitForDatabase', () => {
    test('a database that answers: returns at once, nothing logged', async () => {
      const { pool } = await newPool();
      const log = jest.fn();
      await waitForDatabase(pool, 3, 10000, log);
      expect(log).not.toHaveBeenCalled();
    });

    test('nothing listening: `attempts` tries, `delayMs` apart, each failure but the last logged, then the error', async () => {
      const pool = new Pool({ connectionString: 'postgresql://test@127.0.0.1:1/nothing' });
      pools.push(pool);
      const entries: object[] = [];
      const started = Date.now();
      await expect(waitForDatabase(pool, 3, 300, (m) => entries.push(m))).rejects.toThrow('connect ECONNREFUSED 127.0.0.1:1');
      expect(Date.now() - started).toBeGreaterThanOrEqual(590);
      expect(entries).toEqual([
        { event: 'waiting', attempt: 1, error: 'connect ECONNREFUSED 127.0.0.1:1' },
        { event: 'waiting', attempt: 2, error: 'connect ECONNREFUSED 127.0.0.1:1' },
      ]);
    });

    test('one attempt: the error at once', async () => {
      const pool = new Pool({ connectionString: 'postgresql://test@127.0.0.1:1/nothing' });
      pools.push(pool);
      const log = jest.fn();
      await expect(waitForDatabase(pool, 1, 10000, log)).rejects.toThrow('connect ECONNREFUSED 127.0.0.1:1');
      expect(log).not.toHaveBeenCalled();
    });
  });

  describe('waitForRestore', () => {
    const ID = '0123456789abcdef';
    test('polls through "no marker table" and "not recorded yet" until the restore is recorded', async () => {
      const { url, pool } = await newPool();
      const entries: any[] = [];
      const started = Date.now();
      let finished = false;
      const done = waitForRestore(pool, ID, 150, (m) => entries.push({ ...m, at: Date.now() - started })).finally(() => { finished = true; });
      await until(() => entries.length >= 2, 'two failed polls');
      const admin = await outside(url);
      await admin.query('CREATE SCHEMA crdb_k8s_ops; CREATE TABLE crdb_k8s_ops.restores (id TEXT PRIMARY KEY)');
      await until(() => entries.filter((e) => !('error' in e)).length >= 2, 'two polls that find no record');
      await admin.query("INSERT INTO crdb_k8s_ops.restores (id) VALUES ('fedcba9876543210')");
      const before = entries.length;
      await until(() => entries.length >= before + 2, 'two more polls');
      expect(finished).toBe(false);
      await admin.query(`INSERT INTO crdb_k8s_ops.restores (id) VALUES ('${ID}')`);
      await done;

      const waits = entries.slice(0, -1);
      expect(waits.map((e) => e.attempt)).toEqual(waits.map((_, i) => i + 1));
      const [first, second] = waits;
      expect({ ...first, at: undefined }).toEqual({ event: 'waiting-for-restore', restore: ID, attempt: 1, error: 'relation "crdb_k8s_ops.restores" does not exist', at: undefined });
      expect({ ...second, at: undefined }).toMatchObject({ event: 'waiting-for-restore', restore: ID, attempt: 2, error: 'relation "crdb_k8s_ops.restores" does not exist' });
      const notYet = waits.find((e) => !('error' in e));
      expect({ ...notYet, at: undefined }).toEqual({ event: 'waiting-for-restore', restore: ID, attempt: notYet.attempt, at: undefined });
      expect(entries.at(-1)).toEqual({ event: 'restore-done', restore: ID, at: expect.any(Number) });
      // Every poll waits pollMs, the failed ones and the ones that find no record alike.
      for (let i = 1; i < entries.length; i++) expect(entries[i].at - entries[i - 1].at).toBeGreaterThanOrEqual(140);
    }, 30000);

    test('already recorded: done at the first poll', async () => {
      const { pool } = await newPool();
      await pool.query(`CREATE SCHEMA crdb_k8s_ops; CREATE TABLE crdb_k8s_ops.restores (id TEXT PRIMARY KEY); INSERT INTO crdb_k8s_ops.restores VALUES ('${ID}')`);
      const entries: object[] = [];
      await waitForRestore(pool, ID, 10000, (m) => entries.push(m));
      expect(entries).toEqual([{ event: 'restore-done', restore: ID }]);
    });
  });

  describe('runMix', () => {
    const options = (o: Partial<MixOptions>): MixOptions =>
      ({ durationSeconds: 1, concurrency: 1, targetRate: 0, readFraction: 0.5, hotBooks: 0, logIntervalSeconds: 60, ...o });
    const newStats = (): LoadStats => ({ reads: 0, writes: 0, retries: 0 });
    const BY_ID = 'SELECT id, title, author, price, stock FROM books WHERE id = $1';
    const BY_GENRE = 'SELECT id, title, price FROM books WHERE genre = $1 ORDER BY price LIMIT 20';
    const movementsByBook = async (pool: Pool) =>
      (await pool.query(`SELECT b.id, b.stock, count(m.movement_id)::int AS movements, coalesce(sum(m.delta), 0)::int AS delta
        FROM books b LEFT JOIN stock_movements m ON m.book_id = b.id GROUP BY b.id, b.stock ORDER BY b.id`)).rows;

    test('as fast as possible: reads of both kinds, writes that each add one movement, progress every logIntervalSeconds', async () => {
      const { pool } = await loaded();
      const calls = recordQueries(pool);
      const stats = newStats();
      const entries: any[] = [];
      const started = Date.now();
      await runMix(pool, BOOKS, options({ durationSeconds: 2.5, concurrency: 2, logIntervalSeconds: 1 }), stats,
        (m) => entries.push(m), seededRandom(3));
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(2450);
      expect(elapsed).toBeLessThan(4000);
      // Both workers ran at once: two connections.
      expect(pool.totalCount).toBe(2);

      expect(stats.reads).toBe(calls.length);
      expect(stats.reads).toBeGreaterThan(10);
      expect(stats.writes).toBeGreaterThan(10);
      expect(new Set(calls.map((c) => c.sql))).toEqual(new Set([BY_ID, BY_GENRE]));
      expect(new Set(calls.filter((c) => c.sql === BY_ID).map((c) => c.params[0]))).toEqual(new Set([1, 2, 3, 4]));
      expect(new Set(calls.filter((c) => c.sql === BY_GENRE).map((c) => c.params[0]))).toEqual(new Set(['poetry', 'travel', 'history']));

      // stock = movements for every book, and all books were written (hotBooks 0: all of them).
      const rows = await movementsByBook(pool);
      for (const r of rows) {
        expect(r.stock).toBe(r.movements);
        expect(r.delta).toBe(r.movements);
        expect(r.movements).toBeGreaterThan(0);
      }
      expect(rows.reduce((acc, r) => acc + r.stock, 0)).toBe(stats.writes);

      const progress = entries.filter((e) => e.event === 'progress');
      expect(entries).toEqual(progress);
      expect(progress.map((e) => e.elapsedSeconds)).toEqual([1, 2]);
      for (const [i, e] of progress.entries()) {
        expect(Object.keys(e).sort()).toEqual(['elapsedSeconds', 'event', 'opsPerSecond', 'reads', 'retries', 'writes']);
        expect(e.writes).toBeGreaterThan(0);
        const ops = e.reads + e.writes;
        // elapsed is between i + 1 and i + 1.5 seconds when the line is logged (a timer may fire a few
        // milliseconds early: 2 % of slack below)
        expect(e.opsPerSecond).toBeGreaterThanOrEqual(Math.floor(ops / (i + 1.5)));
        expect(e.opsPerSecond).toBeLessThanOrEqual(Math.ceil(ops / (0.98 * (i + 1))));
      }
      // The ticker is stopped: nothing more is logged.
      await new Promise((r) => setTimeout(r, 1200));
      expect(entries).toHaveLength(2);
    }, 30000);

    test('hotBooks: writes touch only the first N books', async () => {
      const { pool } = await loaded();
      const stats = newStats();
      await runMix(pool, BOOKS, options({ durationSeconds: 0.5, concurrency: 2, readFraction: 0, hotBooks: 2 }), stats, () => undefined, seededRandom(5));
      expect(stats.reads).toBe(0);
      const rows = await movementsByBook(pool);
      expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4]);
      expect(rows[0].movements).toBeGreaterThan(0);
      expect(rows[1].movements).toBeGreaterThan(0);
      expect(rows.slice(2).map((r) => r.movements)).toEqual([0, 0]);
      expect(rows[0].stock + rows[1].stock).toBe(stats.writes);
    }, 30000);

    test('a draw equal to readFraction is a write; a pick of 0.5 takes the middle element', async () => {
      const { pool } = await loaded();
      const calls = recordQueries(pool);
      const stats = newStats();
      await runMix(pool, BOOKS, options({ durationSeconds: 0.3, readFraction: 0.5 }), stats, () => undefined, () => 0.5);
      expect(calls).toEqual([]);
      expect(stats.reads).toBe(0);
      expect(stats.writes).toBeGreaterThan(0);
      // floor(0.5 * 4) = 2: the third book.
      expect((await movementsByBook(pool)).map((r) => [r.id, r.stock, r.movements])).toEqual([
        [1, 0, 0], [2, 0, 0], [3, stats.writes, stats.writes], [4, 0, 0],
      ]);
    }, 30000);

    test('a target rate: workers staggered over the interval, no operation once the deadline has passed, and no waiting past it', async () => {
      const { pool } = await loaded();
      const started = Date.now();
      const calls = recordQueries(pool, started);
      const stats = newStats();
      const entries: object[] = [];
      // A worker's last sleep is cut at the deadline, and a timer may fire a millisecond early: so that the
      // end is not a race, the progress line at 1200 ms holds the event loop until 1500 ms, past the
      // deadline (1250 ms). Every worker then wakes after the deadline and must stop there.
      const log = (m: object) => {
        entries.push(m);
        const until = Date.now() + 300;
        while (Date.now() < until) { /* hold the event loop */ }
      };
      // 2 operations per second for 2 workers: each every 1000 ms, the second 500 ms after the first; reads only,
      // and a draw of 0.5 is a read by genre (not below 0.5) of the middle genre.
      await runMix(pool, BOOKS, options({ durationSeconds: 1.25, concurrency: 2, targetRate: 2, readFraction: 1, logIntervalSeconds: 1.2 }),
        stats, log, () => 0.5);
      const elapsed = Date.now() - started;
      expect(entries).toHaveLength(1);
      expect(stats).toEqual({ reads: 3, writes: 0, retries: 0 });
      expect(calls.map((c) => [c.sql, c.params])).toEqual([[BY_GENRE, ['travel']], [BY_GENRE, ['travel']], [BY_GENRE, ['travel']]]);
      const at = calls.map((c) => c.at);
      // Times of the calls (not of their answers); the upper bounds leave room for a busy machine's timers.
      expect(at[0]).toBeLessThan(300);
      expect(at[1]).toBeGreaterThanOrEqual(450);
      expect(at[1]).toBeLessThan(850);
      expect(at[2]).toBeGreaterThanOrEqual(950);
      expect(at[2]).toBeLessThan(1200);
      // The next operations would be at 1500 and 2000 ms: the sleeps are cut at the deadline, not slept out.
      expect(elapsed).toBeGreaterThanOrEqual(1490);
      expect(elapsed).toBeLessThan(1800);
    }, 30000);

    test('a duration of 0: nothing at all', async () => {
      const { pool } = await loaded();
      const calls = recordQueries(pool);
      const stats = newStats();
      await runMix(pool, BOOKS, options({ durationSeconds: 0, concurrency: 3 }), stats, () => undefined);
      expect(stats).toEqual({ reads: 0, writes: 0, retries: 0 });
      expect(calls).toEqual([]);
    });
  });
});
