import { Construct } from 'constructs';
import { CockroachConfigError } from '../../lib/shared/errors';
import {
  checkDns1035Label, checkDnsLabel, checkDnsSubdomain, checkGcsBucketName, checkInteger, checkLabelKey, checkLabelValue, checkObjectPath,
  checkRules, checkSecretKey, reject, show,
} from '../../lib/shared/validate';
import { configError } from '../support/errors';

type Check = (value: any) => void;
const SCOPE = 'Widget';
const a = (n: number) => 'a'.repeat(n);
/** A refused value and how the error shows it, written out (never computed with show(), which is under test). */
type Bad = [unknown, string];
const q = (text: string): Bad => [text, `"${text}"`];

/** [checker, the prop it names, values it accepts, values it refuses, what it says is allowed (the whole text)] */
const CHECKS: Array<[string, Check, string, unknown[], Bad[], string]> = [
  ['checkDnsLabel', (v) => checkDnsLabel(SCOPE, 'name', v), 'name', ['a', '0', 'crdb', 'crdb-0', 'a--b', a(63)],
    [q(''), q('Crdb'), q('crdb_0'), q('-crdb'), q('crdb-'), q('a.b'), q(a(64)), [7, '7'], [undefined, 'undefined']],
    "expected a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters"],
  ['checkDnsLabel (max length)', (v) => checkDnsLabel(SCOPE, 'name', v, 40), 'name', [a(40)], [q(a(41))],
    "expected a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 40 characters"],
  ['checkDns1035Label', (v) => checkDns1035Label(SCOPE, 'name', v, 40), 'name', ['a', 'crdb', 'crdb-0', 'a0', a(40)],
    [q('0'), q('1crdb'), q('0-a')], 'expected a name that starts with a letter: Service names are DNS-1035 labels'],
  ['checkDns1035Label (a DNS-1123 label first)', (v) => checkDns1035Label(SCOPE, 'name', v, 40), 'name', [],
    [q(''), q('Crdb'), q(a(41)), [undefined, 'undefined']],
    "expected a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 40 characters"],
  ['checkDnsSubdomain', (v) => checkDnsSubdomain(SCOPE, 'secret', v), 'secret', ['gcs-key', 'a.b.c', 'x', '0', a(253), `${a(63)}.${a(63)}.${a(63)}.${a(61)}`],
    [q(''), q('Bad Secret'), q('a..b'), q('.a'), q('a.'), q('a_b'), q('-a.b'), q('a.b-'), q(a(254)), [null, 'null']],
    "expected a DNS-1123 subdomain: dot-separated lowercase labels of letters, digits and '-', at most 253 characters"],
  ['checkLabelKey', (v) => checkLabelKey(SCOPE, 'labels', v), 'labels',
    ['app', 'A', '0', 'app.kubernetes.io/name', 'example.com/a_b.c-d', a(63), `${a(253)}/${a(63)}`, 'x/y'],
    [q(''), q('bad key'), q('Example.com/x'), q('/x'), q('a/'), q(a(64)), q(`x/${a(64)}`), q(`${a(254)}/x`), q('a/b/c'), q('-a'), q('a_'), q('a b/c')],
    "expected a Kubernetes label key: an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.'"],
  ['checkLabelKey (not a string)', (v) => checkLabelKey(SCOPE, 'labels', v), 'labels', [], [[42, '42'], [undefined, 'undefined']],
    'expected a Kubernetes label key (a string)'],
  ['checkLabelValue', (v) => checkLabelValue(SCOPE, 'labels["x"]', v), 'labels["x"]', ['', 'a', '0', 'v1', 'a-b_c.d', a(63)],
    [q('a b'), q('-a'), q('a-'), q('_a'), q('a.'), q(a(64)), q('é'), [3, '3']],
    "expected a Kubernetes label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"],
  ['checkInteger', (v) => checkInteger(SCOPE, 'replicas', v, 1, 5), 'replicas', [1, 3, 5],
    [[0, '0'], [6, '6'], [2.5, '2.5'], [NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'], ['3', '"3"'], [undefined, 'undefined'], [true, 'true']],
    'expected an integer from 1 to 5'],
  ['checkInteger (no maximum)', (v) => checkInteger(SCOPE, 'books', v, 1), 'books', [1, 10 ** 9, Number.MAX_SAFE_INTEGER], [[0, '0'], [-1, '-1'], [NaN, 'NaN']],
    'expected an integer ≥ 1'],
  ['checkGcsBucketName', (v) => checkGcsBucketName(SCOPE, 'bucketName', v), 'bucketName', ['acme-backups', 'a_b-c', 'abc', '0a9', a(63)],
    [q('ab'), q('Acme'), q('a.b.c'), q('-abc'), q('abc-'), q('_abc'), q(a(64)), [undefined, 'undefined']],
    "expected a bucket name of 3 to 63 lowercase letters, digits, '-' or '_', starting and ending with a letter or digit, not starting with \"goog\" and not containing \"google\" (names with dots need domain verification and are not supported)"],
  ['checkGcsBucketName (reserved)', (v) => checkGcsBucketName(SCOPE, 'bucketName', v), 'bucketName', ['good-backups', 'gog-backups', 'my-googl-backups'],
    [q('goog-backups'), q('my-google-backups'), q('my-g00gle-backups'), q('my-goog1e-backups')],
    'Cloud Storage reserves names that start with "goog" or contain "google" or look-alikes'],
  ['checkObjectPath', (v) => checkObjectPath(SCOPE, 'backupPath', v), 'backupPath', ['cluster', 'prod/cluster', 'a.b_c-d', 'x', '...'],
    [q(''), q('/cluster'), q('cluster/'), q('a//b'), q('../x'), q('a/./b'), q('.'), q('a b'), q('é'), [5, '5']],
    'expected a relative folder such as "cluster" or "prod/cluster": segments of letters, digits, \'_\', \'.\' or \'-\', no leading or trailing \'/\', no ".."'],
  ['checkSecretKey', (v) => checkSecretKey(SCOPE, 'key', v), 'key', ['key.json', 'license', 'A-b_c.D', 'k'],
    [q(''), q('key json'), q('a/b'), q('ключ'), [1, '1']], "expected a Secret key of letters, digits, '-', '_' or '.'"],
];

describe.each(CHECKS)('%s', (_name, check, prop, good, bad, allowed) => {
  if (good.length > 0) {
    test.each(good.map((v) => [v]))('accepts %j', (value) => {
      expect(() => check(value)).not.toThrow();
    });
  }

  test.each(bad)('refuses %j, naming the scope, the prop, the value and what is allowed', (value, shown) => {
    const err = configError(() => check(value)) as CockroachConfigError;
    expect(err.constructPath).toBe(SCOPE);
    expect(err.prop).toBe(prop);
    expect(err.message).toBe(`[${SCOPE}] ${prop}: received ${shown}; ${allowed}`);
  });
});

describe('show, reject and checkRules', () => {
  test('show quotes strings and renders the rest readably', () => {
    expect(show('a"b')).toBe('"a\\"b"');
    expect(show(3)).toBe('3');
    expect(show(NaN)).toBe('NaN');
    expect(show(-Infinity)).toBe('-Infinity');
    expect(show(false)).toBe('false');
    expect(show('')).toBe('""');
    expect(show(['a', 1])).toBe('["a",1]');
    expect(show(undefined)).toBe('undefined');
    expect(show(null)).toBe('null');
    expect(show({ a: [1] })).toBe('{"a":[1]}');
    const cyclic: any = {};
    cyclic.self = cyclic;
    expect(show(cyclic)).toBe('[object Object]');
    expect(show(10n)).toBe('10');
    expect(show(Symbol('x'))).toBe('Symbol(x)');
    expect(show(Infinity)).toBe('Infinity');
    expect(show(true)).toBe('true');
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
