import { Testing } from 'cdk8s';
import { GkeChart } from '../../apps/gke';
import { only, podSpecs, synthApp, validateAgainstSchemas } from '../support/manifests';

describe('the GKE app', () => {
  const app = Testing.app();
  const chart = new GkeChart(app);
  const objects = synthApp(app);
  const sts = only(objects, 'StatefulSet');
  const pod = sts.spec.template.spec;
  const container = pod.containers[0];

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('every object passes its schema (Kubernetes and cert-manager)', () => {
    validateAgainstSchemas(objects);
  });

  test('TLS through cert-manager: CA, issuers, node, root and app certificates', () => {
    expect(objects.filter((o) => o.kind === 'Certificate').map((o) => o.spec.commonName).sort())
      .toEqual(['app', 'crdb CockroachDB CA', 'node', 'root']);
    expect(container.args).toContain('--certs-dir=/cockroach/cockroach-certs');
    expect(container.readinessProbe.httpGet.scheme).toBe('HTTPS');
  });

  test('premium-rwo volumes, 3 nodes on distinct hosts spread across zones', () => {
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('premium-rwo');
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
    expect(pod.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', maxSkew: 1 });
  });

  test('production resources that satisfy the memory rule', () => {
    expect(container.resources).toEqual({ requests: { cpu: '4', memory: '16Gi' }, limits: { cpu: '4', memory: '16Gi' } });
    expect(container.args).toEqual(expect.arrayContaining(['--cache=4096MiB', '--max-sql-memory=4096MiB']));
    expect(2 * chart.cluster.maxSqlMemoryMebibytes + chart.cluster.cacheMebibytes).toBeLessThanOrEqual(0.8 * 16 * 1024);
  });

  test('PDB, per-pod locality, NetworkPolicy', () => {
    expect(only(objects, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    expect(pod.initContainers[0].name).toBe('locality');
    expect(only(objects, 'NetworkPolicy').spec.podSelector.matchLabels).toEqual(chart.cluster.selectorLabels);
  });

  test('the app user connects by mTLS with verify-full', () => {
    expect(chart.appCertificate.connectionUrl('shop')).toBe(
      'postgresql://app@crdb-public.cockroachdb.svc.cluster.local:26257/shop?sslmode=verify-full'
      + '&sslrootcert=/etc/cockroach-certs/ca.crt&sslcert=/etc/cockroach-certs/client.app.crt&sslkey=/etc/cockroach-certs/client.app.key');
  });

  test('restricted pod security on every pod', () => {
    for (const { spec } of podSpecs(objects)) {
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      }
    }
  });
});
