import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { shortHash } from './hash';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './pod-security';

/** Everything a one-shot Job against the cluster needs. */
export interface ClusterJobSpec {
  /** Prefix of the Job's name; the name is `<baseName>-<hash of the spec>`. */
  readonly baseName: string;
  readonly namespace: string;
  readonly labels: { readonly [key: string]: string };
  readonly image: string;
  /** A bash script; it is the whole container command. */
  readonly script: string;
  readonly serviceAccountName: string;
  readonly ttlAfterFinished: Duration;
  readonly deadline: Duration;
  /** Pod retries on top of the script's own retries. */
  readonly backoffLimit: number;
  readonly resources: k8s.ResourceRequirements;
  readonly env?: k8s.EnvVar[];
  readonly volumes?: k8s.Volume[];
  readonly volumeMounts?: k8s.VolumeMount[];
}

/**
 * A Job whose name carries a digest of its spec.
 *
 * Jobs are immutable once created, so a fixed name would make `kubectl apply` fail as soon as anything
 * changes. With the digest, re-applying unchanged manifests is a no-op, a changed spec creates a new Job
 * that runs again, and `ttlSecondsAfterFinished` removes finished Jobs.
 */
export function renderClusterJob(scope: Construct, id: string, spec: ClusterJobSpec): k8s.KubeJob {
  const jobSpec: k8s.JobSpec = {
    backoffLimit: spec.backoffLimit,
    activeDeadlineSeconds: spec.deadline.toSeconds(),
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
          command: ['/bin/bash', '-c', spec.script],
          env: spec.env,
          resources: spec.resources,
          securityContext: restrictedContainerSecurityContext(),
          volumeMounts: spec.volumeMounts?.length ? spec.volumeMounts : undefined,
        }],
        volumes: spec.volumes?.length ? spec.volumes : undefined,
      },
    },
  };
  return new k8s.KubeJob(scope, id, {
    metadata: {
      name: `${spec.baseName}-${shortHash(jobSpec)}`,
      namespace: spec.namespace,
      labels: { ...spec.labels },
    },
    spec: jobSpec,
  });
}
