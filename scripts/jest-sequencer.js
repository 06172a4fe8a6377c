// Jest's order, with the end-to-end test files first. Without timings from an earlier run (a clean
// clone, as in CI), jest starts the biggest files first, and these small files, which wait longest on
// their subprocesses (PostgreSQL, the cdk8s and cdktf CLIs, three awks), would start last and finish alone.
const Sequencer = require('@jest/test-sequencer').default;

const END_TO_END = [
  'test/k8s/load/books-load-script.test.ts',
  'test/apps/synth.test.ts',
  'test/apps/cdktf-cli.test.ts',
  'test/k8s/private/json-get.test.ts',
  'test/readme.test.ts',
];

class EndToEndFirst extends Sequencer {
  sort(tests) {
    const rank = (test) => {
      const i = END_TO_END.findIndex((file) => test.path.endsWith(file));
      return i < 0 ? END_TO_END.length : i;
    };
    // Array.prototype.sort is stable: the rest keeps jest's order.
    return super.sort(tests).sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = EndToEndFirst;
