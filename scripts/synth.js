#!/usr/bin/env node
// `npm run synth`: the build steps that are out of date (scripts/up-to-date.js: TypeScript, then the
// load bundle), then every app in this one process (build/apps/all.js) with the output of the commands
// it stands for:
//   npm run build && cdk8s synth --check-upgrade=false && node build/apps/gcp.js
// Like `cdk8s synth` with cdk8s.yaml, it empties the output folder (cdk8s.yaml's `output`, or
// `--output`) and runs the Kubernetes apps with CDK8S_OUTDIR pointing there; the Google Cloud app
// writes cdktf.out/ (or CDKTF_OUTDIR) as `node build/apps/gcp.js` does. The cdk8s CLI's own start-up
// (about 0.8 s) is what this saves; if cdk8s.yaml asks for anything beyond `app: node build/apps/k8s.js`
// and an `output` folder (validations, Helm format, imports...), the CLI runs instead.
// The app runs from one bundled file with V8's code cache (scripts/app-bundle.js), made again when the
// build or the installed packages change; `--no-bundle` runs build/apps/ as it is.
//
//   node scripts/synth.js [--output <dir>] [--only k8s|gcp] [--no-bundle]
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { compileIfStale } = require('./up-to-date');
const { bundleIfStale } = require('./bundle-load');
const { bundleAppIfStale, runBundle } = require('./app-bundle');

const root = path.resolve(__dirname, '..');
const K8S_APP = 'node build/apps/k8s.js';
const CDK8S_KEYS_UNDERSTOOD = ['language', 'app', 'output'];

function usage(message) {
  console.error(`${message}\nusage: node scripts/synth.js [--output <dir>] [--only k8s|gcp] [--no-bundle]`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = { k8s: true, gcp: true, bundle: true };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    const value = () => inline ?? (i + 1 < argv.length ? argv[++i] : usage(`${flag} needs a value`));
    if (flag === '--output' || flag === '-o') {
      args.output = path.resolve(value());
    } else if (flag === '--no-bundle' && inline === undefined) {
      args.bundle = false;
    } else if (flag === '--only') {
      const only = value();
      if (only !== 'k8s' && only !== 'gcp') usage(`--only takes k8s or gcp, not ${JSON.stringify(only)}`);
      args.k8s = only === 'k8s';
      args.gcp = only === 'gcp';
    } else {
      usage(`unknown argument ${JSON.stringify(argv[i])}`);
    }
  }
  if (args.output && !args.k8s) usage('--output is the Kubernetes output folder (CDKTF_OUTDIR is the Google Cloud one)');
  return args;
}

/**
 * cdk8s.yaml's settings when they are only `app`, `output` and `language` as plain `key: value` lines,
 * else undefined (then the cdk8s CLI reads the file itself).
 */
function simpleCdk8sConfig() {
  const config = {};
  for (const line of fs.readFileSync(path.join(root, 'cdk8s.yaml'), 'utf8').split(/\r?\n/)) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const match = /^([A-Za-z]\w*):[ \t]+(.*)$/.exec(line);
    if (!match || !CDK8S_KEYS_UNDERSTOOD.includes(match[1]) || match[1] in config) return undefined;
    const value = match[2].replace(/[ \t]+#.*$/, '').trim();
    // A plain one-line scalar only: quotes, flow collections, anchors, tags and block scalars are the CLI's.
    if (!/^[^\s'"#{[\]}&*!|>%@`,?:-]/.test(value) || /: |\t/.test(value)) return undefined;
    config[match[1]] = value;
  }
  return config;
}

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) process.exit(result.status || 1);
}

function listManifests(dir) {
  const out = [];
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  // The CLI's order: the folder's files, then each subfolder's.
  for (const entry of entries) if (!entry.isDirectory() && entry.name.endsWith('.yaml')) out.push(`${dir}/${entry.name}`);
  for (const entry of entries) if (entry.isDirectory()) out.push(...listManifests(`${dir}/${entry.name}`));
  return out;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  process.chdir(root);

  try {
    const compiled = compileIfStale(root, { log: (why) => console.log(`TypeScript: compiling (${why})`) });
    if (compiled === undefined) console.log('TypeScript: up to date');
    const bundled = bundleIfStale();
    console.log(bundled === undefined ? 'load bundle: up to date' : `load bundle: bundled (${bundled})`);
  } catch (e) {
    // tsc and esbuild have printed their errors; nothing is synthesized from a failed build.
    console.error(e.message);
    process.exit(e.exitCode ?? 1);
  }

  if (args.k8s) {
    const config = simpleCdk8sConfig();
    if (!config || config.app !== K8S_APP) {
      console.log(`cdk8s.yaml asks for more than \`app: ${K8S_APP}\` and an output folder: running the cdk8s CLI`);
      run(path.join(root, 'node_modules/.bin/cdk8s'), ['synth', '--check-upgrade=false', ...(args.output ? ['--output', args.output] : [])]);
      if (args.gcp) run(process.execPath, ['build/apps/gcp.js']);
      return;
    }
    // all.js runs the Kubernetes apps (k8s.js) and then the Google Cloud app; k8s.js alone the former.
    const entry = `build/apps/${args.gcp ? 'all.js' : 'k8s.js'}`;
    let bundle;
    if (args.bundle) {
      try {
        bundle = await bundleAppIfStale(root, entry);
      } catch (e) {
        // esbuild has printed its errors; the output folder is untouched.
        console.error(e.message);
        process.exit(1);
      }
      console.log(bundle.why === undefined ? 'app bundle: up to date' : `app bundle: bundled (${bundle.why})`);
    }
    // What `cdk8s synth` does around the app (cdk8s-cli's synth command).
    const outdir = args.output ?? config.output ?? 'dist';
    fs.rmSync(outdir, { recursive: true, force: true });
    process.env.CDK8S_OUTDIR = outdir;
    process.env.CDK8S_RECORD_CONSTRUCT_METADATA ??= 'false';
    console.log('Synthesizing application');
    if (bundle) runBundle(bundle.file, bundle.sha256);
    else require(path.join(root, entry));
    for (const file of fs.existsSync(outdir) ? listManifests(outdir) : []) console.log(`  - ${file}`);
  } else {
    run(process.execPath, ['build/apps/gcp.js']);
  }
}

main().catch((e) => {
  process.exitCode = 1;
  throw e;
});
