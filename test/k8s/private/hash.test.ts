import { shortHash } from '../../../lib/k8s/private/hash';

/**
 * Digests computed outside the code under test: `printf '%s' '<canonical JSON>' | sha256sum`.
 * Canonical JSON: object keys sorted by UTF-16 code units, undefined properties dropped, no spaces.
 */
const DIGEST = {
  a2b1: 'd3626ac30a87e6f7a6428233b3c68299976865fa5508e4267c5415c76af7a772', // {"a":2,"b":1}
  a1: '015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862', // {"a":1}
  null: '74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b', // null
  array312: '51bda7ab4e44726cde71fcb6e4b515357059bb6b6dd5146d1fc50f73f11678c6', // [3,1,2]
  nested: 'f2b7b41dae86aac6d5341cd8e3362d406931524c42b559127f36a16a882584a6', // {"a":[{"x":null,"y":"z"},2],"b":{"c":true}}
  text: '1e1d0f251d3a76fa2b1bfc81164078572623403887db02988b504b0492e9f076', // "text"
  n42: '73475cb40a568e8da8a045ced110137e159f890ac4da883b6b17dc651b3a8049', // 42
  emptyObject: '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', // {}
  emptyArray: '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', // []
  aNull: 'd091f9c83c091f79652fe8786375b3fe4ce0861a56f5bfbafedbe431877ff0e8', // {"a":null}
  codeUnits: 'ea61e5aa825aa0ba8919992d5368a71a7945d8068987e78ee3a1a804551109b8', // {"":1,"A":2,"a":3,"a,b":4,"b":5}
  nullInArray: '6e391f7f573fc88277e271da9ebfbfc99c372203e6d59a7b2de7e4c65909b720', // [null,{"k":1}]
};

describe('shortHash', () => {
  test.each<[string, unknown, string]>([
    ['keys in order', { a: 2, b: 1 }, DIGEST.a2b1],
    ['keys in reverse order', { b: 1, a: 2 }, DIGEST.a2b1],
    ['an undefined property dropped', { a: 1, b: undefined }, DIGEST.a1],
    ['an undefined property first, dropped', { z: undefined, a: 1 }, DIGEST.a1],
    ['null', null, DIGEST.null],
    ['a null property kept', { a: null }, DIGEST.aNull],
    ['an array keeps its order', [3, 1, 2], DIGEST.array312],
    ['nested objects sorted, arrays not', { b: { c: true }, a: [{ y: 'z', x: null }, 2] }, DIGEST.nested],
    ['a string', 'text', DIGEST.text],
    ['a number', 42, DIGEST.n42],
    ['an empty object', {}, DIGEST.emptyObject],
    ['an empty array', [], DIGEST.emptyArray],
    ['keys sorted by code unit, not locale', { 'b': 5, 'a,b': 4, 'a': 3, 'A': 2, '': 1 }, DIGEST.codeUnits],
    ['null inside an array', [null, { k: 1 }], DIGEST.nullInArray],
  ])('%s', (_, value, digest) => {
    expect(shortHash(value)).toBe(digest.slice(0, 10));
    expect(shortHash(value, 64)).toBe(digest);
    expect(shortHash(value, 16)).toBe(digest.slice(0, 16));
  });

  test('the default length is 10 hex digits', () => {
    expect(shortHash({ a: 1 })).toBe('015abd7f5c');
  });

  test('an array is not an object with index keys, and an empty array is not an empty object', () => {
    expect(shortHash(['x'])).not.toBe(shortHash({ 0: 'x' }));
    expect(shortHash([])).not.toBe(shortHash({}));
  });

  test('any insertion order gives the same digest', () => {
    const keys = ['delta', 'alpha', 'Charlie', 'bravo', 'echo', '_x', '10', '9'];
    const digests = new Set([keys, [...keys].reverse(), [...keys].sort()].map((order) =>
      shortHash(Object.fromEntries(order.map((k) => [k, { [k]: k.length, z: 0, a: undefined }])), 64)));
    expect(digests.size).toBe(1);
  });
});
