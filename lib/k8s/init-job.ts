import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { ISqlClientTarget } from './cluster-ref';
import { DigestNamedJob } from './digest-named-job';
import { renderClusterJob } from './private/job';
import { helperResources } from './private/pod-security';
import { durationSeconds } from './private/units';
import { checkInteger } from '../shared/validate';

/** Options of the Job that runs `cockroach init` once the pods are up. */
export interface InitJobOptions {
  /**
   * Create the init Job. Turn it off only when something else initializes the cluster.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Deletes the finished Job (and its pod and logs) after this long. The next `kubectl apply` of the same
   * manifests then creates it again, and it runs again (harmless: `cockroach init` on an initialized
   * cluster does nothing).
   * @default - kept until pruned: re-applying the same manifests, however much later, is a no-op
   */
  readonly ttlAfterFinished?: Duration;
  /**
   * How long the Job keeps trying before it fails (`activeDeadlineSeconds`). Pods need time to get
   * their volumes and start, so keep it generous.
   * @default Duration.minutes(10)
   */
  readonly timeout?: Duration;
}

/** What the init Job needs from its cluster (see {@link CockroachInitJob}). */
export interface IInitTarget extends ISqlClientTarget {
  /** The stable DNS name of pod `ordinal`: the Job initializes through the first pod. */
  podDnsName(ordinal: number): string;
}

/** Properties of {@link CockroachInitJob}. */
export interface CockroachInitJobProps extends InitJobOptions {
  /** The cluster to initialize. */
  readonly cluster: IInitTarget;
}

/** Seconds between two `cockroach init` attempts. */
const RETRY_INTERVAL_SECONDS = 5;
/** Upper bound of one attempt, so a hung connection cannot eat the whole deadline. */
const ATTEMPT_TIMEOUT_SECONDS = 30;

/**
 * A Job that initializes a new cluster with `cockroach init` against pod 0.
 *
 * It succeeds on a fresh cluster ("Cluster successfully initialized") and on one that is already
 * initialized, retries every few seconds while the pods start, and gives up after a bounded number of
 * attempts. Its name carries a digest of its spec, so re-applying the same manifests is a no-op and a
 * changed Job runs again.
 */
export class CockroachInitJob extends Construct {
  /** The Job (escape hatch). */
  public readonly job: DigestNamedJob;
  /** Number of `cockroach init` attempts before the Job fails. */
  public readonly attempts: number;

  constructor(scope: Construct, id: string, props: CockroachInitJobProps) {
    super(scope, id);
    const cluster = props.cluster;
    const timeout = props.timeout ?? Duration.minutes(10);
    const ttl = props.ttlAfterFinished;
    checkInteger(this, 'init.timeout (seconds)', durationSeconds(timeout), 60, 86400);
    if (ttl) checkInteger(this, 'init.ttlAfterFinished (seconds)', durationSeconds(ttl), 0, 30 * 86400);

    this.attempts = Math.max(1, Math.floor(timeout.toSeconds() / (RETRY_INTERVAL_SECONDS + 1)));
    const connection = cluster._clientConnection();
    const flags = [...connection.flags, `--host=${cluster.podDnsName(0)}:${cluster.sqlPort}`];

    this.job = renderClusterJob(this, 'Resource', {
      baseName: `${cluster.name}-init`,
      namespace: cluster.namespace,
      labels: cluster._jobLabels('init'),
      image: cluster.image,
      script: initScript(flags, this.attempts),
      serviceAccountName: cluster.clientServiceAccountName,
      ttlAfterFinished: ttl,
      deadlineSeconds: timeout.toSeconds(),
      backoffLimit: 3,
      resources: helperResources('100m', '128Mi'),
      volumes: connection.volumes,
      volumeMounts: connection.volumeMounts,
    });
  }
}

function initScript(flags: string[], attempts: number): string {
  return [
    'set -u',
    `for attempt in $(seq 1 ${attempts}); do`,
    `  output=$(timeout ${ATTEMPT_TIMEOUT_SECONDS} /cockroach/cockroach init ${flags.join(' ')} 2>&1)`,
    '  status=$?',
    '  echo "attempt ${attempt}: ${output}"',
    '  if [ "${status}" -eq 0 ]; then echo "cluster initialized"; exit 0; fi',
    '  case "${output}" in',
    '    *"cluster has already been initialized"*) echo "cluster already initialized: nothing to do"; exit 0 ;;',
    '  esac',
    `  sleep ${RETRY_INTERVAL_SECONDS}`,
    'done',
    `echo "cluster not initialized after ${attempts} attempts" >&2`,
    'exit 1',
  ].join('\n');
}
