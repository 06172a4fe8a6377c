import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  CertManagerOptions, ClusterCertificates, ClusterSecurity, CockroachCluster, CockroachClusterProps, IssuerRef, Locality,
} from '../../lib/k8s';
import { certReloaderScript } from '../../lib/k8s/private/cert-reloader';
import { Manifest, newChart, only, synth, validateAgainstSchemas } from '../support/manifests';
import { configError } from '../support/errors';

function build(props: CockroachClusterProps = {}, namespace = 'db') {
  const chart = newChart(namespace);
  const cluster = new CockroachCluster(chart, 'crdb', props);
  const objects = synth(chart);
  const sts = only(objects, 'StatefulSet');
  return { cluster, objects, sts, pod: sts.spec.template.spec, container: sts.spec.template.spec.containers[0] };
}

const certificate = (objects: Manifest[], name: string) => only(objects, 'Certificate', name).spec;

describe('TLS is the default: self-contained cert-manager mode', () => {
  const { cluster, objects, pod, container } = build();

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('every object, cert-manager ones included, passes its schema', () => {
    validateAgainstSchemas(objects);
  });

  test('bootstrap Issuer → CA Certificate (ECDSA P-256, key kept) → CA Issuer → node and root certificates', () => {
    expect(only(objects, 'Issuer', 'crdb-selfsigned').spec).toEqual({ selfSigned: {} });
    const ca = certificate(objects, 'crdb-ca');
    expect(ca).toMatchObject({
      isCA: true, secretName: 'crdb-ca', duration: '43800h', renewBefore: '8760h',
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Never' },
      issuerRef: { name: 'crdb-selfsigned', kind: 'Issuer', group: 'cert-manager.io' },
    });
    expect(only(objects, 'Issuer', 'crdb-ca-issuer').spec).toEqual({ ca: { secretName: 'crdb-ca' } });
    const node = certificate(objects, 'crdb-node');
    expect(node).toMatchObject({
      commonName: 'node', secretName: 'crdb-node', duration: '8760h', renewBefore: '720h',
      usages: ['digital signature', 'key encipherment', 'server auth', 'client auth'],
      issuerRef: { name: 'crdb-ca-issuer', kind: 'Issuer' }, privateKey: { rotationPolicy: 'Always' },
    });
    const root = certificate(objects, 'crdb-client-root');
    expect(root).toMatchObject({ commonName: 'root', secretName: 'crdb-client-root', duration: '720h', usages: expect.arrayContaining(['client auth']) });
    expect(root.usages).not.toContain('server auth');
  });

  test('node SANs are computed from the actual Service names', () => {
    const node = certificate(objects, 'crdb-node');
    const pub = cluster.publicServiceName;
    const disc = cluster.discoveryServiceName;
    expect(node.dnsNames).toEqual([
      'localhost', pub, `${pub}.db`, `${pub}.db.svc.cluster.local`, `*.${disc}`, `*.${disc}.db`, `*.${disc}.db.svc.cluster.local`,
    ]);
    expect(node.ipAddresses).toEqual(['127.0.0.1']);
    // Every name a client or peer uses is covered.
    expect(node.dnsNames).toContain(cluster.publicHost);
    const podName = cluster.podDnsName(2);
    expect(node.dnsNames).toContain(`*${podName.slice(podName.indexOf('.'))}`);
  });

  test('node pods get the files CockroachDB expects, read-only, mode 0440', () => {
    const certs = pod.volumes.find((v: any) => v.name === 'certs');
    expect(certs.projected.defaultMode).toBe(0o440);
    const files = certs.projected.sources.flatMap((s: any) => s.secret.items.map((i: any) => `${s.secret.name}:${i.key}→${i.path}`));
    expect(files).toEqual([
      'crdb-node:ca.crt→ca.crt', 'crdb-node:tls.crt→node.crt', 'crdb-node:tls.key→node.key',
      'crdb-client-root:tls.crt→client.root.crt', 'crdb-client-root:tls.key→client.root.key',
    ]);
    expect(container.volumeMounts).toContainEqual({ name: 'certs', mountPath: '/cockroach/cockroach-certs', readOnly: true });
    // 0440 is group-readable, which CockroachDB accepts for keys owned by root with the process's group
    // (the pod's fsGroup): that is how kubelet writes Secret files.
    expect(pod.securityContext.fsGroup).toBe(pod.securityContext.runAsGroup);
  });

  test('--certs-dir instead of --insecure, HTTPS probes', () => {
    expect(container.args).toContain('--certs-dir=/cockroach/cockroach-certs');
    expect(container.args).not.toContain('--insecure');
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) expect(container[probe].httpGet.scheme).toBe('HTTPS');
  });

  test('renewals reach running nodes: a reloader sidecar in a shared process namespace', () => {
    expect(pod.shareProcessNamespace).toBe(true);
    const reloader = pod.containers.find((c: any) => c.name === 'cert-reloader');
    expect(reloader.volumeMounts).toEqual([{ name: 'certs', mountPath: '/cockroach/cockroach-certs', readOnly: true }]);
    expect(reloader.command[2]).toContain('kill -HUP');
    expect(reloader.command[2]).toContain('interval=60');
  });

  test('pods stay in the Guaranteed QoS class: helpers have requests equal to limits', () => {
    // With per-pod locality the pod has every kind of helper: the locality init container and the reloader.
    const { pod: full } = build({ locality: Locality.fromNode() });
    const containers = [...full.initContainers, ...full.containers];
    expect(containers.map((c: any) => c.name)).toEqual(['locality', 'cockroachdb', 'cert-reloader']);
    for (const c of containers) {
      // Guaranteed needs CPU and memory, each with its request equal to its limit, in every container.
      expect(Object.keys(c.resources.limits).sort()).toEqual(['cpu', 'memory']);
      expect(c.resources.requests).toEqual(c.resources.limits);
    }
    const resources = Object.fromEntries(containers.map((c: any) => [c.name, c.resources.limits]));
    expect(resources).toEqual({
      'locality': { cpu: '50m', memory: '64Mi' },
      'cockroachdb': { cpu: '2', memory: '8Gi' },
      'cert-reloader': { cpu: '20m', memory: '32Mi' },
    });
    // The default pod (no locality) has no init container, and the same reloader.
    expect(pod.initContainers).toBeUndefined();
    expect(pod.containers.find((c: any) => c.name === 'cert-reloader').resources).toEqual(full.containers[1].resources);
  });

  test('the init Job connects as root with the root client certificate', () => {
    const job = only(objects, 'Job');
    const spec = job.spec.template.spec;
    expect(spec.containers[0].command[2]).toContain('init --certs-dir=/cockroach/cockroach-certs --host=crdb-0.crdb.db.svc.cluster.local:26257');
    expect(spec.volumes[0].projected.sources[0].secret).toEqual({
      name: 'crdb-client-root',
      items: [{ key: 'ca.crt', path: 'ca.crt' }, { key: 'tls.crt', path: 'client.root.crt' }, { key: 'tls.key', path: 'client.root.key' }],
    });
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'certs', mountPath: '/cockroach/cockroach-certs', readOnly: true }]);
  });

  test('no secret material in the manifests: only Secret names', () => {
    expect(JSON.stringify(objects)).not.toMatch(/BEGIN (RSA |EC )?(PRIVATE KEY|CERTIFICATE)/);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });
});

