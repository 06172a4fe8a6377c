/**
 * Two versions of the SQL Job side by side, as happens when a changed declaration is applied without
 * pruning the older Job: on the real API server, each copy run with a real token of its ServiceAccount
 * (the fake is `cockroach` only: see support/pod-runner.ts). The Lease must keep them from acting at
 * once, and the newest must act last.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { ClusterSecurity, CockroachCluster } from '../../lib/k8s';
import { createFakeCockroach, FakeCall, FakeCockroach } from '../support/scripts';
import { apply, createNamespace, getJson, kubectl, kubectlRun, listJson, tempDir, waitUntil } from './support/kube';
import { jobPods, runContainer, startContainer } from './support/pod-runner';
import { callsOf, rightsOf } from './support/rbac';
import { synthChart } from './support/synth';

const ns = createNamespace('sql');

/** Version 1 declares two databases; version 2 another set (so its Job has another name). */
function render(version: number, build?: (cluster: CockroachCluster, chart: Chart) => void): string {
  return synthChart(ns, (chart) => {
    const crdb = new CockroachCluster(chart, 'crdb', { security: ClusterSecurity.insecure(), init: { enabled: false } });
    crdb.addDatabase('shop');
    if (version === 1) crdb.addDatabase('legacy');
    if (version === 2) {
      crdb.addDatabase('orders');
      crdb.addDatabase('invoices');
    }
    build?.(crdb, chart);
  });
}

const sqlJobs = () => listJson('jobs', ns, 'app.kubernetes.io/component=sql').map((j) => j.metadata.name);
const podOf = (job: string) => waitUntil(`the pod of ${job}`, () => jobPods(ns, job)[0]?.metadata.name);
const declared = () => getJson('lease', 'crdb-sql', ns).metadata.annotations['cockroachdb/sql-job'];
/** Statements (not the wait for SQL), as [job, started, ended]. */
const statements = (fake: FakeCockroach): FakeCall[] => fake.calls().filter((c) => !/^SELECT 1;/.test(c.sql.trim()));
/** The runs go faster: polls every 0.2 s instead of 5 s (the waits they count stay the same). */
const fast = { rewrite: (s: string) => s.replace(/sleep 5\b/g, 'sleep 0.2') };

