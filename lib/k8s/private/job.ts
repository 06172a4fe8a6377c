import { Duration } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { DigestNamedJob } from '../digest-named-job';
import { withoutPruneLabels } from '../prune';
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
  /** Deletes the finished Job after this long; undefined keeps it until pruned (a re-apply is then a no-op). */
  readonly ttlAfterFinished?: Duration;
  /** `activeDeadlineSeconds`; may be lazy. */
  readonly deadlineSeconds: number;
  /** Pod retries on top of the script's own retries. */
  readonly backoffLimit: number;
  readonly resources: k8s.ResourceRequirements;
  readonly env?: k8s.EnvVar[];
  /** May be lazy (resolved at synth). */
  readonly volumes?: k8s.Volume[];
  /** May be lazy (resolved at synth). */
  readonly volumeMounts?: k8s.VolumeMount[];
}

/** An empty list is left out; a lazy one (not an array until synth) is kept as given. */
const nonEmpty = <T>(list: T[] | undefined): T[] | undefined => (Array.isArray(list) && list.length === 0 ? undefined : list);

export function renderClusterJob(scope: Construct, id: string, spec: ClusterJobSpec): DigestNamedJob {
  return new DigestNamedJob(scope, id, spec.baseName, {
    metadata: { name: spec.baseName, namespace: spec.namespace, labels: { ...spec.labels } },
    spec: {
      backoffLimit: spec.backoffLimit,
      activeDeadlineSeconds: spec.deadlineSeconds,
      ttlSecondsAfterFinished: spec.ttlAfterFinished?.toSeconds(),
      template: {
        // Not the prune labels: the pods belong to their Job and go with it. Selected by a prune, the
        // running pod of a current Job would be deleted (and retried) too.
        metadata: { labels: withoutPruneLabels(spec.labels) },
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
            volumeMounts: nonEmpty(spec.volumeMounts),
          }],
          volumes: nonEmpty(spec.volumes),
        },
      },
    },
  });
}
