/**
 * A Terraform logical id from a kind and a name that the deployment description validated, e.g.
 * `backup_bucket_acme_backups`. Stable across refactoring of the construct tree, unique per name.
 */
export function terraformId(kind: string, name: string): string {
  return `${kind}_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
}
