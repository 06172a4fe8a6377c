import { BackupDestination, BuiltinWorkload, ClusterSecurity, CockroachCluster, GcsCredentials } from '../../lib/k8s';
import { newChart, only, synth, validateAgainstSchemas } from '../support/manifests';

describe('addSqlClient', () => {
  test('a pod with the cockroach CLI pointed at the cluster as root, with the root certificate', () => {
    const chart = newChart();
    const cluster = new CockroachCluster(chart, 'crdb');
    const client = cluster.addSqlClient();
    expect(cluster.addSqlClient()).toBe(client);
    const objects = synth(chart);
    validateAgainstSchemas(objects);
    const pod = only(objects, 'Pod');
    expect(pod.metadata.name).toBe('crdb-sql-client');
    expect(client.podName).toBe('crdb-sql-client');
    const c = pod.spec.containers[0];
    expect(c.image).toBe(cluster.image);
    expect(c.env).toEqual(expect.arrayContaining([
      { name: 'COCKROACH_HOST', value: 'crdb-public.db.svc.cluster.local:26257' },
      { name: 'COCKROACH_CERTS_DIR', value: '/cockroach/cockroach-certs' },
    ]));
    expect(pod.spec.volumes.find((v: any) => v.name === 'certs').projected.sources[0].secret.items.map((i: any) => i.path))
      .toEqual(['ca.crt', 'client.root.crt', 'client.root.key']);
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false });
    // It may reach the cluster through the NetworkPolicy.
    expect(pod.metadata.labels).toMatchObject(cluster.clientLabels);
  });

  test('insecure clusters get COCKROACH_INSECURE and no certificate volume', () => {
    const chart = newChart();
    const cluster = new CockroachCluster(chart, 'crdb', { security: ClusterSecurity.insecure() });
    cluster.addSqlClient();
    const pod = only(synth(chart), 'Pod');
    expect(pod.spec.containers[0].env).toContainEqual({ name: 'COCKROACH_INSECURE', value: 'true' });
    expect(pod.spec.volumes.map((v: any) => v.name)).toEqual(['tmp']);
  });
});

describe('the client ServiceAccount', () => {
  test('every Job but the SQL Job, and the SQL client pod, run as <name>-client, which has no token and no cloud identity; only the database pods carry the Workload Identity', () => {
    const chart = newChart();
    const cluster = new CockroachCluster(chart, 'crdb', { gcsCredentials: GcsCredentials.workloadIdentity('crdb-backup@acme-prod-db.iam.gserviceaccount.com') });
    const dest = BackupDestination.gcs('acme-backups', 'cluster');
    cluster.addDatabase('shop');
    cluster.addBackupInspection(dest);
    cluster.addBooksLoad();
    cluster.addWorkload(BuiltinWorkload.kv());
    cluster.addSqlClient();
    const objects = synth(chart);
    validateAgainstSchemas(objects);

    const clientPods = objects.filter((o) => o.kind === 'Job' || o.kind === 'Pod')
      .map((o) => ({ name: o.metadata.name.replace(/-[0-9a-f]{10}$/, ''), spec: o.kind === 'Pod' ? o.spec : o.spec.template.spec }));
    expect(clientPods.map((p) => p.name).sort()).toEqual(['crdb-books-load', 'crdb-init', 'crdb-show-backups', 'crdb-sql', 'crdb-sql-client', 'crdb-workload-kv']);
    for (const p of clientPods) {
      // The SQL Job has its own ServiceAccount, for its Lease (test/k8s/sql-provisioner.test.ts).
      expect({ pod: p.name, sa: p.spec.serviceAccountName }).toEqual({ pod: p.name, sa: p.name === 'crdb-sql' ? 'crdb-sql' : 'crdb-client' });
      expect(p.spec.automountServiceAccountToken).toBe(false);
    }
    // Neither has a cloud identity.
    expect(only(objects, 'ServiceAccount', 'crdb-sql').metadata.annotations).toBeUndefined();
    expect(cluster.clientServiceAccountName).toBe('crdb-client');
    const clientSa = only(objects, 'ServiceAccount', 'crdb-client');
    expect(clientSa.metadata.annotations).toBeUndefined();
    expect(clientSa.automountServiceAccountToken).toBe(false);
    // Nothing grants the client ServiceAccount anything; the SQL ServiceAccount only its Lease.
    const bindings = objects.filter((o) => o.kind.endsWith('RoleBinding'));
    expect(bindings.flatMap((b) => b.subjects ?? []).map((s: any) => s.name)).not.toContain('crdb-client');
    expect(bindings.filter((b) => b.subjects.some((s: any) => s.name === 'crdb-sql')).map((b) => `${b.kind}/${b.metadata.name} -> ${b.roleRef.name}`))
      .toEqual(['RoleBinding/crdb-sql -> crdb-sql']);

    expect(only(objects, 'StatefulSet').spec.template.spec.serviceAccountName).toBe('crdb');
    expect(only(objects, 'ServiceAccount', 'crdb').metadata.annotations).toEqual({ 'iam.gke.io/gcp-service-account': 'crdb-backup@acme-prod-db.iam.gserviceaccount.com' });
  });
});
