import { CIDR, cidrsOverlap, isNetworkAddress, isPrivateCidr, prefixLength } from '../../lib/gcp/cidr';

test.each<[string, boolean]>([
  ['10.0.0.0/8', true], ['0.0.0.0/0', true], ['255.255.255.255/32', true],
  ['10.0.0.0', false], ['10.0.0.0/33', false], ['256.0.0.0/8', false], ['10.0.0/8', false], ['010.0.0.0/8', false],
])('CIDR syntax: %s → %s', (cidr, ok) => {
  expect(CIDR.test(cidr)).toBe(ok);
});

test.each<[string, string, boolean]>([
  ['10.10.0.0/20', '10.10.15.0/24', true],
  ['10.10.0.0/20', '10.10.16.0/24', false],
  ['10.16.0.0/14', '10.19.255.0/24', true],
  ['10.16.0.0/14', '10.20.0.0/20', false],
  ['172.16.0.0/28', '172.16.0.16/28', false],
  ['0.0.0.0/0', '192.168.1.0/24', true],
])('overlap: %s and %s → %s', (a, b, overlap) => {
  expect(cidrsOverlap(a, b)).toBe(overlap);
  expect(cidrsOverlap(b, a)).toBe(overlap);
});

test('network addresses, private ranges, prefix lengths', () => {
  expect(isNetworkAddress('10.10.0.0/20')).toBe(true);
  expect(isNetworkAddress('10.10.1.0/20')).toBe(false);
  expect(isNetworkAddress('172.16.0.16/28')).toBe(true);
  expect(isPrivateCidr('10.0.0.0/8')).toBe(true);
  expect(isPrivateCidr('172.31.255.240/28')).toBe(true);
  expect(isPrivateCidr('172.32.0.0/28')).toBe(false);
  expect(isPrivateCidr('192.168.0.0/15')).toBe(false);
  expect(isPrivateCidr('8.8.8.0/24')).toBe(false);
  expect(prefixLength('10.16.0.0/14')).toBe(14);
});