describe('the SQL Job against an older or newer copy of itself', () => {
  let job1: string;
  let job2: string;

  test('each apply names the declared Job in the Lease, before the Job exists', () => {
    apply([render(1)]);
    [job1] = sqlJobs();
    expect(declared()).toBe(job1);
    apply([render(2)]);
    job2 = sqlJobs().find((j) => j !== job1)!;
    expect(job2).toMatch(/^crdb-sql-[0-9a-f]{10}$/);
    expect(declared()).toBe(job2);
    // The older Job is still there: nothing pruned it.
    expect(sqlJobs().sort()).toEqual([job1, job2].sort());
  });

  test('an older copy that starts after the newer one was applied stops without acting', async () => {
    const fake = createFakeCockroach([]);
    const r = await runContainer(ns, await podOf(job1), 'run', { cockroach: fake.path, ...fast });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`superseded: the manifests now declare SQL Job ${job2}; this Job (${job1}) stops without acting`);
    expect(statements(fake)).toEqual([]);
  });

  test('an older copy running when the newer one is applied stops at its next statement; the newer waits for it, then acts', async () => {
    // Back to version 1 for the start: the Lease names job1 again.
    apply([render(1)]);
    expect(declared()).toBe(job1);
    // The older copy's first statement is held until the newer one is applied and waiting.
    const gateDir = tempDir('gate');
    fs.chmodSync(gateDir, 0o755);
    const gate = path.join(gateDir, 'open');
    const fake = createFakeCockroach([{ match: /CREATE DATABASE IF NOT EXISTS "shop"/, gate }]);
    const olderPod = await podOf(job1);
    const older = startContainer(ns, olderPod, 'run', { cockroach: fake.path, ...fast });
    await waitUntil('the older copy inside its first statement', () => statements(fake).length === 1, 60);
    apply([render(2)]);
    expect(declared()).toBe(job2);
    const newer = startContainer(ns, await podOf(job2), 'run', { cockroach: fake.path, ...fast });
    await waitUntil('the newer copy waiting for the Lease', () => newer.stdout().includes(`waiting for ${olderPod} to finish (it holds the Lease)`), 60);
    expect(statements(fake).filter((c) => c.job === job2)).toEqual([]);
    fs.writeFileSync(gate, '');
    const [r1, r2] = await Promise.all([older.done, newer.done]);

    expect(r1.status).toBe(0);
    expect(r1.stdout).toContain(`superseded: the manifests now declare SQL Job ${job2}`);
    expect(r2.status).toBe(0);
    expect(r2.stdout).toContain('done');

    const calls = statements(fake);
    const first = calls.filter((c) => c.job === job1);
    const second = calls.filter((c) => c.job === job2);
    // The older copy applied its first statement only; the newer applied all of its own, after it.
    expect(first.map((c) => c.sql.trim())).toEqual(['CREATE DATABASE IF NOT EXISTS "shop";']);
    expect(second.map((c) => c.sql.trim())).toEqual(['CREATE DATABASE IF NOT EXISTS "shop";', 'CREATE DATABASE IF NOT EXISTS "orders";', 'CREATE DATABASE IF NOT EXISTS "invoices";']);
    expect(Math.min(...second.map((c) => c.started))).toBeGreaterThan(Math.max(...first.map((c) => c.ended)));
    // Let go at the end.
    expect(getJson('lease', 'crdb-sql', ns).spec.holderIdentity).toBeUndefined();
  });

  test('a failing statement fails the Job, and the Lease is let go', async () => {
    const fake = createFakeCockroach([{ match: /"orders"/, status: 1, output: 'ERROR: boom' }]);
    const r = await runContainer(ns, await podOf(job2), 'run', { cockroach: fake.path, ...fast });
    expect(r.status).toBe(1);
    expect(statements(fake).map((c) => c.sql.trim())).toEqual(['CREATE DATABASE IF NOT EXISTS "shop";', 'CREATE DATABASE IF NOT EXISTS "orders";']);
    expect(getJson('lease', 'crdb-sql', ns).spec.holderIdentity).toBeUndefined();
  });

  test('a pod stopped (SIGTERM) lets the Lease go', async () => {
    const gateDir = tempDir('gate');
    fs.chmodSync(gateDir, 0o755);
    const fake = createFakeCockroach([{ match: /"orders"/, gate: path.join(gateDir, 'never') }]);
    const running = startContainer(ns, await podOf(job2), 'run', { cockroach: fake.path, ...fast });
    await waitUntil('inside the second statement', () => statements(fake).length === 2, 60);
    expect(getJson('lease', 'crdb-sql', ns).spec.holderIdentity).toBe(await podOf(job2));
    running.terminate();
    fs.writeFileSync(path.join(gateDir, 'never'), '');
    const r = await running.done;
    expect(r.status).toBe(143);
    expect(getJson('lease', 'crdb-sql', ns).spec.holderIdentity).toBeUndefined();
  });

  test('a holder that stopped renewing (its pod was killed) keeps the Lease for its duration on the waiter\'s clock, then loses it', async () => {
    // Another pod holds it and never renews; its renewTime (its clock) is not what counts.
    const ancient = '2020-01-01T00:00:00.000000Z';
    kubectl(['-n', ns, 'patch', 'lease', 'crdb-sql', '--type=merge', '-p', JSON.stringify({ spec: { holderIdentity: 'crdb-sql-0000000000-dead0', renewTime: ancient } })]);
    const blocked = createFakeCockroach([]);
    const waiting = startContainer(ns, await podOf(job2), 'run', { cockroach: blocked.path, ...fast });
    await waitUntil('the Job waiting', () => waiting.stdout().includes('waiting for crdb-sql-0000000000-dead0 to finish (it holds the Lease)'), 60);
    await new Promise((r) => setTimeout(r, 3000));
    expect(statements(blocked)).toEqual([]);
    waiting.kill();
    await waiting.done;

    // The same, with the Lease's 300 s counted as 3 (a test-time shortcut of the one constant): taken over.
    const fake = createFakeCockroach([]);
    const r = await runContainer(ns, await podOf(job2), 'run', { cockroach: fake.path, rewrite: (x) => fast.rewrite(x).replace('-ge 300 ]', '-ge 3 ]') });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('waiting for crdb-sql-0000000000-dead0 to finish (it holds the Lease)');
    expect(statements(fake)).toHaveLength(3);
  });

  test('its ServiceAccount may read and renew this one Lease, nothing else', () => {
    const can = (verb: string, what: string) => kubectlRun(['auth', 'can-i', verb, what, '-n', ns, `--as=system:serviceaccount:${ns}:crdb-sql`]).stdout.trim();
    expect(can('get', 'leases/crdb-sql')).toBe('yes');
    expect(can('patch', 'leases/crdb-sql')).toBe('yes');
    expect(can('update', 'leases/crdb-sql')).toBe('no');
    expect(can('get', 'leases/other')).toBe('no');
    expect(can('get', 'secrets')).toBe('no');
    // And exactly what its script called, from the API server's audit log.
    expect(rightsOf(ns, 'crdb-sql')).toEqual(callsOf(ns, 'crdb-sql'));
  });
});

afterAll(() => {
  kubectl(['delete', 'namespace', ns, '--wait=false']);
});
