// Jest's test runner as StrykerJS uses it (stryker.config.mjs), with the two things a mutant run needs
// and Stryker's jest runner cannot ask jest for (it turns `bail` off: jest's bail exits the process):
//
// - It stops at the first test file with a failure. One failing test is all Stryker records of a killed
//   mutant (it reads the first, `disableBail` being off); the files after it only cost time.
// - It runs first the test file that mirrors the mutated file (lib/k8s/sql.ts -> test/k8s/sql.test.ts),
//   the one most likely to fail; the rest keep jest's order.
//
// A surviving mutant still runs every related test: nothing is skipped unless a test has already failed.
// Outside a mutant run (Stryker's initial test run, or plain jest) it is jest's runner unchanged.
'use strict';
const path = require('path');
const TestRunner = require('jest-runner').default;

const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';

/** test/k8s/sql.test.ts for <root>/lib/k8s/sql.ts; undefined for a file outside lib/. */
function mirrorTest(rootDir, file) {
  const rel = path.relative(path.join(rootDir, 'lib'), file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return path.join(rootDir, 'test', rel.replace(/\.ts$/, '.test.ts'));
}

class MutantRunner extends TestRunner {
  async runTests(tests, watcher, options) {
    if (process.env[ACTIVE_MUTANT] === undefined) return super.runTests(tests, watcher, options);
    const mirrors = new Set(this._globalConfig.nonFlagArgs.map((file) => mirrorTest(this._globalConfig.rootDir, path.resolve(file))));
    const ordered = [...tests.filter((t) => mirrors.has(t.path)), ...tests.filter((t) => !mirrors.has(t.path))];
    const stop = async () => {
      // After jest's own listener has recorded the result (it ignores results once the run is interrupted):
      // the next file's start waits for this listener.
      await new Promise((resolve) => setImmediate(resolve));
      await watcher.setState({ interrupted: true });
    };
    const offSuccess = this.on('test-file-success', ([, result]) => (result.numFailingTests > 0 || result.testExecError ? stop() : undefined));
    const offFailure = this.on('test-file-failure', () => stop());
    try {
      return await super.runTests(ordered, watcher, options);
    } finally {
      offSuccess();
      offFailure();
    }
  }
}

module.exports = MutantRunner;
