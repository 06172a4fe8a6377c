import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';

/** The uid and gid CockroachDB's image is run with (the Helm chart uses the same). */
export const COCKROACH_UID = 1000;

/**
 * Pod-level settings for the Kubernetes "restricted" Pod Security Standard.
 * fsGroup makes volumes writable by the non-root user; OnRootMismatch avoids a recursive chown of a
 * large data volume at every restart.
 */
export function restrictedPodSecurityContext(): k8s.PodSecurityContext {
  return {
    runAsUser: COCKROACH_UID,
    runAsGroup: COCKROACH_UID,
    fsGroup: COCKROACH_UID,
    fsGroupChangePolicy: 'OnRootMismatch',
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level settings for the "restricted" Pod Security Standard, with a read-only root filesystem. */
export function restrictedContainerSecurityContext(): k8s.SecurityContext {
  return {
    runAsUser: COCKROACH_UID,
    runAsGroup: COCKROACH_UID,
    runAsNonRoot: true,
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * Requests equal to limits for a helper container, so that it does not demote the pod from the
 * Guaranteed QoS class that the database container asks for.
 */
export function guaranteed(cpu: string, memory: string): k8s.ResourceRequirements {
  const amounts = { cpu: k8s.Quantity.fromString(cpu), memory: k8s.Quantity.fromString(memory) };
  return { requests: { ...amounts }, limits: { ...amounts } };
}

/** Resources of a one-shot helper (Jobs, the SQL client pod): CPU and memory requested, memory capped. */
export function helperResources(cpuRequest: string, memoryRequest: string, memoryLimit = memoryRequest): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString(cpuRequest), memory: k8s.Quantity.fromString(memoryRequest) },
    limits: { memory: k8s.Quantity.fromString(memoryLimit) },
  };
}
