import { Chart, Testing } from 'cdk8s';
import { Deployment } from 'cdk8s-plus-28';
import { CockroachCluster, DbConsoleAccess } from '../../lib/k8s';
import { newChart, only, synth, validateAgainstSchemas } from '../support/manifests';

const container = { image: 'ghcr.io/example/shop:1.4.2', securityContext: { user: 1000, group: 1000 } };

describe('the NetworkPolicy', () => {
  test('off by default', () => {
    const chart = newChart();
    new CockroachCluster(chart, 'crdb');
    expect(synth(chart).filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });

  test('SQL and the DB Console only from the cluster\'s pods, its Jobs and labelled clients', () => {
    const chart = newChart();
    const cluster = new CockroachCluster(chart, 'crdb', { networkPolicy: {} });
    const objects = synth(chart);
    validateAgainstSchemas(objects);
    const policy = only(objects, 'NetworkPolicy');
    expect(policy.spec.podSelector).toEqual({ matchLabels: cluster.selectorLabels });
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toEqual([{
      from: [{ podSelector: { matchLabels: cluster.selectorLabels } }, { podSelector: { matchLabels: { 'cockroachdb/client-crdb': 'true' } } }],
      ports: [{ port: 26257, protocol: 'TCP' }, { port: 8080, protocol: 'TCP' }],
    }]);
    // The init Job is admitted.
    expect(only(objects, 'Job').spec.template.metadata.labels).toMatchObject(cluster.clientLabels);
  });

  test('DB Console open to any source', () => {
    const chart = newChart();
    new CockroachCluster(chart, 'crdb', { networkPolicy: { dbConsole: DbConsoleAccess.ANY } });
    const policy = only(synth(chart), 'NetworkPolicy');
    expect(policy.spec.ingress[0].ports).toEqual([{ port: 26257, protocol: 'TCP' }]);
    expect(policy.spec.ingress[1]).toEqual({ ports: [{ port: 8080, protocol: 'TCP' }] });
  });

  test('enabled: false synthesizes no NetworkPolicy, and allowFrom stays harmless', () => {
    const chart = newChart();
    const cluster = new CockroachCluster(chart, 'crdb', { networkPolicy: { enabled: false, dbConsole: DbConsoleAccess.ANY } });
    cluster.allowFrom(new Deployment(chart, 'shop', { containers: [container] }));
    const objects = synth(chart);
    expect(objects.filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
    expect(objects.some((o) => o.kind === 'StatefulSet')).toBe(true);
    expect(cluster.networkPolicy).toBeUndefined();
  });

  test('allowFrom labels a workload in the same namespace', () => {
    const chart = newChart();
    const cluster = new CockroachCluster(chart, 'crdb', { networkPolicy: {} });
    const shop = new Deployment(chart, 'shop', { containers: [container] });
    cluster.allowFrom(shop);
    const objects = synth(chart);
    expect(only(objects, 'Deployment').spec.template.metadata.labels).toMatchObject({ 'cockroachdb/client-crdb': 'true' });
    expect(only(objects, 'NetworkPolicy').spec.ingress[0].from).toHaveLength(2);
  });

  test('allowFrom a workload in another namespace adds that namespace once', () => {
    const app = Testing.app();
    const db = new Chart(app, 'db', { namespace: 'db' });
    const web = new Chart(app, 'web', { namespace: 'web' });
    const cluster = new CockroachCluster(db, 'crdb', { networkPolicy: {} });
    cluster.allowFrom(new Deployment(web, 'shop', { containers: [container] }));
    cluster.allowFrom(new Deployment(web, 'admin', { containers: [container] }));
    const from = only(synth(db), 'NetworkPolicy').spec.ingress[0].from;
    expect(from).toHaveLength(3);
    expect(from[2]).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } },
      podSelector: { matchLabels: { 'cockroachdb/client-crdb': 'true' } },
    });
  });
});
