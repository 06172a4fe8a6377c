/**
 * `npm run bench:load`: insert throughput of the books load against a real PostgreSQL on loopback
 * (fsync on), batched multi-row statements vs one row per statement. Prints rows/s for both and the
 * ratio. Target: batched ≥ 10× one row per statement.
 */
import { Pool } from 'pg';
import { createSchema, insertBooksBatched, insertBooksOneByOne } from '../lib/k8s/load/books-load-core';
import { generateBooks } from '../lib/k8s/load/books-data';
import { startPostgres } from '../test/support/postgres';

const ROWS = 5000;
const BATCH = 100;
const RUNS = 3;

async function measure(url: string, insert: (pool: Pool) => Promise<number>): Promise<number> {
  const pool = new Pool({ connectionString: url, max: 2 });
  try {
    await createSchema(pool);
    const start = process.hrtime.bigint();
    const inserted = await insert(pool);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (inserted !== ROWS) throw new Error(`inserted ${inserted} rows, expected ${ROWS}`);
    return ROWS / seconds;
  } finally {
    await pool.end();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const books = generateBooks(ROWS);
  const pg = await startPostgres({ fsync: true });
  try {
    const batched: number[] = [];
    const single: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      batched.push(await measure(await pg.newDatabase(), (pool) => insertBooksBatched(pool, books, BATCH)));
      single.push(await measure(await pg.newDatabase(), (pool) => insertBooksOneByOne(pool, books)));
    }
    const b = median(batched);
    const s = median(single);
    console.log(`books load insert throughput, PostgreSQL 15 on loopback (fsync on), ${ROWS} rows, median of ${RUNS} runs`);
    console.log(`  batched (${BATCH} rows per statement): ${Math.round(b).toLocaleString('en-US')} rows/s`);
    console.log(`  one row per statement:        ${Math.round(s).toLocaleString('en-US')} rows/s`);
    console.log(`  ratio: ${(b / s).toFixed(1)}x (target: >= 10x) ${b / s >= 10 ? 'OK' : 'BELOW TARGET'}`);
  } finally {
    await pg.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
