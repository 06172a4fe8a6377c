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

/** `repo:tag`, or `repo:tag@sha256:…` when pinned by digest: the tag stays for readers, the digest decides. */
export function imageReference(repositoryAndTag: string, digest: string | undefined): string {
  return digest === undefined ? repositoryAndTag : `${repositoryAndTag}@${digest}`;
}
