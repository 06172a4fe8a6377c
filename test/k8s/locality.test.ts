import { spawnSync } from 'child_process';
import { CockroachCluster, Locality } from '../../lib/k8s';
import { kubeApiBash, METADATA_ONLY } from '../../lib/k8s/private/kube-api';
import { LOCALITY_FILE, nodeLocalityScript } from '../../lib/k8s/private/node-locality';
import { newChart, only, synth, validateAgainstSchemas } from '../support/manifests';

describe('Locality.of (static)', () => {
  test.each(['region=europe-west1', 'region=europe-west1,zone=europe-west1-b', 'cloud=gce,region=us-east1,zone=us-east1-c'])('%s is well-formed', (v) => {
    expect(Locality.of(v).isWellFormed).toBe(true);
    expect(Locality.of(v).value).toBe(v);
    expect(Locality.of(v).isPerPod).toBe(false);
  });

  test.each(['', 'europe-west1', 'region=', '=x', 'region=a,,zone=b', 'region=a zone=b', 'region=a;zone=b'])('%j is malformed', (v) => {
    expect(Locality.of(v).isWellFormed).toBe(false);
  });

  test('toString() is the value', () => {
    expect(Locality.of('region=europe-west1,zone=europe-west1-b').toString()).toBe('region=europe-west1,zone=europe-west1-b');
    expect(Locality.of('region=europe-west1').nodeTiers).toBeUndefined();
  });

  test('a missing value (from JavaScript) is malformed and shows as empty', () => {
    const missing = Locality.of(undefined as unknown as string);
    expect(missing.isWellFormed).toBe(false);
    expect(missing.isPerPod).toBe(false);
    expect(missing.toString()).toBe('');
    expect(() => new CockroachCluster(newChart(), 'crdb', { locality: missing })).toThrow(/locality: received ""/);
  });
});

describe('Locality.fromNode (tiers)', () => {
  test('the standard tiers: region, then zone', () => {
    expect(Locality.STANDARD_TIERS).toEqual([
      { tier: 'region', nodeLabel: 'topology.kubernetes.io/region' },
      { tier: 'zone', nodeLabel: 'topology.kubernetes.io/zone' },
    ]);
    const standard = Locality.fromNode();
    expect(standard.nodeTiers).toEqual(Locality.STANDARD_TIERS);
    expect(standard.value).toBeUndefined();
    expect(standard.isPerPod).toBe(true);
    expect(standard.isWellFormed).toBe(true);
  });

  test('toString() names each tier and its label', () => {
    expect(Locality.fromNode().toString()).toBe('fromNode(region=<topology.kubernetes.io/region>,zone=<topology.kubernetes.io/zone>)');
    expect(Locality.fromNode([{ tier: 'rack', nodeLabel: 'rack' }]).toString()).toBe('fromNode(rack=<rack>)');
  });

  test.each([
    ['zone', 'zone'],
    ['zone', 'topology.kubernetes.io/zone'],
    ['rack_1', 'example.com/Rack_1.a-b'],
    ['Cloud-2', 'cloud.google.com/gke-nodepool'],
  ])('tier %s from label %s is well-formed', (tier, nodeLabel) => {
    expect(Locality.fromNode([{ tier, nodeLabel }]).isWellFormed).toBe(true);
  });

  test.each([
    ['', 'zone'],
    ['zo ne', 'zone'],
    [' zone', 'zone'],
    ['zone ', 'zone'],
    ['zone.a', 'zone'],
    ['zone', ''],
    ['zone', ' zone'],
    ['zone', 'zone '],
    ['zone', 'a b'],
    ['zone', 'Example.com/zone'],
    ['zone', '/zone'],
    ['zone', 'example.com/'],
    ['zone', 'a/b/c'],
    ['zone', 'example.com/zo ne'],
  ])('tier %j from label %j is malformed', (tier, nodeLabel) => {
    expect(Locality.fromNode([{ tier, nodeLabel }]).isWellFormed).toBe(false);
  });

  test('every tier must be well-formed, not just one', () => {
    const good = { tier: 'zone', nodeLabel: 'topology.kubernetes.io/zone' };
    expect(Locality.fromNode([good, { tier: 'rack', nodeLabel: 'a b' }]).isWellFormed).toBe(false);
    expect(Locality.fromNode([{ tier: 'ra ck', nodeLabel: 'rack' }, good]).isWellFormed).toBe(false);
    expect(Locality.fromNode([good, { tier: 'rack', nodeLabel: 'example.com/rack' }]).isWellFormed).toBe(true);
  });
});

