// What `npm run synth` (scripts/synth.js) checks before it skips a build step: each step keeps a record
// next to its output (JSON) of the SHA-256 of every file it read and of the state of every file it
// wrote. A step is skipped only when both still match: an edited, added or removed input, and an output
// changed or deleted by anything else, make it run again. A step that fails leaves no record, so it runs
// (and fails) again the next time.
//
// The TypeScript step (compileIfStale) runs `tsc -p tsconfig.json` exactly as `npm run build` does.
// Its inputs: every .ts file under tsconfig.json's include folders, any other project file of the
// program (as tsc's build info lists it), tsconfig.json, package.json, the compiler's version, and npm's
// record of the installed packages (node_modules/.package-lock.json, rewritten by every npm install:
// the packages' type declarations are read from there). Its outputs: the .js and .d.ts of each source.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const FORMAT = 1;

/** SHA-256 of a file's bytes, or of a folder's sorted entry names when the path ends in '/'; null when missing. */
function digest(root, rel) {
  try {
    const full = path.join(root, rel);
    const data = rel.endsWith('/') ? fs.readdirSync(full).sort().join('\n') : fs.readFileSync(full);
    return crypto.createHash('sha256').update(data).digest('hex');
  } catch (e) {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return null;
    throw e;
  }
}

const digests = (root, rels) => Object.fromEntries([...new Set(rels)].sort().map((rel) => [rel, digest(root, rel)]));

/** A written file's size and modification time (ns), or null when missing. */
function fileState(root, rel) {
  try {
    const s = fs.statSync(path.join(root, rel), { bigint: true });
    return `${s.size}:${s.mtimeNs}`;
  } catch (e) {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return null;
    throw e;
  }
}

const fileStates = (root, rels) => Object.fromEntries(rels.map((rel) => [rel, fileState(root, rel)]));

/** The package.json of the installed package a file belongs to, or undefined for a project file. */
function packageJsonOf(file) {
  const i = file.lastIndexOf('node_modules/');
  if (i < 0) return undefined;
  const [scope, name] = file.slice(i + 'node_modules/'.length).split('/');
  return `${file.slice(0, i)}node_modules/${scope.startsWith('@') ? `${scope}/${name}` : scope}/package.json`;
}

/** Keys whose values differ between two records, added and removed keys included. */
function changed(recorded, current) {
  const keys = new Set([...Object.keys(recorded), ...Object.keys(current)]);
  return [...keys].filter((key) => recorded[key] !== current[key]).sort();
}

/** "a changed", "a, b and 3 more changed". */
function describeChanged(keys) {
  const shown = keys.slice(0, 2).join(', ');
  return `${keys.length > 2 ? `${shown} and ${keys.length - 2} more` : shown} changed`;
}

function readRecord(file) {
  try {
    const record = JSON.parse(fs.readFileSync(file, 'utf8'));
    return record && record.format === FORMAT ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Written whole or not at all (a rename), so that a reader never sees half a record. */
function writeRecord(file, record) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ format: FORMAT, ...record }, null, 1));
  fs.renameSync(tmp, file);
}

const removeRecord = (file) => fs.rmSync(file, { force: true });

// ---- TypeScript ----

const TSC = 'node_modules/typescript-7/bin/tsc';
const TSCONFIG = 'tsconfig.json';
const TSC_FIXED_INPUTS = [TSCONFIG, 'package.json', 'node_modules/typescript-7/package.json', 'node_modules/.package-lock.json'];
// Options that change which files tsc writes, or where: with any of them the check cannot list the
// outputs, and tsc runs every time.
const UNSUPPORTED_OPTIONS = ['allowJs', 'resolveJsonModule', 'outFile', 'noEmit', 'emitDeclarationOnly', 'sourceMap', 'inlineSourceMap', 'declarationMap', 'composite'];

/** What tsconfig.json compiles, or `unknown`: why the check cannot tell (then tsc always runs). */
function compilePlan(root) {
  let config;
  try {
    config = JSON.parse(fs.readFileSync(path.join(root, TSCONFIG), 'utf8'));
  } catch {
    return { unknown: `${TSCONFIG} is not plain JSON` };
  }
  const options = config.compilerOptions ?? {};
  const unsupported = ['extends', 'files', 'exclude', 'references'].filter((key) => key in config)
    .concat(UNSUPPORTED_OPTIONS.filter((key) => key in options));
  if (unsupported.length > 0) return { unknown: `${TSCONFIG} sets ${unsupported.join(', ')}` };
  const missing = ['incremental', 'tsBuildInfoFile', 'outDir', 'rootDir'].filter((key) => !options[key]);
  if (missing.length > 0) return { unknown: `${TSCONFIG} does not set ${missing.join(', ')}` };
  const folders = [];
  for (const pattern of config.include ?? []) {
    const match = /^([\w.-]+(?:\/[\w.-]+)*)\/\*\*\/\*\.ts$/.exec(pattern);
    if (!match || match[1].split('/').includes('..')) return { unknown: `${TSCONFIG} includes ${JSON.stringify(pattern)}` };
    folders.push(match[1]);
  }
  if (folders.length === 0) return { unknown: `${TSCONFIG} has no include` };
  const rel = (p) => path.relative(root, path.resolve(root, p)).split(path.sep).join('/');
  return { folders, outDir: rel(options.outDir), rootDir: rel(options.rootDir), buildInfo: rel(options.tsBuildInfoFile), declaration: !!options.declaration };
}