describe('cert-manager options', () => {
  test('durations, renewal and additional SANs; cluster domain in the SANs', () => {
    const { objects } = build({
      clusterDomain: 'k8s.example',
      security: ClusterSecurity.certManager({
        ca: { duration: Duration.days(3650), renewBefore: Duration.days(730) },
        node: { duration: Duration.days(90), renewBefore: Duration.days(30) },
        client: { duration: Duration.hours(48), renewBefore: Duration.hours(12) },
        additionalSans: ['crdb.example.com', '*.crdb.example.com', '10.0.0.5', 'fd00::5'],
      }),
    });
    expect(certificate(objects, 'crdb-ca')).toMatchObject({ duration: '87600h', renewBefore: '17520h' });
    expect(certificate(objects, 'crdb-node')).toMatchObject({ duration: '2160h', renewBefore: '720h' });
    expect(certificate(objects, 'crdb-client-root')).toMatchObject({ duration: '48h', renewBefore: '12h' });
    const node = certificate(objects, 'crdb-node');
    expect(node.dnsNames).toEqual(expect.arrayContaining(['crdb-public.db.svc.k8s.example', '*.crdb.db.svc.k8s.example', 'crdb.example.com', '*.crdb.example.com']));
    expect(node.ipAddresses).toEqual(['127.0.0.1', '10.0.0.5', 'fd00::5']);
    validateAgainstSchemas(objects);
  });

  test('additional SANs: IP addresses apart from DNS names, even DNS names that contain an IPv4 address', () => {
    // 253 characters, the most a DNS name may have.
    const longest = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    expect(longest).toHaveLength(253);
    const { objects } = build({
      security: ClusterSecurity.certManager({
        additionalSans: ['10.0.0.5', 'x.example.com', '10.0.0.5.nip.io', 'crdb.10.0.0.5', 'fd00::5', '*.a.example.com', longest, '::1'],
      }),
    });
    const node = certificate(objects, 'crdb-node');
    expect(node.dnsNames).toEqual([
      'localhost', 'crdb-public', 'crdb-public.db', 'crdb-public.db.svc.cluster.local', '*.crdb', '*.crdb.db', '*.crdb.db.svc.cluster.local',
      'x.example.com', '10.0.0.5.nip.io', 'crdb.10.0.0.5', '*.a.example.com', longest,
    ]);
    expect(node.ipAddresses).toEqual(['127.0.0.1', '10.0.0.5', 'fd00::5', '::1']);
  });

  test('an advertise domain other than the cluster\'s (a region of a multi-region cluster): the public Service and the pods under it too', () => {
    const target = (advertiseDomain?: string) => Object.assign(new Construct(newChart('db'), 'crdb'), {
      name: 'crdb', namespace: 'db', clusterDomain: 'cluster.local', advertiseDomain, publicServiceName: 'crdb-public', discoveryServiceName: 'crdb',
      _objectLabels: () => ({}), _componentLabels: () => ({}),
    });
    const sans = (advertiseDomain?: string) => new ClusterCertificates(target(advertiseDomain), 'Certificates', { cluster: target(advertiseDomain), security: ClusterSecurity.certManager() }).nodeSans;
    const local = ['localhost', 'crdb-public', 'crdb-public.db', 'crdb-public.db.svc.cluster.local', '*.crdb', '*.crdb.db', '*.crdb.db.svc.cluster.local'];
    expect(sans('crdb-global-us-east1.internal')).toEqual([...local, 'crdb-public.db.svc.crdb-global-us-east1.internal', '*.crdb.db.svc.crdb-global-us-east1.internal', '127.0.0.1']);
    expect(sans(undefined)).toEqual([...local, '127.0.0.1']);
    expect(sans('cluster.local')).toEqual([...local, '127.0.0.1']);
  });

  test('node and client keys are RSA 2048, replaced at every renewal', () => {
    const { objects } = build();
    const rsa = { algorithm: 'RSA', size: 2048, rotationPolicy: 'Always' };
    expect(certificate(objects, 'crdb-node').privateKey).toEqual(rsa);
    expect(certificate(objects, 'crdb-client-root').privateKey).toEqual(rsa);
  });

  test('the shortest lifetimes allowed: a 1h certificate renewed 5m before it expires', () => {
    const { objects } = build({
      security: ClusterSecurity.certManager({ client: { duration: Duration.hours(1), renewBefore: Duration.minutes(5) } }),
    });
    expect(certificate(objects, 'crdb-client-root')).toMatchObject({ duration: '1h', renewBefore: '5m' });
  });

  test('an existing ClusterIssuer: no CA of our own, node and client certificates from it', () => {
    const { objects } = build({ security: ClusterSecurity.certManagerIssuer(IssuerRef.clusterIssuer('corp-ca')) });
    expect(objects.filter((o) => o.kind === 'Issuer')).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Certificate').map((o) => o.metadata.name)).toEqual(['crdb-node', 'crdb-client-root']);
    expect(certificate(objects, 'crdb-node').issuerRef).toEqual({ name: 'corp-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' });
    validateAgainstSchemas(objects);
  });

  test('an external issuer kind', () => {
    const { objects } = build({ security: ClusterSecurity.certManagerIssuer(IssuerRef.of('pca', 'AWSPCAClusterIssuer', 'awspca.cert-manager.io')) });
    expect(certificate(objects, 'crdb-node').issuerRef).toEqual({ name: 'pca', kind: 'AWSPCAClusterIssuer', group: 'awspca.cert-manager.io' });
  });

  test('existing Secrets: nothing for cert-manager, the Secrets mounted', () => {
    const { objects, pod } = build({ security: ClusterSecurity.existingSecrets({ nodeSecretName: 'my-node-tls', rootClientSecretName: 'my-root-tls' }) });
    expect(objects.filter((o) => o.apiVersion.startsWith('cert-manager.io'))).toEqual([]);
    const certs = pod.volumes.find((v: any) => v.name === 'certs');
    expect(certs.projected.sources.map((s: any) => s.secret.name)).toEqual(['my-node-tls', 'my-root-tls']);
    validateAgainstSchemas(objects);
  });

  test('an insecure cluster has no certificates, no reloader, no shared process namespace', () => {
    const { objects, pod, cluster } = build({ security: ClusterSecurity.insecure() });
    expect(objects.filter((o) => o.apiVersion.startsWith('cert-manager.io'))).toEqual([]);
    expect(pod.containers.map((c: any) => c.name)).toEqual(['cockroachdb']);
    expect(pod.shareProcessNamespace).toBeUndefined();
    expect(cluster.certificates).toBeUndefined();
  });
});

