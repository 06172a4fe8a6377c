import { CockroachCluster, CockroachDbVersion, VersionChangeKind } from '../../lib/k8s';
import { checkVersionChange } from '../../lib/k8s/upgrade';
import { celEvaluate } from '../support/cel';
import { configError } from '../support/errors';
import { newChart, only, synth } from '../support/manifests';

const v = (tag: string) => CockroachDbVersion.of(tag);

describe('a declared version change is checked against CockroachDB\'s upgrade paths', () => {
  test.each([
    ['v25.4.3', 'v25.4.5', VersionChangeKind.PATCH],
    ['v25.4.5', 'v25.4.3', VersionChangeKind.PATCH],
    ['v26.2.0-rc.1', 'v26.2.1', VersionChangeKind.PATCH],
    // A series the library does not list yet: a patch needs no path.
    ['v26.4.1', 'v26.4.2', VersionChangeKind.PATCH],
    ['v25.4.3', 'v26.1.0', VersionChangeKind.MAJOR_UPGRADE],
    ['v25.4.3', 'v26.2.1', VersionChangeKind.MAJOR_UPGRADE],
    ['v26.1.2', 'v26.2.1', VersionChangeKind.MAJOR_UPGRADE],
    ['v23.2.9', 'v24.1.0', VersionChangeKind.MAJOR_UPGRADE],
    ['v26.2.1', 'v25.4.3', VersionChangeKind.MAJOR_ROLLBACK],
    ['v26.2.1', 'v26.1.2', VersionChangeKind.MAJOR_ROLLBACK],
    ['v24.1.0', 'v23.2.9', VersionChangeKind.MAJOR_ROLLBACK],
  ])('%s → %s: %s', (from, to, kind) => {
    expect(checkVersionChange(newChart(), { from: v(from) }, v(to))).toBe(kind);
  });

  test('the cluster says what its declared change is, and renders the new version', () => {
    const chart = newChart();
    const c = new CockroachCluster(chart, 'crdb', { version: v('v26.2.1'), upgrade: { from: v('v25.4.3') } });
    expect(c.versionChange).toBe(VersionChangeKind.MAJOR_UPGRADE);
    expect(c.image).toBe('cockroachdb/cockroach:v26.2.1');
    expect(new CockroachCluster(newChart(), 'crdb', {}).versionChange).toBeUndefined();
  });
});

const STEP = 'CockroachDB moves one major release at a time, and may skip only an Innovation release';
/** [what, from, to, the whole message] */
const BAD: Array<[string, unknown, string, string]> = [
  ['two Regular releases at once', v('v25.2.1'), 'v26.2.1',
    `[test/crdb] upgrade.from, version: received "v25.2.1 → v26.2.1"; expected a patch release of 25.2; an upgrade to 25.3 or 25.4; before the upgrade to 25.2 is finalized, a rollback to 24.3 or 25.1. ${STEP}`],
  ['an Innovation release to the next Innovation release', v('v26.1.2'), 'v26.3.0',
    `[test/crdb] upgrade.from, version: received "v26.1.2 → v26.3.0"; expected a patch release of 26.1; an upgrade to 26.2; before the upgrade to 26.1 is finalized, a rollback to 25.4. ${STEP}`],
  ['a rollback two releases back', v('v26.2.1'), 'v25.2.4',
    `[test/crdb] upgrade.from, version: received "v26.2.1 → v25.2.4"; expected a patch release of 26.2; an upgrade to 26.3; before the upgrade to 26.2 is finalized, a rollback to 25.4 or 26.1. ${STEP}`],
  ['the oldest series known, skipping one', v('v23.1.5'), 'v24.1.0',
    `[test/crdb] upgrade.from, version: received "v23.1.5 → v24.1.0"; expected a patch release of 23.1; an upgrade to 23.2. ${STEP}`],
  ['from the newest series known, back two', v('v26.3.1'), 'v25.4.3',
    `[test/crdb] upgrade.from, version: received "v26.3.1 → v25.4.3"; expected a patch release of 26.3; before the upgrade to 26.3 is finalized, a rollback to 26.2. ${STEP}`],
  ['a series the library does not know, as the target', v('v26.3.1'), 'v26.4.0',
    '[test/crdb] upgrade.from, version: received "v26.4.0 (series 26.4)"; expected release series this library knows the upgrade paths of '
    + '(23.1, 23.2, 24.1, 24.2, 24.3, 25.1, 25.2, 25.3, 25.4, 26.1, 26.2, 26.3), or a patch release of the same series'],
  ['a series the library does not know, as the source', v('v22.2.19'), 'v23.1.0',
    '[test/crdb] upgrade.from, version: received "v22.2.19 (series 22.2)"; expected release series this library knows the upgrade paths of '
    + '(23.1, 23.2, 24.1, 24.2, 24.3, 25.1, 25.2, 25.3, 25.4, 26.1, 26.2, 26.3), or a patch release of the same series'],
  ['the same version', v('v26.2.1'), 'v26.2.1',
    '[test/crdb] upgrade.from: received "v26.2.1"; expected the version the cluster runs now, other than version (v26.2.1): once the change is applied, remove upgrade'],
  ['an alpha release', v('v26.3.0-alpha.2'), 'v26.3.0',
    '[test/crdb] upgrade.from: received "v26.3.0-alpha.2"; expected a production or testing release: a cluster on an alpha release cannot be upgraded to another release (CockroachDB refuses it)'],
  ['a malformed tag', v('latest'), 'v26.2.1', '[test/crdb] upgrade.from: received "latest"; expected an exact release tag such as "v25.4.3"'],
  ['a string (JavaScript)', 'v25.4.3', 'v26.2.1',
    '[test/crdb] upgrade.from: received "v25.4.3"; expected the CockroachDbVersion the cluster runs now, e.g. CockroachDbVersion.of(\'v25.4.3\')'],
  ['no from', undefined, 'v26.2.1',
    '[test/crdb] upgrade.from: received undefined; expected the CockroachDbVersion the cluster runs now, e.g. CockroachDbVersion.of(\'v25.4.3\')'],
];

