import { BinaryAuthorizationPolicy } from '@cdktf/provider-google/lib/binary-authorization-policy';
import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { App, Testing } from 'cdktf';
import { BinaryAuthorization, GkeCluster, GkeClusterProps, GkeStack, LIBRARY_IMAGE_PATTERNS, libraryImagePatterns } from '../../lib/gcp';
import { configError } from '../support/errors';
import { description, synthScope } from './support';

const gke = (props: Partial<GkeClusterProps> = {}) => synthScope((scope) => {
  new GkeCluster(scope, 'Gke', { description: description(), ...props });
});

describe('Binary Authorization with the project policy the stack writes', () => {
  const { json, resources, doc } = gke({ binaryAuthorization: BinaryAuthorization.projectPolicy() });

  test('the cluster enforces the project\'s singleton policy', () => {
    expect(json).toHaveResourceWithProperties(ContainerCluster, { binary_authorization: { evaluation_mode: 'PROJECT_SINGLETON_POLICY_ENFORCE' } });
    expect(resources('google_container_cluster')[0].depends_on).toContain('google_binary_authorization_policy.binauthz_policy_acme-prod-db'.replace(/-/g, '_'));
  });

  test('GKE system images and the library\'s images by digest are admitted, everything else denied and logged', () => {
    expect(LIBRARY_IMAGE_PATTERNS).toEqual(['docker.io/cockroachdb/cockroach@sha256:*', 'docker.io/library/node@sha256:*']);
    const a = `sha256:${'a1'.repeat(32)}`;
    const b = `sha256:${'b2'.repeat(32)}`;
    expect(libraryImagePatterns({ cockroach: a, booksLoad: b })).toEqual([`docker.io/cockroachdb/cockroach@${a}`, `docker.io/library/node@${b}`]);
    expect(libraryImagePatterns({ cockroach: a })).toEqual([`docker.io/cockroachdb/cockroach@${a}`, 'docker.io/library/node@sha256:*']);
    expect(json).toHaveResourceWithProperties(BinaryAuthorizationPolicy, {
      project: 'acme-prod-db',
      global_policy_evaluation_mode: 'ENABLE',
      admission_whitelist_patterns: LIBRARY_IMAGE_PATTERNS.map((name_pattern) => ({ name_pattern })),
      default_admission_rule: { evaluation_mode: 'ALWAYS_DENY', enforcement_mode: 'ENFORCED_BLOCK_AND_AUDIT_LOG' },
    });
    expect(Object.keys(doc.resource.google_binary_authorization_policy)).toEqual(['binauthz_policy_acme_prod_db']);
  });
});

test('patterns of one\'s own, dry run', () => {
  const allowedImages = ['docker.io/cockroachdb/cockroach@sha256:*', 'quay.io/jetstack/cert-manager-controller@sha256:*', 'europe-docker.pkg.dev/acme/images/**'];
  const { json } = gke({ binaryAuthorization: BinaryAuthorization.projectPolicy({ allowedImages, dryRun: true }) });
  expect(json).toHaveResourceWithProperties(BinaryAuthorizationPolicy, {
    admission_whitelist_patterns: allowedImages.map((name_pattern) => ({ name_pattern })),
    default_admission_rule: { evaluation_mode: 'ALWAYS_DENY', enforcement_mode: 'DRYRUN_AUDIT_LOG_ONLY' },
  });
});

