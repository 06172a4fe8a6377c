#!/usr/bin/env node
/**
 * `npm run test:checkov`: checkov over everything the apps synthesize, against the allow-list.
 *
 *   node test/checkov/run.js        (after `npm run build`; the npm script builds first)
 *
 * 1. checkov, pinned (test/checkov/requirements.txt), from the virtualenv scripts/checkov-venv.sh keeps
 *    under ~/.cache (installed on the first run only).
 * 2. Every profile and variant of the Kubernetes apps (build/apps/k8s.js, with MINIKUBE_BACKUPS=1,
 *    MINIKUBE_PROMETHEUS_OPERATOR=1,
 *    GKE_RESTORE=1, GKE_BOOKS_LOAD=1 one at a time; a variant's file identical to the default one is not
 *    checked twice), the day-2 objects no app renders by default (synthesizeDayTwo) and every Terraform stack of the Google Cloud app (build/apps/gcp.js), into a
 *    temporary folder removed at the end.
 * 3. checkov's `kubernetes` framework over the manifests, `terraform_json` over the cdk.tf.json files (the
 *    `terraform` framework finds no resource in cdktf's JSON), offline (`--skip-download`).
 * 4. Fails, one line per problem, on: a failing check that test/checkov/allow-list.js does not cover; an
 *    allow-list entry that covers no failure (stale); a file checkov could not parse or found nothing in.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const YAML = require('yaml');

const root = path.resolve(__dirname, '../..');
// CHECKOV_ALLOW_LIST: another allow-list file (to try the runner's own failures); the default is ours.
const allowList = require(process.env.CHECKOV_ALLOW_LIST ? path.resolve(process.env.CHECKOV_ALLOW_LIST) : './allow-list');
// Kinds checkov has no check for: a file of these only (the namespace folders) has nothing to check.
const KINDS_WITHOUT_CHECKS = ['Namespace'];

const VARIANTS = [
  ['default', {}],
  ['minikube-backups', { MINIKUBE_BACKUPS: '1' }],
  ['minikube-prometheus-operator', { MINIKUBE_PROMETHEUS_OPERATOR: '1' }],
  ['gke-restore', { GKE_RESTORE: '1' }],
  ['gke-books-load', { GKE_BOOKS_LOAD: '1' }],
];
const VARIANT_SWITCHES = ['MINIKUBE_BACKUPS', 'MINIKUBE_PROMETHEUS_OPERATOR', 'GKE_RESTORE', 'GKE_BOOKS_LOAD'];

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, ...options });
  if (result.error) throw result.error;
  return result;
}

function mustRun(command, args, options) {
  const result = run(command, args, options);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status}\n${result.stdout ?? ''}${result.stderr ?? ''}`);
  }
  return result;
}

function listFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

/** Synthesizes every variant under `out`; returns the files to check, relative to `out`. */
function synthesize(out) {
  for (const app of ['build/apps/k8s.js', 'build/apps/gcp.js']) {
    if (!fs.existsSync(path.join(root, app))) throw new Error(`${app} is missing: run \`npm run build\` first`);
  }
  const baseEnv = { ...process.env };
  for (const name of VARIANT_SWITCHES) delete baseEnv[name];
  for (const [variant, switches] of VARIANTS) {
    const dir = path.join(out, 'kubernetes', variant);
    mustRun(process.execPath, ['build/apps/k8s.js'], { env: { ...baseEnv, ...switches, CDK8S_OUTDIR: dir } });
  }
  // A variant's file identical to the default one's: checked once, as the default's.
  const defaults = path.join(out, 'kubernetes', 'default');
  for (const [variant] of VARIANTS.slice(1)) {
    for (const file of listFiles(path.join(out, 'kubernetes', variant))) {
      const twin = path.join(defaults, path.relative(path.join(out, 'kubernetes', variant), file));
      if (fs.existsSync(twin) && fs.readFileSync(twin).equals(fs.readFileSync(file))) fs.rmSync(file);
    }
  }
  synthesizeDayTwo(path.join(out, 'kubernetes', 'day-2'));
  const tfOut = path.join(out, 'cdktf');
  mustRun(process.execPath, ['build/apps/gcp.js'], { env: { ...baseEnv, CDKTF_OUTDIR: tfOut } });
  // The stacks only (cdktf's manifest.json is not Terraform), as terraform/<stack>/cdk.tf.json.
  const stacks = path.join(tfOut, 'stacks');
  for (const stack of fs.readdirSync(stacks)) {
    fs.mkdirSync(path.join(out, 'terraform', stack), { recursive: true });
    fs.renameSync(path.join(stacks, stack, 'cdk.tf.json'), path.join(out, 'terraform', stack, 'cdk.tf.json'));
  }
  fs.rmSync(tfOut, { recursive: true });
  return listFiles(out).map((file) => path.relative(out, file)).sort();
}