const BAD_TLS: Array<[string, CertManagerOptions | ClusterSecurity, string, string]> = [
  ['CA shorter than the node certificate', { ca: { duration: Duration.days(300), renewBefore: Duration.days(30) } },
    'security.ca.duration, security.node.duration, security.client.duration', 'the CA must be valid longer than every certificate it signs'],
  ['CA as long as a leaf', { ca: { duration: Duration.hours(8760), renewBefore: Duration.hours(720) } },
    'security.ca.duration, security.node.duration, security.client.duration', 'helm-charts#397'],
  ['CA renewed too late for its leaves', { ca: { duration: Duration.days(3650), renewBefore: Duration.days(30) } },
    'security.ca.renewBefore, security.node.duration, security.client.duration', 'received ca.renewBefore 720h'],
  ['renewBefore longer than the duration', { node: { duration: Duration.days(30), renewBefore: Duration.days(40) } },
    'security.node.renewBefore', 'received "960h"'],
  ['duration under an hour', { client: { duration: Duration.minutes(30), renewBefore: Duration.minutes(10) } },
    'security.client.duration', 'received "1800s"'],
  ['an additional SAN with a space', { additionalSans: ['bad name'] }, 'additionalSans[0]', 'received "bad name"'],
  ['an additional SAN with a URL', { additionalSans: ['ok.example.com', 'https://x'] }, 'additionalSans[1]', 'received "https://x"'],
  ['unknown cert-manager issuer kind', ClusterSecurity.certManagerIssuer(IssuerRef.of('ca', 'Isuer')), 'security.issuer (kind)', 'received "Isuer"'],
  ['issuer kind in lowercase', ClusterSecurity.certManagerIssuer(IssuerRef.of('ca', 'clusterissuer', 'example.com')), 'security.issuer (kind)', 'received "clusterissuer"'],
  ['issuer name malformed', ClusterSecurity.certManagerIssuer(IssuerRef.clusterIssuer('Corp CA')), 'security.issuer (name)', 'received "Corp CA"'],
  ['existing Secret name malformed', ClusterSecurity.existingSecrets({ nodeSecretName: 'node_tls', rootClientSecretName: 'root' }),
    'security.nodeSecretName', 'received "node_tls"'],
  ['existing root client Secret name malformed', ClusterSecurity.existingSecrets({ nodeSecretName: 'node-tls', rootClientSecretName: 'Root TLS' }),
    'security.rootClientSecretName', 'received "Root TLS"'],
  ['issuer group malformed', ClusterSecurity.certManagerIssuer(IssuerRef.of('pca', 'AWSPCAClusterIssuer', 'AWS PCA')),
    'security.issuer (group)', 'received "AWS PCA"'],
];

