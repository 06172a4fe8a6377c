/**
 * json_get (lib/k8s/private/json-get.ts) run by bash, on each awk it must work on: gawk (the
 * CockroachDB image), mawk and busybox awk (POSIX awk only). Every case of an awk runs in one bash
 * process (a loop over the cases on its stdin), so the whole file costs three bash starts (side by side)
 * and one awk per case.
 */
import { spawn, spawnSync } from 'child_process';
import { jsonGetFunction } from '../../../lib/k8s/private/json-get';
import { seededRandom as prng } from '../../../lib/k8s/load/books-data';

/** The awks, as a command. None is optional: CI installs all three (a missing one fails, never skips). */
const AWKS = ['gawk', 'mawk', 'busybox awk'];

/** What json_get should answer: the value (exit 0, printed with a newline) or an exit status without output. */
type Expected = { status: 0; out: string } | { status: 1 | 2 | 3 };
interface Case { doc: string; keys: string[]; expected: Expected }
interface Answer { status: number; out: Buffer; err: string }

/** jsonGetFunction() with its `awk` replaced by another awk command. */
function jsonGetOn(awk: string): string {
  const fn = jsonGetFunction();
  const call = "LC_ALL=C awk '";
  // The substitution must hit exactly the one call, or the test would run another awk than it says.
  expect(fn.split(call)).toHaveLength(2);
  return fn.replace(call, `LC_ALL=C ${awk} '`);
}

/** Splits a buffer at its NUL bytes (json_get prints none: no case has \u0000). */
function splitAtNul(b: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = b.indexOf(0); at >= 0; from = at + 1, at = b.indexOf(0, from)) parts.push(b.subarray(from, at));
  return parts;
}

/**
 * Runs json_get over every case with one bash. The cases come on one stream (document, number of keys,
 * keys, NUL-separated: any byte but NUL passes); each document reaches awk's stdin as in the scripts
 * (`printf '%s' "$body" | json_get …`), here with a newline after it, which JSON reads as a blank. What
 * json_get prints and its status come back NUL-framed on stdout, its messages on stderr: no file per case.
 */
