import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { ContainerProps, Deployment } from 'cdk8s-plus-28';
import { ClientCertificate, ClusterSecurity, CockroachCluster } from '../../lib/k8s';
import { newChart, only, synth, validateAgainstSchemas } from '../support/manifests';
import { configError } from '../support/errors';

const appContainer: ContainerProps = { image: 'ghcr.io/example/shop:1.4.2', portNumber: 8000, securityContext: { user: 1000, group: 1000 } };

describe('addClientCertificate', () => {
  test('issues a certificate with CN = the user, mounts it into a workload, and gives a ready URL', () => {
    const chart = newChart('shop');
    const cluster = new CockroachCluster(chart, 'crdb');
    const cert = cluster.addClientCertificate('app_user');
    const deployment = new Deployment(chart, 'shop', { containers: [appContainer], securityContext: { fsGroup: 2000 } });
    const dir = cert.mount(deployment);
    const objects = synth(chart);
    validateAgainstSchemas(objects);

    expect(cert.secretName).toBe('crdb-client-app-user');
    expect(only(objects, 'Certificate', 'crdb-client-app-user').spec).toMatchObject({
      commonName: 'app_user', secretName: 'crdb-client-app-user',
      usages: ['digital signature', 'key encipherment', 'client auth'],
      issuerRef: { name: 'crdb-ca-issuer', kind: 'Issuer' },
    });

    expect(dir).toBe('/etc/cockroach-certs');
    const pod = only(objects, 'Deployment').spec.template.spec;
    const volume = pod.volumes.find((v: any) => v.secret?.secretName === 'crdb-client-app-user');
    expect(volume.secret).toEqual({
      secretName: 'crdb-client-app-user', defaultMode: 0o440,
      items: [{ key: 'ca.crt', path: 'ca.crt' }, { key: 'tls.crt', path: 'client.app_user.crt' }, { key: 'tls.key', path: 'client.app_user.key' }],
    });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: volume.name, mountPath: '/etc/cockroach-certs', readOnly: true });

    expect(cert.connectionUrl('orders')).toBe(
      'postgresql://app_user@crdb-public.shop.svc.cluster.local:26257/orders?sslmode=verify-full'
      + '&sslrootcert=/etc/cockroach-certs/ca.crt&sslcert=/etc/cockroach-certs/client.app_user.crt&sslkey=/etc/cockroach-certs/client.app_user.key');
    expect(cert.connectionUrl()).toContain('/defaultdb?');
  });

  test('a custom mount path is reflected in the URL', () => {
    const chart = newChart();
    const cluster = new CockroachCluster(chart, 'crdb');
    const cert = cluster.addClientCertificate('reporting');
    const deployment = new Deployment(chart, 'reports', { containers: [appContainer], securityContext: { fsGroup: 2000 } });
    const dir = cert.mount(deployment, { path: '/var/run/crdb' });
    expect(cert.connectionUrl('analytics', dir)).toContain('sslcert=/var/run/crdb/client.reporting.crt');
    expect(only(synth(chart), 'Deployment').spec.template.spec.containers[0].volumeMounts[0].mountPath).toBe('/var/run/crdb');
  });

  test('two certificates in one workload: one volume each, named after the cluster and the user', () => {
    const chart = newChart();
    const cluster = new CockroachCluster(chart, 'crdb');
    const deployment = new Deployment(chart, 'shop', { containers: [appContainer], securityContext: { fsGroup: 2000 } });
    cluster.addClientCertificate('app_user').mount(deployment, { path: '/certs/app' });
    cluster.addClientCertificate('reporting').mount(deployment, { path: '/certs/reporting' });
    const pod = only(synth(chart), 'Deployment').spec.template.spec;
    expect(pod.volumes.map((v: any) => [v.name, v.secret.secretName])).toEqual([
      ['crdb-crdb-app-user', 'crdb-client-app-user'], ['crdb-crdb-reporting', 'crdb-client-reporting'],
    ]);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'crdb-crdb-app-user', mountPath: '/certs/app', readOnly: true },
      { name: 'crdb-crdb-reporting', mountPath: '/certs/reporting', readOnly: true },
    ]);
  });

  test('a long user: the volume name cut to 63 characters, without the dashes it would end with', () => {
    const chart = newChart();
    // 63 characters; its two '_' become '-' at characters 62 and 63 of the volume name.
    const user = `${'a'.repeat(51)}__${'b'.repeat(10)}`;
    const cert = new CockroachCluster(chart, 'crdb').addClientCertificate(user);
    cert.mount(new Deployment(chart, 'shop', { containers: [appContainer], securityContext: { fsGroup: 2000 } }));
    const pod = only(synth(chart), 'Deployment').spec.template.spec;
    expect(pod.volumes.map((v: any) => v.name)).toEqual([`crdb-crdb-${'a'.repeat(51)}`]);
  });

  test.each([
    ['a one-letter user', 'a', 'crdb-client-a'],
    ['a two-letter user', 'ab', 'crdb-client-ab'],
    ['a user starting with \'_\'', '_app', 'crdb-client--app'],
    ['a user of 63 characters', 'a'.repeat(63), `crdb-client-${'a'.repeat(63)}`],
  ])('%s is accepted', (_what, user, secretName) => {
    const chart = newChart();
    const cert = new CockroachCluster(chart, 'crdb').addClientCertificate(user);
    expect(cert.secretName).toBe(secretName);
    expect(only(synth(chart), 'Certificate', secretName).spec.commonName).toBe(user);
  });

  test('a pre-made Secret with an existing-Secrets cluster', () => {
    const chart = newChart();
    const cluster = new CockroachCluster(chart, 'crdb', { security: ClusterSecurity.existingSecrets({ nodeSecretName: 'n', rootClientSecretName: 'r' }) });
    const cert = cluster.addClientCertificate('app', { secretName: 'app-tls' });
    expect(cert.secretName).toBe('app-tls');
    expect(cert.certificate).toBeUndefined();
    expect(synth(chart).filter((o) => o.kind === 'Certificate')).toEqual([]);
  });

  test('the certificate lives in the cluster\'s namespace even when the workload is elsewhere', () => {
    const app = Testing.app();
    const db = new Chart(app, 'db', { namespace: 'db' });
    const cluster = new CockroachCluster(db, 'crdb');
    cluster.addClientCertificate('app');
    expect(only(synth(db), 'Certificate', 'crdb-client-app').metadata.namespace).toBe('db');
  });
});

