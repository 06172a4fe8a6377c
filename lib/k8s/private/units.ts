import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import type { Cpu } from 'cdk8s-plus-28';

export const MIB = 1024 * 1024;
export const GIB = 1024 * MIB;

/** Bytes in a cdk8s Size, or NaN when the Size is malformed (NaN, infinite, or not whole bytes). */
export function sizeToBytes(size: Size): number {
  const kib = size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  const bytes = kib * 1024;
  return Number.isFinite(bytes) && Number.isInteger(bytes) && bytes >= 0 ? bytes : NaN;
}

/** A Size as a Kubernetes quantity, in the largest binary unit that represents it exactly. */
export function bytesToQuantity(bytes: number): string {
  const units: Array<[string, number]> = [['Ti', 1024 * GIB], ['Gi', GIB], ['Mi', MIB], ['Ki', 1024]];
  for (const [suffix, factor] of units) {
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${suffix}`;
  }
  return String(bytes);
}

/** A human-readable size for error messages, e.g. `768 MiB`. */
export function describeBytes(bytes: number): string {
  if (bytes >= GIB && bytes % GIB === 0) return `${bytes / GIB} GiB`;
  return `${Math.round((bytes / MIB) * 100) / 100} MiB`;
}

/** Millicores in a cdk8s-plus Cpu, or NaN when malformed or negative. */
export function cpuToMillis(cpu: Cpu): number {
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(String(cpu.amount));
  if (!match) return NaN;
  const value = Number(match[1]) * (match[2] === 'm' ? 1 : 1000);
  return Number.isFinite(value) ? value : NaN;
}

/** Seconds in a Duration, possibly fractional (cdk8s's toSeconds() throws on fractions; we want to report them). */
export function durationSeconds(duration: Duration): number {
  return duration.toMilliseconds() / 1000;
}
