import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { checkDnsSubdomain, checkLabelKey, reject } from '../shared/validate';
import type { ILabelledCluster } from './cluster-ref';
import type { ClusterSecurity } from './security';

/** Exposing the DB Console beyond `kubectl port-forward`. */
export interface DbConsoleIngressOptions {
  /** The DNS name, e.g. `crdb.example.com`. */
  readonly host: string;
  /** The Secret with the TLS certificate for `host` (the Ingress always serves HTTPS). */
  readonly tlsSecretName: string;
  /**
   * IngressClass.
   * @default - the cluster's default class
   */
  readonly ingressClassName?: string;
  /**
   * Annotations for the controller. With TLS on the cluster, the DB Console speaks HTTPS: for
   * ingress-nginx the construct adds `nginx.ingress.kubernetes.io/backend-protocol: HTTPS` itself.
   * @default - none
   */
  readonly annotations?: { readonly [key: string]: string };
}

/** What the DB Console Ingress needs from its cluster (see {@link DbConsoleIngress}). */
export interface IDbConsoleTarget extends ILabelledCluster {
  /** How the cluster secures connections: the backend protocol follows it. */
  readonly security: ClusterSecurity;
  /** The public Service, the Ingress's backend. */
  readonly publicServiceName: string;
}

/** Properties of {@link DbConsoleIngress}. */
export interface DbConsoleIngressProps extends DbConsoleIngressOptions {
  /** The cluster whose DB Console the Ingress exposes. */
  readonly cluster: IDbConsoleTarget;
}

/**
 * An Ingress for the DB Console with TLS. Off unless asked for: the DB Console needs a SQL login, but
 * a public login page is still an attack surface (restrict it at the controller when you can).
 */
export class DbConsoleIngress extends Construct {
  /** The Ingress (escape hatch). */
  public readonly ingress: k8s.KubeIngress;

  constructor(scope: Construct, id: string, props: DbConsoleIngressProps) {
    super(scope, id);
    const cluster = props.cluster;
    if (typeof props.host !== 'string' || props.host.includes('*')) reject(cluster, 'dbConsoleIngress.host', props.host, 'expected a DNS name without wildcard');
    checkDnsSubdomain(cluster, 'dbConsoleIngress.host', props.host);
    checkDnsSubdomain(cluster, 'dbConsoleIngress.tlsSecretName', props.tlsSecretName);
    if (props.ingressClassName !== undefined) checkDnsSubdomain(cluster, 'dbConsoleIngress.ingressClassName', props.ingressClassName);
    for (const key of Object.keys(props.annotations ?? {})) checkLabelKey(cluster, 'dbConsoleIngress.annotations', key);
    const annotations: { [key: string]: string } = {
      ...(cluster.security.isSecure && props.ingressClassName === 'nginx' ? { 'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS' } : {}),
      ...(props.annotations ?? {}),
    };
    this.ingress = new k8s.KubeIngress(this, 'Resource', {
      metadata: {
        name: `${cluster.name}-console`,
        namespace: cluster.namespace,
        labels: cluster._objectLabels(),
        // cdk8s leaves an empty map out of the manifest.
        annotations,
      },
      spec: {
        ingressClassName: props.ingressClassName,
        tls: [{ hosts: [props.host], secretName: props.tlsSecretName }],
        rules: [{
          host: props.host,
          http: {
            paths: [{
              path: '/',
              pathType: 'Prefix',
              backend: { service: { name: cluster.publicServiceName, port: { name: 'http' } } },
            }],
          },
        }],
      },
    });
  }
}
