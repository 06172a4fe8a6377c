import { PodAntiAffinity, TopologySpread } from '../../lib/k8s';

describe('PodAntiAffinity', () => {
  test('factories', () => {
    expect(PodAntiAffinity.none().mode).toBe('none');
    expect(PodAntiAffinity.preferred()).toMatchObject({ mode: 'preferred', weight: 100, topologyKey: 'kubernetes.io/hostname' });
    expect(PodAntiAffinity.preferred(50, 'topology.kubernetes.io/zone')).toMatchObject({ weight: 50, topologyKey: 'topology.kubernetes.io/zone' });
    expect(PodAntiAffinity.required()).toMatchObject({ mode: 'required', topologyKey: 'kubernetes.io/hostname' });
  });
});

describe('TopologySpread', () => {
  test('factories', () => {
    expect(TopologySpread.none().enabled).toBe(false);
    expect(TopologySpread.acrossZones()).toMatchObject({ enabled: true, maxSkew: 1, required: false });
    expect(TopologySpread.acrossZones({ maxSkew: 2, required: true })).toMatchObject({ maxSkew: 2, required: true });
  });
});