test('the patterns a policy admits (a copy), its mode, and whether the stack writes it', () => {
  const allowedImages = ['docker.io/cockroachdb/cockroach@sha256:*', 'quay.io/jetstack/cert-manager-controller@sha256:*'];
  const own = BinaryAuthorization.projectPolicy({ allowedImages, dryRun: true });
  expect(own.allowedImages).toEqual(allowedImages);
  own.allowedImages.push('docker.io/library/busybox');
  allowedImages.push('docker.io/library/alpine');
  expect(own.allowedImages).toEqual(['docker.io/cockroachdb/cockroach@sha256:*', 'quay.io/jetstack/cert-manager-controller@sha256:*']);
  expect(own.dryRun).toBe(true);
  expect(own.managesPolicy).toBe(true);
  const byDefault = BinaryAuthorization.projectPolicy();
  expect(byDefault.allowedImages).toEqual(LIBRARY_IMAGE_PATTERNS);
  expect(byDefault.dryRun).toBe(false);
  expect(byDefault.managesPolicy).toBe(true);
  const elsewhere = BinaryAuthorization.existingProjectPolicy();
  expect(elsewhere.allowedImages).toEqual([]);
  expect(elsewhere.dryRun).toBe(false);
  expect(elsewhere.managesPolicy).toBe(false);
});

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
/** [what, a pattern the policy admits, written as it is] */
const GOOD: Array<[string, string]> = [
  ['any digest of an image', 'docker.io/cockroachdb/cockroach@sha256:*'],
  ['one digest (64 lowercase hex digits)', `docker.io/cockroachdb/cockroach@${DIGEST}`],
  ['a tag', 'docker.io/cockroachdb/cockroach:v25.4.3'],
  ['a one-character tag', 'docker.io/library/node:2'],
  ['an image name alone', 'docker.io/cockroachdb/cockroach'],
  ['one path segment', 'gcr.io/distroless@sha256:*'],
  ['three path segments', 'europe-docker.pkg.dev/acme/images/crdb@sha256:*'],
  ['a registry with a port', 'registry.acme.example:5000/team/crdb@sha256:*'],
  ['a registry with a one-digit port', 'registry.acme.example:5/team/crdb'],
  ['a trailing * after a name', 'docker.io/cockroachdb/cockroach*'],
  ['a trailing /* (one level)', 'docker.io/cockroachdb/*'],
  ['a trailing /** (any depth)', 'europe-docker.pkg.dev/acme/**'],
];

describe('BinaryAuthorization patterns admitted', () => {
  test.each(GOOD)('%s', (_what, pattern) => {
    const { resources } = gke({ binaryAuthorization: BinaryAuthorization.projectPolicy({ allowedImages: [pattern] }) });
    expect(resources('google_binary_authorization_policy')[0].admission_whitelist_patterns).toEqual([{ name_pattern: pattern }]);
  });
});

test('the project\'s policy managed elsewhere: enforced, not written', () => {
  const { json, resources } = gke({ binaryAuthorization: BinaryAuthorization.existingProjectPolicy() });
  expect(json).toHaveResourceWithProperties(ContainerCluster, { binary_authorization: { evaluation_mode: 'PROJECT_SINGLETON_POLICY_ENFORCE' } });
  expect(resources('google_binary_authorization_policy')).toEqual([]);
});

test('off unless asked', () => {
  const { resources } = gke();
  expect(resources('google_container_cluster')[0].binary_authorization).toBeUndefined();
  expect(resources('google_binary_authorization_policy')).toEqual([]);
});

test('GkeStack enables the Binary Authorization API only when the cluster enforces a policy', () => {
  const apis = (gkeProps: Partial<GkeClusterProps>) => {
    const stack = new GkeStack(Testing.app() as App, 'crdb-gke', { description: description(), gke: gkeProps });
    return Object.values<any>(JSON.parse(Testing.synth(stack)).resource.google_project_service).map((s) => s.service);
  };
  expect(apis({ binaryAuthorization: BinaryAuthorization.existingProjectPolicy() })).toContain('binaryauthorization.googleapis.com');
  expect(apis({})).not.toContain('binaryauthorization.googleapis.com');
});

