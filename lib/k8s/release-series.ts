/** The two kinds of CockroachDB major release, since 2024. */
export enum ReleaseType {
  /** Supported for 12 months and more (LTS), and never skipped by an upgrade. */
  REGULAR = 'regular',
  /** Supported for 6 months, and optional: an upgrade from the Regular release before it may skip it. */
  INNOVATION = 'innovation',
}

/** A CockroachDB major release series. */
export interface ReleaseSeries {
  /** The series, e.g. `26.2`. */
  readonly series: string;
  /** Regular or Innovation. */
  readonly type: ReleaseType;
}

/**
 * CockroachDB's major release series this library knows, oldest first. The one place they are listed;
 * a series not here is refused where an upgrade path is checked, with this list in the message.
 *
 * Source: the "Supported releases" table, https://www.cockroachlabs.com/docs/releases (every second
 * major version from 24.2 on is an Innovation release), and for v26.3 the official Helm chart, which
 * ships v26.3.1 (values.yaml, August 2026).
 */
export const RELEASE_SERIES: ReadonlyArray<ReleaseSeries> = [
  { series: '23.1', type: ReleaseType.REGULAR },
  { series: '23.2', type: ReleaseType.REGULAR },
  { series: '24.1', type: ReleaseType.REGULAR },
  { series: '24.2', type: ReleaseType.INNOVATION },
  { series: '24.3', type: ReleaseType.REGULAR },
  { series: '25.1', type: ReleaseType.INNOVATION },
  { series: '25.2', type: ReleaseType.REGULAR },
  { series: '25.3', type: ReleaseType.INNOVATION },
  { series: '25.4', type: ReleaseType.REGULAR },
  { series: '26.1', type: ReleaseType.INNOVATION },
  { series: '26.2', type: ReleaseType.REGULAR },
  { series: '26.3', type: ReleaseType.INNOVATION },
];

/**
 * The series a cluster running `series` may be upgraded to directly: "A cluster may always be upgraded to
 * the next major release"; from a Regular release also to the release after an Innovation one; from an
 * Innovation release only to the next (Regular) release. So: every later series up to and including the
 * first Regular one. Empty for the newest series this library knows, undefined for a series it does not.
 * @see https://www.cockroachlabs.com/docs/stable/upgrade-cockroach-version
 */
export function upgradeTargets(series: string): string[] | undefined {
  const index = RELEASE_SERIES.findIndex((r) => r.series === series);
  if (index < 0) return undefined;
  const later = RELEASE_SERIES.slice(index + 1);
  const regular = later.findIndex((r) => r.type === ReleaseType.REGULAR);
  return later.slice(0, regular < 0 ? later.length : regular + 1).map((r) => r.series);
}