async function runAll(awk: string, cases: Case[]): Promise<Answer[]> {
  const input = cases.map((c) => [c.doc, String(c.keys.length), ...c.keys].map((x) => `${x}\0`).join('')).join('');
  const script = [
    jsonGetOn(awk),
    "while IFS= read -r -d '' doc; do",
    "  IFS= read -r -d '' n; keys=()",
    "  for ((k = 0; k < n; k++)); do IFS= read -r -d '' key; keys+=(\"$key\"); done",
    '  json_get "${keys[@]}" <<< "$doc"',
    "  printf '\\0%s\\0' \"$?\"; printf '\\0' >&2",
    'done',
  ].join('\n');
  const { status, stdout, stderr } = await new Promise<{ status: number | null; stdout: Buffer; stderr: Buffer }>((resolve) => {
    const child = spawn('bash', ['--norc', '-c', script], { env: { PATH: process.env.PATH! } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('close', (code) => resolve({ status: code, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }));
    child.stdin.end(input);
  });
  const outs = splitAtNul(stdout);
  const errs = splitAtNul(stderr);
  if (status !== 0 || outs.length !== 2 * cases.length || errs.length !== cases.length) {
    throw new Error(`bash failed (status ${status}, ${outs.length / 2} of ${cases.length} answers): ${stderr.toString().slice(-2000)}`);
  }
  return cases.map((_, i) => ({ out: outs[2 * i], status: Number(outs[2 * i + 1].toString()), err: errs[i].toString() }));
}

/** The answer as one comparable value: the status and the exact bytes printed (as text when they are UTF-8). */
function shown(a: Answer) {
  const text = a.out.toString('utf8');
  return { status: a.status, out: Buffer.from(text, 'utf8').equals(a.out) ? text : `<not UTF-8: ${a.out.toString('hex')}>` };
}
function expectedShown(e: Expected) {
  return { status: e.status, out: e.status === 0 ? `${e.out}\n` : '' };
}

const found = (out: string): Expected => ({ status: 0, out });
const ABSENT: Expected = { status: 1 };
const NOT_JSON: Expected = { status: 2 };
const NOT_SCALAR: Expected = { status: 3 };

const ZONE = 'topology.kubernetes.io/zone';
const REGION = 'topology.kubernetes.io/region';
const node = (labels: object, annotations: object = {}) => ({
  kind: 'Node', apiVersion: 'v1',
  metadata: { name: 'gke-pool-1-abc', annotations, labels: { 'kubernetes.io/hostname': 'gke-pool-1-abc', ...labels } },
});
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const pretty = (x: unknown) => JSON.stringify(x, null, 2);
/** The same document with every non-ASCII character written as \uXXXX (surrogate pairs as two escapes). */
const asciiOnly = (json: string) => json.replace(/[^\x20-\x7e\n]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const STS = {
  kind: 'StatefulSet', apiVersion: 'apps/v1',
  metadata: { name: 'crdb', namespace: 'db', generation: 7, resourceVersion: '123456', annotations: { 'cockroachdb/decommissioned': '6:3' } },
  spec: { replicas: 5, template: { metadata: { generation: 99, labels: { app: 'x' } } } },
  status: { replicas: 4 },
};

/** [what, document text, keys, expected] */
/** A pod's status as kube-apiserver stores it: conditions in an array. */
const POD = { metadata: { name: 'crdb-2' }, status: { conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }] } };

const NAMED: Array<[string, string, string[], Expected]> = [
  // Documents as kube-apiserver answers them: compact for most clients, pretty-printed for curl.
  ['a label of a node, compact', JSON.stringify(node({ [ZONE]: 'europe-west1-b', [REGION]: 'europe-west1' })), ['metadata', 'labels', ZONE], found('europe-west1-b')],
  ['a label of a node, pretty-printed', pretty(node({ [ZONE]: 'europe-west1-b', [REGION]: 'europe-west1' })), ['metadata', 'labels', REGION], found('europe-west1')],
  ['pretty-printed with tabs and CRLF line ends', JSON.stringify(node({ [ZONE]: 'z' }), null, '\t').replace(/\n/g, '\r\n'), ['metadata', 'labels', ZONE], found('z')],
  ['the StatefulSet generation (a number)', JSON.stringify(STS), ['metadata', 'generation'], found('7')],
  ['the StatefulSet resourceVersion (a string)', pretty(STS), ['metadata', 'resourceVersion'], found('123456')],
  ['the StatefulSet replicas: spec, not status', JSON.stringify(STS), ['spec', 'replicas'], found('5')],
  ['an annotation key with a slash', JSON.stringify(STS), ['metadata', 'annotations', 'cockroachdb/decommissioned'], found('6:3')],
  ['the same key deeper in the document is not the path', JSON.stringify({ spec: STS.spec, metadata: { generation: 7 } }), ['metadata', 'generation'], found('7')],
  ['the same key only deeper in the document: absent', JSON.stringify({ spec: STS.spec }), ['metadata', 'generation'], ABSENT],
  // Label keys hold dots, which a regular expression would take for any character.
  ['a key whose dots would match any character is matched literally',
    JSON.stringify(node({ 'topologyXkubernetesXio/zone': 'wrong', [ZONE]: 'right' })), ['metadata', 'labels', ZONE], found('right')],
  ['only a look-alike key: absent', JSON.stringify(node({ 'topologyXkubernetesXio/zone': 'wrong' })), ['metadata', 'labels', ZONE], ABSENT],
  ['a key that is a prefix of another key: absent', JSON.stringify(node({ [`${ZONE}-x`]: 'wrong' })), ['metadata', 'labels', ZONE], ABSENT],
  // The same key elsewhere in the object: an annotation, or inside an escaped JSON string.
  ['a missing label whose key an annotation has: absent', JSON.stringify(node({}, { [ZONE]: 'wrong' })), ['metadata', 'labels', ZONE], ABSENT],
  ['a missing label present in last-applied-configuration (an escaped string): absent',
    JSON.stringify(node({}, { [LAST_APPLIED]: JSON.stringify(node({ [ZONE]: 'wrong' })) })), ['metadata', 'labels', ZONE], ABSENT],
  ['a label also in last-applied-configuration, which comes first: the label',
    JSON.stringify(node({ [ZONE]: 'right' }, { [LAST_APPLIED]: JSON.stringify(node({ [ZONE]: 'wrong' })) })), ['metadata', 'labels', ZONE], found('right')],
  ['last-applied-configuration pretty-printed: itself a string', pretty(node({}, { [LAST_APPLIED]: JSON.stringify({ a: 1 }) })),
    ['metadata', 'annotations', LAST_APPLIED], found('{"a":1}')],
  // Paths that lead through something else than an object.
  ['a key inside an array is not on the path', JSON.stringify({ items: [{ metadata: { name: 'x' } }] }), ['items', 'metadata', 'name'], ABSENT],
  ['a path through a string', JSON.stringify({ metadata: 'x' }), ['metadata', 'name'], ABSENT],
  ['a document that is an array', JSON.stringify([{ a: 1 }]), ['a'], ABSENT],
  // Arrays are walked by index from 0, as the rollout reads a pod's conditions.
  ['an element of an array by its index', JSON.stringify(POD), ['status', 'conditions', '1', 'status'], found('True')],
  ['the first element of an array, pretty-printed', pretty(POD), ['status', 'conditions', '0', 'type'], found('PodScheduled')],
  ['an index past the end of an array: absent', JSON.stringify(POD), ['status', 'conditions', '2', 'type'], ABSENT],
  ['an index is a whole number: "01" is not 1', JSON.stringify(POD), ['status', 'conditions', '01', 'type'], ABSENT],
  ['a name on an array: absent', JSON.stringify(POD), ['status', 'conditions', 'type'], ABSENT],
  ['an element that is an object', JSON.stringify(POD), ['status', 'conditions', '1'], NOT_SCALAR],
  ['an index in an array of arrays', '{"m":[[1,2],[3,[4,5]]]}', ['m', '1', '1', '0'], found('4')],
  ['an element that is null: absent', '{"m":[null,2]}', ['m', '0'], ABSENT],
  ['an index into a document that is an array', JSON.stringify([{ a: 1 }, { a: 2 }]), ['1', 'a'], found('2')],
  ['a document that is a string', '"a"', ['a'], ABSENT],
  ['an absent top-level key', JSON.stringify(STS), ['spec2'], ABSENT],
  // Keys that awk or a shell could take for something else.
  ['numeric-looking keys compare as strings', JSON.stringify({ 10: 'ten', '010': 'oh-ten', '1e1': 'exp', '10.0': 'float' }), ['010'], found('oh-ten')],
  ['numeric-looking keys compare as strings (1e1 is not 10)', JSON.stringify({ 10: 'ten', '1e1': 'exp' }), ['1e1'], found('exp')],
  ['an empty key', JSON.stringify({ '': 'empty', a: 'a' }), [''], found('empty')],
  ['a key like an awk assignment', JSON.stringify({ 'a=b': 'v', a: 'no' }), ['a=b'], found('v')],
  ['a key like an option', JSON.stringify({ '-v': 'v', '--': 'dashes' }), ['--'], found('dashes')],
  ['a key with quotes, a backslash and a space', JSON.stringify({ 'a "q" \\ b': 'v' }), ['a "q" \\ b'], found('v')],
  ['a key written with a \\u escape', '{"caf\\u00e9":"x"}', ['café'], found('x')],
  // String escapes.
  ['every two-character escape', '{"s":"a\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti"}', ['s'], found('a"b\\c/d\be\ff\ng\rh\ti')],
  ['\\u003c (a character the API server escapes)', '{"s":"\\u003cb\\u003e \\u0026"}', ['s'], found('<b> &')],
  ['\\u00e9 and \\u00E9 (two UTF-8 bytes)', '{"s":"\\u00e9\\u00E9"}', ['s'], found('éé')],
  ['\\u4e2d (three UTF-8 bytes)', '{"s":"\\u4e2d"}', ['s'], found('中')],
  ['a surrogate pair (four UTF-8 bytes)', '{"s":"\\ud83d\\ude00!"}', ['s'], found('😀!')],
  ['UTF-8 as is', JSON.stringify({ s: 'Zürich 中 😀' }), ['s'], found('Zürich 中 😀')],
  ['an empty string is found (not absent)', JSON.stringify({ s: '' }), ['s'], found('')],
  ['a string that looks like JSON', JSON.stringify({ s: '{"a":[1]}' }), ['s'], found('{"a":[1]}')],
  // Other scalars, printed as written.
  ['a negative integer', '{"n":-12}', ['n'], found('-12')],
  ['zero', '{"n":0}', ['n'], found('0')],
  ['a fraction', '{"n":3.25}', ['n'], found('3.25')],
  ['a negative exponent', '{"n":-1.5e-3}', ['n'], found('-1.5e-3')],
  ['an exponent with E and +', '{"n":6.02E+23}', ['n'], found('6.02E+23')],
  ['true', '{"b":true}', ['b'], found('true')],
  ['false', '{"b":false}', ['b'], found('false')],
  ['null is absent', '{"x":null}', ['x'], ABSENT],
  ['an object', JSON.stringify(STS), ['metadata'], NOT_SCALAR],
  ['an empty object', '{"x":{}}', ['x'], NOT_SCALAR],
  ['an array', '{"x":[1,2]}', ['x'], NOT_SCALAR],
  ['an empty array', '{"x":[]}', ['x'], NOT_SCALAR],
];

/** [what, text]: not JSON, exit 2 and nothing printed, even when the key was found before the error. */
const MALFORMED: Array<[string, string]> = [
  ['nothing', ''],
  ['blanks', '  \n '],
  ['text', 'not json'],
  ['an HTML error page', '<html><body>502 Bad Gateway</body></html>'],
  ['an open brace', '{'],
  ['a missing closing brace', '{"a":1'],
  ['a missing colon', '{"a" 1}'],
  ['a trailing comma', '{"a":1,}'],
  ['single quotes', "{'a':1}"],
  ['a bare key', '{a:1}'],
  ['a misspelled literal', '{"a":tru}'],
  ['an unknown escape', '{"a":"\\x"}'],
  ['a short \\u escape', '{"a":"\\u12g4"}'],
  ['an unterminated string', '{"a":"abc}'],
  ['a leading zero', '{"a":01}'],
  ['a dangling decimal point', '{"a":1.}'],
  ['a plus sign', '{"a":+1}'],
  ['an unclosed array', '{"a":[1,2}'],
  ['a second closing brace', '{"a":1}}'],
  ['two documents', '{"a":1} {"a":2}'],
  ['an error after the value found', '{"a":1,'],
];


/** Random JSON objects, each with a random path (mostly one that exists) and the value JS finds there. */
function randomCases(count: number, seed: number): Array<{ value: object; keys: string[]; expected: Expected }> {
  const random = prng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)];
  const CHARS = ['a', 'b', 'z', 'A', '0', '9', ' ', '.', '/', '-', '_', ':', '=', '"', '\\', '{', '}', '[', ']', ',', "'", '$', '`',
    '\b', '\f', '\n', '\r', '\t', '\u0001', '\u001f', '\u007f', 'é', 'ß', '中', '😀', '\u2028', '\u00a0'];
  const string = () => Array.from({ length: int(10) }, () => (random() < 0.5 ? pick(CHARS) : String.fromCharCode(97 + int(26)))).join('');
  const KEYS = ['metadata', 'labels', 'name', ZONE, 'a.b', 'x/y', '10', '010', '1e1', '', '-v', 'a=b', 'é', '"', '\\', 'spec'];
  const key = () => (random() < 0.6 ? pick(KEYS) : string());
  const number = () => pick([
    () => int(2000001) - 1000000,
    () => Math.round((random() - 0.5) * 1e6) / 1000,
    () => (random() - 0.5) * 10 ** (int(60) - 30),
    () => 0,
  ])();
  const scalar = (): unknown => pick([string, string, number, () => random() < 0.5, () => null])();
  const value = (depth: number): unknown => {
    const r = random();
    if (depth < 4 && r < 0.3) return object(depth + 1);
    if (depth < 4 && r < 0.4) return Array.from({ length: int(4) }, () => value(depth + 1));
    return scalar();
  };
  const object = (depth: number): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    for (let i = int(6); i > 0; i--) o[key()] = value(depth);
    return o;
  };
  const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
  return Array.from({ length: count }, () => {
    const root = object(0);
    root[key()] = object(1); // at least one key, and something to walk into
    const keys: string[] = [];
    let at: unknown = root;
    // Walk existing keys, sometimes stopping early, sometimes stepping off the document.
    while (isObject(at) && Object.keys(at).length > 0) {
      if (random() < 0.15) { keys.push(key()); break; }
      const k = pick(Object.keys(at));
      keys.push(k);
      at = at[k];
      if (random() < 0.3) break;
    }
    if (isObject(at) && random() < 0.3) keys.push(key());
    // What JS finds at that path, by json_get's rules (the walk above never steps into an array).
    let v: unknown = root;
    for (const k of keys) v = isObject(v) && Object.prototype.hasOwnProperty.call(v, k) ? v[k] : undefined;
    const expected: Expected = v === undefined || v === null ? ABSENT
      : typeof v === 'object' ? NOT_SCALAR
        : found(typeof v === 'string' ? v : JSON.stringify(v));
    return { value: root, keys, expected };
  });
}