/** [what, call, prop, fragment] */
const BAD_USERS: Array<[string, (c: CockroachCluster) => unknown, string, string]> = [
  ['a duplicate user', (c) => { c.addClientCertificate('app'); c.addClientCertificate('app'); }, 'addClientCertificate(user)', 'each user gets one'],
  ['two users that map to one Secret', (c) => { c.addClientCertificate('app_user'); c.addClientCertificate('app-user'); }, 'addClientCertificate(user)', 'both map to "crdb-client-app-user"'],
  ['root (its certificate exists)', (c) => c.addClientCertificate('root'), 'user', 'reserved'],
  ['node (would impersonate nodes)', (c) => c.addClientCertificate('node'), 'user', 'impersonate'],
  ['uppercase', (c) => c.addClientCertificate('App'), 'user', 'received "App"'],
  ['a leading digit', (c) => c.addClientCertificate('1app'), 'user', 'received "1app"'],
  ['a quote', (c) => c.addClientCertificate("app'--"), 'user', 'received "app\'--"'],
  ['a semicolon', (c) => c.addClientCertificate('app;drop'), 'user', 'received "app;drop"'],
  ['a newline', (c) => c.addClientCertificate('app\nx'), 'user', 'received "app\\nx"'],
  ['a unicode look-alike', (c) => c.addClientCertificate('аpp'), 'user', 'received "аpp"'],
  ['too long', (c) => c.addClientCertificate('a'.repeat(64)), 'user', 'received "aaaa'],
  ['a malformed Secret name', (c) => c.addClientCertificate('app', { secretName: 'App TLS' }), 'secretName', 'received "App TLS"; expected'],
  ['a Secret name with a path', (c) => c.addClientCertificate('app', { secretName: '../app-tls' }), 'secretName', 'received "../app-tls"; expected'],
  ['a bad database in the URL', (c) => c.addClientCertificate('app').connectionUrl('shop?sslmode=disable'), 'connectionUrl(database)', 'received "shop?sslmode=disable"'],
];

