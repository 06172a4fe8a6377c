import { CockroachConfigError, DeploymentDescription, DeploymentDescriptionProps, MAX_NETWORK_REGIONS, RegionProps, regionNetworkRanges, storageMultiRegionOf } from '../../lib/shared';
import { configError } from '../support/errors';

const THREE: RegionProps[] = [
  { region: 'europe-west1', zones: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'] },
  { region: 'us-east1', nodes: 5, machineType: 'n2-standard-4' },
  { region: 'asia-southeast1', zones: ['asia-southeast1-a'] },
];
const base: DeploymentDescriptionProps = { projectId: 'acme-prod-db', gkeClusterName: 'crdb-global', bucketName: 'acme-crdb-backups', regions: THREE };

/** Parses `a.b.c.d/p` into its first address and last address as numbers. */
function span(cidr: string): [number, number] {
  const [ip, prefix] = cidr.split('/');
  const start = ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  return [start, start + 2 ** (32 - Number(prefix)) - 1];
}

describe('regions', () => {
  test('the primary is the first region; names, domains and ranges are derived per region', () => {
    const d = DeploymentDescription.of(base);
    expect(d.isMultiRegion).toBe(true);
    expect(d.region).toBe('europe-west1');
    expect(d.zones).toEqual([]);
    expect(d.regions.map((r) => [r.index, r.region, r.gkeClusterName, r.dnsDomain, r.nodes, r.machineType])).toEqual([
      [0, 'europe-west1', 'crdb-global-europe-west1', 'crdb-global-europe-west1.internal', 3, undefined],
      [1, 'us-east1', 'crdb-global-us-east1', 'crdb-global-us-east1.internal', 5, 'n2-standard-4'],
      [2, 'asia-southeast1', 'crdb-global-asia-southeast1', 'crdb-global-asia-southeast1.internal', 3, undefined],
    ]);
    expect(d.regions[0].zones).toEqual(['europe-west1-b', 'europe-west1-c', 'europe-west1-d']);
    expect(d.regions[1].zones).toEqual([]);
    expect(d.regions[1].networkRanges).toEqual({
      nodesCidr: '10.10.16.0/20', podsCidr: '10.24.0.0/14', servicesCidr: '10.28.0.0/20', controlPlaneCidr: '172.16.0.16/28',
    });
    expect(d.regionOf('us-east1')).toBe(d.regions[1]);
  });

  test('a copy of the zones: changing the input later changes nothing', () => {
    const zones = ['europe-west1-b'];
    const d = DeploymentDescription.of({ ...base, regions: [{ region: 'europe-west1', zones }, THREE[1], THREE[2]] });
    zones.push('europe-west1-c');
    expect(d.regions[0].zones).toEqual(['europe-west1-b']);
  });

  test('one region: no regions, regionOf says so', () => {
    const d = DeploymentDescription.of({ projectId: 'acme-prod-db', region: 'europe-west1', bucketName: 'acme-crdb-backups' });
    expect(d.isMultiRegion).toBe(false);
    expect(d.regions).toEqual([]);
    expect(d.backupLocation).toBe('europe-west1');
    expect(d.certificateAuthority).toBeUndefined();
    expect(d.cloudMonitoringSelector).toBe('cluster="cockroachdb", namespace="cockroachdb", job="crdb"');
    const err = configError(() => d.regionOf('europe-west1'));
    expect(err.message).toBe('[DeploymentDescription] region: received "europe-west1"; expected a multi-region description (regions): this one has a single region');
  });

  test('regionOf names the declared regions', () => {
    const err = configError(() => DeploymentDescription.of(base).regionOf('us-west1'));
    expect(err.prop).toBe('region');
    expect(err.message).toBe('[DeploymentDescription] region: received "us-west1"; expected one of the description\'s regions: europe-west1, us-east1, asia-southeast1');
  });

  test('Cloud Monitoring selects every regional cluster', () => {
    expect(DeploymentDescription.of(base).cloudMonitoringSelector)
      .toBe('cluster=~"crdb-global-europe-west1|crdb-global-us-east1|crdb-global-asia-southeast1", namespace="cockroachdb", job="crdb"');
  });

  test('the certificate authority: names both halves read', () => {
    expect(DeploymentDescription.of(base).certificateAuthority).toEqual({
      location: 'europe-west1',
      poolName: 'crdb-global-crdb',
      certificateAuthorityId: 'crdb-global-crdb-root',
      issuerServiceAccountId: 'crdb-cas-issuer',
      issuerServiceAccountEmail: 'crdb-cas-issuer@acme-prod-db.iam.gserviceaccount.com',
      issuerKubernetesNamespace: 'cert-manager',
      issuerKubernetesServiceAccount: 'cert-manager-google-cas-issuer',
      issuerWorkloadIdentityMember: 'serviceAccount:acme-prod-db.svc.id.goog[cert-manager/cert-manager-google-cas-issuer]',
    });
  });

  test.each([
    ['three European regions', ['europe-west1', 'europe-west4', 'europe-north1'], 'EU'],
    ['three American regions', ['us-east1', 'us-central1', 'us-west1'], 'US'],
    ['three Asian regions', ['asia-southeast1', 'asia-east1', 'asia-northeast1'], 'ASIA'],
    ['three continents: the primary\'s', ['us-east1', 'europe-west1', 'asia-southeast1'], 'US'],
    ['three continents, primary in Europe', ['europe-west1', 'us-east1', 'asia-southeast1'], 'EU'],
  ])('backup location by default: %s', (_what, regions, location) => {
    expect(DeploymentDescription.of({ ...base, regions: regions.map((region) => ({ region })) }).backupLocation).toBe(location);
  });

  test('backup location of one\'s own', () => {
    expect(DeploymentDescription.of({ ...base, backupLocation: 'US' }).backupLocation).toBe('US');
    expect(DeploymentDescription.of({ projectId: 'acme-prod-db', region: 'europe-west1', bucketName: 'acme-crdb-backups', backupLocation: 'EU' }).backupLocation).toBe('EU');
  });

  test('primary outside EU, US and Asia: no multi-region default, the error says what to set', () => {
    const regions = [{ region: 'australia-southeast1' }, { region: 'us-east1' }, { region: 'europe-west1' }];
    const err = configError(() => DeploymentDescription.of({ ...base, regions }));
    expect(err.prop).toBe('backupLocation');
    expect(err.message).toContain('received "australia-southeast1"; expected a multi-region (EU, US or ASIA) with regions');
    expect(DeploymentDescription.of({ ...base, regions, backupLocation: 'ASIA' }).backupLocation).toBe('ASIA');
  });

  test('sixteen regions fit the VPC; their ranges never overlap one another', () => {
    const all = Array.from({ length: MAX_NETWORK_REGIONS }, (_, i) => regionNetworkRanges(i));
    const cidrs = all.flatMap((r) => [r.nodesCidr, r.podsCidr, r.servicesCidr, r.controlPlaneCidr]);
    cidrs.forEach((a, i) => cidrs.forEach((b, j) => {
      const [a0, a1] = span(a);
      const [b0, b1] = span(b);
      if (i !== j) expect([a, b, a1 < b0 || b1 < a0]).toEqual([a, b, true]);
    }));
    expect(all[15]).toEqual({ nodesCidr: '10.10.240.0/20', podsCidr: '10.136.0.0/14', servicesCidr: '10.140.0.0/20', controlPlaneCidr: '172.16.0.240/28' });
    // Each range starts on its own boundary (a network address).
    cidrs.forEach((c) => {
      const [start] = span(c);
      expect([c, start % 2 ** (32 - Number(c.split('/')[1]))]).toEqual([c, 0]);
    });
  });

  test.each([[-1], [16], [1.5]])('regionNetworkRanges(%p) is refused', (index) => {
    expect(configError(() => regionNetworkRanges(index)).prop).toBe('index');
  });

  test('storageMultiRegionOf', () => {
    expect(storageMultiRegionOf(['europe-west1', 'europe-west4'])).toBe('EU');
    expect(storageMultiRegionOf(['europe-west1', 'us-east1'])).toBeUndefined();
    expect(storageMultiRegionOf(['me-west1'])).toBeUndefined();
  });
});

const region = (r: string, more: Partial<RegionProps> = {}): RegionProps => ({ region: r, ...more });
const BAD_REGIONS: [string, Partial<DeploymentDescriptionProps>, string, string][] = [
  ['two regions', { regions: [region('europe-west1'), region('us-east1')] }, 'regions', 'expected 3 to 16 regions, the primary first'],
  ['seventeen regions', { regions: Array.from({ length: 17 }, (_, i) => region(`europe-west${i + 1}`)) }, 'regions', 'expected 3 to 16 regions'],
  ['not a list', { regions: 'europe-west1' as never }, 'regions', 'received "europe-west1"; expected 3 to 16 regions'],
  ['a zone for a region', { regions: [region('europe-west1-b'), ...THREE.slice(1)] }, 'regions[0].region', 'received "europe-west1-b"; expected a Google Cloud region'],
  ['a region twice', { regions: [...THREE, region('us-east1')] }, 'regions[3].region', 'received "us-east1"; expected each region once'],
  ['a missing region', { regions: [{} as RegionProps, ...THREE.slice(1)] }, 'regions[0].region', 'received undefined; expected a Google Cloud region'],
  ['a zone of another region', { regions: [region('europe-west1', { zones: ['us-east1-b'] }), ...THREE.slice(1)] }, 'regions[0].zones[0]', 'received "us-east1-b"; expected a zone of region europe-west1, e.g. "europe-west1-b"'],
  ['a zone twice', { regions: [region('europe-west1', { zones: ['europe-west1-b', 'europe-west1-b'] }), ...THREE.slice(1)] }, 'regions[0].zones[1]', 'expected each zone once'],
  ['zones not a list', { regions: [region('europe-west1', { zones: 'europe-west1-b' as never }), ...THREE.slice(1)] }, 'regions[0].zones', 'expected a list of zones'],
  ['two nodes in a region', { regions: [THREE[0], region('us-east1', { nodes: 2 }), THREE[2]] }, 'regions[1].nodes', 'received 2'],
  ['a fraction of a node', { regions: [THREE[0], region('us-east1', { nodes: 3.5 }), THREE[2]] }, 'regions[1].nodes', 'received 3.5'],
  ['a thousand nodes in a region', { regions: [THREE[0], region('us-east1', { nodes: 1000 }), THREE[2]] }, 'regions[1].nodes', 'received 1000'],
  ['a machine type with spaces', { regions: [THREE[0], region('us-east1', { machineType: 'n2 standard' }), THREE[2]] }, 'regions[1].machineType', 'received "n2 standard"; expected a Compute Engine machine type'],
  ['a GKE name too long for its regions', { gkeClusterName: 'crdb-global-cluster-abcdefg' }, 'gkeClusterName', 'received "crdb-global-cluster-abcdefg"; expected a name short enough for "crdb-global-cluster-abcdefg-asia-southeast1" (the GKE cluster of asia-southeast1) to be at most 40 characters'],
  ['region with regions', { region: 'europe-west1' }, 'region', 'expected no region with regions: the primary region is regions[0]'],
  ['zones with regions', { zones: ['europe-west1-b'] }, 'zones', 'expected no zones with regions'],
  ['a CockroachDB backup key with regions', { backupEncryptionKey: {} }, 'backupEncryptionKey', 'losing that region would leave every backup unreadable'],
  ['the DB Console behind IAP with regions', { dbConsoleIap: { members: ['group:dba@example.com'] } }, 'dbConsoleIap', 'expected no dbConsoleIap with regions'],
  ['a one-region bucket with regions', { backupLocation: 'europe-west1' }, 'backupLocation', 'received "europe-west1"; expected a multi-region (EU, US or ASIA) with regions: a bucket in one region is lost with it'],
  ['an unknown multi-region', { backupLocation: 'MARS' }, 'backupLocation', 'received "MARS"; expected a region such as "europe-west1" or a multi-region: EU, US, ASIA'],
];

describe('bad regions are rejected', () => {
  test.each(BAD_REGIONS)('%s', (_what, props, prop, message) => {
    const err: CockroachConfigError = configError(() => DeploymentDescription.of({ ...base, ...props }));
    expect(err.prop).toBe(prop);
    expect(err.constructPath).toBe('DeploymentDescription');
    expect(err.message).toContain(message);
  });

  test('neither region nor regions', () => {
    const err = configError(() => DeploymentDescription.of({ projectId: 'acme-prod-db', bucketName: 'acme-crdb-backups' }));
    expect(err.prop).toBe('region');
    expect(err.message).toBe('[DeploymentDescription] region: received undefined; expected a Google Cloud region such as "europe-west1" or "us-central1" (not a zone), or a list of regions');
  });
});
