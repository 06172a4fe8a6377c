import { ProjectIamAuditConfig } from '@cdktf/provider-google/lib/project-iam-audit-config';
import { Construct } from 'constructs';
import { DeploymentDescription } from '../shared/description';
import { terraformId } from './terraform-id';

/** Properties of {@link StorageDataAccessLogs}. */
export interface StorageDataAccessLogsProps {
  /** The deployment: the project comes from it. */
  readonly description: DeploymentDescription;
}

/** The log types written: metadata reads, object reads and object writes. */
export const DATA_ACCESS_LOG_TYPES = ['ADMIN_READ', 'DATA_READ', 'DATA_WRITE'];

/**
 * Cloud Audit Logs' Data Access logs for Cloud Storage in the project: who read, listed, wrote or
 * deleted which backup object, with the principal's identity, in Cloud Logging (kept 30 days in
 * `_Default`; route them to a log bucket of longer retention for compliance).
 *
 * Chosen over the bucket's usage logs (access logging) because those name no principal reliably, need a
 * second bucket, arrive hourly as CSV files, and Google recommends audit logs instead. The cost: the
 * setting covers every bucket of the project (Data Access logs cannot be set per bucket), and the
 * resource is authoritative for `storage.googleapis.com`'s audit configuration in the project.
 * @see https://cloud.google.com/storage/docs/audit-logging
 */
export class StorageDataAccessLogs extends Construct {
  /** The audit configuration (escape hatch). */
  public readonly auditConfig: ProjectIamAuditConfig;

  constructor(scope: Construct, id: string, props: StorageDataAccessLogsProps) {
    super(scope, id);
    const d = props.description;
    this.auditConfig = new ProjectIamAuditConfig(this, 'AuditConfig', {
      project: d.projectId,
      service: 'storage.googleapis.com',
      auditLogConfig: DATA_ACCESS_LOG_TYPES.map((logType) => ({ logType })),
    });
    this.auditConfig.overrideLogicalId(terraformId('audit_storage', d.projectId));
  }
}