const USER_ERROR = 'expected a SQL user name of 1 to 63 lowercase letters, digits, \'_\' or \'-\', starting with a letter or \'_\' and ending with a letter or digit';
const RESERVED_ERROR = 'expected an application user: "root", "node", "public", "admin" are reserved (root\'s certificate already exists; "node" would impersonate the cluster\'s nodes)';

/** [user, the message in full] */
const BAD_USER_MESSAGES: Array<[unknown, string]> = [
  ['App', `[test/crdb/ClientCertificate-App] user: received "App"; ${USER_ERROR}`],
  // A single '_' would give the Secret "crdb-client--", which is not a Kubernetes name.
  ['_', `[test/crdb/ClientCertificate--] user: received "_"; ${USER_ERROR}`],
  ['app_', `[test/crdb/ClientCertificate-app-] user: received "app_"; ${USER_ERROR}`],
  // Not a string at all (from JavaScript), though its text would pass.
  [undefined, `[test/crdb/ClientCertificate-undefined] user: received undefined; ${USER_ERROR}`],
  [['app'], `[test/crdb/ClientCertificate-app] user: received ["app"]; ${USER_ERROR}`],
  ['root', `[test/crdb/ClientCertificate-root] user: received "root"; ${RESERVED_ERROR}`],
  ['node', `[test/crdb/ClientCertificate-node] user: received "node"; ${RESERVED_ERROR}`],
  ['public', `[test/crdb/ClientCertificate-public] user: received "public"; ${RESERVED_ERROR}`],
  ['admin', `[test/crdb/ClientCertificate-admin] user: received "admin"; ${RESERVED_ERROR}`],
];

