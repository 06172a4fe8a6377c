#!/usr/bin/env node
// The mutation score of every file of the last StrykerJS run (reports/mutation/mutation.json), and the
// per-file threshold that Stryker itself does not have (its `thresholds.break` is for the whole run).
//
// Score = detected / (detected + undetected), as Stryker counts it: detected are the mutants a test
// killed or that ran into the timeout; undetected are those that survived or that no test reached.
// Mutants marked equivalent (`// Stryker disable … : reason`) are left out, and so are those that do
// not compile or that break a test file before any test runs (Stryker's "errors").
//
// Usage: node scripts/mutation-score.js [--report <file>] [--min-file <percent>] [--min-total <percent>]
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const reportFile = option('--report', path.join(__dirname, '..', 'reports', 'mutation', 'mutation.json'));
const minFile = Number(option('--min-file', '90'));
const minTotal = Number(option('--min-total', '90'));

const DETECTED = ['Killed', 'Timeout'];
const UNDETECTED = ['Survived', 'NoCoverage'];

/** Counts of one file's (or all files') mutants by status, and the score. */
function tally(mutants) {
  const count = (statuses) => mutants.filter((m) => statuses.includes(m.status)).length;
  const detected = count(DETECTED);
  const undetected = count(UNDETECTED);
  return {
    mutants: mutants.length,
    killed: count(['Killed']),
    timeout: count(['Timeout']),
    survived: count(['Survived']),
    noCoverage: count(['NoCoverage']),
    errors: count(['CompileError', 'RuntimeError']),
    ignored: count(['Ignored']),
    score: detected + undetected === 0 ? 100 : (100 * detected) / (detected + undetected),
  };
}

async function main() {
  if (!fs.existsSync(reportFile)) {
    console.error(`no mutation report at ${reportFile}: run npm run test:mutation first`);
    process.exit(2);
  }
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  // The thresholds hold the files of stryker.config.mjs's `mutate`. Stryker's report also carries the
  // results its incremental file keeps for other files (measured, not yet held): shown apart.
  const { default: config } = await import(path.join(__dirname, '..', 'stryker.config.mjs'));
  const listed = new Set(config.mutate);
  const files = Object.keys(report.files).filter((file) => listed.has(file)).sort();
  const others = Object.keys(report.files).filter((file) => !listed.has(file)).sort();
  const rows = files.map((file) => ({ file, ...tally(report.files[file].mutants) }));
  const total = tally(files.flatMap((file) => report.files[file].mutants));

  const header = ['file', 'score', 'mutants', 'killed', 'timeout', 'survived', 'no cov.', 'errors', 'equivalent'];
  const line = (r, name) => [name, `${r.score.toFixed(1)} %`, r.mutants, r.killed, r.timeout, r.survived, r.noCoverage, r.errors, r.ignored];
  const print = (table) => {
    const widths = header.map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
    for (const row of table) console.log(row.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  '));
  };
  print([header, ...rows.map((r) => line(r, r.file)), line(total, 'all files')]);
  if (others.length > 0) {
    console.log('\nmeasured by an earlier run, not in `mutate` yet (no threshold):');
    print([header, ...others.map((file) => line(tally(report.files[file].mutants), file))]);
  }

  const failures = rows.filter((r) => r.score < minFile);
  for (const r of failures) {
    console.error(`\n${r.file}: ${r.score.toFixed(1)} % is below ${minFile} %; undetected mutants:`);
    for (const m of report.files[r.file].mutants.filter((x) => UNDETECTED.includes(x.status))) {
      const replacement = (m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 100);
      console.error(`  ${r.file}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName}: ${replacement}`);
    }
  }
  if (total.score < minTotal) console.error(`\nall files: ${total.score.toFixed(1)} % is below ${minTotal} %`);
  if (failures.length > 0 || total.score < minTotal) process.exit(1);
  console.log(`\nevery file at or above ${minFile} %, all files at or above ${minTotal} %`);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
