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
    const d = DeploymentDescription.of({ projectId: 'acme-prod-db', region: 'europe-west1', bucketName: 'acme-crdb-backups' });
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
});
