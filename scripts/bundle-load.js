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
  // Minified: the bundle ships in a ConfigMap, which client-side `kubectl apply` copies into an
  // annotation limited to 256 KiB (with the object around it).
  minify: true,
  legalComments: 'inline',
  logLevel: 'warning',
});
