import { Duration, Size } from 'cdk8s';
import {
  ClusterSecurity, CockroachCluster, CockroachClusterProps, ReplicaGuard, ScaleDownPhase, scaleDownRules,
} from '../../lib/k8s';
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
const at = (objects: Manifest[], kind: string, name: string) => objects.findIndex((o) => o.kind === kind && o.metadata.name === name);

const TSV_HEADER = 'id\taddress\tsql_address\tbuild\tstarted_at\tupdated_at\tlocality\tis_available\tis_live\tmembership';
const nodeRow = (id: number, ordinal: number, live: boolean, membership: string) =>
  `${id}\tcrdb-${ordinal}.crdb.db.svc.cluster.local:26257\tx\tv26.2.1\tt\tt\t\t${live}\t${live}\t${membership}`;

/** Five nodes; crdb-3 and crdb-4 (node ids 4 and 5) in the given memberships. */
const fiveNodes = (m4: string, m3: string) => [TSV_HEADER, nodeRow(1, 0, true, 'active'), nodeRow(2, 1, true, 'active'), nodeRow(3, 2, true, 'active'),
  nodeRow(4, 3, true, m3), nodeRow(5, 4, true, m4)].join('\n') + '\n';

/** The call of read_sts (the StatefulSet read, refused unless it has scaleDown.from replicas) and the start of the record. */
const READ_STS_CALL = 'read_sts';
const RECORD_START = '# Allow the shrink: the replica guard admits this StatefulSet generation going to the target size.';

/**
 * The node part of the decommission script: every line but the API calls, which are the first read of the
 * StatefulSet and the record at the end. A script that calls the Kubernetes API is never run against a
 * fake curl: the whole script, API calls included, runs against a real API server in
 * test/cluster/scale-down.test.ts. What runs here is what involves `cockroach` only (which nodes, one
 * command, the checks after it); the order of the cut parts is asserted on the text.
 */
function nodePart(decommissionScript: string): string {
  const lines = decommissionScript.split('\n');
  const call = lines.indexOf(READ_STS_CALL);
  const record = lines.indexOf(RECORD_START);
  expect([call > 0, record > call, lines.lastIndexOf(READ_STS_CALL) === call, lines.lastIndexOf(RECORD_START) === record]).toEqual([true, true, true, true]);
  const part = [...lines.slice(0, call), ...lines.slice(call + 1, record)];
  // Functions are defined there (request, json_get, read_sts), but none that reaches the API is called:
  // the only request is inside read_sts, which is never called.
  expect(part.filter((l) => /\bread_sts\b/.test(l))).toEqual(['read_sts() {']);
  expect(part.filter((l) => /^\s*request\b(?!\(\))/.test(l))).toEqual(['  request "$sts"']);
  return part.join('\n');
}

