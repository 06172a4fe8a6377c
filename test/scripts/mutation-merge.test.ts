// eslint-disable-next-line @typescript-eslint/no-require-imports
const { merge } = require('../../scripts/mutation-merge');

/** A tiny incremental report: one source file, its mutants' covering and killing tests by this run's ids. */
const report = (file: string, tests: Array<[string, string, string]>, mutants: Array<{ id: string; coveredBy: string[]; killedBy?: string[] }>) => ({
  schemaVersion: '2',
  thresholds: { high: 95, low: 90 },
  files: { [file]: { language: 'typescript', source: `// ${file}`, mutants: mutants.map((m) => ({ ...m, status: m.killedBy ? 'Killed' : 'Survived' })) } },
  testFiles: Object.fromEntries([...new Set(tests.map(([f]) => f))].map((f) => [f, {
    source: `// ${f}`, tests: tests.filter(([tf]) => tf === f).map(([, id, name]) => ({ id, name })),
  }])),
});

test('two runs numbered from 1: every test keeps one id, and each mutant still names its own tests', () => {
  const a = report('lib/a.ts', [['test/a.test.ts', '1', 'a works'], ['test/b.test.ts', '2', 'b works']], [{ id: '1', coveredBy: ['1', '2'], killedBy: ['2'] }]);
  const b = report('lib/b.ts', [['test/b.test.ts', '1', 'b works'], ['test/b.test.ts', '2', 'b fails well']], [{ id: '1', coveredBy: ['2'] }]);
  const m = merge([a, b]);
  expect(Object.keys(m.files).sort()).toEqual(['lib/a.ts', 'lib/b.ts']);
  expect(m.testFiles['test/a.test.ts'].tests).toEqual([{ id: '1', name: 'a works' }]);
  expect(m.testFiles['test/b.test.ts'].tests).toEqual([{ id: '2', name: 'b works' }, { id: '3', name: 'b fails well' }]);
  expect(m.files['lib/a.ts'].mutants[0]).toMatchObject({ coveredBy: ['1', '2'], killedBy: ['2'] });
  // b's test 2 is "b fails well": id 3 once merged.
  expect(m.files['lib/b.ts'].mutants[0]).toMatchObject({ coveredBy: ['3'], killedBy: undefined });
});

test('a later report\'s result for a source file replaces an earlier one\'s', () => {
  const old = report('lib/a.ts', [['test/a.test.ts', '1', 'a works']], [{ id: '1', coveredBy: ['1'] }]);
  const fresh = report('lib/a.ts', [['test/a.test.ts', '1', 'a works']], [{ id: '1', coveredBy: ['1'], killedBy: ['1'] }]);
  expect(merge([old, fresh]).files['lib/a.ts'].mutants[0].status).toBe('Killed');
});

test('a reference that the report\'s test list lacks is kept as it is (Stryker writes a few: a name for an id)', () => {
  const odd = report('lib/a.ts', [['test/a.test.ts', '1', 'a works']], [{ id: '1', coveredBy: ['1', 'a test name'], killedBy: ['a test name'] }]);
  expect(merge([odd]).files['lib/a.ts'].mutants[0]).toMatchObject({ coveredBy: ['1', 'a test name'], killedBy: ['a test name'] });
});
