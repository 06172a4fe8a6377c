import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { ClusterCertificates, ClusterSecurity, Locality } from '../../../lib/k8s';
import { resolveClusterSpec } from '../../../lib/k8s/private/cluster-spec';
import { databasePodTemplate, DatabasePodInput } from '../../../lib/k8s/private/pod-template';
import { configError } from '../../support/errors';
import { newChart } from '../../support/manifests';

// The database pods as rendered from a resolved spec; the cluster's tests check the same pods in the
// StatefulSet, with the cluster's own labels and names.

function input(props: Parameters<typeof resolveClusterSpec>[2], extra: Partial<DatabasePodInput> = {}): DatabasePodInput {
  const scope = new Construct(newChart('db'), 'crdb');
  return {
    spec: resolveClusterSpec(scope, 'crdb', props),
    labels: { pod: 'label' },
    serviceAccountName: 'sa',
    joinAddresses: ['a:26257', 'b:26257'],
    discoveryServiceName: 'disc',
    connectionFlags: ['--insecure'],
    ...extra,
  };
}

// As the manifest renders it (quantities and int-or-strings as plain values).
const json = (v: k8s.PodTemplateSpec) => JSON.parse(JSON.stringify(k8s.toJson_PodTemplateSpec(v)));

test('insecure, static locality: the whole template', () => {
  const template = json(databasePodTemplate(input({
    security: ClusterSecurity.insecure(), locality: Locality.of('region=r1'), clusterName: 'prod',
  })));
  expect(template.metadata).toEqual({ labels: { pod: 'label' } });
  const { containers, ...pod } = template.spec;
  expect(pod).toEqual({
    serviceAccountName: 'sa',
    automountServiceAccountToken: false,
    terminationGracePeriodSeconds: 300,
    securityContext: expect.objectContaining({ runAsNonRoot: true }),
    affinity: expect.any(Object),
    topologySpreadConstraints: expect.any(Array),
  });
  expect(containers).toHaveLength(1);
  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path, port: 'http', scheme: 'HTTP' }, periodSeconds, failureThreshold, timeoutSeconds: 5,
  });
  expect(containers[0]).toEqual({
    name: 'cockroachdb',
    image: expect.stringMatching(/^cockroachdb\/cockroach:v/),
    imagePullPolicy: 'IfNotPresent',
    command: ['/cockroach/cockroach'],
    args: [
      'start', '--join=a:26257,b:26257', '--cluster-name=prod', '--advertise-host=$(POD_NAME).disc.db.svc.cluster.local', '--insecure',
      '--http-port=8080', '--port=26257', '--store=path=/cockroach/cockroach-data', '--cache=2048MiB', '--max-sql-memory=2048MiB',
      '--locality=region=r1', '--logtostderr=INFO',
    ],
    env: [
      { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1' } } },
      { name: 'GODEBUG', value: 'disablethp=1' },
    ],
    ports: [{ name: 'sql', containerPort: 26257, protocol: 'TCP' }, { name: 'http', containerPort: 8080, protocol: 'TCP' }],
    resources: { requests: { memory: '8Gi', cpu: '2' }, limits: { memory: '8Gi', cpu: '2' } },
    securityContext: expect.objectContaining({ allowPrivilegeEscalation: false }),
    startupProbe: probe('/health', 10, 30),
    livenessProbe: probe('/health', 10, 3),
    readinessProbe: probe('/health?ready=1', 5, 2),
    volumeMounts: [{ name: 'datadir', mountPath: '/cockroach/cockroach-data' }],
  });
});

