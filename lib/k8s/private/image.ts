import { ErrorScope } from '../../shared/errors';
import { reject } from '../../shared/validate';

/**
 * An image digest as registries print it: `sha256:` and 64 lowercase hex digits. Kubernetes and
 * containerd accept other algorithms, but every public registry serves sha256, and one shape is one rule.
 */
export const IMAGE_DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

/** Rejects anything but a sha256 digest, naming `prop`. */
export function checkImageDigest(scope: ErrorScope, prop: string, digest: unknown): void {
  if (typeof digest !== 'string' || !IMAGE_DIGEST_PATTERN.test(digest)) {
    reject(scope, prop, digest, 'expected an image digest: "sha256:" and 64 lowercase hex digits, as `docker buildx imagetools inspect <image>` prints it');
  }
}

/**
 * `repo:tag`; pinned by digest, `<registry>/<repo>@sha256:…`, fully qualified and without the tag. That
 * is the form Binary Authorization's allowlist patterns are written in (`docker.io/cockroachdb/cockroach@sha256:*`,
 * a trailing `*` that must follow `@sha256:`): a Docker Hub short name, or a tag before the digest, would
 * be another string. The digest alone decides what is pulled anyway.
 */
export function imageReference(repositoryAndTag: string, digest: string | undefined): string {
  if (digest === undefined) return repositoryAndTag;
  // The tag's ':' comes after the last '/'; a registry's port comes before it.
  const slash = repositoryAndTag.lastIndexOf('/');
  const colon = repositoryAndTag.lastIndexOf(':');
  const repository = colon > slash ? repositoryAndTag.slice(0, colon) : repositoryAndTag;
  const [first, ...rest] = repository.split('/');
  // Docker's rule: the first part names a registry when it has a '.' or a ':' or is `localhost`.
  const hasRegistry = rest.length > 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const qualified = hasRegistry ? repository : `docker.io/${rest.length > 0 ? repository : `library/${repository}`}`;
  return `${qualified}@${digest}`;
}