describe('Locality.fromNode (per pod)', () => {
  const chart = newChart();
  const cluster = new CockroachCluster(chart, 'crdb', { locality: Locality.fromNode() });
  const objects = synth(chart);
  const pod = only(objects, 'StatefulSet').spec.template.spec;

  test('validates', () => {
    validateAgainstSchemas(objects);
  });

  test('an init container reads the node\'s labels and hands the locality to cockroach', () => {
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['locality']);
    const init = pod.initContainers[0];
    expect(init.env).toEqual([{ name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }]);
    expect(init.command[2]).toContain('add_tier region topology.kubernetes.io/region');
    expect(init.command[2]).toContain('add_tier zone topology.kubernetes.io/zone');
    const main = pod.containers[0];
    expect(main.command).toEqual(['/bin/bash', '-c', 'exec /cockroach/cockroach "$@" --locality="$(</cockroach/locality/locality)"', 'cockroach']);
    expect(main.args[0]).toBe('start');
    expect(main.args.some((a: string) => a.startsWith('--locality'))).toBe(false);
    expect(main.volumeMounts).toContainEqual({ name: 'locality', mountPath: '/cockroach/locality', readOnly: true });
  });

  test('only the init container has API credentials, scoped to get nodes', () => {
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.initContainers[0].volumeMounts).toContainEqual({ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true });
    for (const c of pod.containers) expect(c.volumeMounts.map((m: any) => m.name)).not.toContain('kube-api-access');
    const role = only(objects, 'ClusterRole');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }]);
    expect(role.metadata.name).toBe('db-crdb-node-reader');
    expect(role.metadata.namespace).toBeUndefined();
    const binding = only(objects, 'ClusterRoleBinding');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: cluster.serviceAccountName, namespace: 'db' }]);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'db-crdb-node-reader' });
  });

  test('malformed tiers are rejected', () => {
    expect(Locality.fromNode([]).isWellFormed).toBe(false);
    expect(Locality.fromNode([{ tier: 'zone', nodeLabel: 'a' }, { tier: 'zone', nodeLabel: 'b' }]).isWellFormed).toBe(false);
    expect(Locality.fromNode([{ tier: 'zo ne', nodeLabel: 'a' }]).isWellFormed).toBe(false);
    expect(() => new CockroachCluster(newChart(), 'crdb', { locality: Locality.fromNode([]) })).toThrow(/locality: received "fromNode\(\)"/);
  });
});

/**
 * The locality script talks to the Kubernetes API, so it is never run here against a fake curl: it runs
 * against a real API server, with a real token, in test/cluster/locality.test.ts (labels read, a missing
 * label left out even when an annotation has its key, no label at all refused). JSON reading is
 * json_get's, tested on every awk in test/k8s/private/json-get.test.ts. What is left to check here is
 * the script's text: that it asks what it should and reads the answer as JSON.
 */
describe('the locality script (text)', () => {
  const script = nodeLocalityScript(Locality.STANDARD_TIERS);
  const lines = script.split('\n');

  test('asks the API for its node\'s metadata only, with the request helper and its token', () => {
    expect(METADATA_ONLY).toBe('Accept: application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1');
    expect(lines).toContain(`  request -H '${METADATA_ONLY}' "https://kubernetes.default.svc/api/v1/nodes/\${NODE_NAME}"`);
    for (const part of kubeApiBash()) expect(script).toContain(part);
    expect(script).toContain('-H "Authorization: Bearer $(</var/run/secrets/kubernetes.io/serviceaccount/token)"');
    expect(script).toContain('--cacert /var/run/secrets/kubernetes.io/serviceaccount/ca.crt');
  });

  test('retries an API that does not answer 200, says so, and fails the start after 12 attempts', () => {
    const loop = lines.slice(lines.indexOf('for attempt in $(seq 1 12); do'), lines.indexOf('locality=""'));
    expect(loop).toEqual([
      'for attempt in $(seq 1 12); do',
      `  request -H '${METADATA_ONLY}' "https://kubernetes.default.svc/api/v1/nodes/\${NODE_NAME}"`,
      '  [ "$code" = 200 ] && break',
      '  echo "reading node ${NODE_NAME} answered HTTP $code: $body" >&2',
      '  [ "$attempt" -lt 12 ] || exit 1',
      '  sleep 5',
      'done',
    ]);
  });

  test('reads each tier\'s label as JSON (json_get), not with a regular expression', () => {
    expect(script).toContain('value=$(printf \'%s\' "$body" | json_get metadata labels "$2") || status=$?');
    expect(lines).toContain('add_tier region topology.kubernetes.io/region');
    expect(lines).toContain('add_tier zone topology.kubernetes.io/zone');
    // json_get's statuses: 0 the label, 1 no such label (the tier left out), anything else not a node.
    expect(script).toContain('1) echo "node ${NODE_NAME} has no label $2: tier $1 left out" >&2 ;;');
    expect(script).toContain('*) echo "node ${NODE_NAME}: unexpected answer: $body" >&2; exit 1 ;;');
    expect(script).not.toMatch(/BASH_REMATCH|=~/);
    expect(script).not.toMatch(/--fail\b/);
  });

  test('no locality label at all fails the start; otherwise the locality goes to the file the main container reads', () => {
    const none = lines.indexOf('if [ -z "$locality" ]; then echo "node ${NODE_NAME} has none of the locality labels" >&2; exit 1; fi');
    expect(none).toBeGreaterThan(lines.indexOf('add_tier zone topology.kubernetes.io/zone'));
    expect(lines.indexOf(`printf '%s' "$locality" > ${LOCALITY_FILE}`)).toBeGreaterThan(none);
    expect(LOCALITY_FILE).toBe('/cockroach/locality/locality');
  });

  test('bash accepts it', () => {
    const r = spawnSync('bash', ['--norc', '-n', '-c', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
