/**
 * ts-jest in transpile-only mode (isolatedModules in tsconfig.test.json): fast, and type errors are caught by
 * `npm run typecheck`, which `npm test` runs first.
 */
module.exports = {
  testEnvironment: 'node',
  // Jest's default (cores - 1) is one worker on the 2-core CI machine; two is ~30 % faster.
  maxWorkers: 2,
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
