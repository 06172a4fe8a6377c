/**
 * TypeScript is transpiled by esbuild (scripts/jest-transform.js): types are stripped, not checked. Type
 * errors are caught by `npm run typecheck` (the native TypeScript 7 compiler), which `npm test` runs first.
 */
const transform = '<rootDir>/scripts/jest-transform.js';
// Packages published only as ES modules, which jest's CommonJS runtime loads once esbuild has converted them.
const esmOnly = ['@marcbachmann/cel-js'];

module.exports = {
  // Node's, with a temporary folder per test file, removed when the file ends.
  // (An absolute path: StrykerJS, which wraps the environment, does not expand <rootDir> there.)
  testEnvironment: require('path').join(__dirname, 'test/support/private-tmp-environment.js'),
  // Jest's transform cache, with the project's other caches (not under TMPDIR, which each test run empties).
  cacheDirectory: require('path').join(__dirname, 'node_modules/.cache/jest'),
  // Jest's default (cores - 1) is one worker on the 2-core CI machine; two is faster.
  maxWorkers: 2,
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The real-control-plane suite has a config of its own (jest.cluster.config.js, `npm run test:cluster`).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
  setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
  testSequencer: '<rootDir>/scripts/jest-sequencer.js',
  transform: {
    '^.+\\.ts$': transform,
    ...Object.fromEntries(esmOnly.map((pkg) => [`/node_modules/${pkg}/.+\\.js$`, transform])),
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
