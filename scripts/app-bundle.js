// `npm run synth`'s last speed-up: the compiled apps (build/apps/all.js and every module it requires,
// the installed packages included) bundled by esbuild into one file, build/synth/all.js, which Node.js
// then runs with V8's code cache. Most of a synth's time was Node.js finding, reading and compiling
// some 600 modules; one file, already compiled, takes a fraction of it. The output is the same, byte for
// byte (test/apps/synth.test.ts compares it with the cdk8s CLI's).
//
// The bundle is made again when anything it was made from changed (scripts/up-to-date.js's records): a
// compiled file it holds, the listing of a build/ folder it read from, the package.json of a package it
// holds, npm's record of the installed packages (node_modules/.package-lock.json, rewritten by every
// npm install), esbuild's version and this script. A file edited by hand inside node_modules, with no
// install, is not seen: run `npm run synth -- --no-bundle` (or delete build/synth/) after doing that.
//
// The code cache (build/synth/all.js.v8cache) starts with the SHA-256 of the bundle it was made from and
// is used only for that bundle: V8's own check compares the source's length, not its text.
'use strict';
const fs = require('fs');
const Module = require('module');
const path = require('path');
const vm = require('vm');
const { changed, describeChanged, digest, digests, packageJsonOf, readRecord, removeRecord, writeRecord } = require('./up-to-date');

const FIXED_INPUTS = ['scripts/app-bundle.js', 'package.json', 'node_modules/esbuild/package.json', 'node_modules/.package-lock.json'];

const outputOf = (entry) => `build/synth/${path.posix.basename(entry)}`;

/**
 * Modules that read `__dirname` (the library finds its load-script bundle next to itself) get their own
 * folder back, relative to the bundle's, in place of the bundle's.
 */
function ownDirname(root, output) {
  return {
    name: 'own-dirname',
    setup(build) {
      build.onLoad({ filter: /\.js$/ }, async (args) => {
        const text = await fs.promises.readFile(args.path, 'utf8');
        if (!text.includes('__dirname')) return undefined;
        const rel = path.relative(path.dirname(path.join(root, output)), path.dirname(args.path)).split(path.sep).join('/');
        return { contents: `var __dirname = require('path').join(__filename, '..', ${JSON.stringify(rel)});\n${text}`, loader: 'js' };
      });
    },
  };
}

/**
 * cdktf keeps, for every token it creates, the formatted stack trace of its creation, to say in an
 * error where an unresolvable token came from: about a tenth of the Google Cloud app's time (measured
 * with --cpu-prof: V8's stack formatting and the capture). Nothing of it reaches the output. The bundle
 * leaves them out; `npm run synth -- --no-bundle` runs build/apps/ as it is, with them, to debug such an
 * error.
 */
function withoutTokenStackTraces() {
  return {
    name: 'without-token-stack-traces',
    setup(build) {
      build.onLoad({ filter: /[\\/]cdktf[\\/]lib[\\/]tokens[\\/]private[\\/]stack-trace\.js$/ }, () => ({
        contents: "'use strict';\nexports.captureStackTrace = function captureStackTrace() { return []; };\n",
        loader: 'js',
      }));
    },
  };
}

/** The record's inputs: the build/ files and folders read, and each package by its package.json. */
function inputsOf(metafile) {
  const inputs = new Set(FIXED_INPUTS);
  for (const file of Object.keys(metafile.inputs)) {
    const packageJson = packageJsonOf(file);
    if (packageJson !== undefined) {
      inputs.add(packageJson);
    } else {
      inputs.add(file);
      inputs.add(`${path.posix.dirname(file)}/`);
    }
  }
  return [...inputs].sort();
}

/**
 * Bundles `entry` (e.g. build/apps/all.js) unless up to date. Resolves to the bundle's path, its SHA-256
 * (hex, as its record keeps it: the code cache's key), and `undefined` when it was up to date, else why
 * it bundled.
 */
async function bundleAppIfStale(root, entry) {
  const output = outputOf(entry);
  const recordFile = path.join(root, `${output}.inputs.json`);
  const record = readRecord(recordFile);
  const before = digests(root, [...FIXED_INPUTS, ...Object.keys(record?.inputs ?? {})]);
  let why;
  const current = record && digest(root, output);
  if (!record) {
    why = 'no record of the last bundle';
  } else if (current !== record.output) {
    why = `${output} changed since the last bundle`;
  } else {
    const inputs = changed(record.inputs, before);
    if (inputs.length === 0) return { file: path.join(root, output), sha256: current, why: undefined };
    why = describeChanged(inputs);
  }
  removeRecord(recordFile);
  const { metafile } = await require('esbuild').build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: output,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    metafile: true,
    plugins: [withoutTokenStackTraces(), ownDirname(root, output)],
  });
  const inputs = Object.fromEntries(inputsOf(metafile).map((rel) => [rel, rel in before ? before[rel] : digest(root, rel)]));
  const sha256 = digest(root, output);
  writeRecord(recordFile, { inputs, output: sha256 });
  return { file: path.join(root, output), sha256, why };
}

/**
 * Runs a bundle as Node.js would run it as the main module, compiled from the code cache when the cache
 * was made from this very bundle (`sha256`, hex, from bundleAppIfStale, which has just read it); the
 * cache is written (whole, by a rename) when it was missing or not used.
 */
function runBundle(file, sha256) {
  const code = fs.readFileSync(file, 'utf8');
  const sha = Buffer.from(sha256, 'hex');
  const cacheFile = `${file}.v8cache`;
  let cache;
  try {
    const data = fs.readFileSync(cacheFile);
    if (data.subarray(0, sha.length).equals(sha)) cache = data.subarray(sha.length);
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  const script = new vm.Script(Module.wrap(code), { filename: file, cachedData: cache });
  const main = new Module(file, null);
  main.filename = file;
  main.paths = Module._nodeModulePaths(path.dirname(file));
  script.runInThisContext().call(main.exports, main.exports, Module.createRequire(file), main, file, path.dirname(file));
  main.loaded = true;
  if (cache === undefined || script.cachedDataRejected) {
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.concat([sha, script.createCachedData()]));
    fs.renameSync(tmp, cacheFile);
  }
}

module.exports = { bundleAppIfStale, runBundle };
