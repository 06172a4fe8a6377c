import { Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { checkInteger } from '../shared/validate';
import type { IDataWriteTarget } from './cluster-ref';
import { DigestNamedJob } from './digest-named-job';
import { renderClusterJob } from './private/job';
import { helperResources } from './private/pod-security';
import { restoreRecordedQuery } from './private/restore-marker';
import { durationSeconds } from './private/units';

/**
 * One of CockroachDB's built-in workloads (`cockroach workload`), which create their own database and
 * generate a known load.
 *
 * @see https://www.cockroachlabs.com/docs/stable/cockroach-workload
 */
export class BuiltinWorkload {
  /** Key-value reads and writes (`kv`). @param readPercent share of reads, 0 to 100. @default 95 */
  public static kv(readPercent = 95): BuiltinWorkload {
    return new BuiltinWorkload('kv', [], [`--read-percent=${readPercent}`], { readPercent: [readPercent, 0, 100] });
  }

  /** Money transfers between accounts (`bank`). @param rows accounts. @default 1000 */
  public static bank(rows = 1000): BuiltinWorkload {
    return new BuiltinWorkload('bank', [`--rows=${rows}`], [`--rows=${rows}`], { rows: [rows, 1, 10_000_000] });
  }

  /** A ride-sharing application (`movr`). */
  public static movr(): BuiltinWorkload {
    return new BuiltinWorkload('movr', [], [], {});
  }

  /** TPC-C (`tpcc`) with this many warehouses (about 100 MB of data each). */
  public static tpcc(warehouses: number): BuiltinWorkload {
    return new BuiltinWorkload('tpcc', [`--warehouses=${warehouses}`], [`--warehouses=${warehouses}`], { warehouses: [warehouses, 1, 10_000] });
  }

  private constructor(
    /** The workload's name. */
    public readonly name: string,
    /** Flags of `workload init`. */
    public readonly initFlags: string[],
    /** Flags of `workload run`. */
    public readonly runFlags: string[],
    /** @internal */
    public readonly _checks: { [prop: string]: [number, number, number] },
  ) {}
}

/** Options of {@link CockroachCluster.addWorkload}. */
export interface WorkloadRunOptions {
  /**
   * How long `workload run` runs.
   * @default Duration.minutes(10)
   */
  readonly duration?: Duration;
  /**
   * Concurrent workers.
   * @default 8
   */
  readonly concurrency?: number;
  /**
   * Operations per second, 0 for no limit.
   * @default 0
   */
  readonly maxRate?: number;
}

/** Properties of {@link WorkloadJob}. */
export interface WorkloadJobProps extends WorkloadRunOptions {
  /** The cluster to run the workload against. */
  readonly cluster: IDataWriteTarget;
  /** Which built-in workload, e.g. `BuiltinWorkload.kv()`. */
  readonly workload: BuiltinWorkload;
}

/**
 * A Job that runs `cockroach workload init <w>` then `cockroach workload run <w>` against the public
 * Service, as `root` (with the root client certificate when TLS is on).
 */
export class WorkloadJob extends Construct {
  /** The Job (escape hatch). */
  public readonly job: DigestNamedJob;

  constructor(scope: Construct, id: string, props: WorkloadJobProps) {
    super(scope, id);
    const { cluster, workload } = props;
    const duration = props.duration ?? Duration.minutes(10);
    const concurrency = props.concurrency ?? 8;
    const maxRate = props.maxRate ?? 0;
    for (const [prop, [value, min, max]] of Object.entries(workload._checks)) {
      checkInteger(cluster, `addWorkload(${workload.name}.${prop})`, value, min, max);
    }
    checkInteger(cluster, 'addWorkload(duration) (seconds)', durationSeconds(duration), 10, 7 * 86400);
    checkInteger(cluster, 'addWorkload(concurrency)', concurrency, 1, 1024);
    checkInteger(cluster, 'addWorkload(maxRate)', maxRate, 0, 10_000_000);

    const connection = cluster._clientConnection();
    const url = cluster._rootConnectionUrl();
    const seconds = durationSeconds(duration);
    const script = (): string => [
      'set -uo pipefail',
      `url='${url}'`,
      'echo "waiting for the cluster to accept SQL"',
      'for attempt in $(seq 1 60); do',
      "  if /cockroach/cockroach sql --url \"$url\" -e 'SELECT 1' >/dev/null 2>&1; then break; fi",
      '  if [ "$attempt" -eq 60 ]; then echo "the cluster did not accept SQL after 60 attempts" >&2; exit 1; fi',
      '  sleep 5',
      'done',
      ...waitForRestore(cluster._fullRestore()?.id),
      // init creates the workload's database and tables; when they exist (a re-run), it fails and the run proceeds.
      `/cockroach/cockroach workload init ${[workload.name, ...workload.initFlags].join(' ')} "$url" || echo "init did not complete (tables may already exist); running anyway"`,
      `exec /cockroach/cockroach workload run ${[workload.name, `--duration=${seconds}s`, `--concurrency=${concurrency}`, `--max-rate=${maxRate}`, ...workload.runFlags].join(' ')} "$url"`,
    ].join('\n');

    this.job = renderClusterJob(this, 'Resource', {
      baseName: `${cluster.name}-workload-${workload.name}`,
      namespace: cluster.namespace,
      labels: cluster._jobLabels(`workload-${workload.name}`),
      image: cluster.image,
      // Read at synth time: a full-cluster restore declared after addWorkload() counts.
      script: Lazy.any({ produce: script }) as unknown as string,
      env: connection.env,
      serviceAccountName: cluster.clientServiceAccountName,
      deadlineSeconds: Lazy.any({ produce: () => seconds + 3600 + (cluster._fullRestore()?.timeoutSeconds ?? 0) }) as unknown as number,
      backoffLimit: 2,
      resources: helperResources('500m', '512Mi', '1Gi'),
      volumes: connection.volumes,
      volumeMounts: connection.volumeMounts,
    });
  }
}

/** Bash that waits until the SQL Job has recorded the full-cluster restore `id` (nothing when none). */
function waitForRestore(id: string | undefined): string[] {
  if (id === undefined) return [];
  return [
    `echo "waiting for the full-cluster restore ${id} to be recorded: a restore needs an empty cluster"`,
    `until [ "$(/cockroach/cockroach sql --url "$url" --format=tsv -e "${restoreRecordedQuery(id)}" 2>/dev/null | tail -n 1)" = 1 ]; do`,
    '  sleep 10',
    'done',
  ];
}
