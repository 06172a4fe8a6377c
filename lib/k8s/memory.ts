import { Size } from 'cdk8s';
import { sizeToBytes } from './private/units';

/**
 * How much of the container's memory limit CockroachDB may use for one purpose (`--cache` or
 * `--max-sql-memory`): a fraction of the limit, or an absolute size.
 *
 * The cluster always renders an absolute size computed from the limit, so the process never has to
 * guess how much memory its pod has.
 *
 * @see https://www.cockroachlabs.com/docs/stable/recommended-production-settings#cache-and-sql-memory-size
 */
export class MemoryAllocation {
  /** A fraction of the container memory limit, strictly between 0 and 1 (e.g. 0.25). */
  public static fraction(fraction: number): MemoryAllocation {
    return new MemoryAllocation(fraction, undefined);
  }

  /** An absolute size, e.g. `Size.mebibytes(512)`. */
  public static size(size: Size): MemoryAllocation {
    return new MemoryAllocation(undefined, size);
  }

  private constructor(
    /** The fraction of the limit, when this allocation is relative. */
    public readonly fractionOfLimit: number | undefined,
    /** The absolute size, when this allocation is absolute. */
    public readonly absoluteSize: Size | undefined,
  ) {}

  /** Human-readable form for messages, e.g. `25%` or `512Mi`. */
  public toString(): string {
    return this.fractionOfLimit !== undefined
      ? `${Math.round(this.fractionOfLimit * 10000) / 100}%`
      : (this.absoluteSize?.asString() ?? '?');
  }

  /**
   * Validation problem with this allocation itself, or undefined when it is well-formed.
   * @internal
   */
  public _problem(): string | undefined {
    if (this.fractionOfLimit !== undefined) {
      const f = this.fractionOfLimit;
      // Number.isFinite: false for anything but a finite number (a string '0.5' from JavaScript included).
      return Number.isFinite(f) && f > 0 && f < 1
        ? undefined
        : 'a fraction must be a number strictly between 0 and 1 (e.g. 0.25)';
    }
    const bytes = this.absoluteSize ? sizeToBytes(this.absoluteSize) : NaN;
    return Number.isNaN(bytes) || bytes <= 0 ? 'a size must be a positive, finite whole number of bytes' : undefined;
  }

  /**
   * The allocation in whole mebibytes for a given memory limit (CockroachDB takes `<n>MiB`).
   * @internal
   */
  public _mebibytes(limitBytes: number): number {
    const bytes = this.fractionOfLimit !== undefined
      ? limitBytes * this.fractionOfLimit
      : sizeToBytes(this.absoluteSize!);
    return Math.floor(bytes / (1024 * 1024));
  }
}

/**
 * CockroachDB's production rule: (2 × max-sql-memory) + cache must fit in 80 % of the memory limit,
 * leaving the rest for the Go runtime and everything else the process allocates.
 */
export const MEMORY_BUDGET_FRACTION = 0.8;
