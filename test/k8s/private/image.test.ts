import { checkImageDigest, imageReference } from '../../../lib/k8s/private/image';
import { configError } from '../../support/errors';

const D = `sha256:${'0a'.repeat(32)}`;

describe('imageReference', () => {
  test.each([
    ['cockroachdb/cockroach:v26.2.1', `docker.io/cockroachdb/cockroach@${D}`],
    ['node:22.22.0-alpine3.23', `docker.io/library/node@${D}`],
    ['node', `docker.io/library/node@${D}`],
    ['acme/app', `docker.io/acme/app@${D}`],
    ['docker.io/cockroachdb/cockroach:v26.2.1', `docker.io/cockroachdb/cockroach@${D}`],
    ['registry.example.com:5000/mirror/cockroach:v25.4.3', `registry.example.com:5000/mirror/cockroach@${D}`],
    ['registry.example.com:5000/mirror/cockroach', `registry.example.com:5000/mirror/cockroach@${D}`],
    ['gcr.io/acme/cockroach:v1', `gcr.io/acme/cockroach@${D}`],
    ['localhost/cockroach:v1', `localhost/cockroach@${D}`],
    ['localhost:5000/cockroach', `localhost:5000/cockroach@${D}`],
    // Not a registry: no '.', no ':', not localhost.
    ['mirror/cockroach:v1', `docker.io/mirror/cockroach@${D}`],
  ])('%s pinned is %s (fully qualified, the digest without the tag)', (image, pinned) => {
    expect(imageReference(image, D)).toBe(pinned);
  });

  test('without a digest, the reference as given', () => {
    expect(imageReference('cockroachdb/cockroach:v26.2.1', undefined)).toBe('cockroachdb/cockroach:v26.2.1');
    expect(imageReference('registry.example.com:5000/mirror/cockroach:v1', undefined)).toBe('registry.example.com:5000/mirror/cockroach:v1');
  });
});

describe('checkImageDigest', () => {
  test('accepts a sha256 digest', () => {
    expect(() => checkImageDigest('Scope', 'digest', D)).not.toThrow();
  });

  test.each([
    [`sha256:${'0A'.repeat(32)}`, `"sha256:${'0A'.repeat(32)}"`],
    [`sha256:${'0a'.repeat(31)}`, `"sha256:${'0a'.repeat(31)}"`],
    [`sha256:${'0a'.repeat(32)}0`, `"sha256:${'0a'.repeat(32)}0"`],
    [`sha512:${'0a'.repeat(32)}`, `"sha512:${'0a'.repeat(32)}"`],
    [`@${D}`, `"@${D}"`],
    [`x${D}`, `"x${D}"`],
    [42, '42'],
  ])('refuses %s', (digest, shown) => {
    expect(configError(() => checkImageDigest('Scope', 'digest', digest)).message).toBe(
      `[Scope] digest: received ${shown}; expected an image digest: "sha256:" and 64 lowercase hex digits, as \`docker buildx imagetools inspect <image>\` prints it`);
  });
});
