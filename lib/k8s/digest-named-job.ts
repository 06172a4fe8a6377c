import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { shortHash } from './private/hash';

/**
 * A Job whose name carries a digest of its resolved spec, computed at synth time (so statements added
 * after construction count). The Jobs of this library (init, SQL, backup inspection, books load,
 * workloads, scale-down) are all of this kind; their constructs expose it as `job`.
 *
 * Jobs are immutable once created, so a fixed name would make `kubectl apply` fail as soon as anything
 * changes. With the digest, re-applying unchanged manifests is a no-op, and a changed spec creates a new
 * Job that runs again. Finished Jobs are kept (no `ttlSecondsAfterFinished` unless asked for), so the
 * no-op holds however long after; `kubectl apply --prune` removes the Jobs an older synth declared.
 *
 * @example
 * // In a pipeline, after `kubectl apply`:
 * // kubectl -n db wait --for=condition=complete --timeout=10m job/<cluster.sqlProvisioner.job.jobName>
 */
export class DigestNamedJob extends k8s.KubeJob {
  /**
   * @param baseName the name's prefix; the name is `<baseName>-<10 hex digits of the spec's digest>`.
   * @param props the Job, as for `KubeJob`; `metadata.name` is replaced by the digest name at synth.
   */
  constructor(scope: Construct, id: string, private readonly baseName: string, props: k8s.KubeJobProps) {
    super(scope, id, props);
  }

  /** The Job's final name, `<baseName>-<digest>` (known once every statement has been added). */
  public get jobName(): string {
    return this.toJson().metadata.name;
  }

  // KubeJob declares toJson(): any; the name is patched into the resolved object.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public toJson(): any {
    const json = super.toJson();
    json.metadata.name = `${this.baseName}-${shortHash(json.spec)}`;
    return json;
  }
}
