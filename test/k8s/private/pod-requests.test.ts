import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { checkPodWithinDescription, podRequests, quantityValue } from '../../../lib/k8s/private/pod-requests';
import { configError } from '../../support/errors';
import { newChart } from '../../support/manifests';

const q = (value: string) => k8s.Quantity.fromString(value);
const requests = (cpu: string, memory: string): k8s.ResourceRequirements => ({ requests: { cpu: q(cpu), memory: q(memory) } });

describe('quantityValue', () => {
  test.each([
    ['500m', 0.5], ['20m', 0.02], ['2', 2], ['1.5', 1.5], ['1k', 1000], ['3M', 3e6], ['2G', 2e9], ['1T', 1e12],
    ['4Ki', 4096], ['32Mi', 33554432], ['8Gi', 8589934592], ['1Ti', 1099511627776],
  ])('%s is %d', (value, expected) => {
    expect(quantityValue(q(value))).toBe(expected);
  });

  test.each(['1e3', '', 'Gi', '1 Gi', '-1', '1gi', '1Gi '])('%j is not a form the library renders: an error, not a guess', (value) => {
    expect(() => quantityValue(q(value))).toThrow(`unexpected quantity ${JSON.stringify(value)}`);
  });
});

describe('podRequests', () => {
  test('the sum of the containers', () => {
    expect(podRequests([requests('2', '8Gi'), requests('20m', '32Mi')], [])).toEqual({ cpuCores: 2.02, memoryGib: 8.03125 });
  });

  test('a container without requests adds nothing; a missing amount is none', () => {
    expect(podRequests([requests('1', '1Gi'), undefined, { requests: { cpu: q('1') } }, { limits: { cpu: q('9') } }], [])).toEqual({ cpuCores: 2, memoryGib: 1 });
  });

  test('an init container larger than the containers together sets that amount, each amount on its own', () => {
    expect(podRequests([requests('1', '1Gi'), requests('1', '1Gi')], [requests('3', '1Gi'), requests('500m', '512Mi')])).toEqual({ cpuCores: 3, memoryGib: 2 });
    expect(podRequests([requests('1', '1Gi')], [requests('500m', '4Gi')])).toEqual({ cpuCores: 1, memoryGib: 4 });
  });
});

describe('checkPodWithinDescription', () => {
  const scope = newChart();
  const MESSAGE = '[test] resources, description.databasePod: received a database pod requesting 2.02 CPU and 8.031 GiB (all its containers); '
    + 'expected at most the description\'s databasePod, 2 CPU and 8 GiB: the Google Cloud half sizes the node pool\'s machine type for that pod, '
    + 'so a larger one would stay Pending. Lower resources, or raise databasePod (and let the Google Cloud half check the machine type again)';

  test('a pod within, or exactly at, the stated size is accepted; with no stated size, anything is', () => {
    expect(() => checkPodWithinDescription(scope, { cpuCores: 2, memoryGib: 8 }, { cpuCores: 2, memoryGib: 8 })).not.toThrow();
    expect(() => checkPodWithinDescription(scope, { cpuCores: 1, memoryGib: 4 }, { cpuCores: 2, memoryGib: 8 })).not.toThrow();
    expect(() => checkPodWithinDescription(scope, { cpuCores: 64, memoryGib: 512 }, undefined)).not.toThrow();
  });

  test.each([
    ['more CPU', { cpuCores: 2.02, memoryGib: 8 }, 'requesting 2.02 CPU and 8 GiB'],
    ['more memory', { cpuCores: 2, memoryGib: 8.03125 }, 'requesting 2 CPU and 8.031 GiB'],
  ])('a pod with %s is refused', (_what, pod, received) => {
    expect(configError(() => checkPodWithinDescription(scope, pod, { cpuCores: 2, memoryGib: 8 })).message).toContain(`received a database pod ${received} (all its containers)`);
  });

  test('the message in full', () => {
    expect(configError(() => checkPodWithinDescription(scope, { cpuCores: 2.02, memoryGib: 8.03125 }, { cpuCores: 2, memoryGib: 8 })).message).toBe(MESSAGE);
  });
});
