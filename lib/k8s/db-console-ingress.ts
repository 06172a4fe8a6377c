import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { checkDnsSubdomain, checkLabelKey, reject } from '../shared/validate';
import type { ILabelledCluster } from './cluster-ref';
import { GOOGLE_FRONT_END_RANGES, IdentityAwareProxy } from './identity-aware-proxy';
import { HTTP_PORT } from './ports';
import type { ClusterSecurity } from './security';

/** Exposing the DB Console beyond `kubectl port-forward`. */
export interface DbConsoleIngressOptions {
  /** The DNS name, e.g. `crdb.example.com`. */
  readonly host: string;
  /** The Secret with the TLS certificate for `host` (the Ingress always serves HTTPS). */
  readonly tlsSecretName: string;
  /**
   * IngressClass. Not GKE's: GKE's Ingress controller has no IngressClass and ignores an Ingress that
   * names one (`gce` included); on GKE use `identityAwareProxy`.
   * @default - the cluster's default class
   */
  readonly ingressClassName?: string;
  /**
   * Google Cloud's Identity-Aware Proxy in front of the DB Console, on GKE's Ingress (see
   * {@link IdentityAwareProxy}). `ingressClassName` is then left out.
   * @default - none
   */
  readonly identityAwareProxy?: IdentityAwareProxy;
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
  /** Labels of the database pods (the DB Console Service's selector, with IAP). */
  readonly selectorLabels: { [key: string]: string };
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
  /** With IAP: the Service of the DB Console alone, whose annotations GKE's load balancer reads (escape hatch). */
  public readonly service?: k8s.KubeService;
  /** With IAP: GKE's BackendConfig that turns IAP on and checks `/health` (escape hatch). */
  public readonly backendConfig?: ApiObject;
  /** Where the Ingress's traffic reaches the pods from, when it is known: Google's front ends with IAP. */
  public readonly sourceRanges: readonly string[];

  constructor(scope: Construct, id: string, props: DbConsoleIngressProps) {
    super(scope, id);
    const cluster = props.cluster;
    if (typeof props.host !== 'string' || props.host.includes('*')) reject(cluster, 'dbConsoleIngress.host', props.host, 'expected a DNS name without wildcard');
    checkDnsSubdomain(cluster, 'dbConsoleIngress.host', props.host);
    checkDnsSubdomain(cluster, 'dbConsoleIngress.tlsSecretName', props.tlsSecretName);
    const iap = props.identityAwareProxy;
    if (iap !== undefined) {
      if (!(iap instanceof IdentityAwareProxy)) reject(cluster, 'dbConsoleIngress.identityAwareProxy', iap, 'expected an IdentityAwareProxy, e.g. IdentityAwareProxy.fromDeployment(description)');
      iap._validate(cluster, 'dbConsoleIngress.identityAwareProxy');
      if (props.ingressClassName !== undefined) {
        reject(cluster, 'dbConsoleIngress.ingressClassName', props.ingressClassName, 'expected none with identityAwareProxy: GKE\'s Ingress is chosen by the kubernetes.io/ingress.class annotation the construct sets, and GKE ignores an Ingress that names a class');
      }
    } else if (props.ingressClassName !== undefined) {
      checkDnsSubdomain(cluster, 'dbConsoleIngress.ingressClassName', props.ingressClassName);
      if (GKE_CLASSES.includes(props.ingressClassName)) {
        reject(cluster, 'dbConsoleIngress.ingressClassName', props.ingressClassName, 'expected another class: GKE\'s Ingress controller has no IngressClass and ignores an Ingress that names one; on GKE use identityAwareProxy');
      }
    }
    for (const key of Object.keys(props.annotations ?? {})) {
      checkLabelKey(cluster, 'dbConsoleIngress.annotations', key);
      if (iap && GKE_OWNED_ANNOTATIONS.includes(key)) {
        reject(cluster, 'dbConsoleIngress.annotations', key, `expected an annotation the construct does not set with identityAwareProxy (it sets ${GKE_OWNED_ANNOTATIONS.join(', ')})`);
      }
    }
    const secure = cluster.security.isSecure;
    const name = `${cluster.name}-console`;
    const metadata = (annotations: { [key: string]: string }) => ({
      name, namespace: cluster.namespace, labels: cluster._objectLabels(),
      // cdk8s leaves an empty map out of the manifest.
      annotations,
    });
    let backendService = cluster.publicServiceName;
    let annotations: { [key: string]: string } = secure && props.ingressClassName === 'nginx' ? { 'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS' } : {};
    if (iap) {
      const staticIpName = iap.options.staticIpName;
      annotations = {
        'kubernetes.io/ingress.class': 'gce',
        // HTTPS only: no port 80 on the load balancer (http:// is refused, not redirected).
        'kubernetes.io/ingress.allow-http': 'false',
        ...(staticIpName !== undefined ? { 'kubernetes.io/ingress.global-static-ip-name': staticIpName } : {}),
      };
      this.backendConfig = new ApiObject(this, 'BackendConfig', {
        apiVersion: 'cloud.google.com/v1',
        kind: 'BackendConfig',
        metadata: metadata({}),
        spec: {
          iap: iap._iap(),
          // The load balancer's own check, on the pod's port (container-native): the node's liveness.
          healthCheck: { type: secure ? 'HTTPS' : 'HTTP', requestPath: '/health', port: HTTP_PORT },
        },
      });
      // A Service of the DB Console alone: the load balancer's annotations stay off the SQL Service.
      this.service = new k8s.KubeService(this, 'Service', {
        metadata: metadata({
          'cloud.google.com/neg': '{"ingress":true}',
          'cloud.google.com/backend-config': JSON.stringify({ default: name }),
          ...(secure ? { 'cloud.google.com/app-protocols': '{"http":"HTTPS"}' } : {}),
        }),
        spec: {
          type: 'ClusterIP',
          selector: cluster.selectorLabels,
          ports: [{ name: 'http', port: HTTP_PORT, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
        },
      });
      backendService = name;
    }
    this.sourceRanges = iap ? [...GOOGLE_FRONT_END_RANGES] : [];
    this.ingress = new k8s.KubeIngress(this, 'Resource', {
      metadata: metadata({ ...annotations, ...(props.annotations ?? {}) }),
      spec: {
        ingressClassName: props.ingressClassName,
        tls: [{ hosts: [props.host], secretName: props.tlsSecretName }],
        rules: [{
          host: props.host,
          http: {
            paths: [{
              path: '/',
              pathType: 'Prefix',
              backend: { service: { name: backendService, port: { name: 'http' } } },
            }],
          },
        }],
      },
    });
  }
}

/** The classes GKE's Ingress controller answers to, as annotations only. */
const GKE_CLASSES = ['gce', 'gce-internal', 'gce-regional-external'];
/** What GKE's Ingress reads that the construct sets with IAP. */
const GKE_OWNED_ANNOTATIONS = [
  'kubernetes.io/ingress.class', 'kubernetes.io/ingress.allow-http', 'kubernetes.io/ingress.global-static-ip-name',
  // GKE refuses a regional address beside the global one the construct may name.
  'kubernetes.io/ingress.regional-static-ip-name',
];
