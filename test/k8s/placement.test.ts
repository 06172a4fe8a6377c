import { ClusterSecurity, CockroachCluster, PlacementOptions, PodAntiAffinity, TopologySpread } from '../../lib/k8s';
import { newChart, only, synth } from '../support/manifests';

/** The rendered pod spec of a cluster with these placement options. */
function podOf(placement: PlacementOptions) {
  const chart = newChart();
  const cluster = new CockroachCluster(chart, 'crdb', { security: ClusterSecurity.insecure(), placement });
  return { pod: only(synth(chart), 'StatefulSet').spec.template.spec, matchLabels: cluster.selectorLabels };
}

describe('PodAntiAffinity renders the pod\'s affinity', () => {
  test('preferred(): weight 100 per host by default', () => {
    const { pod, matchLabels } = podOf({ antiAffinity: PodAntiAffinity.preferred() });
    expect(pod.affinity).toEqual({
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels }, topologyKey: 'kubernetes.io/hostname' } }],
      },
    });
  });

  test('preferred(50, zone): the given weight and failure domain', () => {
    const { pod, matchLabels } = podOf({ antiAffinity: PodAntiAffinity.preferred(50, 'topology.kubernetes.io/zone') });
    expect(pod.affinity).toEqual({
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: { labelSelector: { matchLabels }, topologyKey: 'topology.kubernetes.io/zone' } }],
      },
    });
  });

  test('required(zone): a hard rule on the zone, no weight', () => {
    const { pod, matchLabels } = podOf({ antiAffinity: PodAntiAffinity.required('topology.kubernetes.io/zone') });
    expect(pod.affinity).toEqual({
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels }, topologyKey: 'topology.kubernetes.io/zone' }] },
    });
  });

  test('required(): per host by default', () => {
    const { pod } = podOf({ antiAffinity: PodAntiAffinity.required() });
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
  });

  test('none(): no affinity at all', () => {
    const { pod } = podOf({ antiAffinity: PodAntiAffinity.none() });
    expect(pod.affinity).toBeUndefined();
  });
});

describe('TopologySpread renders the pod\'s topology spread constraints', () => {
  test('acrossZones(): skew 1, best effort', () => {
    const { pod, matchLabels } = podOf({ topologySpread: TopologySpread.acrossZones() });
    expect(pod.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels } },
    ]);
  });

  test('acrossZones({ maxSkew: 2, required: true }): the skew, and pods wait rather than break it', () => {
    const { pod, matchLabels } = podOf({ topologySpread: TopologySpread.acrossZones({ maxSkew: 2, required: true }) });
    expect(pod.topologySpreadConstraints).toEqual([
      { maxSkew: 2, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels } },
    ]);
  });

  test('none(): no constraint', () => {
    const { pod } = podOf({ topologySpread: TopologySpread.none() });
    expect(pod.topologySpreadConstraints).toBeUndefined();
  });
});
