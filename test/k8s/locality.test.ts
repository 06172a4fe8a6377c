import { Locality } from '../../lib';

describe('Locality', () => {
  test.each(['region=europe-west1', 'region=europe-west1,zone=europe-west1-b', 'cloud=gce,region=us-east1,zone=us-east1-c'])('%s is well-formed', (v) => {
    expect(Locality.of(v).isWellFormed).toBe(true);
    expect(Locality.of(v).value).toBe(v);
  });

  test.each(['', 'europe-west1', 'region=', '=x', 'region=a,,zone=b', 'region=a zone=b', 'region=a;zone=b'])('%j is malformed', (v) => {
    expect(Locality.of(v).isWellFormed).toBe(false);
  });
});
