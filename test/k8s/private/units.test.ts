import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { bytesToQuantity, cpuToMillis, describeBytes, durationSeconds, GIB, MIB, sizeToBytes } from '../../../lib/k8s/private/units';

test('MIB and GIB', () => {
  expect(MIB).toBe(1048576);
  expect(GIB).toBe(1073741824);
});

describe('sizeToBytes', () => {
  test.each<[string, Size, number]>([
    ['0 KiB', Size.kibibytes(0), 0],
    ['1 KiB', Size.kibibytes(1), 1024],
    ['0.5 KiB', Size.kibibytes(0.5), 512],
    ['768 MiB', Size.mebibytes(768), 805306368],
    ['8 GiB', Size.gibibytes(8), 8589934592],
  ])('%s', (_, size, bytes) => {
    expect(sizeToBytes(size)).toBe(bytes);
  });

  test.each<[string, Size]>([
    ['not whole bytes', Size.kibibytes(0.0001)],
    ['NaN', Size.kibibytes(NaN)],
    ['infinite', Size.kibibytes(Infinity)],
    // cdk8s's Size refuses negative amounts; a stand-in with one is malformed too.
    ['negative', { toKibibytes: () => -1 } as unknown as Size],
  ])('%s is NaN', (_, size) => {
    expect(sizeToBytes(size)).toBeNaN();
  });
});

describe('bytesToQuantity: the largest binary unit that is exact', () => {
  test.each<[number, string]>([
    [0, '0'],
    [1, '1'],
    [1000, '1000'],
    [1536, '1536'], // 1.5 KiB
    [1024, '1Ki'],
    [3072, '3Ki'],
    [1048576, '1Mi'],
    [5242880, '5Mi'],
    [1610612736, '1536Mi'], // 1.5 GiB
    [1073741824, '1Gi'],
    [2147483648, '2Gi'],
    [1649267441664, '1536Gi'], // 1.5 TiB
    [1099511627776, '1Ti'],
    [4398046511104, '4Ti'],
    [1099511627777, '1099511627777'], // 1 TiB and a byte
  ])('%d bytes is %s', (bytes, quantity) => {
    expect(bytesToQuantity(bytes)).toBe(quantity);
  });
});

describe('describeBytes', () => {
  test.each<[number, string]>([
    [0, '0 MiB'],
    [1000000, '0.95 MiB'],
    [805306368, '768 MiB'],
    [1610612736, '1536 MiB'], // 1.5 GiB
    [1073741824, '1 GiB'],
    [8589934592, '8 GiB'],
  ])('%d bytes is %s', (bytes, text) => {
    expect(describeBytes(bytes)).toBe(text);
  });
});

describe('cpuToMillis', () => {
  test.each<[string, Cpu, number]>([
    ['Cpu.millis(500)', Cpu.millis(500), 500],
    ['Cpu.millis(1)', Cpu.millis(1), 1],
    ['Cpu.units(2)', Cpu.units(2), 2000],
    ['Cpu.units(1.5)', Cpu.units(1.5), 1500],
    ['Cpu.units(1.25)', Cpu.units(1.25), 1250],
    ['Cpu.units(0)', Cpu.units(0), 0],
    ['"2.5m"', { amount: '2.5m' } as Cpu, 2.5],
  ])('%s is %d millicores', (_, cpu, millis) => {
    expect(cpuToMillis(cpu)).toBe(millis);
  });

  test.each(['', 'm', '-1', '-500m', '1.', '.5', '1.5.2', '500mx', '500 m', ' 500m', '2x', '1e3', '1.xm', '0x10', `${'9'.repeat(400)}`])(
    'amount %j is NaN', (amount) => {
      expect(cpuToMillis({ amount } as Cpu)).toBeNaN();
    });
});

describe('durationSeconds', () => {
  test.each<[string, Duration, number]>([
    ['1500 ms', Duration.millis(1500), 1.5],
    ['0 s', Duration.seconds(0), 0],
    ['30 min', Duration.minutes(30), 1800],
    ['14 days', Duration.days(14), 1209600],
  ])('%s is %d seconds', (_, duration, seconds) => {
    expect(durationSeconds(duration)).toBe(seconds);
  });
});
