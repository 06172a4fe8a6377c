import { CockroachCluster, CockroachDbVersion, VersionChangeKind } from '../../lib/k8s';
import { checkVersionChange } from '../../lib/k8s/upgrade';
import { configError } from '../support/errors';
import { newChart } from '../support/manifests';

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
