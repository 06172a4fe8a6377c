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

  const FRACTION = 'a fraction must be a number strictly between 0 and 1 (e.g. 0.25)';
  const SIZE = 'a size must be a positive, finite whole number of bytes';
  test.each([
    ['0', () => MemoryAllocation.fraction(0), FRACTION],
    ['1', () => MemoryAllocation.fraction(1), FRACTION],
    ['-0.1', () => MemoryAllocation.fraction(-0.1), FRACTION],
    ['NaN', () => MemoryAllocation.fraction(NaN), FRACTION],
    ['Infinity', () => MemoryAllocation.fraction(Infinity), FRACTION],
    // From JavaScript: a string that JavaScript's comparisons would take for 0.25.
    ['the string "0.25"', () => MemoryAllocation.fraction('0.25' as unknown as number), FRACTION],
    ['NaN MiB', () => MemoryAllocation.size(Size.mebibytes(NaN)), SIZE],
    ['0 MiB', () => MemoryAllocation.size(Size.mebibytes(0)), SIZE],
    ['no size (from JavaScript)', () => MemoryAllocation.size(undefined as unknown as Size), SIZE],
  ])('%s is rejected', (_what, allocation, problem) => {
    expect(allocation()._problem()).toBe(problem);
  });

  test('an allocation without a size (from JavaScript) still prints in a message', () => {
    expect(MemoryAllocation.size(undefined as unknown as Size).toString()).toBe('?');
    expect(MemoryAllocation.fraction(0.125).toString()).toBe('12.5%');
  });

  test('well-formed allocations have no problem', () => {
    expect(MemoryAllocation.fraction(0.25)._problem()).toBeUndefined();
    expect(MemoryAllocation.size(Size.gibibytes(2))._problem()).toBeUndefined();
  });

  test('the budget is 80 % of the limit', () => {
    expect(MEMORY_BUDGET_FRACTION).toBe(0.8);
  });
});
