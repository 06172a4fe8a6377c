import { Duration } from 'cdk8s';
import {
  BackupDestination, BuiltinWorkload, CockroachCluster, CockroachClusterProps, DatabasePrivilege, Locality, ScaleDownPhase, SqlSecret,
} from '../../lib/k8s';
import { Manifest, newChart, synth } from './manifests';

/**
 * A cluster with every optional feature on, synthesized: TLS (the default), NetworkPolicy, monitoring,
 * the DB Console Ingress, the locality read from each node, a declared scale-down, SQL declarations
 * (a database, users, a secret password, a license), a backup schedule and an inspection with a key
 * Secret, the books load, a workload, the SQL client pod and a client certificate. For the tests that
 * must see every object or every script the library renders.
 */
export function synthEverything(props: Partial<CockroachClusterProps> = {}): { cluster: CockroachCluster; objects: Manifest[] } {
  const chart = newChart();
  const cluster = new CockroachCluster(chart, 'crdb', {
    networkPolicy: {},
    monitoring: { labels: { release: 'kube-prometheus-stack' } },
    managedPrometheus: {},
    dbConsoleIngress: { host: 'crdb.example.com', tlsSecretName: 'crdb-console-tls', ingressClassName: 'nginx' },
    locality: Locality.fromNode(),
    replicas: 3,
    scaleDown: { from: 5, phase: ScaleDownPhase.DECOMMISSION },
    ...props,
  });
  const withKey = BackupDestination.gcsWithKey('acme-backups', 'crdb', SqlSecret.fromSecret('gcs-key', 'key.json'));
  const shop = cluster.addDatabase('shop');
  const app = cluster.addUser('app');
  cluster.addUser('reporter', { password: SqlSecret.fromSecret('reporter-pw', 'password') });
  shop.grant(app, DatabasePrivilege.ALL);
  cluster.setLicense({ organization: 'Acme', key: SqlSecret.fromSecret('crdb-license', 'license') });
  cluster.addBackupSchedule('nightly', { destination: withKey });
  cluster.addBackupInspection(withKey);
  cluster.addBooksLoad({ duration: Duration.minutes(1) });
  cluster.addWorkload(BuiltinWorkload.kv(), { duration: Duration.minutes(1) });
  cluster.addSqlClient();
  cluster.addClientCertificate('app');
  return { cluster, objects: synth(chart) };
}