describe('a version change CockroachDB would refuse fails the synth, with what is allowed from there', () => {
  test.each(BAD)('%s', (_what, from, to, message) => {
    const error = configError(() => new CockroachCluster(newChart(), 'crdb', { version: v(to), upgrade: { from: from as CockroachDbVersion } }));
    expect(error.message).toBe(message);
  });

  test('upgrade itself missing its object (JavaScript)', () => {
    expect(configError(() => new CockroachCluster(newChart(), 'crdb', { upgrade: null as never })).message)
      .toBe('[test/crdb] upgrade.from: received undefined; expected the CockroachDbVersion the cluster runs now, e.g. CockroachDbVersion.of(\'v25.4.3\')');
  });
});

describe('the version guard (ValidatingAdmissionPolicy), its CEL evaluated', () => {
  const chart = newChart();
  const cluster = new CockroachCluster(chart, 'crdb', {});
  const objects = synth(chart);
  const policy = only(objects, 'ValidatingAdmissionPolicy', 'db-crdb-version-guard');
  const sts = (version: string | undefined, strategy = 'RollingUpdate') => ({
    spec: { updateStrategy: { type: strategy }, template: { metadata: version === undefined ? {} : { labels: { 'app.kubernetes.io/version': version } } } },
  });
  const admits = (from: string | undefined, to: string | undefined, strategy?: string) =>
    celEvaluate([{ expression: policy.spec.validations[0].expression, context: { oldObject: sts(from), object: sts(to, strategy) } }])[0];

  test('matches updates of this StatefulSet only, and denies', () => {
    expect(cluster.versionGuard?.policy).toBeDefined();
    expect(policy.metadata.namespace).toBeUndefined();
    expect(policy.spec.failurePolicy).toBe('Fail');
    expect(policy.spec.matchConstraints.resourceRules).toEqual([{
      apiGroups: ['apps'], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['statefulsets'], resourceNames: ['crdb'], scope: '*',
    }]);
    expect(policy.spec.matchConstraints.namespaceSelector).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': 'db' } });
    expect(only(objects, 'ValidatingAdmissionPolicyBinding', 'db-crdb-version-guard').spec).toEqual({ policyName: 'db-crdb-version-guard', validationActions: ['Deny'] });
  });

  test.each([
    ['the same version', 'v25.4.3', 'v25.4.3', undefined, true],
    ['a patch release, up or down', 'v25.4.3', 'v25.4.5', undefined, true],
    ['a patch release from a release candidate', 'v26.1.0-rc.1', 'v26.1.2', undefined, true],
    ['a new major version, rolled by the StatefulSet itself', 'v25.4.3', 'v26.1.0', undefined, false],
    ['a major rollback, rolled by the StatefulSet itself', 'v26.1.0', 'v25.4.3', undefined, false],
    ['v2.6 and v26: series compared as numbers, not prefixes', 'v26.1.0', 'v26.10.0', undefined, false],
    ['a new major version under OnDelete (a declared upgrade)', 'v25.4.3', 'v26.1.0', 'OnDelete', true],
    ['no version label before (not a StatefulSet of this library yet)', undefined, 'v26.1.0', undefined, true],
    ['no version label after', 'v25.4.3', undefined, undefined, true],
    ['a label that is no release tag', 'latest', 'v26.1.0', undefined, true],
  ])('%s: %s → %s', (_what, from, to, strategy, admitted) => {
    expect(admits(from, to, strategy)).toBe(admitted);
  });

  test('the message says what to declare', () => {
    const [message] = celEvaluate([{ expression: policy.spec.validations[0].messageExpression, context: { oldObject: sts('v25.4.3'), object: sts('v26.1.0') } }]);
    expect(message).toBe('moving crdb from v25.4.3 to v26.1.0 changes its major version without a declared upgrade: declare upgrade { from: CockroachDbVersion.of(\'v25.4.3\') }, which checks the path and rolls the pods out one at a time while the cluster is healthy');
  });

  test('can be turned off', () => {
    const c = newChart();
    const off = new CockroachCluster(c, 'crdb', { versionGuard: false });
    expect(off.versionGuard).toBeUndefined();
    expect(synth(c).filter((o) => o.metadata.name.endsWith('-version-guard'))).toEqual([]);
  });
});
