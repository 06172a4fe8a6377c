import { Construct } from 'constructs';
import { CockroachConfigError } from '../../lib/shared/errors';
import {
  checkDnsLabel, checkDnsSubdomain, checkGcsBucketName, checkInteger, checkLabelKey, checkLabelValue, checkObjectPath,
  checkRules, checkSecretKey, reject, show,
} from '../../lib/shared/validate';
import { configError } from '../support/errors';

type Check = (value: any) => void;
const SCOPE = 'Widget';

/** [checker, values it accepts, values it refuses, a fragment of what it says is allowed] */
const CHECKS: Array<[string, Check, unknown[], unknown[], string]> = [
  ['checkDnsLabel', (v) => checkDnsLabel(SCOPE, 'name', v), ['a', 'crdb', 'crdb-0', 'a'.repeat(63)],
    ['', 'Crdb', 'crdb_0', '-crdb', 'crdb-', 'a.b', 'a'.repeat(64), 7, undefined], 'DNS-1123 label'],
  ['checkDnsLabel (max length)', (v) => checkDnsLabel(SCOPE, 'name', v, 40), ['a'.repeat(40)], ['a'.repeat(41)], 'at most 40 characters'],
  ['checkDnsSubdomain', (v) => checkDnsSubdomain(SCOPE, 'secret', v), ['gcs-key', 'a.b.c', 'x'],
    ['', 'Bad Secret', 'a..b', '.a', 'a.', 'a_b', 'a'.repeat(254), null], 'DNS-1123 subdomain'],
  ['checkLabelKey', (v) => checkLabelKey(SCOPE, 'labels', v), ['app', 'app.kubernetes.io/name', 'example.com/a_b.c-d', 'A'],
    ['', 'bad key', 'Example.com/x', '/x', 'a/', `${'a'.repeat(64)}`, 'a/b/c', 42], 'label key'],
  ['checkLabelValue', (v) => checkLabelValue(SCOPE, 'labels["x"]', v), ['', 'v1', 'a-b_c.d', 'a'.repeat(63)],
    ['a b', '-a', 'a-', 'a'.repeat(64), 'é', 3], 'label value'],
  ['checkInteger', (v) => checkInteger(SCOPE, 'replicas', v, 1, 5), [1, 3, 5], [0, 6, 2.5, NaN, Infinity, '3', undefined], 'an integer from 1 to 5'],
  ['checkInteger (no maximum)', (v) => checkInteger(SCOPE, 'books', v, 1), [1, 10 ** 9], [0, -1], 'an integer ≥ 1'],
  ['checkGcsBucketName', (v) => checkGcsBucketName(SCOPE, 'bucketName', v), ['acme-backups', 'a_b-c', 'abc'],
    ['ab', 'Acme', 'a.b.c', '-abc', 'abc-', 'a'.repeat(64), undefined], 'bucket name'],
  ['checkGcsBucketName (reserved)', (v) => checkGcsBucketName(SCOPE, 'bucketName', v), ['good-backups'],
    ['goog-backups', 'my-google-backups', 'my-g00gle-backups'], 'reserves names'],
  ['checkObjectPath', (v) => checkObjectPath(SCOPE, 'backupPath', v), ['cluster', 'prod/cluster', 'a.b_c-d'],
    ['', '/cluster', 'cluster/', 'a//b', '../x', 'a/./b', 'a b', 'é', 5], 'relative folder'],
  ['checkSecretKey', (v) => checkSecretKey(SCOPE, 'key', v), ['key.json', 'license', 'A-b_c.D'], ['', 'key json', 'a/b', 'ключ', 1], 'Secret key'],
];

describe.each(CHECKS)('%s', (_name, check, good, bad, allowed) => {
  test.each(good.map((v) => [v]))('accepts %j', (value) => {
    expect(() => check(value)).not.toThrow();
  });

  test.each(bad.map((v) => [v]))('refuses %j, naming the scope, the prop, the value and what is allowed', (value) => {
    const error = configError(() => check(value));
    const err = error as CockroachConfigError;
    expect(err.constructPath).toBe(SCOPE);
    expect(err.message).toContain(`[${SCOPE}] ${err.prop}: received ${show(value)}`);
    expect(err.message).toContain(allowed);
  });
});

describe('show, reject and checkRules', () => {
  test('show quotes strings and renders the rest readably', () => {
    expect(show('a"b')).toBe('"a\\"b"');
    expect(show(3)).toBe('3');
    expect(show(undefined)).toBe('undefined');
    expect(show(null)).toBe('null');
    expect(show({ a: [1] })).toBe('{"a":[1]}');
    const cyclic: any = {};
    cyclic.self = cyclic;
    expect(show(cyclic)).toBe('[object Object]');
  });

  test('reject throws the library error with the construct path of a construct scope', () => {
    const scope = new Construct(new Construct(new Construct(undefined as any, ''), 'prod'), 'crdb');
    const error = configError(() => reject(scope, 'replicas', 2, 'expected 3'));
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'CockroachConfigError', constructPath: 'prod/crdb', prop: 'replicas', message: '[prod/crdb] replicas: received 2; expected 3' });
  });

  test('checkRules throws for the first violated rule only, naming its props', () => {
    const rules = [
      { props: 'a', violated: false, message: 'never' },
      { props: 'b, c', violated: true, message: 'b and c disagree' },
      { props: 'd', violated: true, message: 'also wrong' },
    ];
    expect(() => checkRules(SCOPE, rules)).toThrow('[Widget] b, c: b and c disagree');
    expect(() => checkRules(SCOPE, rules.slice(0, 1))).not.toThrow();
  });
});
