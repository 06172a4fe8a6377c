/**
 * A CockroachDB release, pinned to an exact image tag, and optionally to an image digest.
 *
 * Use a named constant, or `CockroachDbVersion.of('v26.2.1')` for a release this library does not name
 * yet (the tag is checked when the cluster is built). `.withDigest('sha256:…')` pins the image by content
 * too: the image is then `docker.io/cockroachdb/cockroach@sha256:…` (fully qualified, the form Binary
 * Authorization patterns are written in), which a re-pushed tag cannot change.
 *
 * @see https://www.cockroachlabs.com/docs/releases/
 */
export class CockroachDbVersion {
  /** CockroachDB v26.2.1 (the release the official Helm chart 21.0.x ships). */
  public static readonly V26_2_1 = new CockroachDbVersion('v26.2.1');

  /** The newest release this library has been tested with. Pinned: it only moves with a library release. */
  public static readonly LATEST = CockroachDbVersion.V26_2_1;

  /**
   * Any release by its image tag, e.g. `v25.4.3` or `v26.1.0-rc.1`.
   * The tag must name an exact release: `latest` and partial tags are rejected.
   */
  public static of(tag: string): CockroachDbVersion {
    return new CockroachDbVersion(tag);
  }

  /** The allowed tag shape, used by the cluster to validate `of()` values. */
  public static readonly TAG_PATTERN = /^v(\d+)\.(\d+)\.(\d+)(-(alpha|beta|rc)\.\d+)?$/;

  private constructor(
    /** The image tag, e.g. `v26.2.1`. */
    public readonly tag: string,
    /**
     * The image digest, e.g. `sha256:…` (checked when the cluster is built).
     * @default - none: the image is pinned by its tag only
     */
    public readonly digest?: string,
  ) {}

  /**
   * The same release, pinned by image digest as well: `sha256:` and 64 lowercase hex digits, as
   * `docker buildx imagetools inspect cockroachdb/cockroach:<tag>` prints it (the digest of the
   * multi-platform index, so that every node architecture pulls the right image).
   */
  public withDigest(digest: string): CockroachDbVersion {
    return new CockroachDbVersion(this.tag, digest);
  }

  /** True when the tag names an exact release (see `TAG_PATTERN`). */
  public get isWellFormed(): boolean {
    return CockroachDbVersion.TAG_PATTERN.test(this.tag);
  }

  /** The release series, e.g. `26.2`; undefined for a malformed tag. */
  public get series(): string | undefined {
    const m = CockroachDbVersion.TAG_PATTERN.exec(this.tag);
    return m ? `${m[1]}.${m[2]}` : undefined;
  }
}
