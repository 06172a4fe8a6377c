import { CockroachDbVersion } from '../../lib/k8s';

describe('CockroachDbVersion', () => {
  test('LATEST is a pinned, exact release', () => {
    expect(CockroachDbVersion.LATEST.tag).toBe('v26.2.1');
    expect(CockroachDbVersion.LATEST.isWellFormed).toBe(true);
    expect(CockroachDbVersion.LATEST.series).toBe('26.2');
  });

  test.each([
    ['v25.4.3', '25.4'],
    ['v26.1.0-rc.1', '26.1'],
    ['v26.2.0-beta.2', '26.2'],
    ['v23.1.0-alpha.3', '23.1'],
    ['v24.3.10', '24.3'],
    ['v26.10.1', '26.10'],
    ['v100.12.345', '100.12'],
    ['v26.1.0-rc.12', '26.1'],
  ])('of(%s) is accepted, series %s', (tag, series) => {
    const v = CockroachDbVersion.of(tag);
    expect(v.tag).toBe(tag);
    expect(v.digest).toBeUndefined();
    expect(v.isWellFormed).toBe(true);
    expect(v.series).toBe(series);
  });

  test.each([
    'latest', 'v26', 'v26.2', '26.2.1', 'v26.2.1 ', ' v26.2.1', 'v26.2.1;id', 'xv26.2.1', 'image:v26.2.1', 'V26.2.1', 'v26.2.1-latest',
    'v26.2.1-rc', 'v26.2.1-rc.', 'v26.2.1-gamma.1', 'v26..1', 'v.2.1', 'v26.2.', 'v26.2.1.4',
  ])('of(%j) is malformed', (tag) => {
    const v = CockroachDbVersion.of(tag);
    expect(v.isWellFormed).toBe(false);
    expect(v.series).toBeUndefined();
  });

  test('withDigest() pins the same release by content, leaving the original untouched', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const pinned = CockroachDbVersion.V26_2_1.withDigest(digest);
    expect(pinned.tag).toBe('v26.2.1');
    expect(pinned.digest).toBe(digest);
    expect(pinned.series).toBe('26.2');
    expect(CockroachDbVersion.V26_2_1.digest).toBeUndefined();
    expect(CockroachDbVersion.LATEST.digest).toBeUndefined();
    expect(CockroachDbVersion.of('v25.4.3').withDigest(digest).withDigest(`sha256:${'cd'.repeat(32)}`).digest).toBe(`sha256:${'cd'.repeat(32)}`);
  });
});