describe('client certificate errors are thrown', () => {
  test.each(BAD_USER_MESSAGES)('user %p: the message in full', (user, message) => {
    const cluster = new CockroachCluster(newChart(), 'crdb');
    const error = configError(() => cluster.addClientCertificate(user as string));
    expect(error.prop).toBe('user');
    expect(error.message).toBe(message);
  });

  test('a bad database in the URL: the message in full', () => {
    const cert = new CockroachCluster(newChart(), 'crdb').addClientCertificate('app');
    const error = configError(() => cert.connectionUrl('shop?sslmode=disable'));
    expect(error.message).toBe('[test/crdb/ClientCertificate-app] connectionUrl(database): received "shop?sslmode=disable"; '
      + 'expected a database name of lowercase letters, digits, \'_\', \'$\' or \'-\', starting with a letter or \'_\'');
  });

  test.each(BAD_USERS)('%s', (_what, call, prop, fragment) => {
    const cluster = new CockroachCluster(newChart(), 'crdb');
    const error = configError(() => call(cluster));
    expect(error.prop).toBe(prop);
    expect(error.message).toContain(fragment);
  });

  test('a client certificate on an insecure cluster', () => {
    const cluster = new CockroachCluster(newChart(), 'crdb', { security: ClusterSecurity.insecure() });
    expect(() => cluster.addClientCertificate('app')).toThrow(/security: received "ClusterSecurity.insecure\(\)"; a client certificate for "app" needs a secure cluster/);
  });

  test('a generated certificate on an existing-Secrets cluster needs the Secret', () => {
    const cluster = new CockroachCluster(newChart(), 'crdb', { security: ClusterSecurity.existingSecrets({ nodeSecretName: 'n', rootClientSecretName: 'r' }) });
    expect(() => cluster.addClientCertificate('app')).toThrow(/secretName: received undefined; the cluster's certificates come from existing Secrets/);
  });

  test('mounting into a workload without containers', () => {
    const chart = newChart();
    const cert = new CockroachCluster(chart, 'crdb').addClientCertificate('app');
    expect(() => cert.mount(new Deployment(chart, 'empty'))).toThrow(/mount\(workload\): received "test\/empty"/);
    expect(() => cert.mount(new Deployment(chart, 'rel', { containers: [appContainer] }), { path: 'relative/dir' })).toThrow(/mount\(path\): received "relative\/dir"/);
  });

  test('mounting into a workload without containers, though it has an fsGroup: the message in full', () => {
    const chart = newChart();
    const cert = new CockroachCluster(chart, 'crdb').addClientCertificate('app');
    const noContainers = '[test/crdb/ClientCertificate-app] mount(workload): received "test/empty"; '
      + 'expected a workload with at least one container: add its containers first';
    expect(configError(() => cert.mount(new Deployment(chart, 'empty', { securityContext: { fsGroup: 2000 } }))).message).toBe(noContainers);
    // Or with none of its containers chosen.
    const shop = new Deployment(chart, 'shop', { containers: [appContainer], securityContext: { fsGroup: 2000 } });
    expect(configError(() => cert.mount(shop, { containers: [] })).message).toBe(noContainers.replace('test/empty', 'test/shop'));
    expect(shop.volumes).toEqual([]);
  });

  test.each(['relative/dir', '/etc/my certs', '/etc/../root'])('mount path %p: the message in full', (dir) => {
    const chart = newChart();
    const cert = new CockroachCluster(chart, 'crdb').addClientCertificate('app');
    const shop = new Deployment(chart, 'shop', { containers: [appContainer], securityContext: { fsGroup: 2000 } });
    expect(configError(() => cert.mount(shop, { path: dir })).message)
      .toBe(`[test/crdb/ClientCertificate-app] mount(path): received "${dir}"; expected an absolute path without spaces or ".."`);
  });

  test('a workload without an fsGroup is refused: its non-root process could not read the key', () => {
    const chart = newChart();
    const cert = new CockroachCluster(chart, 'crdb').addClientCertificate('app');
    const error = configError(() => cert.mount(new Deployment(chart, 'shop', { containers: [appContainer] })));
    expect(error.message).toBe('[test/crdb/ClientCertificate-app] mount(workload): received "test/shop"; expected a workload whose pod has an fsGroup, e.g. `securityContext: { fsGroup: 2000 }`: '
      + 'the key file is mode 0440, owned by root and by the pod\'s fsGroup, which kubelet adds to every container\'s groups; without one the group is root '
      + 'and a non-root process cannot read the key');
    expect(only(synth(chart), 'Deployment').spec.template.spec.volumes).toBeUndefined();
  });

  /**
   * The files as kubelet writes them: owned by root, group = the pod's fsGroup, the rendered mode; the
   * container's process runs with the rendered user and group, and the fsGroup as a supplementary group.
   * Read for real, as that user: the tests run as root (as the PostgreSQL ones do), which switches to any
   * user with setpriv (util-linux).
   */
  describe('the key is readable by the workload\'s non-root process, as rendered', () => {
    const chart = newChart();
    const cert = new CockroachCluster(chart, 'crdb').addClientCertificate('app');
    cert.mount(new Deployment(chart, 'shop', { containers: [appContainer], securityContext: { fsGroup: 2000 } }));
    const pod = only(synth(chart), 'Deployment').spec.template.spec;
    const volume = pod.volumes.find((v: any) => v.secret?.secretName === 'crdb-client-app');
    const container = pod.containers[0];
    const dirs: string[] = [];
    afterAll(() => {
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    });
    const key = () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-key-'));
      dirs.push(dir);
      fs.chmodSync(dir, 0o755);
      const file = path.join(dir, volume.secret.items.find((i: any) => i.key === 'tls.key').path);
      fs.writeFileSync(file, 'KEY');
      return file;
    };
    const readAs = (file: string, groups: number[]) => spawnSync('setpriv', [
      `--reuid=${container.securityContext.runAsUser}`, `--regid=${container.securityContext.runAsGroup}`,
      groups.length > 0 ? `--groups=${groups.join(',')}` : '--clear-groups', 'cat', file,
    ], { encoding: 'utf8' });

    test('with the pod\'s fsGroup as the file\'s group, the user reads it', () => {
      expect(pod.securityContext.fsGroup).toBe(2000);
      expect(volume.secret.defaultMode).toBe(0o440);
      const file = key();
      fs.chownSync(file, 0, pod.securityContext.fsGroup);
      fs.chmodSync(file, volume.secret.defaultMode);
      const r = readAs(file, [pod.securityContext.fsGroup]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('KEY');
    });

    test('control: without the fsGroup (group root), the same user cannot', () => {
      const file = key();
      fs.chownSync(file, 0, 0);
      fs.chmodSync(file, volume.secret.defaultMode);
      const r = readAs(file, []);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('Permission denied');
    });
  });

  test('the default mount directory is exposed', () => {
    expect(ClientCertificate.DEFAULT_CERTS_DIR).toBe('/etc/cockroach-certs');
  });
});
