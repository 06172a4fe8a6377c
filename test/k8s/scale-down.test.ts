import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Size } from 'cdk8s';
import { ClusterSecurity, CockroachCluster, CockroachClusterProps, ScaleDownPhase } from '../../lib/k8s';
import { Manifest, newChart, only, synth, validateAgainstSchemas } from '../support/manifests';
import { celEvaluate } from '../support/cel';
import { runWithFakeCockroach } from '../support/scripts';
import { configError } from '../support/errors';

function build(props: Partial<CockroachClusterProps> = {}) {
  const chart = newChart();
  const cluster = new CockroachCluster(chart, 'crdb', { init: { enabled: false }, ...props });
  const objects = synth(chart);
  return { cluster, objects, sts: only(objects, 'StatefulSet') };
}
const job = (objects: Manifest[], prefix: string) => objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith(prefix))!;
const script = (j: Manifest): string => j.spec.template.spec.containers[0].command[2];

const TSV_HEADER = 'id\taddress\tsql_address\tbuild\tstarted_at\tupdated_at\tlocality\tis_available\tis_live\tmembership';
const nodeRow = (id: number, ordinal: number, live: boolean, membership: string) =>
  `${id}\tcrdb-${ordinal}.crdb.db.svc.cluster.local:26257\tx\tv26.2.1\tt\tt\t\t${live}\t${live}\t${membership}`;

/** A fake curl for the Kubernetes API: the StatefulSet is at generation 7; every call is recorded. */
function fakeKubeApi() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crdb-api-'));
  fs.writeFileSync(path.join(dir, 'token'), 'fake-token');
  fs.writeFileSync(path.join(dir, 'ca.crt'), 'fake-ca');
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.writeFileSync(path.join(dir, 'bin', 'curl'), `#!/bin/bash\necho "$*" >> ${dir}/curl.log\nif [[ " $* " == *" PATCH "* ]]; then echo '{}'; else echo '{"metadata":{"name":"crdb","generation":7}}'; fi\n`, { mode: 0o755 });
  return {
    env: { PATH: `${dir}/bin:${process.env.PATH}` },
    rewrite: (x: string) => x.split('/var/run/secrets/kubernetes.io/serviceaccount').join(dir),
    log: () => (fs.existsSync(path.join(dir, 'curl.log')) ? fs.readFileSync(path.join(dir, 'curl.log'), 'utf8') : ''),
  };
}

/** Five nodes; crdb-3 and crdb-4 (node ids 4 and 5) in the given memberships. */
const fiveNodes = (m4: string, m3: string) => [TSV_HEADER, nodeRow(1, 0, true, 'active'), nodeRow(2, 1, true, 'active'), nodeRow(3, 2, true, 'active'),
  nodeRow(4, 3, true, m3), nodeRow(5, 4, true, m4)].join('\n') + '\n';

