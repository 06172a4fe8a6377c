import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration } from 'cdk8s';
import { ClusterSecurity, CockroachCluster, CockroachClusterProps, CockroachDbVersion } from '../../lib/k8s';
import { Manifest, newChart, only, synth, validateAgainstSchemas } from '../support/manifests';

function initJob(props: Partial<CockroachClusterProps> = {}): { job: Manifest; cluster: CockroachCluster } {
  const chart = newChart();
  const cluster = new CockroachCluster(chart, 'crdb', { security: ClusterSecurity.insecure(), ...props });
  return { job: only(synth(chart), 'Job'), cluster };
}

describe('the init Job', () => {
  test('targets pod 0 through its stable DNS name, with bounded retries, kept until pruned (no TTL)', () => {
    const { job, cluster } = initJob();
    validateAgainstSchemas([job]);
    expect(job.metadata.name).toMatch(/^crdb-init-[0-9a-f]{10}$/);
    // No TTL: a later apply of the same manifests finds the Job and changes nothing.
    expect(job.spec).not.toHaveProperty('ttlSecondsAfterFinished');
    expect(job.spec.activeDeadlineSeconds).toBe(600);
    expect(job.spec.backoffLimit).toBe(3);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    const script: string = job.spec.template.spec.containers[0].command[2];
    expect(script).toContain('/cockroach/cockroach init --insecure --host=crdb-0.crdb.db.svc.cluster.local:26257');
    expect(script).toContain(`seq 1 ${cluster.initJob!.attempts}`);
    expect(cluster.initJob!.attempts).toBe(100);
    // Its pods are never selected by the StatefulSet, the Services or the PDB.
    expect(job.spec.template.metadata.labels['app.kubernetes.io/component']).toBe('init');
  });

  test('re-synthesizing the same input keeps the name; a changed Job gets a new one', () => {
    const a = initJob().job.metadata.name;
    expect(initJob().job.metadata.name).toBe(a);
    expect(initJob({ version: CockroachDbVersion.of('v25.4.3') }).job.metadata.name).not.toBe(a);
    expect(initJob({ init: { timeout: Duration.minutes(20) } }).job.metadata.name).not.toBe(a);
    // A replica count change does not touch the Job: nothing to run again.
    expect(initJob({ replicas: 5 }).job.metadata.name).toBe(a);
  });

  test('ttl and timeout are configurable', () => {
    const { job, cluster } = initJob({ init: { ttlAfterFinished: Duration.minutes(5), timeout: Duration.minutes(2) } });
    expect(job.spec.ttlSecondsAfterFinished).toBe(300);
    expect(job.spec.activeDeadlineSeconds).toBe(120);
    expect(cluster.initJob!.attempts).toBe(20);
  });
});

/**
 * Runs the Job's real script with bash, `cockroach` replaced by a fake that answers as CockroachDB does.
 * `answers` is one line per call: "<exit code> <output>"; the last line repeats.
 */
function runScript(answers: string[], timeout = Duration.minutes(1)) {
  const { job } = initJob({ init: { timeout } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crdb-init-'));
  const fake = path.join(dir, 'cockroach');
  fs.writeFileSync(path.join(dir, 'answers'), answers.join('\n') + '\n');
  fs.writeFileSync(fake, [
    '#!/bin/bash',
    `echo "$*" >> ${dir}/calls`,
    `n=$(wc -l < ${dir}/calls)`,
    `total=$(wc -l < ${dir}/answers)`,
    'if [ "$n" -gt "$total" ]; then n=$total; fi',
    `line=$(sed -n "\${n}p" ${dir}/answers)`,
    'echo "${line#* }"',
    'exit "${line%% *}"',
  ].join('\n'), { mode: 0o755 });
  const script = (job.spec.template.spec.containers[0].command[2] as string)
    .replace('/cockroach/cockroach', fake)
    .replace(/sleep \d+/, 'sleep 0');
  const result = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  const calls = fs.readFileSync(path.join(dir, 'calls'), 'utf8').trim().split('\n');
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
}

describe('the init script (run with bash against a fake cockroach)', () => {
  beforeAll(() => {
    execFileSync('bash', ['-c', 'command -v timeout seq sed wc']);
  });

  test('a fresh cluster is initialized on the first attempt', () => {
    const r = runScript(['0 Cluster successfully initialized']);
    expect(r.status).toBe(0);
    expect(r.calls).toEqual(['init --insecure --host=crdb-0.crdb.db.svc.cluster.local:26257']);
    expect(r.stdout).toContain('cluster initialized');
  });

  test('retries while pod 0 is not reachable yet, then succeeds', () => {
    const r = runScript([
      '1 ERROR: failed to connect to the node: dial tcp: lookup crdb-0.crdb.db.svc.cluster.local: no such host',
      '1 ERROR: failed to connect to the node: connection refused',
      '0 Cluster successfully initialized',
    ]);
    expect(r.status).toBe(0);
    expect(r.calls).toHaveLength(3);
  });

  test('an already initialized cluster is a success, not a failure', () => {
    const r = runScript(['1 ERROR: cluster has already been initialized']);
    expect(r.status).toBe(0);
    expect(r.calls).toHaveLength(1);
    expect(r.stdout).toContain('already initialized');
  });

  test('gives up after a bounded number of attempts', () => {
    const r = runScript(['1 ERROR: connection refused'], Duration.minutes(1));
    expect(r.status).toBe(1);
    expect(r.calls).toHaveLength(10);
    expect(r.stderr).toContain('cluster not initialized after 10 attempts');
  });
});
