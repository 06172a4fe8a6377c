#!/usr/bin/env node
// Bundles the books load script and the pg driver into one file (build/assets/books-load.js), which
// the BooksLoad construct ships in a ConfigMap: the pod installs nothing when it starts.
//
// Skipped when nothing it read has changed and the bundle is the one it wrote (the record next to it,
// build/assets/books-load.js.inputs.json; see scripts/up-to-date.js). `--force` bundles anyway.
'use strict';
const path = require('path');
const { changed, describeChanged, digest, digests, packageJsonOf, readRecord, removeRecord, writeRecord } = require('./up-to-date');

const root = path.resolve(__dirname, '..');
const OUTPUT = 'build/assets/books-load.js';
const RECORD = path.join(root, `${OUTPUT}.inputs.json`);
// Read besides the files that esbuild lists: these options, tsconfig.json (esbuild reads it for .ts
// files), package.json, esbuild's version, and the installed packages (what a bare import resolves to).
const FIXED_INPUTS = ['scripts/bundle-load.js', 'tsconfig.json', 'package.json', 'node_modules/esbuild/package.json', 'node_modules/.package-lock.json'];

function bundle() {
  return require('esbuild').buildSync({
    absWorkingDir: root,
    entryPoints: ['lib/k8s/load/books-load-main.ts'],
    outfile: OUTPUT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // pg's optional native binding is never used.
    external: ['pg-native'],
    // Minified: the bundle ships in a ConfigMap, which client-side `kubectl apply` copies into an
    // annotation limited to 256 KiB (with the object around it).
    minify: true,
    legalComments: 'inline',
    logLevel: 'warning',
    metafile: true,
  });
}

/**
 * Every input of a bundle: the files esbuild read (relative to the project), the package.json of each
 * package they are in, and the listing of each project folder they are in (a new file there may be
 * what an import resolves to next time).
 */
function inputsOf(metafile) {
  const files = Object.keys(metafile.inputs);
  const around = files.map((file) => packageJsonOf(file) ?? `${path.posix.dirname(file)}/`);
  return [...new Set([...FIXED_INPUTS, ...files, ...around])].sort();
}

/** Bundles unless up to date. Returns `undefined` when up to date, else why it bundled; throws when esbuild fails. */
function bundleIfStale({ force = false } = {}) {
  const record = readRecord(RECORD);
  const before = digests(root, [...FIXED_INPUTS, ...Object.keys(record?.inputs ?? {})]);
  let why;
  if (force) {
    why = '--force';
  } else if (!record) {
    why = 'no record of the last bundle';
  } else if (digest(root, OUTPUT) !== record.output) {
    why = `${OUTPUT} changed since the last bundle`;
  } else {
    const inputs = changed(record.inputs, before);
    if (inputs.length === 0) return undefined;
    why = describeChanged(inputs);
  }
  removeRecord(RECORD);
  const { metafile } = bundle();
  // The inputs as they were before esbuild read them: a file edited meanwhile differs next time.
  const inputs = Object.fromEntries(inputsOf(metafile).map((rel) => [rel, rel in before ? before[rel] : digest(root, rel)]));
  writeRecord(RECORD, { inputs, output: digest(root, OUTPUT) });
  return why;
}

module.exports = { bundleIfStale };

if (require.main === module) bundleIfStale({ force: process.argv.includes('--force') });
