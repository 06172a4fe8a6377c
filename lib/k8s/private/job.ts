import { Duration } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { shortHash } from './hash';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './pod-security';

/** Everything a one-shot Job against the cluster needs. */
export interface ClusterJobSpec {
  /** Prefix of the Job's name; the name is `<baseName>-<digest of the spec>`. */
  readonly baseName: string;
  readonly namespace: string;
  readonly labels: { readonly [key: string]: string };
  readonly image: string;
  /** A bash script: the whole container command. May be lazy (resolved at synth). */
  readonly script?: string;
  /** A command instead of a bash script. */
  readonly command?: string[];
  readonly serviceAccountName: string;
  readonly ttlAfterFinished: Duration;
  /** `activeDeadlineSeconds`; may be lazy. */
  readonly deadlineSeconds: number;
  /** Pod retries on top of the script's own retries. */
  readonly backoffLimit: number;
  readonly resources: k8s.ResourceRequirements;
  readonly env?: k8s.EnvVar[];
  readonly volumes?: k8s.Volume[];
  readonly volumeMounts?: k8s.VolumeMount[];
}

/**
 * A Job whose name carries a digest of its resolved spec, computed at synth time (so statements added
 * after construction count).
 *
 * Jobs are immutable once created, so a fixed name would make `kubectl apply` fail as soon as anything
 * changes. With the digest, re-applying unchanged manifests is a no-op, a changed spec creates a new Job
 * that runs again, and `ttlSecondsAfterFinished` removes finished Jobs.
 */
export class DigestNamedJob extends k8s.KubeJob {
  constructor(scope: Construct, id: string, private readonly baseName: string, props: k8s.KubeJobProps) {
    super(scope, id, props);
  }

  /** The Job's final name, `<baseName>-<digest>`. */
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

export function renderClusterJob(scope: Construct, id: string, spec: ClusterJobSpec): DigestNamedJob {
  return new DigestNamedJob(scope, id, spec.baseName, {
    metadata: { name: spec.baseName, namespace: spec.namespace, labels: { ...spec.labels } },
    spec: {
      backoffLimit: spec.backoffLimit,
      activeDeadlineSeconds: spec.deadlineSeconds,
      ttlSecondsAfterFinished: spec.ttlAfterFinished.toSeconds(),
      template: {
        metadata: { labels: { ...spec.labels } },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: spec.serviceAccountName,
          automountServiceAccountToken: false,
          securityContext: restrictedPodSecurityContext(),
          containers: [{
            name: 'run',
            image: spec.image,
            imagePullPolicy: 'IfNotPresent',
            command: spec.command ?? ['/bin/bash', '-c', spec.script!],
            env: Array.isArray(spec.env) && spec.env.length === 0 ? undefined : spec.env,
            resources: spec.resources,
            securityContext: restrictedContainerSecurityContext(),
            volumeMounts: spec.volumeMounts?.length ? spec.volumeMounts : undefined,
          }],
          volumes: spec.volumes?.length ? spec.volumes : undefined,
        },
      },
    },
  });
}
