import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { HTTP_PORT, SQL_PORT } from '../ports';
import { LOG_CONFIG_DIR, LOG_CONFIG_FILE } from '../logging';
import { RESTART_TOKEN_ANNOTATION } from '../rollout';
import { CERTS_DIR, type ClusterCertificates } from '../tls';
import { fieldRefEnv } from './apply-stable';
import { WAL_FAILOVER_ENV } from './wal-failover-env';
import { certReloaderContainer } from './cert-reloader';
import { claimTemplatesOf, type ClusterSpec } from './cluster-spec';
import { commandWithNodeLocality, LOCALITY_DIR, nodeLocalityParts } from './node-locality';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './pod-security';

/** What the database pods are rendered from, besides the spec. */
export interface DatabasePodInput {
  /** The cluster's props, resolved. */
  readonly spec: ClusterSpec;
  /** The pods' labels. */
  readonly labels: { [key: string]: string };
  /** The pods' ServiceAccount. */
  readonly serviceAccountName: string;
  /** The `--join` addresses. */
  readonly joinAddresses: string[];
  /** The headless Service, whose pod names the nodes advertise. */
  readonly discoveryServiceName: string;
  /** The connection flags of `cockroach`: `--certs-dir` or `--insecure`. */
  readonly connectionFlags: string[];
  /** The cluster's certificates (TLS only): mounted, and watched by the reloader sidecar. */
  readonly certificates?: ClusterCertificates;
}

/**
 * The StatefulSet's pod template: the `cockroach start` container with its flags, env and probes, the
 * certificate reloader (TLS), the locality init container (per-pod locality) and their volumes.
 */
export function databasePodTemplate(input: DatabasePodInput): k8s.PodTemplateSpec {
  const { spec } = input;
  const parts = podParts(input);
  return {
    metadata: { labels: input.labels, annotations: spec.restartToken !== undefined ? { [RESTART_TOKEN_ANNOTATION]: spec.restartToken } : undefined },
    spec: {
      serviceAccountName: input.serviceAccountName,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
      securityContext: restrictedPodSecurityContext(),
      // The certificate reloader must see the cockroach process to signal it.
      shareProcessNamespace: spec.security.isSecure ? true : undefined,
      ...spec.placement,
      initContainers: parts.initContainers,
      containers: [{
        name: 'cockroachdb',
        image: spec.image,
        imagePullPolicy: 'IfNotPresent',
        command: parts.command,
        args: startArgs(input),
        env: [
          ...startEnv(spec.resources.hasCpuLimit),
          ...(spec.storage.walFailover?.isOn ? WAL_FAILOVER_ENV : []),
          ...parts.env,
          ...spec.extraEnv,
        ],
        ports: [
          { name: spec.sqlPortName, containerPort: SQL_PORT, protocol: 'TCP' },
          { name: 'http', containerPort: HTTP_PORT, protocol: 'TCP' },
        ],
        resources: spec.resources.rendered,
        securityContext: restrictedContainerSecurityContext(),
        startupProbe: probe(spec, '/health', { periodSeconds: 10, failureThreshold: 30 }),
        livenessProbe: probe(spec, '/health', { periodSeconds: 10, failureThreshold: 3 }),
        readinessProbe: probe(spec, '/health?ready=1', { periodSeconds: 5, failureThreshold: 2 }),
        volumeMounts: [...claimTemplatesOf(spec.storage).map((c) => ({ name: c.name, mountPath: c.mountPath })), ...parts.mounts],
      }, ...parts.sidecars],
      volumes: parts.volumes.length > 0 ? parts.volumes : undefined,
    },
  };
}

/** The parts of the pod that depend on security, locality and Cloud Storage credentials. */
function podParts(input: DatabasePodInput) {
  const { spec, certificates } = input;
  const gcsParts = spec.gcsCredentials?._podParts() ?? { volumes: [], mounts: [], env: [] };
  const volumes: k8s.Volume[] = [...gcsParts.volumes];
  const mounts: k8s.VolumeMount[] = [...gcsParts.mounts];
  const sidecars: k8s.Container[] = [];
  let initContainers: k8s.Container[] | undefined;
  let command = ['/cockroach/cockroach'];
  if (certificates) {
    volumes.push(certificates._nodeVolume('certs'));
    mounts.push({ name: 'certs', mountPath: CERTS_DIR, readOnly: true });
    sidecars.push(certReloaderContainer(spec.image, 'certs', CERTS_DIR, spec.certificateReloadSeconds));
  }
  if (spec.logging) {
    volumes.push({ name: 'logging', configMap: { name: spec.logging.configMapName, items: [{ key: LOG_CONFIG_FILE, path: LOG_CONFIG_FILE }] } });
    mounts.push({ name: 'logging', mountPath: LOG_CONFIG_DIR, readOnly: true });
  }
  if (spec.locality?.isPerPod) {
    const parts = nodeLocalityParts(spec.image, spec.locality.nodeTiers!);
    initContainers = [parts.initContainer];
    volumes.push(...parts.volumes);
    mounts.push({ name: 'locality', mountPath: LOCALITY_DIR, readOnly: true });
    command = commandWithNodeLocality();
  }
  return { volumes, mounts, sidecars, initContainers, command, env: gcsParts.env };
}

function startArgs(input: DatabasePodInput): string[] {
  const { spec } = input;
  // Kubernetes substitutes $(POD_NAME) from the container's env: no shell is needed, and cockroach
  // runs as PID 1 and receives SIGTERM directly.
  return [
    'start',
    `--join=${input.joinAddresses.join(',')}`,
    ...(spec.clusterName ? [`--cluster-name=${spec.clusterName}`] : []),
    `--advertise-host=$(POD_NAME).${input.discoveryServiceName}.${spec.namespace}.svc.${spec.advertiseDomain}`,
    ...input.connectionFlags,
    `--http-port=${HTTP_PORT}`,
    `--port=${SQL_PORT}`,
    ...claimTemplatesOf(spec.storage).filter((c) => c.store).map((c) => `--store=path=${c.mountPath}`),
    `--cache=${spec.cacheMebibytes}MiB`,
    `--max-sql-memory=${spec.maxSqlMemoryMebibytes}MiB`,
    ...(spec.locality && !spec.locality.isPerPod ? [`--locality=${spec.locality.value}`] : []),
    spec.logging ? `--log-config-file=${LOG_CONFIG_DIR}/${LOG_CONFIG_FILE}` : '--logtostderr=INFO',
    ...(spec.storage.walFailover ? [`--wal-failover=${spec.storage.walFailover.flagValue}`] : []),
    ...spec.extraStartFlags,
  ];
}

function startEnv(hasCpuLimit: boolean): k8s.EnvVar[] {
  return [
    fieldRefEnv('POD_NAME', 'metadata.name'),
    // Go would otherwise size its scheduler to the node's cores, not the pod's CPU limit.
    ...(hasCpuLimit
      ? [{
        name: 'GOMAXPROCS',
        valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: k8s.Quantity.fromString('1') } },
      }]
      : []),
    // Transparent huge pages waste memory in CockroachDB's allocator.
    { name: 'GODEBUG', value: 'disablethp=1' },
  ];
}

function probe(spec: ClusterSpec, path: string, timing: { periodSeconds: number; failureThreshold: number }): k8s.Probe {
  return {
    httpGet: { path, port: k8s.IntOrString.fromString('http'), scheme: spec.security.isSecure ? 'HTTPS' : 'HTTP' },
    periodSeconds: timing.periodSeconds,
    failureThreshold: timing.failureThreshold,
    timeoutSeconds: 5,
  };
}