/** The .ts files under a folder, as tsc's `<folder>/**\/*.ts` finds them (no dot-folders, no node_modules). */
function tsFiles(root, folder) {
  const out = [];
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
    } catch (e) {
      if (e.code === 'ENOENT') return;
      throw e;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(rel);
      } else if (entry.name.endsWith('.ts')) {
        out.push(rel);
      }
    }
  };
  walk(folder);
  return out;
}

/** The project's own files in tsc's last program (its build info), beside node_modules and TypeScript's libs. */
function programFiles(root, plan) {
  try {
    const info = JSON.parse(fs.readFileSync(path.join(root, plan.buildInfo), 'utf8'));
    const base = path.dirname(path.join(root, plan.buildInfo));
    return (info.fileNames ?? [])
      // TypeScript's own libs are listed by bare name (lib.es2022.d.ts).
      .filter((name) => typeof name === 'string' && name.includes('/'))
      .map((name) => path.relative(root, path.resolve(base, name)).split(path.sep).join('/'))
      .filter((rel) => rel.endsWith('.ts') && !rel.startsWith('../') && !rel.startsWith(`${plan.outDir}/`) && !rel.split('/').includes('node_modules'));
  } catch {
    return [];
  }
}

function outputsOf(plan, sources) {
  const out = [];
  for (const source of sources) {
    if (source.endsWith('.d.ts')) continue;
    const base = path.posix.join(plan.outDir, path.posix.relative(plan.rootDir, source)).replace(/\.ts$/, '');
    out.push(`${base}.js`);
    if (plan.declaration) out.push(`${base}.d.ts`);
  }
  return out.sort();
}

/**
 * Runs tsc unless its last successful run read the same inputs and its outputs are untouched since.
 * Returns `undefined` when up to date, else why it compiled; throws when tsc fails (its errors printed).
 */
function compileIfStale(root, { log = () => undefined } = {}) {
  const plan = compilePlan(root);
  const recordFile = plan.unknown ? undefined : path.join(root, `${plan.buildInfo}.inputs.json`);
  const record = recordFile && readRecord(recordFile);
  const walked = plan.unknown ? [] : plan.folders.flatMap((folder) => tsFiles(root, folder));
  const inputList = [...TSC_FIXED_INPUTS, ...walked, ...Object.keys(record?.inputs ?? {})];
  const before = digests(root, inputList);

  let why;
  let full = false;
  if (plan.unknown) {
    why = `${plan.unknown}: compiling every time`;
  } else if (!record) {
    why = 'no record of the last compile';
    full = true;
  } else {
    const outputs = changed(record.outputs, fileStates(root, Object.keys(record.outputs)));
    const inputs = changed(record.inputs, before);
    if (outputs.length > 0) {
      // tsc's incremental build trusts its build info and would not write a deleted output again.
      why = `${describeChanged(outputs)} since the last compile: compiling everything`;
      full = true;
    } else if (inputs.length > 0) {
      why = describeChanged(inputs);
    } else {
      return undefined;
    }
  }

  log(why);
  if (recordFile) removeRecord(recordFile);
  if (full) fs.rmSync(path.join(root, plan.buildInfo), { force: true });
  const result = spawnSync(process.execPath, [path.join(root, TSC), '-p', TSCONFIG], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    const error = new Error(`tsc -p ${TSCONFIG} failed (${result.error ?? `exit status ${result.status ?? result.signal}`})`);
    error.exitCode = result.status || 1;
    throw error;
  }
  if (recordFile) {
    // The inputs as they were before tsc read them: a file edited while tsc ran differs next time.
    const sources = [...new Set([...walked, ...programFiles(root, plan)])].sort();
    const inputs = Object.fromEntries([...TSC_FIXED_INPUTS, ...sources].map((rel) => [rel, rel in before ? before[rel] : digest(root, rel)]));
    writeRecord(recordFile, { inputs, outputs: fileStates(root, outputsOf(plan, sources)) });
  }
  return why;
}

module.exports = { digest, digests, packageJsonOf, changed, describeChanged, readRecord, writeRecord, removeRecord, compileIfStale, compilePlan };
