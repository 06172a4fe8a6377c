/** An IPv4 CIDR block such as `10.0.0.0/20`: four octets of 0–255 and a prefix length of 0–32. */
export const CIDR = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/([0-9]|[12][0-9]|3[0-2])$/;

/** The first and last address of a valid CIDR block, as unsigned 32-bit numbers. */
function range(cidr: string): [number, number] {
  const [ip, bits] = cidr.split('/');
  const base = ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(bits));
  const first = base - (base % size);
  return [first, first + size - 1];
}

/** True when two valid CIDR blocks share an address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const [a1, a2] = range(a);
  const [b1, b2] = range(b);
  return a1 <= b2 && b1 <= a2;
}

/** True when the block's address is its network address (no host bits set), e.g. not `10.0.0.1/24`. */
export function isNetworkAddress(cidr: string): boolean {
  const [ip, bits] = cidr.split('/');
  const base = ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  return base % 2 ** (32 - Number(bits)) === 0;
}

/** The prefix length of a valid CIDR block. */
export function prefixLength(cidr: string): number {
  return Number(cidr.split('/')[1]);
}

/** RFC 1918 private ranges. */
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

/** True when the block lies inside one RFC 1918 range. */
export function isPrivateCidr(cidr: string): boolean {
  const [c1, c2] = range(cidr);
  return PRIVATE.some((p) => {
    const [p1, p2] = range(p);
    return p1 <= c1 && c2 <= p2;
  });
}