describe('declared scale-down: decommission first', () => {
  const { objects, sts } = build({ replicas: 3, scaleDown: { from: 5, phase: ScaleDownPhase.DECOMMISSION } });
  const decommission = job(objects, 'crdb-decommission-');

  /** Runs the Job's script: `node status` answers `before` until a decommission command ran, then `after`. */
  const runDecommission = (before: string, after: string) => {
    const api = fakeKubeApi();
    const r = runWithFakeCockroach(script(decommission), [
      { args: /^node decommission/, output: 'No more data reported on target nodes.\n' },
      { args: /^node status/, after: /^node decommission /, output: after },
      { args: /^node status/, output: before },
    ], api.env, api.rewrite);
    return { ...r, decommissions: r.calls.filter((c) => c.args[1] === 'decommission').map((c) => c.args.join(' ')), kubeApi: api.log() };
  };

  test('the StatefulSet keeps its current size while nodes are decommissioned', () => {
    validateAgainstSchemas(objects);
    expect(sts.spec.replicas).toBe(5);
    expect(decommission.metadata.name).toMatch(/^crdb-decommission-[0-9a-f]{10}$/);
  });

  test('the Job may only read and annotate this StatefulSet', () => {
    expect(only(objects, 'Role').rules).toEqual([{ apiGroups: ['apps'], resources: ['statefulsets'], resourceNames: ['crdb'], verbs: ['get', 'patch'] }]);
    expect(decommission.spec.template.spec.serviceAccountName).toBe('crdb-scale-down');
    expect(only(objects, 'RoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'crdb-scale-down', namespace: 'db' }]);
  });

  test('run: the highest ordinals in one decommission command, waited for, then the allowed shrink is recorded', () => {
    const r = runDecommission(fiveNodes('active', 'active'), fiveNodes('decommissioned', 'decommissioned'));
    expect(r.stderr).not.toMatch(/refused|fail/);
    expect(r.status).toBe(0);
    // crdb-4 and crdb-3 (node ids 5 and 4) in one command, which waits (--wait=all) until they hold no replicas.
    expect(r.decommissions).toEqual(['node decommission 5 4 --wait=all']);
    // Then, and only then, the StatefulSet is annotated for generation 7 going to 3 replicas.
    const curl = r.kubeApi;
    expect(curl).toContain('/apis/apps/v1/namespaces/db/statefulsets/crdb');
    expect(curl).toContain('{"metadata":{"annotations":{"cockroachdb/decommissioned":"7:3"}}}');
    expect(curl).toContain('Authorization: Bearer fake-token');
  });

  test('run again: a node already decommissioned is left out of the command; none left, no command, the shrink is still recorded', () => {
    const r = runDecommission(fiveNodes('decommissioned', 'active'), fiveNodes('decommissioned', 'decommissioned'));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('crdb-4 (node 5) is already decommissioned');
    expect(r.decommissions).toEqual(['node decommission 4 --wait=all']);

    const done = fiveNodes('decommissioned', 'decommissioned');
    const again = runDecommission(done, done);
    expect(again.status).toBe(0);
    expect(again.decommissions).toEqual([]);
    expect(again.kubeApi).toContain('"cockroachdb/decommissioned":"7:3"');
  });

  test('run: a node still active after the command fails the Job, and nothing is recorded', () => {
    const r = runDecommission(fiveNodes('active', 'active'), fiveNodes('decommissioned', 'decommissioning'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('crdb-3 is not decommissioned');
    expect(r.kubeApi).not.toContain('PATCH');
  });

  test('run: refuses when fewer than 3 live nodes would remain', () => {
    const { objects: o2 } = build({ replicas: 3, scaleDown: { from: 4, phase: ScaleDownPhase.DECOMMISSION } });
    const r = runWithFakeCockroach(script(job(o2, 'crdb-decommission-')), [
      { args: /^node status/, output: [TSV_HEADER, nodeRow(1, 0, true, 'active'), nodeRow(2, 1, false, 'active'), nodeRow(3, 2, true, 'active'),
        nodeRow(4, 3, true, 'active')].join('\n') + '\n' },
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('refused: only 2 live node(s) would remain, fewer than 3');
    expect(r.calls.filter((c) => c.args[1] === 'decommission')).toEqual([]);
  });

  test('the decommission command, as the script runs it', () => {
    const s = script(decommission);
    const at4 = s.indexOf("field id 'crdb-4.crdb.db.svc.cluster.local:26257'");
    const at3 = s.indexOf("field id 'crdb-3.crdb.db.svc.cluster.local:26257'");
    expect(at4).toBeGreaterThan(0);
    expect(at3).toBeGreaterThan(at4);
    expect(s.match(/node decommission/g)).toHaveLength(1);
    expect(s).toContain('/cockroach/cockroach node decommission "${ids[@]}" --wait=all');
    expect(s.indexOf('node decommission')).toBeGreaterThan(at3);
    expect(s.indexOf('node decommission')).toBeLessThan(s.indexOf('merge-patch'));
    expect(s).toContain('"cockroachdb/decommissioned\\":\\"${BASH_REMATCH[1]}:3\\"');
  });
});

describe('declared scale-down: then shrink', () => {
  const { objects, sts } = build({ replicas: 3, scaleDown: { from: 5, phase: ScaleDownPhase.SHRINK } });
  const shrink = job(objects, 'crdb-shrink-');

  test('the StatefulSet shrinks; the Job may only read the removed pods and delete their volumes', () => {
    validateAgainstSchemas(objects);
    expect(sts.spec.replicas).toBe(3);
    expect(only(objects, 'Role').rules).toEqual([
      { apiGroups: [''], resources: ['pods'], resourceNames: ['crdb-4', 'crdb-3'], verbs: ['get'] },
      { apiGroups: [''], resources: ['persistentvolumeclaims'], resourceNames: ['datadir-crdb-4', 'datadir-crdb-3'], verbs: ['get', 'delete'] },
    ]);
  });

  test('volumes are deleted only after the node is confirmed decommissioned and its pod is gone', () => {
    const s = script(shrink);
    const check = s.indexOf('membership=$(printf');
    const podGone = s.indexOf('/pods/crdb-4');
    const del = s.indexOf('persistentvolumeclaims/datadir-crdb-4');
    expect(check).toBeGreaterThan(0);
    expect(podGone).toBeGreaterThan(check);
    expect(del).toBeGreaterThan(podGone);
    expect(s.indexOf('persistentvolumeclaims/datadir-crdb-3')).toBeGreaterThan(del);
  });

  test('run: a node that is not decommissioned keeps its volume', () => {
    const r = runWithFakeCockroach(script(shrink), [
      { args: /^node status/, output: [TSV_HEADER, nodeRow(5, 4, true, 'active'), nodeRow(4, 3, true, 'active')].join('\n') + '\n' },
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('refused: crdb-4 is active, not decommissioned; its volume is kept');
  });
});

describe('the replica guard (ValidatingAdmissionPolicy), its CEL evaluated', () => {
  const { cluster, objects } = build();
  const policy = only(objects, 'ValidatingAdmissionPolicy');
  const binding = only(objects, 'ValidatingAdmissionPolicyBinding');
  const expr: string = policy.spec.validations[0].expression;
  const check = (oldReplicas: number, newReplicas: number, oldMeta: object = {}) =>
    celEvaluate([{ expression: expr, context: { object: { spec: { replicas: newReplicas } }, oldObject: { metadata: oldMeta, spec: { replicas: oldReplicas } } } }])[0];

  test('matches this StatefulSet only, including kubectl scale, and denies', () => {
    expect(policy.spec.matchConstraints.resourceRules).toEqual([{
      apiGroups: ['apps'], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['statefulsets', 'statefulsets/scale'], resourceNames: ['crdb'],
    }]);
    expect(policy.spec.matchConstraints.namespaceSelector).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': 'db' } });
    expect(binding.spec).toEqual({ policyName: 'db-crdb-replica-guard', validationActions: ['Deny'] });
    expect(policy.metadata.namespace).toBeUndefined();
    expect(cluster.replicaGuard!.expression).toBe(expr);
  });

  test('scaling out and unchanged replicas pass', () => {
    expect(check(3, 5)).toBe(true);
    expect(check(3, 3)).toBe(true);
  });

  test('an unguarded decrease (plain apply or kubectl scale) is refused', () => {
    expect(check(5, 3)).toBe(false);
    expect(check(5, 3, { generation: 7 })).toBe(false);
    expect(check(5, 3, { generation: 7, annotations: { other: 'x' } })).toBe(false);
  });

  test('a decrease recorded by the decommission Job for this generation and target passes', () => {
    expect(check(5, 3, { generation: 7, annotations: { 'cockroachdb/decommissioned': '7:3' } })).toBe(true);
  });

  test('a stale record (another generation) or another target is refused', () => {
    expect(check(5, 3, { generation: 9, annotations: { 'cockroachdb/decommissioned': '7:3' } })).toBe(false);
    expect(check(5, 2, { generation: 7, annotations: { 'cockroachdb/decommissioned': '7:3' } })).toBe(false);
  });

  test('the message says what to do', () => {
    const [message] = celEvaluate([{ expression: policy.spec.validations[0].messageExpression, context: { object: { spec: { replicas: 3 } }, oldObject: { spec: { replicas: 5 } } } }]);
    expect(message).toBe('lowering crdb from 5 to 3 replicas would drop live CockroachDB nodes: declare scaleDown { from: 5, phase: DECOMMISSION }, apply it and wait for its Job, then apply phase SHRINK');
  });

  test('can be turned off', () => {
    expect(build({ replicaGuard: false }).objects.filter((o) => o.kind.startsWith('ValidatingAdmission'))).toEqual([]);
  });
});

describe('scale up and vertical scaling', () => {
  test('more replicas: only the count changes, existing pods are not restarted', () => {
    const a = build({ replicas: 3 }).sts;
    const b = build({ replicas: 5 }).sts;
    expect(b.spec.template).toEqual(a.spec.template);
    expect(b.spec.volumeClaimTemplates).toEqual(a.spec.volumeClaimTemplates);
  });

  test('more memory: cache and SQL memory follow, pods roll one at a time under the PDB', () => {
    const small = build({ resources: { memory: { limit: Size.gibibytes(8) } } });
    const big = build({ resources: { memory: { limit: Size.gibibytes(16) } } });
    const args = (sts: Manifest) => sts.spec.template.spec.containers[0].args;
    expect(args(small.sts)).toContain('--cache=2048MiB');
    expect(args(big.sts)).toContain('--cache=4096MiB');
    expect(args(big.sts)).toContain('--max-sql-memory=4096MiB');
    expect(big.sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
    expect(only(big.objects, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    expect(big.sts.spec.volumeClaimTemplates).toEqual(small.sts.spec.volumeClaimTemplates);
  });
});

const BAD: Array<[string, Partial<CockroachClusterProps>, string, RegExp]> = [
  ['from not above replicas', { replicas: 5, scaleDown: { from: 5, phase: ScaleDownPhase.DECOMMISSION } }, 'scaleDown.from, replicas', /a scale-down goes from the current size/],
  ['below 3 live nodes', { replicas: 1, scaleDown: { from: 3, phase: ScaleDownPhase.DECOMMISSION } }, 'scaleDown, replicas', /below 3 live nodes is refused/],
  ['an unknown phase', { replicas: 3, scaleDown: { from: 4, phase: 'drop' as ScaleDownPhase } }, 'scaleDown.phase', /received "drop"/],
  ['a fractional from', { replicas: 3, scaleDown: { from: 4.5, phase: ScaleDownPhase.DECOMMISSION } }, 'scaleDown.from', /received 4.5/],
  ['a too short timeout', { replicas: 3, scaleDown: { from: 4, phase: ScaleDownPhase.DECOMMISSION, timeout: Duration.seconds(30) } }, 'scaleDown.timeout (seconds)', /received 30/],
];

describe('scale-down errors are thrown', () => {
  test.each(BAD)('%s', (_what, props, prop, message) => {
    const error = configError(() => build(props));
    expect(error.prop).toBe(prop);
    expect(error.message).toMatch(message);
  });

  test('insecure clusters scale down too', () => {
    const { objects } = build({ security: ClusterSecurity.insecure(), replicas: 3, scaleDown: { from: 4, phase: ScaleDownPhase.DECOMMISSION } });
    expect(job(objects, 'crdb-decommission-').spec.template.spec.containers[0].env).toContainEqual({ name: 'COCKROACH_INSECURE', value: 'true' });
  });
});
