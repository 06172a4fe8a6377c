import * as fs from 'fs';
import * as path from 'path';

/** The metrics CockroachDB v26.2 exports (test/fixtures/cockroachdb-metrics.txt, from its documentation's data), and `up`. */
export const KNOWN_METRICS: ReadonlySet<string> = new Set(fs.readFileSync(path.join(__dirname, '../fixtures/cockroachdb-metrics.txt'), 'utf8')
  .split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));

/** Whether CockroachDB exports `name`: as listed, or a histogram's series (`_bucket`, `_sum`, `_count`). */
export function exported(name: string): boolean {
  return KNOWN_METRICS.has(name) || KNOWN_METRICS.has(name.replace(/_(bucket|sum|count)$/, ''));
}