const SAN_ERROR = 'expected a DNS name (optionally starting with "*.") or an IP address';
const KIND_ERROR = 'expected a Kubernetes kind in UpperCamelCase, e.g. "ClusterIssuer"';
const DURATION_ERROR = 'expected whole minutes, at least 1h (cert-manager\'s minimum)';
const RENEW_ERROR = 'expected whole minutes, at least 5m and shorter than the duration';

/** [what, input, prop, the message in full, after the construct path] */
const BAD_TLS_MESSAGES: Array<[string, CertManagerOptions | ClusterSecurity, string, string]> = [
  ['a hexadecimal SAN in uppercase (neither an IPv6 address nor a DNS name)', { additionalSans: ['ABCD'] },
    'additionalSans[0]', `received "ABCD"; ${SAN_ERROR}`],
  ['a SAN of 254 characters', { additionalSans: [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`] },
    'additionalSans[0]', `received "${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}"; ${SAN_ERROR}`],
  ['unknown cert-manager issuer kind', ClusterSecurity.certManagerIssuer(IssuerRef.of('ca', 'Isuer')), 'security.issuer (kind)',
    'received "Isuer"; expected "Issuer" or "ClusterIssuer" for group cert-manager.io (use IssuerRef.of(name, kind, group) for an external issuer)'],
  ['an issuer kind starting in lowercase', ClusterSecurity.certManagerIssuer(IssuerRef.of('pca', 'aWSPCAIssuer', 'awspca.cert-manager.io')),
    'security.issuer (kind)', `received "aWSPCAIssuer"; ${KIND_ERROR}`],
  ['an issuer kind ending in a dash', ClusterSecurity.certManagerIssuer(IssuerRef.of('pca', 'AWSPCAIssuer-', 'awspca.cert-manager.io')),
    'security.issuer (kind)', `received "AWSPCAIssuer-"; ${KIND_ERROR}`],
  ['a duration under an hour', { client: { duration: Duration.minutes(59), renewBefore: Duration.minutes(5) } },
    'security.client.duration', `received "3540s"; ${DURATION_ERROR}`],
  ['a duration over an hour but not in whole minutes', { client: { duration: Duration.seconds(3630), renewBefore: Duration.minutes(5) } },
    'security.client.duration', `received "3630s"; ${DURATION_ERROR}`],
  ['a renewBefore under 5m', { client: { duration: Duration.hours(1), renewBefore: Duration.minutes(4) } },
    'security.client.renewBefore', `received "240s"; ${RENEW_ERROR} (1h)`],
  ['a renewBefore over 5m but not in whole minutes', { client: { duration: Duration.hours(1), renewBefore: Duration.seconds(330) } },
    'security.client.renewBefore', `received "330s"; ${RENEW_ERROR} (1h)`],
  ['a renewBefore as long as the duration', { node: { duration: Duration.days(30), renewBefore: Duration.days(30) } },
    'security.node.renewBefore', `received "720h"; ${RENEW_ERROR} (720h)`],
];

describe('TLS errors are thrown', () => {
  test.each(BAD_TLS_MESSAGES)('%s: the message in full', (_what, input, prop, message) => {
    const security = input instanceof ClusterSecurity ? input : ClusterSecurity.certManager(input);
    const error = configError(() => build({ security }));
    expect(error.prop).toBe(prop);
    expect(error.message).toBe(`[test/crdb/Certificates] ${prop}: ${message}`);
  });

  test.each(BAD_TLS)('%s', (_what, input, prop, fragment) => {
    const security = input instanceof ClusterSecurity ? input : ClusterSecurity.certManager(input);
    const error = configError(() => build({ security }));
    expect(error.prop).toBe(prop);
    expect(error.message).toContain(fragment);
  });

  test('certificate reload interval bounds', () => {
    expect(() => build({ certificateReloadInterval: Duration.seconds(1) })).toThrow(/certificateReloadInterval \(seconds\): received 1/);
  });
});

describe('the certificate reloader (run with bash against a real process)', () => {
  test('sends SIGHUP to the cockroach process when a certificate changes, and only then', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crdb-certs-'));
    fs.writeFileSync(path.join(dir, 'ca.crt'), 'CA-1');
    fs.writeFileSync(path.join(dir, 'node.crt'), 'NODE-1');
    const hups = path.join(dir, 'hups');
    fs.writeFileSync(hups, '');
    // A stand-in for `cockroach start`: same argv[0] and first argument, counts the SIGHUPs it gets.
    const counting = (argv0: string, file: string, args: string) =>
      spawn('bash', ['-c', `exec -a ${argv0} bash -c 'trap "echo hup >> ${file}" HUP; while true; do sleep 0.05; done' ${args}`]);
    const fake = counting('/cockroach/cockroach', hups, 'start --join=x');
    // Decoys the reloader must pass over: cockroach not as `start`, and another program's `start`.
    const decoyHups = path.join(dir, 'decoy-hups');
    fs.writeFileSync(decoyHups, '');
    const decoys = [counting('/cockroach/cockroach', decoyHups, 'version --start'), counting('/usr/bin/other', decoyHups, 'start')];
    // Only the processes this test started are looked at (never another test run's, nor another
    // program's): the script's scan of /proc is narrowed to their pids, decoys first.
    const scan = 'for p in /proc/[0-9]*; do';
    const script = certReloaderScript(dir, 1).replace('sleep "$interval" & wait $!', 'sleep 0.2 & wait $!');
    expect(script.split(scan)).toHaveLength(2);
    const reloader = spawn('bash', ['-c', script.replace(scan, `for p in ${[...decoys, fake].map((c) => `/proc/${c.pid}`).join(' ')}; do`)]);
    let log = '';
    reloader.stdout.on('data', (d) => { log += d; });
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const hupCount = () => fs.readFileSync(hups, 'utf8').split('\n').filter(Boolean).length;
    try {
      // The reloader reads the certificates once before it watches: change them only after that, or a
      // busy machine lets it take the changed file as its starting point and never signal.
      for (let i = 0; i < 100 && !log.includes('watching'); i++) await wait(100);
      expect(log).toContain(`watching ${dir} every 1s`);
      await wait(800);
      expect(hupCount()).toBe(0); // nothing changed: no signal
      fs.writeFileSync(path.join(dir, 'node.crt'), 'NODE-2'); // cert-manager renewed the node certificate
      for (let i = 0; i < 100 && hupCount() === 0; i++) await wait(100);
      expect(hupCount()).toBe(1);
      expect(log).toContain(`certificates changed: sent SIGHUP to cockroach (pid ${fake.pid})`);
      await wait(800);
      expect(hupCount()).toBe(1); // one renewal, one signal
      expect(fs.readFileSync(decoyHups, 'utf8')).toBe('');
    } finally {
      reloader.kill('SIGTERM');
      for (const c of [fake, ...decoys]) c.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
