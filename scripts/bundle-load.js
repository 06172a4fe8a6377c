#!/usr/bin/env node
// Bundles the books load script and the pg driver into one file (build/assets/books-load.js), which
// the BooksLoad construct ships in a ConfigMap: the pod installs nothing when it starts.
const path = require('path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
esbuild.buildSync({
  entryPoints: [path.join(root, 'lib/k8s/load/books-load-main.ts')],
  outfile: path.join(root, 'build/assets/books-load.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // pg's optional native binding is never used.
  external: ['pg-native'],
  legalComments: 'inline',
  logLevel: 'warning',
});