describe('declared scale-down: decommission first', () => {
  const { cluster, objects, sts } = build({ replicas: 3, scaleDown: { from: 5, phase: ScaleDownPhase.DECOMMISSION } });
  const decommission = job(objects, 'crdb-decommission-');
  const s = script(decommission);
  const lines = s.split('\n');

  /** Runs the node part: `node status` answers `before` until a decommission command ran, then `after`. */
  const runNodePart = (before: string, after: string, objs = objects) => {
    const r = runWithFakeCockroach(nodePart(script(job(objs, 'crdb-decommission-'))), [
      { args: /^node decommission/, output: 'No more data reported on target nodes.\n' },
      { args: /^node status/, after: /^node decommission /, output: after },
      { args: /^node status/, output: before },
    ]);
    return { ...r, decommissions: r.calls.filter((c) => c.args[1] === 'decommission').map((c) => c.args.join(' ')) };
  };

  test('the StatefulSet keeps its current size while nodes are decommissioned', () => {
    validateAgainstSchemas(objects);
    expect(sts.spec.replicas).toBe(5);
    expect(decommission.metadata.name).toMatch(/^crdb-decommission-[0-9a-f]{10}$/);
  });

  test('the Job may only read and annotate this StatefulSet', () => {
    const rules = [{ apiGroups: ['apps'], resources: ['statefulsets'], resourceNames: ['crdb'], verbs: ['get', 'patch'] }];
    expect(only(objects, 'Role', 'crdb-scale-down').rules).toEqual(rules);
    expect(cluster.scaleDown!.rules).toEqual(rules);
    expect(cluster.scaleDownAccess.role.name).toBe('crdb-scale-down');
    expect(decommission.spec.template.spec.serviceAccountName).toBe('crdb-scale-down');
    expect(only(objects, 'ServiceAccount', 'crdb-scale-down').automountServiceAccountToken).toBe(false);
    const binding = only(objects, 'RoleBinding', 'crdb-scale-down');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'crdb-scale-down' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'crdb-scale-down', namespace: 'db' }]);
    for (const o of [binding, only(objects, 'ServiceAccount', 'crdb-scale-down'), only(objects, 'Role', 'crdb-scale-down')]) {
      expect([o.kind, o.metadata.labels['app.kubernetes.io/component']]).toEqual([o.kind, 'scale-down']);
    }
    // Its token, and no other, is mounted where the script reads it.
    expect(decommission.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(decommission.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true });
    // A bound token of its ServiceAccount (expiring, refreshed by kubelet) and the cluster's CA: what the script's curl reads.
    expect(decommission.spec.template.spec.volumes.find((v: any) => v.name === 'kube-api-access')).toEqual({
      name: 'kube-api-access',
      projected: {
        defaultMode: 0o440,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3600, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        ],
      },
    });
    // cockroach connects to the cluster's public Service, with the root client certificate.
    expect(decommission.spec.template.spec.containers[0].env).toEqual([
      { name: 'COCKROACH_HOST', value: 'crdb-public.db.svc.cluster.local:26257' },
      { name: 'COCKROACH_CERTS_DIR', value: '/cockroach/cockroach-certs' },
    ]);
    expect(decommission.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'certs', mountPath: '/cockroach/cockroach-certs', readOnly: true });
  });

  test('reads the StatefulSet as JSON first, and refuses unless it has the scaleDown.from replicas', () => {
    expect(lines).toContain('sts=https://kubernetes.default.svc/apis/apps/v1/namespaces/db/statefulsets/crdb');
    const read = lines.slice(lines.indexOf('read_sts() {'), lines.indexOf('read_sts() {') + 7);
    expect(read).toEqual([
      'read_sts() {',
      '  request "$sts"',
      '  [ "$code" = 200 ] || fail "reading StatefulSet crdb answered HTTP $code: $body"',
      '  generation=$(printf \'%s\' "$body" | json_get metadata generation) && version=$(printf \'%s\' "$body" | json_get metadata resourceVersion) \\',
      '    && replicas=$(printf \'%s\' "$body" | json_get spec replicas) || fail "StatefulSet crdb: unexpected answer: $body"',
      '  [ "$replicas" = 5 ] || fail "refused: StatefulSet crdb has $replicas replicas, not the 5 that scaleDown.from declares; nothing recorded"',
      '}',
    ]);
    // Called before anything is counted or decommissioned.
    expect(lines.indexOf(READ_STS_CALL)).toBeGreaterThan(lines.indexOf('read_sts() {'));
    expect(lines.indexOf(READ_STS_CALL)).toBeLessThan(lines.findIndex((l) => l.startsWith('remaining=')));
  });

  test('the nodes that stay are counted before any decommission: fewer than 3 live ones is refused', () => {
    // Run against a real API server in test/cluster/scale-down.test.ts ("when fewer than 3 live nodes would remain").
    const remaining = lines.findIndex((l) => l.startsWith('remaining='));
    expect(lines[remaining]).toContain("-v removed=' crdb-4.crdb.db.svc.cluster.local:26257 crdb-3.crdb.db.svc.cluster.local:26257 '");
    expect(lines[remaining]).toContain('$h["is_live"] == "true" && $h["membership"] == "active"');
    const refusal = lines.indexOf('[ "$remaining" -ge 3 ] || fail "refused: only $remaining live node(s) would remain, fewer than 3, the replication factor"');
    expect(refusal).toBeGreaterThan(remaining);
    expect(lines.findIndex((l) => l.includes('node decommission "${ids[@]}"'))).toBeGreaterThan(refusal);
  });

  test('then records the allowed shrink on the StatefulSet it read, with its resourceVersion (a Conflict reads it again)', () => {
    const record = lines.slice(lines.indexOf(RECORD_START));
    expect(record).toEqual([
      RECORD_START,
      'for attempt in $(seq 1 10); do',
      '  read_sts',
      '  request -X PATCH -H \'Content-Type: application/merge-patch+json\' --data "{\\"metadata\\":{\\"resourceVersion\\":\\"$version\\",\\"annotations\\":{\\"cockroachdb/decommissioned\\":\\"$generation:3\\"}}}" "$sts"',
      '  case "$code" in',
      '    200) echo "recorded on StatefulSet crdb: generation $generation may go to 3 replicas"; break ;;',
      '    409) echo "StatefulSet crdb changed while the record was written; reading it again" ;;',
      '    *) fail "recording on StatefulSet crdb answered HTTP $code: $body" ;;',
      '  esac',
      '  [ "$attempt" -lt 10 ] || fail "StatefulSet crdb kept changing; nothing recorded"',
      'done',
      'echo "decommissioned; now render phase SHRINK to go to 3 replicas"',
    ]);
    // Only after every removed node was confirmed decommissioned.
    const checks = lines.filter((l) => l.includes('| field membership') && l.includes('is not decommissioned'));
    expect(checks).toHaveLength(2);
    for (const c of checks) expect(lines.indexOf(c)).toBeLessThan(lines.indexOf(RECORD_START));
  });

  test('run (node part): the highest ordinals in one decommission command, waited for, then checked', () => {
    const r = runNodePart(fiveNodes('active', 'active'), fiveNodes('decommissioned', 'decommissioned'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // crdb-4 and crdb-3 (node ids 5 and 4) in one command, which waits (--wait=all) until they hold no replicas.
    expect(r.decommissions).toEqual(['node decommission 5 4 --wait=all']);
    expect(r.stdout).toContain('decommissioning 2 node(s) (crdb-4, crdb-3) to go from 5 to 3; 3 live node(s) remain');
  });

  test('run again (node part): a node already decommissioned is left out of the command; none left, no command', () => {
    const r = runNodePart(fiveNodes('decommissioned', 'active'), fiveNodes('decommissioned', 'decommissioned'));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('crdb-4 (node 5) is already decommissioned');
    expect(r.decommissions).toEqual(['node decommission 4 --wait=all']);

    const done = fiveNodes('decommissioned', 'decommissioned');
    const again = runNodePart(done, done);
    expect(again.status).toBe(0);
    expect(again.decommissions).toEqual([]);
  });

  test('run (node part): a node still active after the command fails the Job, before the record', () => {
    // The whole script, nothing recorded on the StatefulSet: test/cluster/scale-down.test.ts ("when a node is still active after the command").
    const r = runNodePart(fiveNodes('active', 'active'), fiveNodes('decommissioned', 'decommissioning'));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('crdb-3 is not decommissioned\n');
  });

  test('run (node part): a decommission command that fails stops the Job on the spot, with its exit status (strict mode)', () => {
    const r = runWithFakeCockroach(nodePart(s), [
      { args: /^node decommission/, status: 7, output: 'ERROR: connection lost\n' },
      // Were the script to go on, the nodes would look decommissioned and the record would follow.
      { args: /^node status/, after: /^node decommission /, output: fiveNodes('decommissioned', 'decommissioned') },
      { args: /^node status/, output: fiveNodes('active', 'active') },
    ]);
    expect(r.status).toBe(7);
    expect(r.calls.map((c) => c.args.join(' '))).toEqual(['node status --all --decommission --format=tsv', 'node decommission 5 4 --wait=all']);
    expect(r.stdout).not.toContain('decommissioned; now render phase SHRINK');
    expect(s.split('\n')[0]).toBe('set -euo pipefail');
  });

  test('run (node part): refuses when fewer than 3 live nodes would remain, and decommissions nothing', () => {
    const { objects: o2 } = build({ replicas: 3, scaleDown: { from: 4, phase: ScaleDownPhase.DECOMMISSION } });
    const four = [TSV_HEADER, nodeRow(1, 0, true, 'active'), nodeRow(2, 1, false, 'active'), nodeRow(3, 2, true, 'active'), nodeRow(4, 3, true, 'active')].join('\n') + '\n';
    const r = runNodePart(four, four, o2);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('refused: only 2 live node(s) would remain, fewer than 3, the replication factor\n');
    expect(r.decommissions).toEqual([]);
  });

  test('run (node part), two nodes removed: the remaining nodes are counted, not the removed ones', () => {
    // From 5 to 3 with crdb-1 dead: crdb-0 and crdb-2 remain live, whatever crdb-3 and crdb-4 are.
    const deadOne = [TSV_HEADER, nodeRow(1, 0, true, 'active'), nodeRow(2, 1, false, 'active'), nodeRow(3, 2, true, 'active'),
      nodeRow(4, 3, true, 'active'), nodeRow(5, 4, true, 'active')].join('\n') + '\n';
    const refused = runNodePart(deadOne, deadOne);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe('refused: only 2 live node(s) would remain, fewer than 3, the replication factor\n');
    expect(refused.decommissions).toEqual([]);
    // A dead or decommissioning node among those that go does not lower the count of those that stay.
    const removedDown = [TSV_HEADER, nodeRow(1, 0, true, 'active'), nodeRow(2, 1, true, 'active'), nodeRow(3, 2, true, 'active'),
      nodeRow(4, 3, false, 'active'), nodeRow(5, 4, true, 'decommissioning')].join('\n') + '\n';
    const allowed = runNodePart(removedDown, fiveNodes('decommissioned', 'decommissioned'));
    expect(allowed.stderr).toBe('');
    expect(allowed.status).toBe(0);
    expect(allowed.stdout).toContain('to go from 5 to 3; 3 live node(s) remain');
    expect(allowed.decommissions).toEqual(['node decommission 5 4 --wait=all']);
    // A remaining node that is live but decommissioning does not count either.
    const draining = [TSV_HEADER, nodeRow(1, 0, true, 'active'), nodeRow(2, 1, true, 'decommissioning'), nodeRow(3, 2, true, 'active'),
      nodeRow(4, 3, true, 'active'), nodeRow(5, 4, true, 'active')].join('\n') + '\n';
    expect(runNodePart(draining, draining).stderr).toBe('refused: only 2 live node(s) would remain, fewer than 3, the replication factor\n');
  });

  test('run (node part): the nodes that go are named, then decommissioned in one command', () => {
    const r = runNodePart(fiveNodes('active', 'active'), fiveNodes('decommissioned', 'decommissioned'));
    expect(r.stdout.split('\n')).toEqual([
      'decommissioning 2 node(s) (crdb-4, crdb-3) to go from 5 to 3; 3 live node(s) remain',
      'decommissioning node(s) 5 4 in one command; this waits until they hold no replicas',
      // What `cockroach node decommission` printed (the fake's answer).
      'No more data reported on target nodes.',
      '',
    ]);
  });

  test('run (node part): a removed node missing from node status fails the Job, naming its address', () => {
    const withoutCrdb3 = [TSV_HEADER, nodeRow(1, 0, true, 'active'), nodeRow(2, 1, true, 'active'), nodeRow(3, 2, true, 'active'),
      nodeRow(5, 4, true, 'active')].join('\n') + '\n';
    const r = runNodePart(withoutCrdb3, withoutCrdb3);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('no node with address crdb-3.crdb.db.svc.cluster.local:26257\n');
    expect(r.decommissions).toEqual([]);
  });

  test('a cluster that does not answer: 60 attempts, 5 s apart, then the Job fails', () => {
    const retry = lines.slice(lines.indexOf('for attempt in $(seq 1 60); do'), lines.indexOf('for attempt in $(seq 1 60); do') + 5);
    expect(retry).toEqual([
      'for attempt in $(seq 1 60); do',
      '  if status=$(nodes 2>/dev/null); then break; fi',
      '  [ "$attempt" -lt 60 ] || fail "the cluster did not answer after 60 attempts"',
      '  sleep 5',
      'done',
    ]);
    expect(lines).toContain('nodes() { /cockroach/cockroach node status --all --decommission --format=tsv; }');
    const r = runWithFakeCockroach(nodePart(s), [{ args: /^node status/, status: 1, output: 'connection refused\n' }]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('the cluster did not answer after 60 attempts\n');
    expect(r.calls.map((c) => c.args.join(' '))).toEqual(Array(60).fill('node status --all --decommission --format=tsv'));
  });

  test('the decommission command, as the script runs it', () => {
    const at4 = s.indexOf("field id 'crdb-4.crdb.db.svc.cluster.local:26257'");
    const at3 = s.indexOf("field id 'crdb-3.crdb.db.svc.cluster.local:26257'");
    expect(at4).toBeGreaterThan(0);
    expect(at3).toBeGreaterThan(at4);
    expect(s.match(/node decommission/g)).toHaveLength(1);
    expect(s).toContain('/cockroach/cockroach node decommission "${ids[@]}" --wait=all');
    expect(s.indexOf('node decommission')).toBeGreaterThan(at3);
    expect(s.indexOf('node decommission')).toBeLessThan(s.indexOf('merge-patch'));
  });

  test('no JSON read with a regular expression; HTTP errors are the script\'s to say, not curl\'s', () => {
    expect(s).not.toMatch(/BASH_REMATCH|=~/);
    expect(s).not.toMatch(/--fail\b/);
    expect(s.match(/\bcurl\b/g)).toHaveLength(1);
  });
});

describe('declared scale-down: then shrink', () => {
  const { cluster, objects, sts } = build({ replicas: 3, scaleDown: { from: 5, phase: ScaleDownPhase.SHRINK } });
  const shrink = job(objects, 'crdb-shrink-');
  const s = script(shrink);

  test('the StatefulSet shrinks; the Job may only read the removed pods and delete their volumes', () => {
    validateAgainstSchemas(objects);
    expect(sts.spec.replicas).toBe(3);
    const rules = [
      { apiGroups: [''], resources: ['pods'], resourceNames: ['crdb-4', 'crdb-3'], verbs: ['get'] },
      { apiGroups: [''], resources: ['persistentvolumeclaims'], resourceNames: ['datadir-crdb-4', 'datadir-crdb-3'], verbs: ['delete'] },
    ];
    expect(only(objects, 'Role', 'crdb-scale-down').rules).toEqual(rules);
    expect(cluster.scaleDown!.rules).toEqual(rules);
    expect(shrink.spec.template.spec.serviceAccountName).toBe('crdb-scale-down');
  });

  test('volumes are deleted only after the node is confirmed decommissioned and its pod is gone', () => {
    const check = s.indexOf('membership=$(printf');
    const podGone = s.indexOf('/pods/crdb-4');
    const del = s.indexOf('persistentvolumeclaims/datadir-crdb-4');
    expect(check).toBeGreaterThan(0);
    expect(podGone).toBeGreaterThan(check);
    expect(del).toBeGreaterThan(podGone);
    expect(s.indexOf('persistentvolumeclaims/datadir-crdb-3')).toBeGreaterThan(del);
  });

  test('waiting for a pod to go is quiet (404 and 200 expected); another status is said; the delete names the status', () => {
    // Run against a real API server in test/cluster/scale-down.test.ts ("SHRINK: … quietly").
    const lines = s.split('\n');
    const wait = lines.indexOf('  request https://kubernetes.default.svc/api/v1/namespaces/db/pods/crdb-4');
    expect(lines.slice(wait - 1, wait + 10)).toEqual([
      'for attempt in $(seq 1 120); do',
      '  request https://kubernetes.default.svc/api/v1/namespaces/db/pods/crdb-4',
      '  case "$code" in',
      '    404) break ;;',
      '    200) [ "$attempt" -gt 1 ] || echo "waiting for pod crdb-4 to go" ;;',
      '    *) echo "reading pod crdb-4 answered HTTP $code: $body" >&2 ;;',
      '  esac',
      '  [ "$attempt" -lt 120 ] || fail "pod crdb-4 is still there"',
      '  sleep 5',
      'done',
      'request -X DELETE https://kubernetes.default.svc/api/v1/namespaces/db/persistentvolumeclaims/datadir-crdb-4',
    ]);
    const del = lines.indexOf('request -X DELETE https://kubernetes.default.svc/api/v1/namespaces/db/persistentvolumeclaims/datadir-crdb-4');
    expect(lines.slice(del, del + 6)).toEqual([
      'request -X DELETE https://kubernetes.default.svc/api/v1/namespaces/db/persistentvolumeclaims/datadir-crdb-4',
      'case "$code" in',
      '  200|202) echo "deleted volume datadir-crdb-4" ;;',
      '  404) echo "volume datadir-crdb-4 already gone" ;;',
      '  *) fail "deleting datadir-crdb-4 answered HTTP $code: $body" ;;',
      'esac',
    ]);
    expect(lines[lines.length - 1]).toBe('echo "scale-down complete: remove scaleDown from the props"');
    // curl itself never reports an HTTP status (no --fail): the script decides what is expected.
    expect(s).not.toMatch(/--fail\b/);
    expect(s.match(/\bcurl\b/g)).toHaveLength(1);
    expect(s).not.toMatch(/BASH_REMATCH|=~/);
  });

  test('run: a node that is not decommissioned keeps its volume (refused before any API call)', () => {
    const r = runWithFakeCockroach(s, [
      { args: /^node status/, output: [TSV_HEADER, nodeRow(5, 4, true, 'active'), nodeRow(4, 3, true, 'active')].join('\n') + '\n' },
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('refused: crdb-4 is active, not decommissioned; its volume is kept\n');
  });
});

describe('the scale-down Role, in every cluster', () => {
  test('without a scale-down: the Role is there with no rules, so the apply after a scale-down takes its rights away', () => {
    const { cluster, objects } = build();
    const role = only(objects, 'Role', 'crdb-scale-down');
    // cdk8s leaves an empty list out: no rules at all, which the API server reads as none.
    expect(role.rules ?? []).toEqual([]);
    expect(cluster.scaleDownAccess.role.name).toBe('crdb-scale-down');
    expect(cluster.scaleDown).toBeUndefined();
    expect(objects.filter((o) => o.metadata.name === 'crdb-scale-down').map((o) => o.kind)).toEqual(['Role']);
    expect(objects.filter((o) => o.kind === 'Job')).toEqual([]);
    validateAgainstSchemas(objects);
  });

  test.each([
    ['no scale-down', {}],
    ['DECOMMISSION', { replicas: 3, scaleDown: { from: 5, phase: ScaleDownPhase.DECOMMISSION } }],
    ['SHRINK', { replicas: 3, scaleDown: { from: 5, phase: ScaleDownPhase.SHRINK } }],
  ])('%s: the Role comes before the StatefulSet in the output (emptied before a scale-out re-creates the volumes)', (_what, props) => {
    const { objects } = build(props as Partial<CockroachClusterProps>);
    expect(at(objects, 'Role', 'crdb-scale-down')).toBeGreaterThanOrEqual(0);
    expect(at(objects, 'Role', 'crdb-scale-down')).toBeLessThan(at(objects, 'StatefulSet', 'crdb'));
  });

  test('its rules are scaleDownRules() of the declared phase', () => {
    const { cluster, objects } = build({ replicas: 4, scaleDown: { from: 6, phase: ScaleDownPhase.SHRINK } });
    expect(only(objects, 'Role', 'crdb-scale-down').rules).toEqual(scaleDownRules(cluster, { from: 6, phase: ScaleDownPhase.SHRINK }, 4));
    expect(scaleDownRules(cluster, { from: 6, phase: ScaleDownPhase.SHRINK }, 4)[1]).toEqual(
      { apiGroups: [''], resources: ['persistentvolumeclaims'], resourceNames: ['datadir-crdb-5', 'datadir-crdb-4'], verbs: ['delete'] });
  });
});

describe('the replica guard (ValidatingAdmissionPolicy), its CEL evaluated', () => {
  const { cluster, objects } = build();
  const policy = only(objects, 'ValidatingAdmissionPolicy', 'db-crdb-replica-guard');
  const binding = only(objects, 'ValidatingAdmissionPolicyBinding', 'db-crdb-replica-guard');
  const expr: string = policy.spec.validations[0].expression;
  const check = (oldReplicas: number, newReplicas: number, oldMeta: object = {}) =>
    celEvaluate([{ expression: expr, context: { object: { spec: { replicas: newReplicas } }, oldObject: { metadata: oldMeta, spec: { replicas: oldReplicas } } } }])[0];

  test('matches this StatefulSet only, including kubectl scale, and denies', () => {
    expect(policy.spec.matchConstraints.resourceRules).toEqual([{
      apiGroups: ['apps'], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['statefulsets', 'statefulsets/scale'], resourceNames: ['crdb'],
      // The API server's default, written out: otherwise every client-side apply would report a change.
      scope: '*',
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

  test('takes only a name, a namespace and the object labels (no cluster needed)', () => {
    const chart = newChart();
    const guard = new ReplicaGuard(chart, 'guard', { cluster: { name: 'books', namespace: 'shop', _objectLabels: () => ({ team: 'db' }) } });
    const out = synth(chart);
    expect(out.map((o) => [o.kind, o.metadata.name, o.metadata.labels])).toEqual([
      ['ValidatingAdmissionPolicy', 'shop-books-replica-guard', { team: 'db' }],
      ['ValidatingAdmissionPolicyBinding', 'shop-books-replica-guard', { team: 'db' }],
    ]);
    expect(guard.expression).toContain("'cockroachdb/decommissioned' in oldObject.metadata.annotations");
  });

  test('can be turned off', () => {
    expect(build({ replicaGuard: false }).objects.filter((o) => o.metadata.name.endsWith('-replica-guard'))).toEqual([]);
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