test('TLS and per-pod locality: the reloader sidecar, the locality init container, their volumes, HTTPS probes', () => {
  const base = input({ locality: Locality.fromNode(), certificateReloadInterval: undefined });
  const { spec } = base;
  const certificates = new ClusterCertificates(new Construct(newChart('db'), 'x'), 'Certificates', {
    security: spec.security,
    cluster: Object.assign(new Construct(newChart('db'), 'crdb'), {
      name: spec.name, namespace: spec.namespace, clusterDomain: spec.clusterDomain, publicServiceName: 'pub', discoveryServiceName: 'disc',
      _objectLabels: () => ({}), _componentLabels: () => ({}),
    }),
  });
  const template = json(databasePodTemplate({ ...base, certificates, connectionFlags: ['--certs-dir=/cockroach/cockroach-certs'] }));
  expect(template.spec.shareProcessNamespace).toBe(true);
  expect(template.spec.initContainers.map((c: { name: string }) => c.name)).toEqual(['locality']);
  const [db, reloader] = template.spec.containers;
  expect(reloader.name).toBe('cert-reloader');
  expect(reloader.command[2]).toContain('\ninterval=60\n');
  expect(db.command[0]).toBe('/bin/bash');
  // The locality comes from the file the init container writes, through the bash wrapper.
  expect(db.args.filter((a: string) => a.startsWith('--locality'))).toEqual([]);
  expect(db.args).toContain('--certs-dir=/cockroach/cockroach-certs');
  expect(db.startupProbe.httpGet.scheme).toBe('HTTPS');
  expect(db.readinessProbe.httpGet.scheme).toBe('HTTPS');
  expect(db.volumeMounts).toEqual([
    { name: 'datadir', mountPath: '/cockroach/cockroach-data' },
    { name: 'certs', mountPath: '/cockroach/cockroach-certs', readOnly: true },
    { name: 'locality', mountPath: '/cockroach/locality', readOnly: true },
  ]);
  expect(template.spec.volumes.map((v: { name: string }) => v.name)).toEqual(['certs', 'locality', 'kube-api-access']);
});

