import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import type { ISqlClientTarget } from './cluster-ref';
import { helperResources, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './private/pod-security';

/** Properties of {@link CockroachSqlClient}. */
export interface CockroachSqlClientProps {
  /** The cluster to connect to. */
  readonly cluster: ISqlClientTarget;
}

/**
 * A long-running pod with the `cockroach` CLI, already pointed at the cluster (as `root`, with the root
 * client certificate when TLS is on):
 *
 *     kubectl -n <namespace> exec -it <name>-sql-client -- cockroach sql
 *
 * `COCKROACH_HOST`, `COCKROACH_CERTS_DIR` (or `COCKROACH_INSECURE`) are set, so every `cockroach`
 * client command (sql, node status, node decommission…) works without flags.
 */
export class CockroachSqlClient extends Construct {
  /** The pod (escape hatch). */
  public readonly pod: k8s.KubePod;
  /** Name of the pod. */
  public readonly podName: string;

  constructor(scope: Construct, id: string, props: CockroachSqlClientProps) {
    super(scope, id);
    const cluster = props.cluster;
    const connection = cluster._clientConnection();
    this.podName = `${cluster.name}-sql-client`;
    this.pod = new k8s.KubePod(this, 'Resource', {
      metadata: { name: this.podName, namespace: cluster.namespace, labels: cluster._jobLabels('sql-client') },
      spec: {
        serviceAccountName: cluster.clientServiceAccountName,
        automountServiceAccountToken: false,
        securityContext: restrictedPodSecurityContext(),
        terminationGracePeriodSeconds: 5,
        containers: [{
          name: 'cockroach',
          image: cluster.image,
          imagePullPolicy: 'IfNotPresent',
          command: ['/bin/bash', '-c', "trap 'exit 0' TERM INT; while true; do sleep 3600 & wait $!; done"],
          env: [
            { name: 'COCKROACH_HOST', value: `${cluster.publicHost}:${cluster.sqlPort}` },
            ...connection.env,
            // The SQL shell keeps its history in $HOME; the root filesystem is read-only.
            { name: 'HOME', value: '/tmp' },
          ],
          resources: helperResources('50m', '128Mi', '256Mi'),
          securityContext: restrictedContainerSecurityContext(),
          volumeMounts: [...connection.volumeMounts, { name: 'tmp', mountPath: '/tmp' }],
        }],
        volumes: [...connection.volumes, { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }],
      },
    });
  }
}
