import { Duration } from 'cdk8s';
import { CockroachCluster, CockroachClusterProps, CockroachDbVersion, GatedRollout, RESTART_TOKEN_ANNOTATION, ROLLOUT_ANNOTATION } from '../../lib/k8s';
import { configError } from '../support/errors';
import { Manifest, newChart, only, synth, validateAgainstSchemas } from '../support/manifests';

// What the gated rollout renders. Its scripts talk to the Kubernetes API, so they run against the real
// API server of the harness (test/cluster/rollout.test.ts), not here.

const v = (tag: string) => CockroachDbVersion.of(tag);
const UPGRADE = { version: v('v26.1.0'), upgrade: { from: v('v25.4.3') } };

function build(props: Partial<CockroachClusterProps>) {
  const chart = newChart();
  const cluster = new CockroachCluster(chart, 'crdb', props);
  const objects = synth(chart);
  return { cluster, objects, sts: only(objects, 'StatefulSet') };
}
const jobs = (objects: Manifest[], prefix: string) => objects.filter((o) => o.kind === 'Job' && o.metadata.name.startsWith(`crdb-${prefix}-`));
const scriptOf = (job: Manifest): string => job.spec.template.spec.containers[0].command[2];

describe('without a declared upgrade or a restart token', () => {
  const { cluster, objects, sts } = build({});

  test('the StatefulSet rolls its own pods, and nothing of the rollout is rendered', () => {
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
    expect(sts.spec.template.metadata.annotations).toBeUndefined();
    expect(cluster.rollout).toBeUndefined();
    expect(objects.filter((o) => o.metadata.name.startsWith('crdb-rollout') || o.metadata.name.startsWith('crdb-finalize'))).toEqual([]);
  });
});

