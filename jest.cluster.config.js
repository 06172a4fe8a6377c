/**
 * The real-control-plane suite (`npm run test:cluster`): etcd, kube-apiserver, kube-controller-manager and
 * cert-manager built by test/cluster/harness/build.sh, started once by the global setup.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/cluster'],
  testPathIgnorePatterns: [],
  globalSetup: '<rootDir>/test/cluster/global-setup.ts',
  globalTeardown: '<rootDir>/test/cluster/global-teardown.ts',
  testSequencer: undefined,
  testTimeout: 300000,
  // The control plane takes a core; two test files at a time keep the other busy.
  maxWorkers: 2,
};