const ALLOWED = 'expected an image pattern registry/path/image with an optional trailing "*", "**", ":<tag>", "@sha256:*" or "@sha256:<64 lowercase hex digits>", e.g. "docker.io/cockroachdb/cockroach@sha256:*"';
/** [what, allowedImages, the whole error message] */
const BAD: Array<[string, string[], string]> = [
  ['no pattern', [], '[stack/Gke] binaryAuthorization.allowedImages: received []; expected at least one image pattern: with none, only GKE system images would run; use LIBRARY_IMAGE_PATTERNS for the library\'s images'],
  ['no registry', ['cockroachdb/cockroach@sha256:*'], `[stack/Gke] binaryAuthorization.allowedImages[0]: received "cockroachdb/cockroach@sha256:*"; ${ALLOWED}`],
  ['a wildcard right after the registry', ['docker.io/**'], `[stack/Gke] binaryAuthorization.allowedImages[0]: received "docker.io/**"; ${ALLOWED}`],
  ['everything', ['*'], `[stack/Gke] binaryAuthorization.allowedImages[0]: received "*"; ${ALLOWED}`],
  ['a wildcard in the middle', ['docker.io/*/cockroach'], `[stack/Gke] binaryAuthorization.allowedImages[0]: received "docker.io/*/cockroach"; ${ALLOWED}`],
  ['a truncated digest', ['docker.io/cockroachdb/cockroach@sha256:abc'], `[stack/Gke] binaryAuthorization.allowedImages[0]: received "docker.io/cockroachdb/cockroach@sha256:abc"; ${ALLOWED}`],
  ['a library image digest that is not sha256:<64 hex>', libraryImagePatterns({ cockroach: 'sha256:ABC' }),
    `[stack/Gke] binaryAuthorization.allowedImages[0]: received "docker.io/cockroachdb/cockroach@sha256:ABC"; ${ALLOWED}`],
  ['a registry with uppercase', ['Docker.io/cockroachdb/cockroach@sha256:*'], `[stack/Gke] binaryAuthorization.allowedImages[0]: received "Docker.io/cockroachdb/cockroach@sha256:*"; ${ALLOWED}`],
  ['a URL', ['https://docker.io/cockroachdb/cockroach'], `[stack/Gke] binaryAuthorization.allowedImages[0]: received "https://docker.io/cockroachdb/cockroach"; ${ALLOWED}`],
  ['a port that is not a number', ['registry.acme.example:http/crdb'], `[stack/Gke] binaryAuthorization.allowedImages[0]: received "registry.acme.example:http/crdb"; ${ALLOWED}`],
  ['a digest in uppercase hex', [`docker.io/cockroachdb/cockroach@${DIGEST.toUpperCase().replace('SHA256', 'sha256')}`],
    `[stack/Gke] binaryAuthorization.allowedImages[0]: received "docker.io/cockroachdb/cockroach@${DIGEST.toUpperCase().replace('SHA256', 'sha256')}"; ${ALLOWED}`],
  ['a digest of 65 hex digits', [`docker.io/cockroachdb/cockroach@${DIGEST}0`], `[stack/Gke] binaryAuthorization.allowedImages[0]: received "docker.io/cockroachdb/cockroach@${DIGEST}0"; ${ALLOWED}`],
  ['an empty tag', ['docker.io/cockroachdb/cockroach:'], `[stack/Gke] binaryAuthorization.allowedImages[0]: received "docker.io/cockroachdb/cockroach:"; ${ALLOWED}`],
  ['a tag with a slash', ['docker.io/cockroachdb/cockroach:v25/4'], `[stack/Gke] binaryAuthorization.allowedImages[0]: received "docker.io/cockroachdb/cockroach:v25/4"; ${ALLOWED}`],
  ['three stars', ['docker.io/cockroachdb/***'], `[stack/Gke] binaryAuthorization.allowedImages[0]: received "docker.io/cockroachdb/***"; ${ALLOWED}`],
  ['the second pattern bad', ['docker.io/library/node@sha256:*', 'docker.io/**'], `[stack/Gke] binaryAuthorization.allowedImages[1]: received "docker.io/**"; ${ALLOWED}`],
  ['not a string', [42 as unknown as string], `[stack/Gke] binaryAuthorization.allowedImages[0]: received 42; ${ALLOWED}`],
  ['an object that reads as a pattern', [{ toString: () => 'docker.io/library/node' } as unknown as string], `[stack/Gke] binaryAuthorization.allowedImages[0]: received {}; ${ALLOWED}`],
  ['a pattern twice', ['docker.io/library/node@sha256:*', 'docker.io/library/node@sha256:*'],
    '[stack/Gke] binaryAuthorization.allowedImages: received ["docker.io/library/node@sha256:*","docker.io/library/node@sha256:*"]; expected each pattern once'],
];

describe('BinaryAuthorization errors are thrown', () => {
  test.each(BAD)('%s', (_what, allowedImages, message) => {
    expect(configError(() => gke({ binaryAuthorization: BinaryAuthorization.projectPolicy({ allowedImages }) })).message).toBe(message);
  });
});
