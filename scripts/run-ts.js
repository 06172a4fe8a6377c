#!/usr/bin/env node
// Runs a TypeScript entry point (benchmarks): esbuild bundles it with the project's sources into
// build/run-ts/ (inside the project, so that the external packages resolve from node_modules), then
// node runs it.
const path = require('path');
const esbuild = require('esbuild');

const entry = process.argv[2];
const out = path.resolve(__dirname, '..', 'build', 'run-ts', `${path.basename(entry, '.ts')}.js`);
esbuild.buildSync({ entryPoints: [entry], outfile: out, bundle: true, platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning' });
require(out);
