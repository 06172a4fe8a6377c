import { Duration } from 'cdk8s';
import { BuiltinWorkload, ClusterSecurity, CockroachCluster } from '../../lib/k8s';
import { newChart, only, synth, validateAgainstSchemas } from '../support/manifests';
import { runWithFakeCockroach } from '../support/scripts';
import { configError } from '../support/errors';

const build = (workload: BuiltinWorkload, options = {}, security?: ClusterSecurity) => {
  const chart = newChart();
  const cluster = new CockroachCluster(chart, 'crdb', { security, init: { enabled: false } });
  cluster.addWorkload(workload, options);
  const objects = synth(chart);
  return { cluster, objects, job: only(objects, 'Job') };
};
const script = (job: any): string => job.spec.template.spec.containers[0].command[2];

describe('built-in workloads', () => {
  test.each([
    [BuiltinWorkload.kv(), 'init kv "$url"', 'run kv --duration=600s --concurrency=8 --max-rate=0 --read-percent=95 "$url"'],
    [BuiltinWorkload.bank(5000), 'init bank --rows=5000 "$url"', 'run bank --duration=600s --concurrency=8 --max-rate=0 --rows=5000 "$url"'],
    [BuiltinWorkload.movr(), 'init movr "$url"', 'run movr --duration=600s --concurrency=8 --max-rate=0 "$url"'],
    [BuiltinWorkload.tpcc(10), 'init tpcc --warehouses=10 "$url"', 'run tpcc --duration=600s --concurrency=8 --max-rate=0 --warehouses=10 "$url"'],
  ])('%o', (workload, init, run) => {
    const { job, objects } = build(workload);
    validateAgainstSchemas(objects);
    expect(job.metadata.name).toMatch(new RegExp(`^crdb-workload-${workload.name}-[0-9a-f]{10}$`));
    expect(script(job)).toContain(`/cockroach/cockroach workload ${init}`);
    expect(script(job)).toContain(`exec /cockroach/cockroach workload ${run}`);
  });

  test('duration, concurrency and max rate', () => {
    const { job } = build(BuiltinWorkload.kv(50), { duration: Duration.minutes(2), concurrency: 32, maxRate: 500 });
    expect(script(job)).toContain('workload run kv --duration=120s --concurrency=32 --max-rate=500 --read-percent=50 "$url"');
    expect(job.spec.activeDeadlineSeconds).toBe(120 + 3600);
  });

  test('TLS: the root client certificate in the URL; insecure: sslmode=disable', () => {
    const tls = build(BuiltinWorkload.kv());
    expect(script(tls.job)).toContain("url='postgresql://root@crdb-public.db.svc.cluster.local:26257/?sslmode=verify-full&sslrootcert=/cockroach/cockroach-certs/ca.crt&sslcert=/cockroach/cockroach-certs/client.root.crt&sslkey=/cockroach/cockroach-certs/client.root.key'");
    expect(tls.job.spec.template.spec.volumes[0].projected.sources[0].secret.name).toBe('crdb-client-root');
    const insecure = build(BuiltinWorkload.kv(), {}, ClusterSecurity.insecure());
    expect(script(insecure.job)).toContain("url='postgresql://root@crdb-public.db.svc.cluster.local:26257/?sslmode=disable'");
  });

  test('run with bash: waits for SQL, inits, then runs (and runs even when init finds existing tables)', () => {
    const { job } = build(BuiltinWorkload.bank());
    const r = runWithFakeCockroach(script(job), [{ match: /.*/ }]);
    expect(r.status).toBe(0);
    const url = 'postgresql://root@crdb-public.db.svc.cluster.local:26257/?sslmode=verify-full&sslrootcert=/cockroach/cockroach-certs/ca.crt&sslcert=/cockroach/cockroach-certs/client.root.crt&sslkey=/cockroach/cockroach-certs/client.root.key';
    expect(r.calls.map((c) => c.args)).toEqual([
      ['sql', '--url', url, '-e', 'SELECT 1'],
      ['workload', 'init', 'bank', '--rows=1000', url],
      ['workload', 'run', 'bank', '--duration=600s', '--concurrency=8', '--max-rate=0', '--rows=1000', url],
    ]);
    const rerun = runWithFakeCockroach(script(job), [{ args: /^workload init/, output: 'ERROR: relation "bank" already exists', status: 1 }]);
    expect(rerun.status).toBe(0);
    expect(rerun.calls.map((c) => c.args.slice(0, 2).join(' '))).toEqual(['sql --url', 'workload init', 'workload run']);
    expect(rerun.stdout).toContain('running anyway');
  });

  /** [workload, options, the prop named in the error, the received value as the message shows it] */
  test.each([
    [() => BuiltinWorkload.tpcc(0), {}, 'addWorkload(tpcc.warehouses)', '0'],
    [() => BuiltinWorkload.kv(101), {}, 'addWorkload(kv.readPercent)', '101'],
    [() => BuiltinWorkload.bank(0), {}, 'addWorkload(bank.rows)', '0'],
    [() => BuiltinWorkload.kv(), { concurrency: 0 }, 'addWorkload(concurrency)', '0'],
    [() => BuiltinWorkload.kv(), { maxRate: -5 }, 'addWorkload(maxRate)', '-5'],
    [() => BuiltinWorkload.kv(), { duration: Duration.seconds(5) }, 'addWorkload(duration) (seconds)', '5'],
    // Not a BuiltinWorkload: a name, or a look-alike object (an arbitrary command must not reach the Job).
    [() => 'kv' as unknown as BuiltinWorkload, {}, 'addWorkload(workload)', '"kv"'],
    [() => ({ name: 'kv', initFlags: [], runFlags: ['; id'], _checks: {} }) as unknown as BuiltinWorkload, {}, 'addWorkload(workload)', '{"name":"kv"'],
  ])('bad input %#', (workload, options, prop, received) => {
    const error = configError(() => build(workload(), options));
    expect(error.prop).toBe(prop);
    expect(error.message).toContain(`${prop}: received ${received}`);
    expect(error.message).toMatch(/; expected /);
  });

  test('the same workload twice', () => {
    const cluster = new CockroachCluster(newChart(), 'crdb');
    cluster.addWorkload(BuiltinWorkload.kv());
    expect(() => cluster.addWorkload(BuiltinWorkload.kv(50))).toThrow(/expected each workload once per cluster/);
  });
});
