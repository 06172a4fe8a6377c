import { RESTORE_ID_PATTERN, RESTORE_MARKER_DATABASE, RESTORE_MARKER_TABLE, restoreRecordedQuery } from '../../../lib/k8s/private/restore-marker';

describe('restore marker', () => {
  test('the database and table', () => {
    expect(RESTORE_MARKER_DATABASE).toBe('crdb_k8s_ops');
    expect(RESTORE_MARKER_TABLE).toBe('crdb_k8s_ops.restores');
  });

  test.each(['0123456789abcdef', 'ffffffffffffffff', '0000000000000000'])('%s is a restore id', (id) => {
    expect(RESTORE_ID_PATTERN.test(id)).toBe(true);
    expect(restoreRecordedQuery(id)).toBe(`SELECT count(*) FROM crdb_k8s_ops.restores WHERE id = '${id}'`);
  });

  test.each([
    ['', '""'],
    ['0123456789abcde', '"0123456789abcde"'], // 15 digits
    ['0123456789abcdef0', '"0123456789abcdef0"'], // 17 digits
    ['x0123456789abcdef', '"x0123456789abcdef"'], // a prefix
    ['0123456789abcdefx', '"0123456789abcdefx"'], // a suffix
    ['0123456789ABCDEF', '"0123456789ABCDEF"'], // upper case
    ['0123456789abcdeg', '"0123456789abcdeg"'],
    ["0123456789abcdef' OR '1'='1", '"0123456789abcdef\' OR \'1\'=\'1"'],
    ['0123456789abcdef\n', '"0123456789abcdef\\n"'],
  ])('%j is not a restore id, and is never put in SQL', (id, shown) => {
    expect(RESTORE_ID_PATTERN.test(id)).toBe(false);
    expect(() => restoreRecordedQuery(id)).toThrow(new Error(`not a restore id: ${shown}`));
  });
});