describe('a declared major upgrade', () => {
  const { cluster, objects, sts } = build({ ...UPGRADE, replicas: 3 });
  const [job] = jobs(objects, 'rollout');
  const script = scriptOf(job);

  test('every object passes the schema; the StatefulSet replaces no pod by itself', () => {
    validateAgainstSchemas(objects);
    expect(sts.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(sts.spec.template.spec.containers[0].image).toBe('cockroachdb/cockroach:v26.1.0');
    expect(cluster.rollout).toBeInstanceOf(GatedRollout);
    expect(cluster.rollout!.finalizeJob).toBeUndefined();
    expect(jobs(objects, 'finalize')).toEqual([]);
  });

  test('its ServiceAccount may read and annotate this StatefulSet, and read and delete its pods, by name only', () => {
    for (const kind of ['ServiceAccount', 'Role', 'RoleBinding']) expect(only(objects, kind, 'crdb-rollout').metadata.namespace).toBe('db');
    expect(only(objects, 'ServiceAccount', 'crdb-rollout').automountServiceAccountToken).toBe(false);
    expect(only(objects, 'Role', 'crdb-rollout').rules).toEqual([
      { apiGroups: ['apps'], resources: ['statefulsets'], resourceNames: ['crdb'], verbs: ['get', 'patch'] },
      { apiGroups: [''], resources: ['pods'], resourceNames: ['crdb-0', 'crdb-1', 'crdb-2'], verbs: ['get', 'delete'] },
    ]);
    expect(only(objects, 'RoleBinding', 'crdb-rollout')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'crdb-rollout' },
      subjects: [{ kind: 'ServiceAccount', name: 'crdb-rollout', namespace: 'db' }],
    });
  });

  test('the Job: its ServiceAccount and a token for it, the SQL connection, the deadline for three pods', () => {
    const pod = job.spec.template.spec;
    expect(job.metadata.labels['app.kubernetes.io/component']).toBe('rollout');
    expect(pod.serviceAccountName).toBe('crdb-rollout');
    expect(pod.containers[0].image).toBe('cockroachdb/cockroach:v26.1.0');
    expect(pod.containers[0].env[0]).toEqual({ name: 'COCKROACH_HOST', value: 'crdb-public.db.svc.cluster.local:26257' });
    expect(pod.volumes.map((x: { name: string }) => x.name)).toEqual(['certs', 'kube-api-access']);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'certs', mountPath: '/cockroach/cockroach-certs', readOnly: true },
      { name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
    ]);
    expect(job.spec.backoffLimit).toBe(2);
    // Per pod: 5 minutes of health gate and its second reading (15 s), the old pod's grace period (300 s)
    // and 10 minutes for the new one; then half an hour.
    expect(job.spec.activeDeadlineSeconds).toBe(3 * (5 * (60 + 180) + 15) + 1800);
    expect(script).toContain('  for attempt in $(seq 1 180); do');
    expect(script).toContain('fail "$problem, after 900 seconds"');
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
  });

  test('the script: the downgrade kept possible, then the pods from the highest ordinal, each with its node\'s address', () => {
    const lines = script.split('\n');
    expect(lines[0]).toMatch(/^# Rollout of template [0-9a-f]{10}: v25\.4\.3 to v26\.1\.0\.$/);
    expect(script).toContain('  25.4)\n    say "keeping the downgrade to 25.4 possible until the upgrade is finalized"\n'
      + '    sql "SET CLUSTER SETTING cluster.preserve_downgrade_option = \'25.4\'" > /dev/null');
    expect(script).toContain('  26.1) echo "the cluster version is already 26.1: the upgrade was finalized" ;;');
    expect(script).toContain('  25.4-upgrading-*|26.1-upgrading-*) fail "the cluster version is $version: a finalization is under way; nothing replaced" ;;');
    expect(script).toContain('  *) fail "the cluster version is $version, neither 25.4 (upgrade.from) nor 26.1: nothing replaced" ;;');
    expect(lines.filter((l) => l.startsWith('roll '))).toEqual([
      'roll 2 crdb-2.crdb.db.svc.cluster.local:26257',
      'roll 1 crdb-1.crdb.db.svc.cluster.local:26257',
      'roll 0 crdb-0.crdb.db.svc.cluster.local:26257',
    ]);
    expect(lines.indexOf('read_sts')).toBeLessThan(lines.findIndex((l) => l.startsWith('version=$(cluster_version)')));
    expect(lines.findIndex((l) => l.startsWith('version=$(cluster_version)'))).toBeLessThan(lines.indexOf('roll 2 crdb-2.crdb.db.svc.cluster.local:26257'));
    expect(lines[lines.length - 2]).toBe('health "the end of the rollout"');
    expect(lines[lines.length - 1]).toBe('say "rolled out: every node runs v26.1.0; finalize with upgrade.finalize once it is validated (until then, a rollback to v25.4.3 is possible)"');
    // The gates: the StatefulSet as applied, the nodes, the ranges, the build of each new node.
    expect(script).toContain('[ "$strategy" = OnDelete ]');
    expect(script).toContain('[ "$running" = v26.1.0 ]');
    expect(script).toContain('[ "$replicas" = 3 ]');
    expect(script).toContain("sum((metrics->>'ranges.underreplicated')::DECIMAL)::INT");
    expect(script).toContain("sum((metrics->>'ranges.unavailable')::DECIMAL)::INT");
    expect(script).toContain('[ "$build" != v26.1.0 ]');
    expect(script).toContain(`\\"${ROLLOUT_ANNOTATION}\\":\\"$text\\"`);
  });

  test('finalize: a second Job, with the same ServiceAccount; the rollout Job stays the same', () => {
    const finalized = build({ ...UPGRADE, upgrade: { ...UPGRADE.upgrade, finalize: true } });
    const [fin] = jobs(finalized.objects, 'finalize');
    expect(jobs(finalized.objects, 'rollout').map((j) => j.metadata.name)).toEqual([job.metadata.name]);
    expect(finalized.sts).toEqual(sts);
    expect(fin.spec.template.spec.serviceAccountName).toBe('crdb-rollout');
    expect(fin.metadata.labels['app.kubernetes.io/component']).toBe('finalize');
    expect(fin.spec.activeDeadlineSeconds).toBe(2 * 5 * 720 + 1800);
    const fs = scriptOf(fin);
    expect(fs.split('\n')[0]).toBe('# Finalization of the upgrade to v26.1.0.');
    expect(fs).toContain('if [ "$version" = 26.1 ]; then say "finalized: the cluster version is 26.1"; exit 0; fi');
    expect(fs).toContain('sql "RESET CLUSTER SETTING cluster.preserve_downgrade_option" > /dev/null');
    expect(fs).toContain('[ "$updated" != 3 ] || [ "$ready" != 3 ]');
    expect(fs.indexOf('health "finalizing"')).toBeLessThan(fs.indexOf('RESET CLUSTER SETTING'));
    expect(finalized.cluster.rollout!.finalizeJob).toBeDefined();
  });
});

