import { Testing } from 'cdk8s';
import { MinikubeChart } from '../../apps/minikube';
import { forSnapshot, namespaced, only, podSpecs, synthApp, validateAgainstSchemas } from '../support/manifests';

describe('the minikube app (the book\'s values)', () => {
  const app = Testing.app();
  const chart = new MinikubeChart(app);
  const objects = synthApp(app);
  const sts = only(objects, 'StatefulSet');
  const pod = sts.spec.template.spec;
  const container = pod.containers[0];

  test('snapshot', () => {
    expect(forSnapshot(objects)).toMatchSnapshot();
  });

  test('every object passes the Kubernetes schema', () => {
    validateAgainstSchemas(objects);
  });

  test('the cluster lives in the namespace cockroachdb, and holds no Namespace (apps/k8s.ts writes it to a folder of its own)', () => {
    expect(objects.filter((o) => o.kind === 'Namespace')).toEqual([]);
    for (const o of namespaced(objects)) expect(o.metadata.namespace).toBe('cockroachdb');
  });

  test('3 replicas of 1 CPU and 1Gi, requests equal to limits', () => {
    expect(sts.spec.replicas).toBe(3);
    expect(container.resources).toEqual({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
    expect(container.args).toContain('--cache=256MiB');
    expect(container.args).toContain('--max-sql-memory=256MiB');
  });

  test('5Gi volumes on the standard StorageClass', () => {
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({
      storageClassName: 'standard', resources: { requests: { storage: '5Gi' } },
    });
  });

  test('insecure, no anti-affinity, no spread, no pin to a node name', () => {
    expect(container.args).toContain('--insecure');
    expect(pod.affinity).toBeUndefined();
    // No pin to a node name: `minikube start -p other` names its node "other", and the pods would stay Pending.
    expect(pod.nodeSelector).toBeUndefined();
    expect(chart.cluster.security.isSecure).toBe(false);
  });

  test('the init Job is on', () => {
    const job = objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith('crdb-init-'))!;
    expect(job.spec.template.spec.containers[0].command[2]).toContain('init --insecure --host=crdb-0.crdb.cockroachdb.svc.cluster.local:26257');
    expect(podSpecs(objects).map((p) => p.owner)).toContain(`Job/${job.metadata.name}`);
  });

  test('the public Service the README port-forwards to', () => {
    expect(only(objects, 'Service', 'crdb-public').spec.ports.map((p: any) => p.port)).toEqual([26257, 8080]);
    expect(chart.cluster.publicHost).toBe('crdb-public.cockroachdb.svc.cluster.local');
  });

  test('no backups unless asked: no key mount, no SQL Job', () => {
    expect(JSON.stringify(objects)).not.toContain('gcs-key');
    expect(objects.filter((o) => o.kind === 'Job').map((o) => o.metadata.name.replace(/-[0-9a-f]{10}$/, ''))).toEqual(['crdb-init', 'crdb-books-load']);
  });

  test('the book\'s books load: the script ConfigMap and the Job (the books are generated in the pod), insecure connection', () => {
    const job = objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith('crdb-books-load-'))!;
    expect(job.spec.template.spec.containers[0].env).toContainEqual({
      name: 'LOAD_DATABASE_URL', value: 'postgresql://root@crdb-public.cockroachdb.svc.cluster.local:26257/defaultdb?sslmode=disable',
    });
    expect(job.spec.template.spec.containers[0].env).toEqual(expect.arrayContaining([
      { name: 'BOOKS_COUNT', value: expect.stringMatching(/^[1-9][0-9]*$/) }, { name: 'BOOKS_SEED', value: expect.stringMatching(/^[0-9]+$/) },
    ]));
    expect(objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name)).toEqual([expect.stringMatching(/^crdb-books-load-[0-9a-f]{10}$/)]);
  });
});

describe('the minikube app with the book\'s backups (MINIKUBE_BACKUPS=1)', () => {
  const app = Testing.app();
  const chart = new MinikubeChart(app, { backups: true });
  const objects = synthApp(app);
  const pod = only(objects, 'StatefulSet').spec.template.spec;

  test('the key Secret is mounted and GOOGLE_APPLICATION_CREDENTIALS points at it; no key material', () => {
    validateAgainstSchemas(objects);
    expect(pod.volumes).toContainEqual({ name: 'gcs-key', secret: { secretName: 'gcs-key', defaultMode: 0o440, items: [{ key: 'key.json', path: 'key.json' }] } });
    expect(pod.containers[0].env).toContainEqual({ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/var/run/secrets/gcs/key.json' });
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('the book\'s schedule, to the shared bucket, encrypted with the description\'s key, over the insecure connection', () => {
    expect(chart.cluster.sqlProvisioner.statementsForDisplay[1]).toMatch(
      /^CREATE SCHEDULE IF NOT EXISTS 'backup_cluster_[0-9a-f]{8}' FOR BACKUP INTO 'gs:\/\/crdb-book-demo-backups\/cluster\?AUTH=implicit' WITH revision_history, kms = 'gs:\/\/\/projects\/crdb-book-demo\/locations\/europe-west1\/keyRings\/crdb-book-demo-backups-crdb\/cryptoKeys\/crdb-backups\?AUTH=implicit' RECURRING '@hourly' FULL BACKUP '@daily' WITH SCHEDULE OPTIONS first_run = 'now'/);
    const job = objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith('crdb-sql-'))!;
    expect(job.spec.template.spec.containers[0].env).toContainEqual({ name: 'COCKROACH_INSECURE', value: 'true' });
  });
});
