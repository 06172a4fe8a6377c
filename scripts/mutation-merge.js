#!/usr/bin/env node
// Merges StrykerJS incremental reports (test/mutation/incremental.json and the files that runs on parts of
// lib/ wrote with `--incrementalFile`) into one, so that a long first run can be made in parts:
//
//   npm run test:mutation -- --mutate lib/k8s/tls.ts,lib/k8s/monitoring.ts --incrementalFile /tmp/part.json
//   node scripts/mutation-merge.js test/mutation/incremental.json test/mutation/incremental.json /tmp/part.json
//
// (output first, then the inputs; a later input's result for a source file replaces an earlier one's).
// Stryker numbers the tests of each run from 1, and a mutant names the tests that covered and killed it
// by those numbers; the merged report numbers every test (test file and name) once and renames the
// references. Then add the files to `mutate` in stryker.config.mjs: the next run reuses their results.
'use strict';
const fs = require('fs');

function merge(reports) {
  const merged = { ...reports[reports.length - 1], files: {}, testFiles: {} };
  /** `${file}\0${name}` -> new id */
  const ids = new Map();
  const idOf = (file, name) => {
    const key = `${file}\0${name}`;
    if (!ids.has(key)) ids.set(key, String(ids.size + 1));
    return ids.get(key);
  };
  for (const report of reports) {
    /** this report's id -> new id */
    const renamed = new Map();
    for (const [file, testFile] of Object.entries(report.testFiles ?? {})) {
      const kept = merged.testFiles[file] ?? { ...testFile, tests: [] };
      for (const test of testFile.tests) {
        const id = idOf(file, test.name);
        renamed.set(test.id, id);
        kept.tests = [...kept.tests.filter((t) => t.id !== id), { ...test, id }];
      }
      kept.source = testFile.source;
      merged.testFiles[file] = kept;
    }
    // Stryker itself writes a few references that its test list lacks (a test's name instead of an
    // id): they are kept as they are, and cannot clash with the merged ids, which are numbers.
    const rename = (list) => list?.map((id) => renamed.get(id) ?? id);
    for (const [file, result] of Object.entries(report.files)) {
      merged.files[file] = {
        ...result,
        mutants: result.mutants.map((m) => ({ ...m, coveredBy: rename(m.coveredBy), killedBy: rename(m.killedBy) })),
      };
    }
  }
  return merged;
}

module.exports = { merge };

if (require.main === module) {
  const [output, ...inputs] = process.argv.slice(2);
  if (!output || inputs.length === 0) {
    console.error('usage: node scripts/mutation-merge.js <output.json> <input.json>...');
    process.exit(2);
  }
  const merged = merge(inputs.map((file) => JSON.parse(fs.readFileSync(file, 'utf8'))));
  fs.writeFileSync(output, `${JSON.stringify(merged, null, 2)}\n`);
  console.log(`${output}: ${Object.keys(merged.files).length} source files, ${Object.values(merged.files).reduce((n, f) => n + f.mutants.length, 0)} mutants`);
}
