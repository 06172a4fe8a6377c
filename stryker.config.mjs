// Mutation testing (`npm run test:mutation`): StrykerJS changes lib/ one small edit at a time (a `>=`
// for a `>`, a string emptied, a call removed) and runs the tests that cover the edit; a test must fail
// for each. scripts/mutation-score.js then holds every file to its threshold.
//
// Incremental: the result of every mutant is kept in test/mutation/incremental.json (committed), and a
// run tests only the mutants whose code or covering tests changed since. `npm run test:mutation -- --force`
// tests them all again (the README gives its duration).

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  // The files whose every mutant has a result in the incremental file; the rest of lib/ joins file by file
  // (a first run costs about 12 to 16 s per mutant here: see the README's "Mutation testing").
  mutate: [
    'lib/k8s/scale-down.ts',
    'lib/k8s/memory.ts',
  ],
  jest: {
    configFile: 'jest.config.js',
    config: {
      // lib/ and apps/ as roots too, so that jest relates a source file to the tests that import it.
      roots: ['<rootDir>/test', '<rootDir>/lib', '<rootDir>/apps'],
    },
  },
  coverageAnalysis: 'perTest',
  // The tests are transpiled by esbuild, never type-checked by jest: no `// @ts-nocheck` header is
  // needed, and none is written into the sandbox's files (one in the books-load bundle changed its hash).
  disableTypeChecks: false,
  incremental: true,
  incrementalFile: 'test/mutation/incremental.json',
  // Two cores: two jest workers, each running the tests of one mutant at a time.
  concurrency: 2,
  // The end-to-end tests start bash, PostgreSQL and awk: a busy machine needs the margin.
  timeoutMS: 20000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowEmojis: false, logTests: false, maxTestsToLog: 0 },
  // The overall score; scripts/mutation-score.js checks each file.
  thresholds: { high: 95, low: 90, break: 90 },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['dist', 'cdktf.out', 'coverage', 'reports', 'docs'],
};