const RANDOM = randomCases(120, 20261127);
/** Each random object compact, pretty-printed, and (every fourth) with non-ASCII characters as \u escapes. */
const RANDOM_CASES: Case[] = RANDOM.flatMap((c, i) => [
  { doc: JSON.stringify(c.value), keys: c.keys, expected: c.expected },
  { doc: pretty(c.value), keys: c.keys, expected: c.expected },
  ...(i % 4 === 0 ? [{ doc: asciiOnly(JSON.stringify(c.value)), keys: c.keys, expected: c.expected }] : []),
]);

const ALL: Case[] = [
  ...NAMED.map(([, doc, keys, expected]) => ({ doc, keys, expected })),
  ...MALFORMED.map(([, doc]) => ({ doc, keys: ['a'], expected: NOT_JSON })),
  { doc: '{"a":1}', keys: [], expected: NOT_JSON },
  ...RANDOM_CASES,
];

test('the random cases cover every outcome, and keys that a regular expression or awk would mistake', () => {
  const statuses = RANDOM.map((c) => c.expected.status);
  for (const s of [0, 1, 3]) expect(statuses.filter((x) => x === s).length).toBeGreaterThan(20);
  const docs = RANDOM_CASES.map((c) => c.doc).join('\n');
  for (const fragment of ['\\"', '\\\\', '\\n', '\\u0001', '\\ud83d\\ude00', '😀', 'e-', 'true', 'null']) expect(docs).toContain(fragment);
  expect(RANDOM.some((c) => c.keys.includes(ZONE) && c.expected.status === 0)).toBe(true);
});

