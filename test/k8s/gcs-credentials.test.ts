import { CockroachCluster, DeploymentDescription, GcsCredentials } from '../../lib/k8s';
import { newChart, only, synth, validateAgainstSchemas } from '../support/manifests';
import { configError } from '../support/errors';

const build = (gcsCredentials: GcsCredentials) => {
  const chart = newChart();
  new CockroachCluster(chart, 'crdb', { gcsCredentials });
  const objects = synth(chart);
  return { objects, pod: only(objects, 'StatefulSet').spec.template.spec };
};

describe('GcsCredentials', () => {
  test('Workload Identity: the ServiceAccount annotation, nothing mounted', () => {
    const d = DeploymentDescription.of({ projectId: 'acme-prod-db', region: 'europe-west1', bucketName: 'acme-crdb-backups', namespace: 'db' });
    const { objects, pod } = build(GcsCredentials.fromDeployment(d));
    expect(only(objects, 'ServiceAccount', 'crdb').metadata.annotations).toEqual({ 'iam.gke.io/gcp-service-account': 'crdb-backup@acme-prod-db.iam.gserviceaccount.com' });
    expect(pod.volumes.map((v: any) => v.name)).not.toContain('gcs-key');
    expect(pod.containers[0].env.map((e: any) => e.name)).not.toContain('GOOGLE_APPLICATION_CREDENTIALS');
  });

  test('a key from a Secret (the book\'s minikube chapter): mounted read-only, GOOGLE_APPLICATION_CREDENTIALS set, no key material', () => {
    const { objects, pod } = build(GcsCredentials.keyFromSecret('gcs-key'));
    validateAgainstSchemas(objects);
    expect(pod.volumes).toContainEqual({ name: 'gcs-key', secret: { secretName: 'gcs-key', defaultMode: 0o440, items: [{ key: 'key.json', path: 'key.json' }] } });
    const c = pod.containers[0];
    expect(c.volumeMounts).toContainEqual({ name: 'gcs-key', mountPath: '/var/run/secrets/gcs', readOnly: true });
    expect(c.env).toContainEqual({ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/var/run/secrets/gcs/key.json' });
    expect(JSON.stringify(objects)).not.toMatch(/private_key|BEGIN PRIVATE KEY/);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test.each([
    [GcsCredentials.workloadIdentity('not-an-email'), 'gcsCredentials (service account)', '"not-an-email"'],
    [GcsCredentials.workloadIdentity('crdb-backup@acme.gserviceaccount.com'), 'gcsCredentials (service account)', '"crdb-backup@acme.gserviceaccount.com"'],
    [GcsCredentials.keyFromSecret('GCS Key'), 'gcsCredentials (secret)', '"GCS Key"'],
    [GcsCredentials.keyFromSecret('gcs-key', 'key json'), 'gcsCredentials (key)', '"key json"'],
  ])('%o is rejected', (credentials, prop, received) => {
    const error = configError(() => build(credentials));
    expect(error.prop).toBe(prop);
    expect(error.message).toContain(`${prop}: received ${received}; expected `);
  });

  describe('fromDeployment: the cluster is the one the description names (its IAM binding names one ServiceAccount)', () => {
    const described = DeploymentDescription.of({
      projectId: 'acme-prod-db', region: 'europe-west1', bucketName: 'acme-crdb-backups', namespace: 'db', cockroachClusterName: 'orders',
    });
    const on = (namespace: string, name: string) => () =>
      new CockroachCluster(newChart(namespace), 'c', { name, gcsCredentials: GcsCredentials.fromDeployment(described) });

    test('the same name and namespace: accepted, annotated', () => {
      const c = on('db', 'orders')();
      expect(only(synth(c.node.scope as never), 'ServiceAccount', 'orders').metadata.annotations).toEqual({ 'iam.gke.io/gcp-service-account': 'crdb-backup@acme-prod-db.iam.gserviceaccount.com' });
      expect(c.gcsCredentials?.description).toBe(described);
    });

    test.each([
      ['another name', 'db', 'crdb', 'on cluster "crdb" in namespace "db"', 'these pods (ServiceAccount db/crdb)'],
      ['another namespace', 'shop', 'orders', 'on cluster "orders" in namespace "shop"', 'these pods (ServiceAccount shop/orders)'],
    ])('%s: refused, naming both ServiceAccounts', (_what, namespace, name, on1, pods) => {
      const error = configError(on(namespace, name));
      expect(error.prop).toBe('gcsCredentials, name, namespace (of the chart)');
      expect(error.message).toBe(`[test/c] gcsCredentials, name, namespace (of the chart): received GcsCredentials.fromDeployment() of a description for cluster "orders" in namespace "db", ${on1}; `
        + `expected the same two: the Workload Identity binding names the ServiceAccount db/orders, so ${pods} would get 403 from Cloud Storage. `
        + 'Build the cluster with name: description.cockroachClusterName in a chart whose namespace is description.namespace, or describe this cluster');
    });

    test('a plain Workload Identity email is not tied to a description', () => {
      const c = new CockroachCluster(newChart('shop'), 'crdb', { gcsCredentials: GcsCredentials.workloadIdentity('crdb-backup@acme-prod-db.iam.gserviceaccount.com') });
      expect(c.gcsCredentials?.description).toBeUndefined();
    });
  });
});
