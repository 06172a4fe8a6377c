import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { ClusterCertificates, ClusterSecurity, Locality } from '../../../lib/k8s';
import { resolveClusterSpec } from '../../../lib/k8s/private/cluster-spec';
import { databasePodTemplate, DatabasePodInput } from '../../../lib/k8s/private/pod-template';
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
