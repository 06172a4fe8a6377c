/**
 * The gated rollout, end to end on the real control plane: the StatefulSet controller re-creates each
 * pod the Job deletes, on the template the apply gave it; the Job's script runs with a real token of its
 * ServiceAccount against the real API server. Two parts are played by the test, as nothing here can run
 * them: the kubelet (no container runtime: this test marks the database pods Running and Ready) and
 * CockroachDB (its licence keeps the binary off the registries: a fake `cockroach` answers `node status`
 * from what the pods run, each node on the version of its pod's image, and the SQL the Job sends).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { ClusterSecurity, CockroachCluster, CockroachClusterProps, CockroachDbVersion } from '../../lib/k8s';
import { createFakeCockroach } from '../support/scripts';
import { apply, clusterEnv, createNamespace, getJson, kubectlRun, listJson, tempDir, waitUntil } from './support/kube';
import { digestJobPod, runContainer } from './support/pod-runner';
import { callsOf, rightsOf } from './support/rbac';
import { synthChart } from './support/synth';

const v = (tag: string) => CockroachDbVersion.of(tag);
const OLD = v('v25.4.3');
const NEW = v('v26.1.0');

function render(namespace: string, props: Partial<CockroachClusterProps>): string {
  return synthChart(namespace, (chart) => new CockroachCluster(chart, 'crdb', {
    security: ClusterSecurity.insecure(),
    init: { enabled: false },
    replicaGuard: false,
    resources: { cpu: { limit: Cpu.millis(500) }, memory: { limit: Size.gibibytes(1) } },
    storage: { size: Size.gibibytes(1) },
    ...props,
  }));
}

const databasePods = (ns: string): any[] => listJson('pods', ns, 'app.kubernetes.io/instance=crdb,app.kubernetes.io/component=database')
  .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
const isReady = (pod: any) => (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
const versions = (ns: string) => databasePods(ns).map((p) => `${p.metadata.name}=${p.metadata.labels['app.kubernetes.io/version']}`);

/**
 * The kubelet and CockroachDB, as far as the rollout can tell: every pod not `held` is marked Running and
 * Ready; `node status` lists a node per pod, on its pod's version, live unless `dead`.
 */
class PlayedCluster {
  public readonly statusFile: string;
  public held = new Set<string>();
  public dead = new Set<string>();
  private running = true;
  private readonly loop: Promise<void>;

  constructor(private readonly ns: string) {
    this.statusFile = path.join(tempDir('node-status'), 'status.tsv');
    fs.chmodSync(path.dirname(this.statusFile), 0o755);
    this.tick();
    this.loop = (async () => {
      while (this.running) {
        await new Promise((r) => setTimeout(r, 200));
        this.tick();
      }
    })();
  }

  public tick(): void {
    const pods = databasePods(this.ns);
    for (const pod of pods) {
      if (isReady(pod) || this.held.has(pod.metadata.name)) continue;
      kubectlRun(['-n', this.ns, 'patch', 'pod', pod.metadata.name, '--subresource=status', '--type=merge', '-p',
        JSON.stringify({ status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } })]);
    }
    const header = 'id\taddress\tsql_address\tbuild\tstarted_at\tupdated_at\tlocality\tis_available\tis_live\tgossiped_replicas\tis_decommissioning\tmembership\tis_draining';
    const rows = [0, 1, 2].map((i) => {
      const pod = pods.find((p) => p.metadata.name === `crdb-${i}`);
      // A node is up once its pod is Ready (held: never), and until the pod goes.
      const up = pod !== undefined && isReady(pod) && !this.dead.has(`crdb-${i}`) && !pod.metadata.deletionTimestamp;
      const build = pod?.metadata.labels['app.kubernetes.io/version'] ?? '';
      return `${i + 1}\tcrdb-${i}.crdb.${this.ns}.svc.cluster.local:26257\tx\t${build}\tt\tt\t\t${up}\t${up}\t10\tfalse\tactive\tfalse`;
    });
    fs.writeFileSync(`${this.statusFile}.tmp`, [header, ...rows].join('\n') + '\n', { mode: 0o644 });
    fs.renameSync(`${this.statusFile}.tmp`, this.statusFile);
  }

  public async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

