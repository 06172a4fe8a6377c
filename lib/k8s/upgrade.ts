import { ErrorScope } from '../shared/errors';
import { reject } from '../shared/validate';
import { RELEASE_SERIES, upgradeTargets } from './release-series';
import { CockroachDbVersion } from './version';

/**
 * A declared change of the CockroachDB version of a running cluster: `from` is the version it runs now,
 * the cluster's `version` the one it moves to. Declared, the move is checked at synth time against
 * CockroachDB's upgrade paths, where a plain change of `version` cannot be (the previous version is not
 * in the code any more).
 */
export interface UpgradeOptions {
  /** The version the cluster runs now (before this apply). */
  readonly from: CockroachDbVersion;

  /**
   * Finalize a major upgrade, once every node runs the new version and it is validated: a Job resets
   * `cluster.preserve_downgrade_option` and waits until the cluster version is the new one. From then on,
   * no rollback. Only for a major upgrade (a patch release and a rollback have nothing to finalize).
   * @default false
   */
  readonly finalize?: boolean;
}

/** What a declared version change is. */
export enum VersionChangeKind {
  /** Another release of the same series, newer or older: nodes restart on it, nothing to finalize. */
  PATCH = 'patch',
  /** The next major release (or the one after an Innovation release): finalized once every node runs it. */
  MAJOR_UPGRADE = 'major-upgrade',
  /** Back to the major release the cluster was upgraded from: possible only before the upgrade is finalized. */
  MAJOR_ROLLBACK = 'major-rollback',
}

/** Checks `upgrade.finalize` against what the change is. */
export function checkFinalize(scope: ErrorScope, upgrade: UpgradeOptions, kind: VersionChangeKind): boolean {
  const finalize = upgrade.finalize ?? false;
  if (typeof finalize !== 'boolean') reject(scope, 'upgrade.finalize', finalize, 'expected true or false');
  if (finalize && kind !== VersionChangeKind.MAJOR_UPGRADE) {
    reject(scope, 'upgrade.finalize', finalize, `expected false: a ${kind === VersionChangeKind.PATCH ? 'patch release' : 'rollback'} has nothing to finalize (only a major upgrade does)`);
  }
  return finalize;
}

const known = () => RELEASE_SERIES.map((r) => r.series).join(', ');

/**
 * Checks a declared version change against CockroachDB's upgrade paths and says what it is; refuses, with
 * the versions allowed from there, anything CockroachDB would refuse when the new pods start.
 * @see https://www.cockroachlabs.com/docs/stable/upgrade-cockroach-version
 */
export function checkVersionChange(scope: ErrorScope, upgrade: UpgradeOptions, to: CockroachDbVersion): VersionChangeKind {
  const prop = 'upgrade.from';
  const from = upgrade?.from;
  if (!(from instanceof CockroachDbVersion)) reject(scope, prop, from, 'expected the CockroachDbVersion the cluster runs now, e.g. CockroachDbVersion.of(\'v25.4.3\')');
  if (!from.isWellFormed) reject(scope, prop, from.tag, 'expected an exact release tag such as "v25.4.3"');
  if (from.tag === to.tag) reject(scope, prop, from.tag, `expected the version the cluster runs now, other than version (${to.tag}): once the change is applied, remove upgrade`);
  if (/-alpha\./.test(from.tag)) {
    reject(scope, prop, from.tag, 'expected a production or testing release: a cluster on an alpha release cannot be upgraded to another release (CockroachDB refuses it)');
  }
  if (from.series === to.series) return VersionChangeKind.PATCH;
  const forward = upgradeTargets(from.series!);
  const backward = upgradeTargets(to.series!);
  if (forward === undefined || backward === undefined) {
    const unknown = forward === undefined ? `${from.tag} (series ${from.series})` : `${to.tag} (series ${to.series})`;
    reject(scope, `${prop}, version`, unknown, `expected release series this library knows the upgrade paths of (${known()}), or a patch release of the same series`);
  }
  if (forward.includes(to.series!)) return VersionChangeKind.MAJOR_UPGRADE;
  if (backward.includes(from.series!)) return VersionChangeKind.MAJOR_ROLLBACK;
  const back = RELEASE_SERIES.filter((r) => upgradeTargets(r.series)!.includes(from.series!)).map((r) => r.series);
  const allowed = [
    `a patch release of ${from.series}`,
    ...(forward.length > 0 ? [`an upgrade to ${forward.join(' or ')}`] : []),
    ...(back.length > 0 ? [`before the upgrade to ${from.series} is finalized, a rollback to ${back.join(' or ')}`] : []),
  ];
  return reject(scope, `${prop}, version`, `${from.tag} → ${to.tag}`,
    `expected ${allowed.join('; ')}. CockroachDB moves one major release at a time, and may skip only an Innovation release`);
}
