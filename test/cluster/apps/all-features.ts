/**
 * Every feature of the library at once, built from the public API only (the package's entry): what the
 * real-control-plane suite applies beside the example apps, so no object kind or option goes unapplied.
 */
import { Chart, Duration, Size } from 'cdk8s';
import { Capability, Cpu, Deployment, SeccompProfileType } from 'cdk8s-plus-28';
import {
  BackupDestination, BuiltinWorkload, ClusterSetting, CockroachCluster, CockroachLogging, DatabasePrivilege, LogChannel, LogSeverity, DbConsoleAccess, GcsCredentials, Locality,
  PodAntiAffinity, RestoreTarget, ScaleDownPhase, SqlSecret, TablePrivilege, TopologySpread,
} from '../../../lib/k8s';

/** The Secrets this chart reads at run time (their names; the tests create them when they run a Job). */
export const ALL_FEATURES_SECRETS = { gcsKey: 'gcs-key', license: 'crdb-license', password: 'reporter-pw' };
/** The image pull Secret on the cluster's ServiceAccounts (the API server adds it to their pods). */
export const ALL_FEATURES_PULL_SECRET = 'registry-credentials';

export function allFeatures(chart: Chart, options: { scaleDown?: ScaleDownPhase } = {}): CockroachCluster {
  const crdb = new CockroachCluster(chart, 'crdb', {
    replicas: options.scaleDown ? 3 : 4,
    scaleDown: options.scaleDown ? { from: 4, phase: options.scaleDown, timeout: Duration.hours(1) } : undefined,
    resources: { cpu: { limit: Cpu.units(1) }, memory: { limit: Size.gibibytes(2) } },
    storage: { size: Size.gibibytes(10), storageClassName: 'standard' },
    placement: { antiAffinity: PodAntiAffinity.required(), topologySpread: TopologySpread.acrossZones({ required: true }) },
    locality: Locality.fromNode(),
    clusterName: 'books',
    gcsCredentials: GcsCredentials.keyFromSecret(ALL_FEATURES_SECRETS.gcsKey),
    networkPolicy: { dbConsole: DbConsoleAccess.ANY },
    monitoring: { labels: { release: 'kube-prometheus-stack' } },
    dbConsoleIngress: { host: 'crdb.example.com', tlsSecretName: 'crdb-console-tls', ingressClassName: 'nginx' },
    imagePullSecrets: [ALL_FEATURES_PULL_SECRET],
    extraStartFlags: ['--max-offset=250ms'],
    extraEnv: { TZ: 'UTC' },
    logging: CockroachLogging.of({
      stderr: { filter: LogSeverity.WARNING },
      fluentServers: { audit: { address: 'fluent-bit.logging.svc.cluster.local:5170', channels: [LogChannel.SENSITIVE_ACCESS], redact: true } },
    }),
  });
  const shop = crdb.addDatabase('shop');
  const app = crdb.addUser('app', { clientCertificate: true });
  const reporter = crdb.addUser('reporter', { password: SqlSecret.fromSecret(ALL_FEATURES_SECRETS.password, 'password') });
  const readers = crdb.addRole('readers');
  readers.grantTo(reporter);
  shop.grant(app, DatabasePrivilege.ALL);
  shop.grantOnAllTables(readers, [TablePrivilege.SELECT]);
  crdb.setClusterSetting(ClusterSetting.rangefeed(true));
  crdb.setLicense({ organization: 'Acme Books', key: SqlSecret.fromSecret(ALL_FEATURES_SECRETS.license, 'license') });
  crdb.restoreFrom(BackupDestination.gcs('books-backups', 'archive'), RestoreTarget.database('legacy'));
  crdb.addBackupSchedule('backup_cluster', { destination: BackupDestination.gcs('books-backups', 'cluster') });
  crdb.addBackupInspection(BackupDestination.gcs('books-backups', 'cluster'));
  crdb.addBooksLoad({ duration: Duration.minutes(1) });
  crdb.addWorkload(BuiltinWorkload.kv(), { duration: Duration.minutes(1) });
  crdb.addSqlClient();
  // An application with the app user's client certificate, let through the NetworkPolicy.
  const web = new Deployment(chart, 'web', {
    replicas: 1,
    // The client key is readable through the pod's fsGroup (ClientCertificate.mount).
    securityContext: { fsGroup: 2000 },
    containers: [{
      image: 'nginx:1.27.3',
      portNumber: 8080,
      // Quantities as the API server writes them ("1", not cdk8s-plus's default "1000m"), or a switch to
      // server-side apply conflicts on them.
      resources: { cpu: { request: Cpu.millis(250), limit: Cpu.millis(500) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
      securityContext: { user: 1000, group: 1000, capabilities: { drop: [Capability.ALL] }, seccompProfile: { type: SeccompProfileType.RUNTIME_DEFAULT } },
    }],
  });
  app.clientCertificate!.mount(web);
  crdb.allowFrom(web);
  return crdb;
}
