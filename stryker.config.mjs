// Mutation testing (`npm run test:mutation`): StrykerJS changes lib/ one small edit at a time (a `>=`
// for a `>`, a string emptied, a call removed) and runs the tests that cover the edit; a test must fail
// for each. scripts/mutation-score.js then holds every file to its threshold.
//
// Incremental: the result of every mutant is kept in test/mutation/incremental.json (committed), and a
// run tests only the mutants whose code or covering tests changed since. `npm run test:mutation -- --force`
// tests them all again (the README gives its duration).

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  // The files whose every mutant has a result in the incremental file; the rest of lib/ joins file by file
  // (a first run in parts and merged: see the README's "Mutation testing").
  mutate: [
    'lib/gcp/backup-bucket.ts',
    'lib/gcp/backup-identity.ts',
    'lib/gcp/binary-authorization.ts',
    'lib/gcp/certificate-authority.ts',
    'lib/gcp/cidr.ts',
    'lib/gcp/cloud-monitoring.ts',
    'lib/gcp/control-plane-access.ts',
    'lib/gcp/customer-managed-key.ts',
    'lib/gcp/data-access-logs.ts',
    'lib/gcp/db-console-iap.ts',
    'lib/gcp/gke-cluster.ts',
    'lib/gcp/labels.ts',
    'lib/gcp/machine-types.ts',
    'lib/gcp/maintenance-window.ts',
    'lib/gcp/multi-region-network.ts',
    'lib/gcp/multi-region.ts',
    'lib/gcp/network.ts',
    'lib/gcp/outputs.ts',
    'lib/gcp/peers.ts',
    'lib/gcp/private/gke-checks.ts',
    'lib/gcp/private/stack-setup.ts',
    'lib/gcp/private/vpc.ts',
    'lib/gcp/project-apis.ts',
    'lib/gcp/stacks.ts',
    'lib/gcp/state-backend.ts',
    'lib/gcp/terraform-id.ts',
    'lib/k8s/backup.ts',
    'lib/k8s/books-load.ts',
    'lib/k8s/client-certificate.ts',
    'lib/k8s/cluster.ts',
    'lib/k8s/database-regions.ts',
    'lib/k8s/db-console-ingress.ts',
    'lib/k8s/digest-named-job.ts',
    'lib/k8s/gcs-credentials.ts',
    'lib/k8s/google-cas-issuer.ts',
    'lib/k8s/grafana-dashboard.ts',
    'lib/k8s/helm-release.ts',
    'lib/k8s/identity-aware-proxy.ts',
    'lib/k8s/init-job.ts',
    'lib/k8s/locality.ts',
    'lib/k8s/logging.ts',
    'lib/k8s/managed-prometheus.ts',
    'lib/k8s/memory.ts',
    'lib/k8s/monitoring.ts',
    'lib/k8s/multi-region.ts',
    'lib/k8s/network-policy.ts',
    'lib/k8s/placement.ts',
    'lib/k8s/ports.ts',
    'lib/k8s/prune.ts',
    'lib/k8s/release-series.ts',
    'lib/k8s/rollout.ts',
    'lib/k8s/scale-down.ts',
    'lib/k8s/security.ts',
    'lib/k8s/sql-client.ts',
    'lib/k8s/sql-provisioner.ts',
    'lib/k8s/sql.ts',
    'lib/k8s/storage-expansion.ts',
    'lib/k8s/storage.ts',
    'lib/k8s/tls.ts',
    'lib/k8s/upgrade.ts',
    'lib/k8s/version.ts',
    'lib/k8s/wal-failover.ts',
    'lib/k8s/workload.ts',
    'lib/k8s/load/books-data.ts',
    'lib/k8s/load/books-load-core.ts',
    'lib/k8s/private/admission-guard.ts',
    'lib/k8s/private/apply-stable.ts',
    'lib/k8s/private/cert-manager.ts',
    'lib/k8s/private/cert-reloader.ts',
    'lib/k8s/private/cluster-spec.ts',
    'lib/k8s/private/hash.ts',
    'lib/k8s/private/image.ts',
    'lib/k8s/private/job.ts',
    'lib/k8s/private/json-get.ts',
    'lib/k8s/private/kube-api.ts',
    'lib/k8s/private/node-locality.ts',
    'lib/k8s/private/pod-requests.ts',
    'lib/k8s/private/pod-security.ts',
    'lib/k8s/private/pod-template.ts',
    'lib/k8s/private/restore-marker.ts',
    'lib/k8s/private/service-account.ts',
    'lib/k8s/private/sql-script.ts',
    'lib/k8s/private/units.ts',
    'lib/k8s/private/wal-failover-env.ts',
    'lib/shared/alerts.ts',
    'lib/shared/dashboard.ts',
    'lib/shared/description.ts',
    'lib/shared/errors.ts',
    'lib/shared/metric-names.ts',
    'lib/shared/regions.ts',
    'lib/shared/validate.ts',
  ],
  jest: {
    configFile: 'jest.config.js',
    config: {
      // lib/ and apps/ as roots too, so that jest relates a source file to the tests that import it.
      roots: ['<rootDir>/test', '<rootDir>/lib', '<rootDir>/apps'],
      // Jest's runner, stopping at the first failing test file and starting with the mutated file's own
      // test file (scripts/jest-mutant-runner.js): a killed mutant costs one file, not every related one.
      runner: '<rootDir>/scripts/jest-mutant-runner.js',
      // Left out: the tests that run what `npm run build` compiled (build/, which Stryker does not mutate:
      // the apps run by the CLIs, the README's programs, the bundled load script) or that check source
      // text rather than behaviour (lint rules, doc comments, package.json). No mutant of lib/*.ts can
      // fail them, and they are the slowest files.
      testPathIgnorePatterns: [
        '/node_modules/', '<rootDir>/test/cluster/',
        '<rootDir>/test/apps/synth.test.ts', '<rootDir>/test/apps/folders.test.ts', '<rootDir>/test/apps/cdktf-cli.test.ts',
        '<rootDir>/test/readme.test.ts', '<rootDir>/test/k8s/load/books-load-script.test.ts',
        '<rootDir>/test/lint.test.ts', '<rootDir>/test/docs.test.ts', '<rootDir>/test/package.test.ts',
      ],
    },
  },
  coverageAnalysis: 'perTest',
  // The tests are transpiled by esbuild, never type-checked by jest: no `// @ts-nocheck` header is
  // needed, and none is written into the sandbox's files (one in the books-load bundle changed its hash).
  disableTypeChecks: false,
  incremental: true,
  incrementalFile: 'test/mutation/incremental.json',
  // Two cores: two jest workers, each running the tests of one mutant at a time.
  concurrency: 2,
  // The end-to-end tests start bash, PostgreSQL and awk: a busy machine needs the margin.
  timeoutMS: 20000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowEmojis: false, logTests: false, maxTestsToLog: 0 },
  // The overall score; scripts/mutation-score.js checks each file.
  thresholds: { high: 95, low: 90, break: null },
  tempDirName: '.stryker-tmp',
  // Another run's sandbox too (`--tempDirName .stryker-tmp-2` beside a running one).
  ignorePatterns: ['dist', 'cdktf.out', 'coverage', 'reports', 'docs', '.stryker-tmp*'],
};
