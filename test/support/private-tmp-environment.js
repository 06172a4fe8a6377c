// The jest environment of every test file: Node's, with a temporary folder of its own. TMPDIR points
// there while the file runs, so that everything the file makes under os.tmpdir() lands in it: its own
// folders, the output folders of cdk8s's and cdktf's Testing helpers (which offer no clean-up), and what
// the bash scripts, PostgreSQL and the CLIs it starts make with mktemp. The folder goes when the file
// ends, after its own afterAll hooks (its servers stopped). A test run leaves no temporary folder.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { TestEnvironment } = require('jest-environment-node');

class PrivateTmpEnvironment extends TestEnvironment {
  async setup() {
    await super.setup();
    this.previousTmpdir = process.env.TMPDIR;
    this.tmpdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-crdb-test-'));
    // Readable by PostgreSQL's own user (the server refuses to run as root, and CI runs as root).
    fs.chmodSync(this.tmpdir, 0o755);
    // Node's os.tmpdir() reads the worker's environment; the tests' process.env is a copy of it.
    process.env.TMPDIR = this.tmpdir;
    this.global.process.env.TMPDIR = this.tmpdir;
  }

  async teardown() {
    if (this.previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = this.previousTmpdir;
    // Files that a finished server's user made are removable by root and by their owner alike.
    fs.rmSync(this.tmpdir, { recursive: true, force: true, maxRetries: 3 });
    await super.teardown();
  }
}

module.exports = PrivateTmpEnvironment;
