/** vCPUs and memory of a Compute Engine machine type. */
export interface MachineSize {
  /** Virtual CPUs. */
  readonly vcpus: number;
  /** Memory in GiB (Compute Engine's "GB" are binary: n2-standard-8 has 32 GiB). */
  readonly memoryGib: number;
}

/** What GKE leaves for pods on a node: the node's size less GKE's reservations and eviction threshold. */
export interface NodeAllocatable {
  /** CPU cores pods can request. */
  readonly cpuCores: number;
  /** Memory in GiB pods can request. */
  readonly memoryGib: number;
}

/**
 * Predefined machine families: name prefix, the vCPU counts offered, MiB of memory per vCPU. From the
 * Compute Engine API's machine type list (`guestCpus`, `memoryMb`). Shared-core types (e2-micro, e2-small,
 * e2-medium) and families whose memory is not a fixed multiple are left out: state their size instead.
 * @see https://cloud.google.com/compute/docs/machine-resource
 */
const FAMILIES: ReadonlyArray<readonly [string, readonly number[], number]> = [
  ['e2-standard', [2, 4, 8, 16, 32], 4096],
  ['e2-highmem', [2, 4, 8, 16], 8192],
  ['e2-highcpu', [2, 4, 8, 16, 32], 1024],
  ['n1-standard', [1, 2, 4, 8, 16, 32, 64, 96], 3840],
  ['n1-highmem', [2, 4, 8, 16, 32, 64, 96], 6656],
  ['n2-standard', [2, 4, 8, 16, 32, 48, 64, 80, 96, 128], 4096],
  ['n2-highmem', [2, 4, 8, 16, 32, 48, 64, 80, 96], 8192],
  ['n2-highcpu', [2, 4, 8, 16, 32, 48, 64, 80, 96], 1024],
  ['n2d-standard', [2, 4, 8, 16, 32, 48, 64, 80, 96, 128, 224], 4096],
  ['n2d-highmem', [2, 4, 8, 16, 32, 48, 64, 80, 96], 8192],
  ['n2d-highcpu', [2, 4, 8, 16, 32, 48, 64, 80, 96, 128, 224], 1024],
  ['t2d-standard', [1, 2, 4, 8, 16, 32, 48, 60], 4096],
  ['c2-standard', [4, 8, 16, 30, 60], 4096],
  ['c2d-standard', [2, 4, 8, 16, 32, 56, 112], 4096],
  ['c2d-highmem', [2, 4, 8, 16, 32, 56, 112], 8192],
  ['c2d-highcpu', [2, 4, 8, 16, 32, 56, 112], 2048],
  ['c3-standard', [4, 8, 22, 44, 88, 176], 4096],
  ['c3-highmem', [4, 8, 22, 44, 88, 176], 8192],
  ['c3-highcpu', [4, 8, 22, 44, 88, 176], 2048],
  ['c3d-standard', [4, 8, 16, 30, 60, 90, 180, 360], 4096],
  ['c3d-highmem', [4, 8, 16, 30, 60, 90, 180, 360], 8192],
];

/** The one predefined type whose memory is not its family's multiple: 864 GiB, not 1024. */
const EXCEPTIONS: ReadonlyArray<readonly [string, number, number]> = [['n2-highmem-128', 128, 884736]];

/** name → [vCPUs, MiB] */
const PREDEFINED: ReadonlyMap<string, readonly [number, number]> = new Map([
  ...FAMILIES.flatMap(([family, counts, mibPerVcpu]) => counts.map((n) => [`${family}-${n}`, [n, n * mibPerVcpu]] as const)),
  ...EXCEPTIONS.map(([name, vcpus, mib]) => [name, [vcpus, mib]] as const),
]);

/** `n2-custom-8-32768`, `custom-4-15360` (N1), with an optional `-ext` for extended memory. */
const CUSTOM = /^(?:[a-z][a-z0-9]*-)?custom-([1-9][0-9]*)-([1-9][0-9]*)(?:-ext)?$/;

/**
 * The size of a machine type: the predefined types of the E2, N1, N2, N2D, T2D, C2, C2D, C3 and C3D
 * families and custom types (`n2-custom-8-32768`: vCPUs and MiB are in the name). Undefined for any other.
 */
export function machineTypeSize(machineType: string): MachineSize | undefined {
  const custom = CUSTOM.exec(machineType);
  const known = custom ? [Number(custom[1]), Number(custom[2])] : PREDEFINED.get(machineType);
  return known ? { vcpus: known[0], memoryGib: known[1] / 1024 } : undefined;
}

/**
 * The smallest predefined type of a family (`n2-standard`) whose allocatable resources pass `fits`.
 * @internal
 */
export function smallestOfFamily(family: string, fits: (allocatable: NodeAllocatable) => boolean): string | undefined {
  // The table lists each family smallest first, and the one exception is its family's largest type.
  return [...PREDEFINED.keys()]
    .filter((name) => name.slice(0, name.lastIndexOf('-')) === family)
    .find((name) => fits(gkeAllocatable(machineTypeSize(name)!)));
}

/** Marginal rates over consecutive slices of a quantity: [slice size, rate]. */
type Tiers = ReadonlyArray<readonly [number, number]>;

/** GKE reserves 25 % of the first 4 GiB of memory, 20 % of the next 4, 10 % of the next 8, 6 % of the next 112, 2 % above 128 GiB. */
const MEMORY_TIERS_MIB: Tiers = [[4096, 0.25], [4096, 0.2], [8192, 0.1], [114688, 0.06], [Infinity, 0.02]];
/** GKE reserves 6 % of the first core, 1 % of the second, 0.5 % of the third and fourth, 0.25 % of every core above 4. */
const CPU_TIERS_MILLICORES: Tiers = [[1000, 0.06], [1000, 0.01], [2000, 0.005], [Infinity, 0.0025]];
/** Below 1 GiB of memory GKE reserves a flat 255 MiB. */
const SMALL_MACHINE_RESERVED_MIB = 255;
/** The kubelet's hard eviction threshold on GKE nodes. */
const EVICTION_THRESHOLD_MIB = 100;

function reserved(quantity: number, tiers: Tiers): number {
  let rest = quantity;
  let total = 0;
  for (const [slice, rate] of tiers) {
    const part = Math.min(rest, slice);
    total += part * rate;
    rest -= part;
  }
  return total;
}

/**
 * What a GKE Standard node of this size offers to pods: its CPU and memory less what GKE reserves for the
 * kubelet, the container runtime and the operating system, and less the 100 MiB eviction threshold.
 * GKE's own DaemonSets (logging, the metadata server, the CSI node plugin, Dataplane V2) then take a
 * share of what is left, so leave some headroom.
 * @see https://cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes#memory_and_cpu_reservations
 */
export function gkeAllocatable(size: MachineSize): NodeAllocatable {
  const memoryMib = size.memoryGib * 1024;
  const reservedMib = memoryMib < 1024 ? SMALL_MACHINE_RESERVED_MIB : reserved(memoryMib, MEMORY_TIERS_MIB);
  const millicores = size.vcpus * 1000;
  return {
    cpuCores: (millicores - reserved(millicores, CPU_TIERS_MILLICORES)) / 1000,
    memoryGib: (memoryMib - reservedMib - EVICTION_THRESHOLD_MIB) / 1024,
  };
}