/**
 * The day-2 objects, which no app renders unless asked: the Jobs, Roles and policies of a declared major
 * upgrade (with its finalization) and of a storage expansion, built with the library as a user would.
 */
function synthesizeDayTwo(dir) {
  const { App, Chart, Size } = require('cdk8s');
  const k8s = require(path.join(root, 'build/lib/k8s'));
  const app = new App({ outdir: dir });
  const v = (tag) => k8s.CockroachDbVersion.of(tag);
  new k8s.CockroachCluster(new Chart(app, 'upgrade', { namespace: 'cockroachdb' }), 'crdb', {
    version: v('v26.1.0'), upgrade: { from: v('v25.4.3'), finalize: true }, networkPolicy: { namespaceDefaultDeny: true },
  });
  new k8s.CockroachCluster(new Chart(app, 'expansion', { namespace: 'cockroachdb' }), 'expanded', {
    storage: { size: Size.gibibytes(200), storageClassName: 'premium-rwo' }, expandStorage: { from: Size.gibibytes(100) },
  });
  app.synth();
}

/** checkov over one folder with one framework: its report (passed and failed checks). */
function checkov(venv, dir, framework, tmp) {
  const result = run(path.join(venv, 'bin', 'checkov'), [
    '--directory', dir, '--framework', framework, '--skip-download', '--compact', '--output', 'json',
  ], {
    // Offline: no guideline download (--skip-download, BC_SKIP_MAPPING), no PyPI update check. Its own
    // temporary files (a parser cache) go in our temporary folder, removed at the end.
    env: {
      ...process.env, TMPDIR: tmp, LOG_LEVEL: 'ERROR', BC_SKIP_MAPPING: 'TRUE', CKV_SKIP_PACKAGE_UPDATE_CHECK: 'true',
    },
  });
  // 0: all passed, 1: some failed; anything else, or no JSON, is checkov itself failing.
  let report;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    report = undefined;
  }
  if ((result.status !== 0 && result.status !== 1) || report === undefined) {
    throw new Error(`checkov --framework ${framework} exited with ${result.status}\n${result.stdout}${result.stderr}`);
  }
  // An empty folder gives a bare summary; one report per framework otherwise.
  const reports = (Array.isArray(report) ? report : [report]).filter((r) => r.results);
  return {
    summary: reports.map((r) => r.summary),
    passed: reports.flatMap((r) => r.results.passed_checks ?? []),
    failed: reports.flatMap((r) => r.results.failed_checks ?? []),
    parsingErrors: reports.flatMap((r) => r.results.parsing_errors ?? []),
  };
}

/** Whether a manifest holds only kinds checkov has no check for. */
function onlyKindsWithoutChecks(file) {
  if (!file.endsWith('.yaml')) return false;
  const kinds = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((doc) => doc.toJS()?.kind);
  return kinds.length > 0 && kinds.every((kind) => KINDS_WITHOUT_CHECKS.includes(kind));
}