/** A fake `cockroach`: node status from the played cluster, healthy ranges, the cluster version `version` (then `after` once reset). */
function fakeCockroach(played: PlayedCluster, version: string, after?: string) {
  return createFakeCockroach([
    { args: /^node status/, outputFile: played.statusFile },
    { args: /ranges\.underreplicated/, output: 'under\tunavailable\n0\t0\n' },
    ...(after ? [{ args: /SHOW CLUSTER SETTING version/, after: /RESET CLUSTER SETTING cluster\.preserve_downgrade_option/, output: `version\n${after}\n` }] : []),
    { args: /SHOW CLUSTER SETTING version/, output: `version\n${version}\n` },
  ]);
}
const sqlOf = (fake: ReturnType<typeof createFakeCockroach>) => fake.calls().filter((c) => c.args[0] === 'sql').map((c) => c.args[c.args.length - 1]);

/** The pods the rollout's ServiceAccount deleted since `since`, in order (kube-apiserver's audit log). */
function deletions(ns: string, since: Date): string[] {
  return fs.readFileSync(path.join(clusterEnv().dir, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    .filter((e) => e.user?.username === `system:serviceaccount:${ns}:crdb-rollout` && e.stage === 'ResponseComplete' && e.verb === 'delete'
      && new Date(e.requestReceivedTimestamp) >= since)
    .map((e) => `${e.objectRef.name} ${e.responseStatus.code}`);
}

const fast = { rewrite: (s: string) => s.replace(/sleep \d+/g, 'sleep 0.1') };
const annotation = (ns: string) => getJson('statefulset', 'crdb', ns).metadata.annotations?.['cockroachdb/rollout'];

describe('a major upgrade, a restart, a re-run after a stop, and the finalization', () => {
  const ns = createNamespace('rollout');
  let played: PlayedCluster;
  let rolloutPod: string;
  let upgradeDir: string;

  beforeAll(() => {
    played = new PlayedCluster(ns);
  });
  afterAll(() => played.stop());

  test(`${OLD.tag}: three pods, Ready`, async () => {
    apply([render(ns, { version: OLD })]);
    await waitUntil('three Ready pods', () => databasePods(ns).filter(isReady).length === 3);
    expect(versions(ns)).toEqual([`crdb-0=${OLD.tag}`, `crdb-1=${OLD.tag}`, `crdb-2=${OLD.tag}`]);
  });

  test('the new major version without a declared upgrade: refused by the API server (the version guard); a patch release passes', async () => {
    const plain = render(ns, { version: NEW });
    // The policy takes effect a moment after its creation: a server-side dry run until it refuses.
    const refused = await waitUntil('the version guard in force', () => {
      const r = kubectlRun(['apply', '--dry-run=server', '-f', plain]);
      return r.status !== 0 && r;
    });
    expect(refused.stderr).toContain(`moving crdb from ${OLD.tag} to ${NEW.tag} changes its major version without a declared upgrade: declare upgrade { from: CockroachDbVersion.of('${OLD.tag}') }`);
    expect(kubectlRun(['apply', '--dry-run=server', '-f', render(ns, { version: v('v25.4.5') })]).status).toBe(0);
    expect(versions(ns)).toEqual([`crdb-0=${OLD.tag}`, `crdb-1=${OLD.tag}`, `crdb-2=${OLD.tag}`]);
  });

  test('the upgrade applied: a new template, and no pod replaced by the StatefulSet itself', async () => {
    const uids = databasePods(ns).map((p) => p.metadata.uid);
    upgradeDir = render(ns, { version: NEW, upgrade: { from: OLD } });
    apply([upgradeDir]);
    const sts = await waitUntil('the new revision', () => {
      const s = getJson('statefulset', 'crdb', ns);
      return s.status.observedGeneration === s.metadata.generation && s.status.updateRevision !== s.status.currentRevision && s;
    });
    expect(sts.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    await new Promise((r) => setTimeout(r, 2000));
    expect(databasePods(ns).map((p) => p.metadata.uid)).toEqual(uids);
    expect(versions(ns)).toEqual([`crdb-0=${OLD.tag}`, `crdb-1=${OLD.tag}`, `crdb-2=${OLD.tag}`]);
  });

  test('the rollout Job: the downgrade kept possible, then crdb-2, crdb-1, crdb-0, each once the cluster is healthy', async () => {
    const since = new Date();
    rolloutPod = await digestJobPod(ns, upgradeDir, 'crdb-rollout-');
    const fake = fakeCockroach(played, '25.4');
    const r = await runContainer(ns, rolloutPod, 'run', { cockroach: fake.path, ...fast });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(deletions(ns, since)).toEqual(['crdb-2 200', 'crdb-1 200', 'crdb-0 200']);
    expect(versions(ns)).toEqual([`crdb-0=${NEW.tag}`, `crdb-1=${NEW.tag}`, `crdb-2=${NEW.tag}`]);
    expect(sqlOf(fake).filter((s) => !s.startsWith('SELECT'))).toEqual([
      'SHOW CLUSTER SETTING version', "SET CLUSTER SETTING cluster.preserve_downgrade_option = '25.4'",
    ]);
    // A health gate before each pod and one at the end, each of two readings.
    expect(sqlOf(fake).filter((s) => s.includes('ranges.underreplicated'))).toHaveLength(8);
    expect(r.stdout).toContain('replacing crdb-2 (0 of 3 done): v25.4.3 to v26.1.0');
    expect(r.stdout).toContain('replacing crdb-0 (2 of 3 done): v25.4.3 to v26.1.0');
    expect(annotation(ns)).toBe('rolled out: every node runs v26.1.0; finalize with upgrade.finalize once it is validated (until then, a rollback to v25.4.3 is possible)');
    // Its ServiceAccount used every right it has, and no other.
    expect(callsOf(ns, 'crdb-rollout', since)).toEqual(rightsOf(ns, 'crdb-rollout'));
    expect(rightsOf(ns, 'crdb-rollout')).toEqual([
      'delete pods/crdb-0', 'delete pods/crdb-1', 'delete pods/crdb-2', 'get pods/crdb-0', 'get pods/crdb-1', 'get pods/crdb-2',
      'get statefulsets.apps/crdb', 'patch statefulsets.apps/crdb',
    ]);
  });

  test('the same manifests applied again, and the Job run again: no pod replaced twice', async () => {
    const since = new Date();
    apply([render(ns, { version: NEW, upgrade: { from: OLD } })]);
    const fake = fakeCockroach(played, '25.4');
    const r = await runContainer(ns, rolloutPod, 'run', { cockroach: fake.path, ...fast });
    expect(r.status).toBe(0);
    expect(deletions(ns, since)).toEqual([]);
    for (const pod of ['crdb-2', 'crdb-1', 'crdb-0']) expect(r.stdout).toContain(`${pod} already runs the new template`);
  });

  test('a restart with a node down: stopped before any pod is replaced, and the StatefulSet says why', async () => {
    played.dead.add('crdb-0');
    const since = new Date();
    const dir = render(ns, { version: NEW, upgrade: { from: OLD }, restartToken: 'ca-swap-1' });
    apply([dir]);
    const pod = await digestJobPod(ns, dir, 'crdb-rollout-');
    expect(pod).not.toBe(rolloutPod);
    rolloutPod = pod;
    const r = await runContainer(ns, pod, 'run', { cockroach: fakeCockroach(played, '25.4').path, ...fast });
    const why = `before replacing crdb-2: node(s) not live: crdb-0.crdb.${ns}.svc.cluster.local:26257`;
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`stopped: ${why}\n`);
    expect(annotation(ns)).toBe(`stopped: ${why}`);
    expect(deletions(ns, since)).toEqual([]);
  });

  test('a pod that does not come back Ready stops the rollout; the re-run goes on from there', async () => {
    played.dead.clear();
    played.held.add('crdb-1');
    const since = new Date();
    // The pod is gone once the Job deletes it: the held one comes back, never Ready.
    const first = await runContainer(ns, rolloutPod, 'run', { cockroach: fakeCockroach(played, '25.4').path, ...fast });
    expect(first.status).toBe(1);
    expect(first.stderr).toBe('stopped: crdb-1 is not Ready, after 900 seconds\n');
    expect(deletions(ns, since)).toEqual(['crdb-2 200', 'crdb-1 200']);
    played.held.clear();
    const again = new Date();
    const second = await runContainer(ns, rolloutPod, 'run', { cockroach: fakeCockroach(played, '25.4').path, ...fast });
    expect(second.stderr).toBe('');
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('crdb-2 already runs the new template');
    expect(second.stdout).toContain('crdb-1 already runs the new template');
    expect(deletions(ns, again)).toEqual(['crdb-0 200']);
    expect(databasePods(ns).map((p) => p.metadata.annotations?.['cockroachdb/restart-token'])).toEqual(['ca-swap-1', 'ca-swap-1', 'ca-swap-1']);
  });

  test('finalization: every node on the new version, the downgrade option reset, the cluster version reached', async () => {
    const since = new Date();
    const dir = render(ns, { version: NEW, upgrade: { from: OLD, finalize: true }, restartToken: 'ca-swap-1' });
    apply([dir]);
    const pod = await digestJobPod(ns, dir, 'crdb-finalize-');
    const fake = fakeCockroach(played, '25.4', '26.1');
    const r = await runContainer(ns, pod, 'run', { cockroach: fake.path, ...fast });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const statements = sqlOf(fake).filter((s) => !s.includes('ranges.underreplicated'));
    expect(statements).toEqual([
      'SHOW CLUSTER SETTING version', 'RESET CLUSTER SETTING cluster.preserve_downgrade_option', 'SHOW CLUSTER SETTING version',
    ]);
    expect(annotation(ns)).toBe('finalized: the cluster version is 26.1');
    expect(deletions(ns, since)).toEqual([]);
    expect(callsOf(ns, 'crdb-rollout', since)).toEqual(['get statefulsets.apps/crdb', 'patch statefulsets.apps/crdb']);
  });
});

describe('a rollback before finalization, one refused after it, and a superseded Job', () => {
  const ns = createNamespace('rollback');
  let played: PlayedCluster;
  let upgradePod: string;
  let rollback: string;

  beforeAll(async () => {
    played = new PlayedCluster(ns);
    apply([render(ns, { version: OLD })]);
    await waitUntil('three Ready pods', () => databasePods(ns).filter(isReady).length === 3);
    const upgrade = render(ns, { version: NEW, upgrade: { from: OLD } });
    apply([upgrade]);
    upgradePod = await digestJobPod(ns, upgrade, 'crdb-rollout-');
    const r = await runContainer(ns, upgradePod, 'run', { cockroach: fakeCockroach(played, '25.4').path, ...fast });
    expect(r.status).toBe(0);
    rollback = render(ns, { version: OLD, upgrade: { from: NEW } });
    apply([rollback]);
  });
  afterAll(() => played.stop());

  test('after finalization the rollback Job refuses, and replaces nothing', async () => {
    const since = new Date();
    const pod = await digestJobPod(ns, rollback, 'crdb-rollout-');
    const r = await runContainer(ns, pod, 'run', { cockroach: fakeCockroach(played, '26.1').path, ...fast });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('stopped: the cluster version is 26.1: the upgrade to 26.1 is finalized or finalizing, and cannot be rolled back then; nothing replaced\n');
    expect(deletions(ns, since)).toEqual([]);
    expect(versions(ns)).toEqual([`crdb-0=${NEW.tag}`, `crdb-1=${NEW.tag}`, `crdb-2=${NEW.tag}`]);
  });

  test('the upgrade\'s Job, run again once the rollback is applied, refuses: its template is no longer the StatefulSet\'s', async () => {
    const since = new Date();
    const r = await runContainer(ns, upgradePod, 'run', { cockroach: fakeCockroach(played, '25.4').path, ...fast });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('stopped: StatefulSet crdb has a template for v25.4.3, not v26.1.0: nothing replaced (a later apply replaced this rollout, or its manifests are not applied yet)\n');
    expect(deletions(ns, since)).toEqual([]);
  });

  test('before finalization it rolls every pod back to the version it came from, in the same order', async () => {
    const since = new Date();
    const pod = await digestJobPod(ns, rollback, 'crdb-rollout-');
    const fake = fakeCockroach(played, '25.4');
    const r = await runContainer(ns, pod, 'run', { cockroach: fake.path, ...fast });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(deletions(ns, since)).toEqual(['crdb-2 200', 'crdb-1 200', 'crdb-0 200']);
    expect(versions(ns)).toEqual([`crdb-0=${OLD.tag}`, `crdb-1=${OLD.tag}`, `crdb-2=${OLD.tag}`]);
    expect(sqlOf(fake).filter((s) => !s.startsWith('SELECT'))).toEqual(['SHOW CLUSTER SETTING version']);
    expect(annotation(ns)).toBe('rolled out: every node runs v25.4.3');
  });
});