describe('the other rollouts', () => {
  test('a rollback: no downgrade setting; refused at run time once the upgrade is finalized', () => {
    const { objects } = build({ version: v('v25.4.3'), upgrade: { from: v('v26.1.0') } });
    const script = scriptOf(jobs(objects, 'rollout')[0]);
    expect(script.split('\n')[0]).toMatch(/: v26\.1\.0 to v25\.4\.3\.$/);
    expect(script).not.toContain('SET CLUSTER SETTING cluster.preserve_downgrade_option');
    expect(script).toContain('[ "$version" = 25.4 ] || fail "the cluster version is $version: the upgrade to 26.1 is finalized or finalizing, and cannot be rolled back then; nothing replaced"');
    expect(script.split('\n').pop()).toBe('say "rolled out: every node runs v25.4.3"');
  });

  test('a patch release: the gates only', () => {
    const { objects } = build({ version: v('v25.4.5'), upgrade: { from: v('v25.4.3') } });
    const script = scriptOf(jobs(objects, 'rollout')[0]);
    expect(script).not.toContain('cluster_version)');
    expect(script.split('\n')[0]).toMatch(/: v25\.4\.3 to v25\.4\.5\.$/);
  });

  test('a restart token: an annotation of the pod template, rolled out by a Job named after the template', () => {
    const a = build({ restartToken: '2026-11-27T10:00' });
    const again = build({ restartToken: '2026-11-27T10:00' });
    const b = build({ restartToken: 'ca-swap-2' });
    expect(a.sts.spec.template.metadata.annotations).toEqual({ [RESTART_TOKEN_ANNOTATION]: '2026-11-27T10:00' });
    expect(a.sts.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    const name = (x: { objects: Manifest[] }) => jobs(x.objects, 'rollout').map((j) => j.metadata.name);
    expect(name(a)).toEqual(name(again));
    expect(name(a)).not.toEqual(name(b));
    const script = scriptOf(jobs(a.objects, 'rollout')[0]);
    expect(script.split('\n')[0]).toMatch(/: a restart on v\d+\.\d+\.\d+\.$/);
    expect(script).not.toContain('cluster_version)');
  });

  test('a longer grace period: each pod gets that much more time to go and come back', () => {
    const { objects } = build({ restartToken: 'r', terminationGracePeriod: Duration.seconds(1200) });
    const job = jobs(objects, 'rollout')[0];
    expect(scriptOf(job)).toContain('fail "$problem, after 1800 seconds"');
    expect(job.spec.activeDeadlineSeconds).toBe(3 * (5 * (60 + 360) + 15) + 1800);
  });

  test('the health gate: two clean readings 15 s apart, of the active nodes\' stores', () => {
    const script = scriptOf(jobs(build({ restartToken: 'r' }).objects, 'rollout')[0]);
    expect(script).toContain("FROM crdb_internal.kv_store_status WHERE node_id IN (SELECT node_id FROM crdb_internal.gossip_liveness WHERE membership = 'active')");
    expect(script).toContain('      clean=$((clean + 1))\n      [ "$clean" -lt 2 ] || return 0\n      sleep 15\n      continue\n    fi\n    clean=0\n');
    expect(script).toContain('  fail "before $1: the cluster did not stay healthy for two readings"\n}');
  });

  test('the rollout Role names every pod the StatefulSet renders, and the Job rolls them all', () => {
    const { objects } = build({ restartToken: 'r', replicas: 5 });
    expect(only(objects, 'Role', 'crdb-rollout').rules[1].resourceNames).toEqual(['crdb-0', 'crdb-1', 'crdb-2', 'crdb-3', 'crdb-4']);
    expect(scriptOf(jobs(objects, 'rollout')[0]).split('\n').filter((l) => l.startsWith('roll ')).map((l) => l.split(' ')[1])).toEqual(['4', '3', '2', '1', '0']);
  });
});

/** [what, props, the whole message] */
const BAD: Array<[string, Partial<CockroachClusterProps>, string]> = [
  ['an empty restart token', { restartToken: '' },
    '[test/crdb] restartToken: received ""; expected 1 to 63 letters, digits, \'.\', \'_\', \':\' or \'-\', starting with a letter or digit, e.g. "2026-11-27T10:00"'],
  ['a restart token with a space', { restartToken: 'ca swap' },
    '[test/crdb] restartToken: received "ca swap"; expected 1 to 63 letters, digits, \'.\', \'_\', \':\' or \'-\', starting with a letter or digit, e.g. "2026-11-27T10:00"'],
  ['finalizing a patch release', { version: v('v25.4.5'), upgrade: { from: v('v25.4.3'), finalize: true } },
    '[test/crdb] upgrade.finalize: received true; expected false: a patch release has nothing to finalize (only a major upgrade does)'],
  ['finalizing a rollback', { version: v('v25.4.3'), upgrade: { from: v('v26.1.0'), finalize: true } },
    '[test/crdb] upgrade.finalize: received true; expected false: a rollback has nothing to finalize (only a major upgrade does)'],
  ['an upgrade and a scale-down at once', { ...UPGRADE, replicas: 3, scaleDown: { from: 4, phase: 'decommission' as never } },
    '[test/crdb] scaleDown, upgrade, restartToken: received a scale-down together with a rollout (upgrade or restartToken); expected one day-2 operation at a time: finish the scale-down (remove scaleDown) first, or the rollout'],
];

test.each(BAD)('refused at synth: %s', (_what, props, message) => {
  expect(configError(() => new CockroachCluster(newChart(), 'crdb', props)).message).toBe(message);
});

test('accepted: the longest restart token, and one with every allowed character', () => {
  for (const restartToken of ['a'.repeat(63), '0.a_b:c-D']) {
    expect(build({ restartToken }).sts.spec.template.metadata.annotations[RESTART_TOKEN_ANNOTATION]).toBe(restartToken);
  }
});

describe('the scripts as the real control plane ran them (test/cluster/rollout.test.ts)', () => {
  // The scripts talk to the Kubernetes API: their behaviour is tested against the real API server of the
  // harness, never against a fake curl. Pinned here in full, so that a change of their text is a change
  // the cluster suite has to see again.
  test.each([
    ['a major upgrade', UPGRADE, 'rollout'],
    ['its finalization', { ...UPGRADE, upgrade: { ...UPGRADE.upgrade, finalize: true } }, 'finalize'],
    ['a rollback', { version: v('v25.4.3'), upgrade: { from: v('v26.1.0') } }, 'rollout'],
    ['a patch release', { version: v('v25.4.5'), upgrade: { from: v('v25.4.3') } }, 'rollout'],
    ['a restart', { version: v('v25.4.3'), restartToken: 'r1' }, 'rollout'],
  ] as Array<[string, Partial<CockroachClusterProps>, string]>)('%s', (_what, props, prefix) => {
    expect(scriptOf(jobs(build(props).objects, prefix)[0])).toMatchSnapshot();
  });
});