/** cdk.tf.json resource `resource.<name>` as `<type>.<name>`. */
function terraformResourceName(out, file, resource) {
  const name = resource.replace(/^resource\./, '');
  const json = JSON.parse(fs.readFileSync(path.join(out, file), 'utf8'));
  const type = Object.keys(json.resource ?? {}).find((t) => name in json.resource[t]);
  return type ? `${type}.${name}` : resource;
}

/** Kubernetes `Kind.namespace.name`; checkov's graph checks append the pod labels, dropped here. */
function kubernetesResourceName(resource) {
  return resource.includes('/') ? resource.split('.').slice(0, 3).join('.') : resource;
}

function main() {
  const started = Date.now();
  const venv = mustRun('bash', ['scripts/checkov-venv.sh'], { stdio: ['ignore', 'pipe', 'inherit'] }).stdout.trim();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'checkov-'));
  const problems = [];
  const allowed = allowList.map(() => []);
  try {
    const files = synthesize(out);
    const checkovTmp = path.join(out, '.checkov-tmp');
    fs.mkdirSync(checkovTmp);
    const seen = new Set();
    const failures = [];
    for (const [framework, dir] of [['kubernetes', 'kubernetes'], ['terraform_json', 'terraform']]) {
      const report = checkov(venv, path.join(out, dir), framework, checkovTmp);
      for (const error of report.parsingErrors) problems.push(`PARSE ${framework} ${path.relative(out, error)}`);
      for (const check of [...report.passed, ...report.failed]) seen.add(path.join(dir, check.file_path));
      for (const check of report.failed) {
        const file = path.join(dir, check.file_path);
        const resource = framework === 'terraform_json'
          ? terraformResourceName(out, file, check.resource)
          : kubernetesResourceName(check.resource);
        failures.push({ framework, check, file, resource });
      }
    }
    for (const file of files) {
      if (!seen.has(file) && !onlyKindsWithoutChecks(path.join(out, file))) problems.push(`UNCHECKED ${file}: checkov found nothing to check in it`);
    }
    for (const failure of failures) {
      const { framework, check, file, resource } = failure;
      const index = allowList.findIndex((entry) =>
        entry.framework === framework && entry.id === check.check_id &&
        (!entry.resource || entry.resource.test(`${resource} ${file}`)));
      if (index >= 0) {
        allowed[index].push(failure);
        continue;
      }
      const [from, to] = check.file_line_range ?? [];
      const guideline = check.guideline ?? `(offline: none; the check is ${check.check_class})`;
      problems.push(`FAIL ${check.check_id} [${framework}] ${resource} ${file}:${from}-${to} ` +
        `"${check.check_name}" guideline: ${guideline}`);
    }
    allowList.forEach((entry, index) => {
      if (allowed[index].length === 0) {
        problems.push(`STALE allow-list entry ${entry.id} [${entry.framework}]` +
          `${entry.resource ? ` resource ${entry.resource}` : ''}: fails nowhere any more, remove it`);
      }
    });
    console.log(`checkov: ${files.length} files (${VARIANTS.length} Kubernetes variants, ` +
      `${files.filter((f) => f.startsWith('terraform/')).length} Terraform stacks)`);
    allowList.forEach((entry, index) => {
      if (allowed[index].length === 0) return;
      const resources = [...new Set(allowed[index].map((f) => f.resource))];
      console.log(`allowed ${entry.id} [${entry.framework}] ${allowed[index].length}x: ${resources.join(', ')}`);
    });
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
  for (const problem of problems) console.log(problem);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (problems.length > 0) {
    console.log(`checkov: ${problems.length} problem(s), see above (test/checkov/allow-list.js) [${seconds} s]`);
    process.exitCode = 1;
  } else {
    console.log(`checkov: no failing check outside the allow-list, no stale entry [${seconds} s]`);
  }
}

main();
