import type { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ErrorScope } from '../shared/errors';
import type { IGuardedStatefulSet } from './cluster-ref';
import { renderGuard } from './private/admission-guard';
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

/** The pod template label that carries the CockroachDB version. */
const VERSION_LABEL = 'app.kubernetes.io/version';

/**
 * A ValidatingAdmissionPolicy (Kubernetes ≥ 1.30) that makes the API server refuse a change of this
 * StatefulSet's CockroachDB series (v25.4 to v26.1, say) unless the pods are rolled out by the gated Job
 * of a declared upgrade (`updateStrategy: OnDelete`): a plain `kubectl apply` of a new major `version`
 * without `upgrade` would otherwise roll every pod onto it, with no path check, no health gate and no
 * way back once CockroachDB finalizes on its own. A patch release of the same series passes.
 */
export class VersionGuard extends Construct {
  /** The policy (escape hatch). */
  public readonly policy: ApiObject;
  /** Its binding (escape hatch). */
  public readonly binding: ApiObject;
  /** The CEL expression that must hold for an update to pass. */
  public readonly expression: string;

  constructor(scope: Construct, id: string, props: { cluster: IGuardedStatefulSet }) {
    super(scope, id);
    const cluster = props.cluster;
    const name = `${cluster.namespace}-${cluster.name}-version-guard`;
    const version = (o: string) => `${o}.spec.template.metadata.labels['${VERSION_LABEL}']`;
    const hasVersion = (o: string) => `has(${o}.spec.template.metadata.labels) && '${VERSION_LABEL}' in ${o}.spec.template.metadata.labels && ${version(o)}.matches('^v[0-9]+[.][0-9]+[.]')`;
    const series = (o: string) => `${version(o)}.split('.')[0] + '.' + ${version(o)}.split('.')[1]`;
    this.expression = `object.spec.updateStrategy.type == 'OnDelete' || !(${hasVersion('oldObject')}) || !(${hasVersion('object')}) || ${series('oldObject')} == ${series('object')}`;
    ({ policy: this.policy, binding: this.binding } = renderGuard(this, {
      name,
      namespace: cluster.namespace,
      statefulSetName: cluster.name,
      resources: ['statefulsets'],
      labels: cluster._objectLabels(),
      expression: this.expression,
      messageExpression: `"moving ${cluster.name} from " + ${version('oldObject')} + " to " + ${version('object')} + " changes its major version without a declared upgrade: declare upgrade { from: CockroachDbVersion.of('" + ${version('oldObject')} + "') }, which checks the path and rolls the pods out one at a time while the cluster is healthy"`,
    }));
  }
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
