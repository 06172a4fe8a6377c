import { BinaryAuthorizationPolicy } from '@cdktf/provider-google/lib/binary-authorization-policy';
import { Construct } from 'constructs';
import { DeploymentDescription } from '../shared/description';
import { reject } from '../shared/validate';
import { terraformId } from './terraform-id';

/** The digests of the library's images, as the Kubernetes half pins them (`sha256:<64 hex>`). */
export interface LibraryImageDigests {
  /** CockroachDB's. @default - any digest of `docker.io/cockroachdb/cockroach` */
  readonly cockroach?: string;
  /** The books-load helper's (`node`). @default - any digest of `docker.io/library/node` */
  readonly booksLoad?: string;
}

/**
 * The images the library's Kubernetes half runs, by digest only: CockroachDB (the database pods and every
 * Job and client pod, which use the same image) and the books-load helper (`node`). A reference by tag
 * does not match: the Kubernetes half pins images by digest (`…@sha256:<digest>`). Given a digest, only
 * that image is admitted (a digest pushed later to the same repository is not); without, any digest of
 * the repository.
 */
export function libraryImagePatterns(digests: LibraryImageDigests = {}): string[] {
  return [
    `docker.io/cockroachdb/cockroach@${digests.cockroach ?? 'sha256:*'}`,
    `docker.io/library/node@${digests.booksLoad ?? 'sha256:*'}`,
  ];
}

/** {@link libraryImagePatterns} without digests: any digest of each repository. */
export const LIBRARY_IMAGE_PATTERNS = libraryImagePatterns();

/** Options of {@link BinaryAuthorization.projectPolicy}. */
export interface BinaryAuthorizationPolicyOptions {
  /**
   * Image name patterns admitted (admission allowlist), `registry/path/image` with an optional trailing
   * `*` (no `/`) or `**`; a wildcard right after the registry (`docker.io/*`) is refused.
   * @default LIBRARY_IMAGE_PATTERNS
   */
  readonly allowedImages?: string[];
  /**
   * Log what would be blocked instead of blocking it (`DRYRUN_AUDIT_LOG_ONLY`), to try a policy out.
   * @default false - blocked and logged (`ENFORCED_BLOCK_AND_AUDIT_LOG`)
   */
  readonly dryRun?: boolean;
}

const PATTERN = /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?\/[a-z0-9._-]+(\/[a-z0-9._-]+)*(@sha256:\*|@sha256:[a-f0-9]{64}|:[A-Za-z0-9._-]+|\/?\*\*?)?$/;

/**
 * Binary Authorization: the cluster admits only images the project's policy allows
 * (`PROJECT_SINGLETON_POLICY_ENFORCE`).
 * @see https://cloud.google.com/binary-authorization/docs/overview
 */
export class BinaryAuthorization {
  /**
   * The cluster enforces the project's policy, which the stack writes: Google-maintained GKE system images
   * admitted (`global_policy_evaluation_mode = ENABLE`), the allowed patterns admitted, everything else
   * denied. The policy is one per project: the stack owns it, so no other Terraform may manage it.
   */
  public static projectPolicy(options: BinaryAuthorizationPolicyOptions = {}): BinaryAuthorization {
    return new BinaryAuthorization(true, [...(options.allowedImages ?? LIBRARY_IMAGE_PATTERNS)], options.dryRun ?? false);
  }

  /** The cluster enforces the project's policy, which is managed elsewhere (another stack, a security team). */
  public static existingProjectPolicy(): BinaryAuthorization {
    return new BinaryAuthorization(false, [], false);
  }

  private constructor(
    /** True when the stack writes the project's policy. */
    public readonly managesPolicy: boolean,
    private readonly patterns: string[],
    /** True when the policy only logs. */
    public readonly dryRun: boolean,
  ) {}

  /** The admitted patterns (a copy). */
  public get allowedImages(): string[] {
    return [...this.patterns];
  }

  /** @internal Validates the patterns and writes the policy (if it is ours); `prop` names the prop. */
  public _bind(scope: Construct, id: string, prop: string, d: DeploymentDescription): BinaryAuthorizationPolicy | undefined {
    if (!this.managesPolicy) return undefined;
    if (this.patterns.length === 0) {
      reject(scope, `${prop}.allowedImages`, [], 'expected at least one image pattern: with none, only GKE system images would run; use LIBRARY_IMAGE_PATTERNS for the library\'s images');
    }
    this.patterns.forEach((p, i) => {
      if (typeof p !== 'string' || !PATTERN.test(p)) {
        reject(scope, `${prop}.allowedImages[${i}]`, p, 'expected an image pattern registry/path/image with an optional trailing "*", "**", ":<tag>", "@sha256:*" or "@sha256:<64 lowercase hex digits>", e.g. "docker.io/cockroachdb/cockroach@sha256:*"');
      }
    });
    if (new Set(this.patterns).size !== this.patterns.length) reject(scope, `${prop}.allowedImages`, this.patterns, 'expected each pattern once');
    const policy = new BinaryAuthorizationPolicy(scope, id, {
      project: d.projectId,
      description: `Images admitted to the GKE cluster ${d.gkeClusterName} (cdk-cockroachdb)`,
      globalPolicyEvaluationMode: 'ENABLE',
      admissionWhitelistPatterns: this.patterns.map((namePattern) => ({ namePattern })),
      defaultAdmissionRule: {
        evaluationMode: 'ALWAYS_DENY',
        enforcementMode: this.dryRun ? 'DRYRUN_AUDIT_LOG_ONLY' : 'ENFORCED_BLOCK_AND_AUDIT_LOG',
      },
    });
    policy.overrideLogicalId(terraformId('binauthz_policy', d.projectId));
    return policy;
  }
}
