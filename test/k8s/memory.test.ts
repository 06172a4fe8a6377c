import { Size } from 'cdk8s';
import { MEMORY_BUDGET_FRACTION, MemoryAllocation } from '../../lib/k8s';

const GiB = 1024 ** 3;

describe('MemoryAllocation', () => {
  test('a fraction of the limit, rounded down to whole MiB', () => {
    expect(MemoryAllocation.fraction(0.25)._mebibytes(1 * GiB)).toBe(256);
    expect(MemoryAllocation.fraction(0.35)._mebibytes(1 * GiB)).toBe(358); // 358.4 → 358
    expect(MemoryAllocation.fraction(0.25).toString()).toBe('25%');
  });

  test('an absolute size ignores the limit', () => {
    const a = MemoryAllocation.size(Size.mebibytes(700));
    expect(a._mebibytes(1 * GiB)).toBe(700);
    expect(a._mebibytes(16 * GiB)).toBe(700);
    expect(a.toString()).toBe('700Mi');
  });

  test.each([
    [MemoryAllocation.fraction(0), 'strictly between 0 and 1'],
    [MemoryAllocation.fraction(1), 'strictly between 0 and 1'],
    [MemoryAllocation.fraction(-0.1), 'strictly between 0 and 1'],
    [MemoryAllocation.fraction(NaN), 'strictly between 0 and 1'],
    [MemoryAllocation.size(Size.mebibytes(NaN)), 'positive, finite whole number of bytes'],
    [MemoryAllocation.size(Size.mebibytes(0)), 'positive, finite whole number of bytes'],
  ])('%s is rejected', (allocation, problem) => {
    expect(allocation._problem()).toContain(problem);
  });

  test('well-formed allocations have no problem', () => {
    expect(MemoryAllocation.fraction(0.25)._problem()).toBeUndefined();
    expect(MemoryAllocation.size(Size.gibibytes(2))._problem()).toBeUndefined();
  });

  test('the budget is 80 % of the limit', () => {
    expect(MEMORY_BUDGET_FRACTION).toBe(0.8);
  });
});
