import { RELEASE_SERIES, ReleaseType, upgradeTargets } from '../../lib/k8s';

describe('the release series and their upgrade targets', () => {
  test('the series, oldest first: Regular until 24.1, then Innovation and Regular in turn', () => {
    expect(RELEASE_SERIES.map((r) => `${r.series} ${r.type}`)).toEqual([
      '23.1 regular', '23.2 regular', '24.1 regular', '24.2 innovation', '24.3 regular', '25.1 innovation', '25.2 regular',
      '25.3 innovation', '25.4 regular', '26.1 innovation', '26.2 regular', '26.3 innovation',
    ]);
    expect(Object.values(ReleaseType)).toEqual(['regular', 'innovation']);
  });

  test.each([
    // Before Innovation releases: the next series only.
    ['23.1', ['23.2']],
    ['23.2', ['24.1']],
    // From a Regular release: the next (Innovation) one, or the Regular one after it.
    ['24.1', ['24.2', '24.3']],
    ['24.3', ['25.1', '25.2']],
    ['25.2', ['25.3', '25.4']],
    ['25.4', ['26.1', '26.2']],
    ['26.2', ['26.3']],
    // From an Innovation release: the next (Regular) one only.
    ['24.2', ['24.3']],
    ['25.1', ['25.2']],
    ['26.1', ['26.2']],
    // The newest series known: nothing yet.
    ['26.3', []],
  ])('from %s: %j', (series, targets) => {
    expect(upgradeTargets(series)).toEqual(targets);
  });

  test.each(['22.2', '26.4', '', 'v25.4', '25.4.1'])('a series the library does not know (%j): undefined, not a guess', (series) => {
    expect(upgradeTargets(series)).toBeUndefined();
  });
});
