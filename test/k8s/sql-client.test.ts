import { ClusterSecurity, CockroachCluster } from '../../lib/k8s';
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