describe('extra start flags and environment variables', () => {
  const container = (props: Parameters<typeof resolveClusterSpec>[2]) => json(databasePodTemplate(input({ security: ClusterSecurity.insecure(), ...props }))).spec.containers[0];

  test('after the construct\'s own, in the order given', () => {
    const c = container({ extraStartFlags: ['--max-offset=250ms', '--attrs=ssd', '--disable-max-offset-check'], extraEnv: { TZ: 'UTC', COCKROACH_SKIP_ENABLING_DIAGNOSTIC_REPORTING: 'true' } });
    expect(c.args.slice(-4)).toEqual(['--logtostderr=INFO', '--max-offset=250ms', '--attrs=ssd', '--disable-max-offset-check']);
    expect(c.env.slice(-2)).toEqual([{ name: 'TZ', value: 'UTC' }, { name: 'COCKROACH_SKIP_ENABLING_DIAGNOSTIC_REPORTING', value: 'true' }]);
    expect(c.env.map((e: any) => e.name)).toEqual(['POD_NAME', 'GOMAXPROCS', 'GODEBUG', 'TZ', 'COCKROACH_SKIP_ENABLING_DIAGNOSTIC_REPORTING']);
  });

  test('none by default', () => {
    const c = container({});
    expect(c.args[c.args.length - 1]).toBe('--logtostderr=INFO');
    expect(c.env.map((e: any) => e.name)).toEqual(['POD_NAME', 'GOMAXPROCS', 'GODEBUG']);
  });

  test('an empty value and a value with "=" and spaces pass as they are (no shell)', () => {
    expect(container({ extraStartFlags: ['--attrs=', '--x=a=b c'] }).args.slice(-2)).toEqual(['--attrs=', '--x=a=b c']);
    expect(container({ extraEnv: { EMPTY: '' } }).env.slice(-1)).toEqual([{ name: 'EMPTY', value: '' }]);
  });

  test.each<[string, Parameters<typeof resolveClusterSpec>[2], string, string]>([
    ['not a list', { extraStartFlags: '--max-offset=250ms' as any }, 'extraStartFlags', 'received "--max-offset=250ms"; expected a list of flags, e.g. ["--max-offset=250ms"]'],
    ['two flags in one item', { extraStartFlags: ['--attrs=ssd --max-offset=1s'] }, 'extraStartFlags[0]', 'received "--attrs=ssd --max-offset=1s"; expected one flag'],
    ['no dashes', { extraStartFlags: ['max-offset=250ms'] }, 'extraStartFlags[0]', 'received "max-offset=250ms"; expected one flag, "--name" or "--name=value" (lower-case name; one flag per item)'],
    ['one dash', { extraStartFlags: ['-v'] }, 'extraStartFlags[0]', 'received "-v"; expected one flag'],
    ['upper case', { extraStartFlags: ['--Max-Offset=1s'] }, 'extraStartFlags[0]', 'received "--Max-Offset=1s"; expected one flag'],
    ['a newline in the value', { extraStartFlags: ['--attrs=a\nb'] }, 'extraStartFlags[0]', 'expected one flag'],
    ['a number', { extraStartFlags: [5 as any] }, 'extraStartFlags[0]', 'received 5; expected one flag'],
    ['--join', { extraStartFlags: ['--join=x:26257'] }, 'extraStartFlags[0]', 'received "--join=x:26257"; expected a flag the construct does not set: --join comes from the StatefulSet (its first three pods)'],
    ['--cache', { extraStartFlags: ['--cache=.5'] }, 'extraStartFlags[0]', 'expected a flag the construct does not set: --cache comes from cache'],
    ['--max-sql-memory', { extraStartFlags: ['--max-sql-memory=.5'] }, 'extraStartFlags[0]', '--max-sql-memory comes from maxSqlMemory'],
    ['--certs-dir', { extraStartFlags: ['--certs-dir=/x'] }, 'extraStartFlags[0]', '--certs-dir comes from security'],
    ['--insecure', { extraStartFlags: ['--insecure'] }, 'extraStartFlags[0]', '--insecure comes from security'],
    ['--advertise-host', { extraStartFlags: ['--advertise-host=x'] }, 'extraStartFlags[0]', '--advertise-host comes from the discovery Service'],
    ['--advertise-addr', { extraStartFlags: ['--advertise-addr=x'] }, 'extraStartFlags[0]', '--advertise-addr comes from the discovery Service'],
    ['--store', { extraStartFlags: ['--store=path=/x'] }, 'extraStartFlags[0]', '--store comes from storage'],
    ['--locality', { extraStartFlags: ['--locality=region=a'] }, 'extraStartFlags[0]', '--locality comes from locality'],
    ['--cluster-name', { extraStartFlags: ['--cluster-name=x'] }, 'extraStartFlags[0]', '--cluster-name comes from clusterName'],
    ['--port', { extraStartFlags: ['--port=1'] }, 'extraStartFlags[0]', '--port comes from the construct (26257)'],
    ['--listen-addr', { extraStartFlags: ['--listen-addr=:1'] }, 'extraStartFlags[0]', '--listen-addr comes from the construct (port 26257)'],
    ['--http-port', { extraStartFlags: ['--http-port=1'] }, 'extraStartFlags[0]', '--http-port comes from the construct (8080)'],
    ['--http-addr', { extraStartFlags: ['--http-addr=:1'] }, 'extraStartFlags[0]', '--http-addr comes from the construct (port 8080)'],
    ['--log', { extraStartFlags: ['--log=sinks: {}'] }, 'extraStartFlags[0]', '--log comes from logging'],
    ['--logtostderr', { extraStartFlags: ['--logtostderr=WARNING'] }, 'extraStartFlags[0]', '--logtostderr comes from logging'],
    ['--log-dir', { extraStartFlags: ['--log-dir=/x'] }, 'extraStartFlags[0]', '--log-dir comes from logging'],
    ['--log-config-file', { extraStartFlags: ['--log-config-file=/x'] }, 'extraStartFlags[0]', '--log-config-file comes from logging'],
    ['--background', { extraStartFlags: ['--background'] }, 'extraStartFlags[0]', '--background comes from the construct (cockroach runs as the container\'s process)'],
    ['--sql-audit-dir (a legacy logging flag)', { extraStartFlags: ['--sql-audit-dir=/x'] }, 'extraStartFlags[0]', '--sql-audit-dir comes from logging'],
    ['--no-color', { extraStartFlags: ['--no-color'] }, 'extraStartFlags[0]', '--no-color comes from logging'],
    ['--log-file-verbosity', { extraStartFlags: ['--log-file-verbosity=INFO'] }, 'extraStartFlags[0]', '--log-file-verbosity comes from logging'],
    ['--log-file-max-size', { extraStartFlags: ['--log-file-max-size=1MiB'] }, 'extraStartFlags[0]', '--log-file-max-size comes from logging'],
    ['--log-group-max-size', { extraStartFlags: ['--log-group-max-size=1MiB'] }, 'extraStartFlags[0]', '--log-group-max-size comes from logging'],
    ['--redactable-logs', { extraStartFlags: ['--redactable-logs'] }, 'extraStartFlags[0]', '--redactable-logs comes from logging'],
    ['--sql-addr', { extraStartFlags: ['--sql-addr=:26258'] }, 'extraStartFlags[0]', '--sql-addr comes from the construct (port 26257)'],
    ['--host', { extraStartFlags: ['--host=x'] }, 'extraStartFlags[0]', '--host comes from the construct (port 26257)'],
    ['--http-host', { extraStartFlags: ['--http-host=x'] }, 'extraStartFlags[0]', '--http-host comes from the construct (port 8080)'],
    ['--advertise-sql-addr', { extraStartFlags: ['--advertise-sql-addr=x'] }, 'extraStartFlags[0]', '--advertise-sql-addr comes from the discovery Service'],
    ['--advertise-http-addr', { extraStartFlags: ['--advertise-http-addr=x'] }, 'extraStartFlags[0]', '--advertise-http-addr comes from the discovery Service'],
    ['--advertise-port', { extraStartFlags: ['--advertise-port=1'] }, 'extraStartFlags[0]', '--advertise-port comes from the construct (26257)'],
    ['--accept-sql-without-tls', { extraStartFlags: ['--accept-sql-without-tls'] }, 'extraStartFlags[0]', '--accept-sql-without-tls comes from security'],
    ['--unencrypted-localhost-http', { extraStartFlags: ['--unencrypted-localhost-http'] }, 'extraStartFlags[0]', '--unencrypted-localhost-http comes from security'],
    ['--socket-dir', { extraStartFlags: ['--socket-dir=/x'] }, 'extraStartFlags[0]', '--socket-dir comes from the construct (read-only root file system)'],
    ['--pid-file', { extraStartFlags: ['--pid-file=/x'] }, 'extraStartFlags[0]', '--pid-file comes from the construct (read-only root file system)'],
    ['--temp-dir', { extraStartFlags: ['--temp-dir=/x'] }, 'extraStartFlags[0]', '--temp-dir comes from the construct (read-only root file system)'],
    ['--external-io-dir', { extraStartFlags: ['--external-io-dir=/x'] }, 'extraStartFlags[0]', '--external-io-dir comes from the construct (read-only root file system)'],
    ['a flag twice', { extraStartFlags: ['--max-offset=1s', '--attrs=ssd', '--max-offset=2s'] }, 'extraStartFlags[2]', 'received "--max-offset=2s"; expected each flag once: --max-offset is given twice'],
    ['env not an object', { extraEnv: ['TZ=UTC'] as any }, 'extraEnv', 'received ["TZ=UTC"]; expected names to values, e.g. { COCKROACH_SKIP_ENABLING_DIAGNOSTIC_REPORTING: "true" }'],
    ['env null', { extraEnv: null as any }, 'extraEnv', 'received null; expected names to values'],
    ['a bad env name', { extraEnv: { 'MY-VAR': 'x' } }, 'extraEnv', 'received "MY-VAR"; expected a variable name of letters, digits and \'_\', not starting with a digit'],
    ['an env name starting with a digit', { extraEnv: { '1X': 'x' } }, 'extraEnv', 'received "1X"; expected a variable name'],
    ['an owned env name', { extraEnv: { GODEBUG: 'x' } }, 'extraEnv', 'received "GODEBUG"; expected a variable the construct does not set (it sets POD_NAME, GOMAXPROCS, GODEBUG, GOOGLE_APPLICATION_CREDENTIALS, COCKROACH_CERTS_DIR, COCKROACH_INSECURE, COCKROACH_HOST, COCKROACH_PORT, COCKROACH_WAL_FAILOVER)'],
    ['COCKROACH_INSECURE', { extraEnv: { COCKROACH_INSECURE: 'true' } }, 'extraEnv', 'received "COCKROACH_INSECURE"'],
    ['a number as a value', { extraEnv: { TZ: 1 as any } }, 'extraEnv.TZ', 'received 1; expected a string'],
  ])('refused: %s', (_case, props, prop, message) => {
    const error = configError(() => resolveClusterSpec(new Construct(newChart('db'), 'crdb'), 'crdb', props));
    expect(error.prop).toBe(prop);
    expect(error.message).toContain(`${prop}: received `);
    expect(error.message).toContain(message);
  });
});
