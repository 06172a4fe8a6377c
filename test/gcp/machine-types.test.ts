import { gkeAllocatable, machineTypeSize } from '../../lib/gcp';
import { smallestOfFamily } from '../../lib/gcp/machine-types';
import { DeploymentDescription, DeploymentDescriptionProps } from '../../lib/shared';
import { configError } from '../support/errors';

describe('machineTypeSize', () => {
  test.each([
    // [type, vCPUs, GiB]: one per family of the table, the ends of a family's range, the exception
    ['e2-standard-2', 2, 8], ['e2-standard-32', 32, 128], ['e2-highmem-16', 16, 128], ['e2-highcpu-8', 8, 8],
    ['n1-standard-1', 1, 3.75], ['n1-standard-96', 96, 360], ['n1-highmem-8', 8, 52],
    ['n2-standard-8', 8, 32], ['n2-standard-128', 128, 512], ['n2-highmem-4', 4, 32], ['n2-highmem-96', 96, 768],
    ['n2-highmem-128', 128, 864], ['n2-highcpu-16', 16, 16],
    ['n2d-standard-224', 224, 896], ['n2d-highmem-8', 8, 64], ['n2d-highcpu-2', 2, 2],
    ['t2d-standard-60', 60, 240], ['c2-standard-30', 30, 120],
    ['c2d-standard-112', 112, 448], ['c2d-highmem-2', 2, 16], ['c2d-highcpu-4', 4, 8],
    ['c3-standard-22', 22, 88], ['c3-highmem-176', 176, 1408], ['c3-highcpu-4', 4, 8],
    ['c3d-standard-360', 360, 1440], ['c3d-highmem-30', 30, 240],
    // custom types: vCPUs and MiB in the name
    ['n2-custom-8-32768', 8, 32], ['custom-4-15360', 4, 15], ['e2-custom-2-9216', 2, 9], ['n2-custom-2-20480-ext', 2, 20],
  ])('%s: %d vCPUs, %d GiB', (type, vcpus, memoryGib) => {
    expect(machineTypeSize(type)).toEqual({ vcpus, memoryGib });
  });

  test.each([
    'e2-medium', 'e2-micro', 'n1-highcpu-8', 'm3-megamem-64', 'n2-standard-6', 'n2-highmem-128-x', 'x-n2-standard-8',
    'n2-custom-0-1024', 'n2-custom-8-0', 'n2-custom-8', 'N2-STANDARD-8', 'c4-standard-8',
  ])('unknown: %s', (type) => {
    expect(machineTypeSize(type)).toBeUndefined();
  });
});

describe('gkeAllocatable: GKE\'s reservations and eviction threshold', () => {
  test.each([
    // [what, size, allocatable CPU, allocatable MiB]
    // CPU: 6 % of core 1, 1 % of core 2, 0.5 % of cores 3-4, 0.25 % above 4. Memory: 25 % of the first
    // 4 GiB, 20 % of the next 4, 10 % of the next 8, 6 % of the next 112, 2 % above 128 GiB; less 100 MiB.
    ['1 vCPU, 3.75 GiB', { vcpus: 1, memoryGib: 3.75 }, 0.94, 3840 - 960 - 100],
    ['2 vCPUs, 8 GiB', { vcpus: 2, memoryGib: 8 }, 1.93, 8192 - 1024 - 819.2 - 100],
    ['4 vCPUs, 16 GiB (n2-standard-4)', { vcpus: 4, memoryGib: 16 }, 3.92, 16384 - 1024 - 819.2 - 819.2 - 100],
    ['8 vCPUs, 32 GiB (n2-standard-8)', { vcpus: 8, memoryGib: 32 }, 7.91, 32768 - 1024 - 819.2 - 819.2 - 0.06 * 16384 - 100],
    ['32 vCPUs, 256 GiB (n2-highmem-32)', { vcpus: 32, memoryGib: 256 }, 31.85, 262144 - 1024 - 819.2 - 819.2 - 0.06 * 114688 - 0.02 * 131072 - 100],
    ['less than 1 GiB: a flat 255 MiB', { vcpus: 1, memoryGib: 0.5 }, 0.94, 512 - 255 - 100],
    ['exactly 1 GiB: the tiers', { vcpus: 1, memoryGib: 1 }, 0.94, 1024 - 256 - 100],
  ])('%s', (_what, size, cpuCores, memoryMib) => {
    const allocatable = gkeAllocatable(size);
    expect(allocatable.cpuCores).toBeCloseTo(cpuCores, 9);
    expect(allocatable.memoryGib * 1024).toBeCloseTo(memoryMib, 6);
  });
});

describe('smallestOfFamily', () => {
  test('the smallest type of the family whose allocatable resources pass the test', () => {
    expect(smallestOfFamily('n2-standard', (a) => a.cpuCores >= 4 && a.memoryGib >= 16)).toBe('n2-standard-8');
    expect(smallestOfFamily('n2-highmem', (a) => a.memoryGib >= 100)).toBe('n2-highmem-16');
    expect(smallestOfFamily('n2-highmem', (a) => a.memoryGib >= 800)).toBe('n2-highmem-128');
    expect(smallestOfFamily('c3-standard', (a) => a.cpuCores >= 8)).toBe('c3-standard-22');
    expect(smallestOfFamily('n2-standard', (a) => a.cpuCores >= 1000)).toBeUndefined();
    expect(smallestOfFamily('n2', () => true)).toBeUndefined();
  });
});

// The description's databasePod (lib/shared/description.ts), tested here with the check that reads it.
describe('DeploymentDescription.databasePod', () => {
  const of = (databasePod: any) => DeploymentDescription.of({
    projectId: 'acme-prod-db', region: 'europe-west1', bucketName: 'acme-crdb-backups', databasePod,
  } as DeploymentDescriptionProps);

  test('kept as given (a copy); undefined when not stated', () => {
    const pod = { cpuCores: 0.5, memoryGib: 2 };
    const d = of(pod);
    expect(d.databasePod).toEqual({ cpuCores: 0.5, memoryGib: 2 });
    expect(d.databasePod).not.toBe(pod);
    expect(of(undefined).databasePod).toBeUndefined();
  });

  test.each([
    ['zero CPU', { cpuCores: 0, memoryGib: 16 }, '[DeploymentDescription] databasePod.cpuCores: received 0; expected a positive, finite number'],
    ['negative CPU', { cpuCores: -1, memoryGib: 16 }, '[DeploymentDescription] databasePod.cpuCores: received -1; expected a positive, finite number'],
    ['CPU as a string', { cpuCores: '4', memoryGib: 16 }, '[DeploymentDescription] databasePod.cpuCores: received "4"; expected a positive, finite number'],
    ['infinite memory', { cpuCores: 4, memoryGib: Infinity }, '[DeploymentDescription] databasePod.memoryGib: received Infinity; expected a positive, finite number'],
    ['no memory', { cpuCores: 4 }, '[DeploymentDescription] databasePod.memoryGib: received undefined; expected a positive, finite number'],
    ['NaN memory', { cpuCores: 4, memoryGib: NaN }, '[DeploymentDescription] databasePod.memoryGib: received NaN; expected a positive, finite number'],
  ])('%s', (_what, pod, message) => {
    expect(configError(() => of(pod)).message).toBe(message);
  });
});
