import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { DatabasePodResources } from '../../shared/description';
import { CockroachConfigError, ErrorScope } from '../../shared/errors';
import { GIB } from './units';

const SUFFIXES: Record<string, number> = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

/** A Kubernetes quantity as a number (`500m` → 0.5, `32Mi` → 33554432), for the forms the library renders. */
export function quantityValue(quantity: k8s.Quantity): number {
  const match = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(quantity.value));
  if (!match) throw new Error(`unexpected quantity ${JSON.stringify(quantity.value)}`);
  return Number(match[1]) * SUFFIXES[match[2] ?? ''];
}

/** What a pod requests: the sum of its containers', or its largest init container's when that is more. */
export function podRequests(containers: Array<k8s.ResourceRequirements | undefined>, initContainers: Array<k8s.ResourceRequirements | undefined>): DatabasePodResources {
  const amount = (r: k8s.ResourceRequirements | undefined, key: 'cpu' | 'memory') => {
    const q = r?.requests?.[key];
    return q === undefined ? 0 : quantityValue(q);
  };
  const total = (key: 'cpu' | 'memory') => Math.max(
    containers.reduce((sum, r) => sum + amount(r, key), 0),
    ...initContainers.map((r) => amount(r, key)),
  );
  return { cpuCores: total('cpu'), memoryGib: total('memory') / GIB };
}

/**
 * Refuses a database pod that requests more than the deployment description says it does
 * (`databasePod`): the Google Cloud half checks the node machine type against that figure, so a larger
 * pod would be accepted there and stay Pending on GKE.
 */
export function checkPodWithinDescription(scope: ErrorScope, requests: DatabasePodResources, stated: DatabasePodResources | undefined): void {
  if (stated === undefined) return;
  if (requests.cpuCores <= stated.cpuCores && requests.memoryGib <= stated.memoryGib) return;
  const show = (r: DatabasePodResources) => `${+r.cpuCores.toFixed(3)} CPU and ${+r.memoryGib.toFixed(3)} GiB`;
  throw new CockroachConfigError(scope, 'resources, description.databasePod',
    `received a database pod requesting ${show(requests)} (all its containers); expected at most the description's databasePod, ${show(stated)}: `
    + 'the Google Cloud half sizes the node pool\'s machine type for that pod, so a larger one would stay Pending. Lower resources, or raise databasePod (and let the Google Cloud half check the machine type again)');
}