/** The three awks run side by side, started once. */
let runs: Map<string, Promise<Answer[]>> | undefined;
const answersOf = (awk: string): Promise<Answer[]> => {
  runs ??= new Map(AWKS.map((a) => [a, runAll(a, ALL)]));
  return runs.get(awk)!;
};

describe.each(AWKS)('json_get on %s', (awk) => {
  let answers: Answer[];
  beforeAll(async () => {
    const installed = spawnSync('bash', ['--norc', '-c', `${awk} 'BEGIN { exit 0 }'`], { encoding: 'utf8' });
    if (installed.status !== 0) throw new Error(`${awk} is not installed (CI installs gawk, mawk and busybox): ${installed.stderr}`);
    answers = await answersOf(awk);
  }, 60000);

  test.each(NAMED.map((c, i) => [...c, i] as const))('%s', (_what, _doc, _keys, expected, i) => {
    expect(shown(answers[i])).toEqual(expectedShown(expected));
    if (expected.status === 0 || expected.status === 1) expect(answers[i].err).toBe('');
    if (expected.status === 3) expect(answers[i].err).toMatch(/^json_get: the value is an (object|array)\n$/);
  });

  test.each(MALFORMED.map((c, i) => [...c, NAMED.length + i] as const))('not JSON: %s (exit 2, nothing printed, said why)', (_what, _doc, i) => {
    expect(shown(answers[i])).toEqual(expectedShown(NOT_JSON));
    expect(answers[i].err).toMatch(/^json_get: .+ at byte \d+\n$/);
  });

  test('no key: exit 2, said why', () => {
    const a = answers[NAMED.length + MALFORMED.length];
    expect(shown(a)).toEqual(expectedShown(NOT_JSON));
    expect(a.err).toBe('json_get: expected at least one key\n');
  });

  test(`${RANDOM_CASES.length} random documents: what JSON.parse finds at a random path`, () => {
    const offset = NAMED.length + MALFORMED.length + 1;
    const wrong = RANDOM_CASES.map((c, i) => ({ doc: c.doc, keys: c.keys, got: shown(answers[offset + i]), want: expectedShown(c.expected) }))
      .filter((x) => x.got.status !== x.want.status || x.got.out !== x.want.out);
    // The first few mismatches in full, to debug from the test output.
    expect(wrong.slice(0, 3)).toEqual([]);
    expect(answers).toHaveLength(ALL.length);
  });
});
