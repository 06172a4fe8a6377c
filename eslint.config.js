// ESLint flat config: typescript-eslint's recommended rules, plus the import boundaries this project
// depends on for speed and separation.
const tseslint = require('typescript-eslint');

const providerBarrel = {
  name: '@cdktf/provider-google',
  message: 'Import the resource from its own module, e.g. @cdktf/provider-google/lib/container-cluster: the package root loads every resource (~3 s, ~460 MB).',
};

const kubernetesHalf = { group: ['cdktf', 'cdktf/*', '@cdktf/*', '../gcp', '../gcp/*'], message: 'lib/k8s and lib/shared must not import cdktf or lib/gcp.' };

// A feature takes what it needs from the cluster through the small interfaces of lib/k8s/cluster-ref.ts
// (or one of its own): the cluster imports the features, and no feature imports the cluster back.
const featuresWithoutCluster = {
  regex: '^\\.\\.?/cluster$',
  message: 'Features of lib/k8s take the cluster through an interface (lib/k8s/cluster-ref.ts), not the CockroachCluster class: no import circle.',
};

module.exports = tseslint.config(
  { ignores: ['build/**', 'dist/**', 'cdktf.out/**', 'node_modules/**', '.stryker-tmp/**', 'reports/**', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [providerBarrel] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The Kubernetes half never loads cdktf: a Kubernetes-only user must not pay for it.
    files: ['lib/k8s/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [providerBarrel],
        patterns: [kubernetesHalf, featuresWithoutCluster],
      }],
    },
  },
  {
    // The index re-exports the cluster class; nothing else of lib/k8s imports it.
    files: ['lib/k8s/index.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [providerBarrel], patterns: [kubernetesHalf] }] },
  },
  {
    // The Google Cloud half never loads cdk8s.
    files: ['lib/gcp/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [providerBarrel],
        patterns: [
          { group: ['cdk8s', 'cdk8s-plus-28', 'cdk8s/*', 'cdk8s-plus-28/*', '../k8s', '../k8s/*'], message: 'lib/gcp and lib/shared must not import cdk8s or lib/k8s.' },
        ],
      }],
    },
  },
  {
    // The shared description is read by both halves and loads neither.
    files: ['lib/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [providerBarrel],
        patterns: [{ group: ['cdktf', 'cdktf/*', '@cdktf/*', 'cdk8s', 'cdk8s/*', 'cdk8s-plus-28', 'cdk8s-plus-28/*', '../k8s', '../k8s/*', '../gcp', '../gcp/*'], message: 'lib/shared must import neither cdk8s nor cdktf.' }],
      }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
