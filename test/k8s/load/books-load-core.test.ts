import { backoffMs, DEFAULT_RETRY, isRetryable, LoadStats, withRetry } from '../../../lib/k8s/load/books-load-core';

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
