/**
 * Where the SQL Job records completed restores, so that a re-run never restores twice and the Jobs that
 * write data (books load, workloads) can wait for a declared full-cluster restore. No imports: the books
 * load bundle uses it too.
 */
export const RESTORE_MARKER_DATABASE = 'crdb_k8s_ops';

/** `<database>.restores`: one row per completed restore, keyed by the restore's id. */
export const RESTORE_MARKER_TABLE = `${RESTORE_MARKER_DATABASE}.restores`;

/** How a restore id looks (a digest of the RESTORE statement). */
export const RESTORE_ID_PATTERN = /^[0-9a-f]{16}$/;

/** A query that returns 1 once the restore `id` (checked against RESTORE_ID_PATTERN) is recorded. */
export function restoreRecordedQuery(id: string): string {
  if (!RESTORE_ID_PATTERN.test(id)) throw new Error(`not a restore id: ${JSON.stringify(id)}`);
  return `SELECT count(*) FROM ${RESTORE_MARKER_TABLE} WHERE id = '${id}'`;
}
