import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { ServiceAccountKey } from '@cdktf/provider-google/lib/service-account-key';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { DeploymentDescription } from '../shared/description';
import { reject } from '../shared/validate';
import { terraformId } from './terraform-id';

/**
 * Roles on the backup bucket, and only on it: create objects (BACKUP), read and list them (RESTORE,
 * incremental backups, SHOW BACKUPS). No delete: a compromised pod cannot erase backups.
 */
export const BACKUP_BUCKET_ROLES = ['roles/storage.objectCreator', 'roles/storage.objectViewer'];

/** The service account's resource name, from the description: usable from any stack. */
function serviceAccountResourceName(d: DeploymentDescription): string {
  return `projects/${d.projectId}/serviceAccounts/${d.backupServiceAccountEmail}`;
}

/** Properties of {@link BackupServiceAccount}. */
export interface BackupServiceAccountProps {
  /** The deployment: service account id, project and bucket come from it. */
  readonly description: DeploymentDescription;
  /**
   * Something the bucket role bindings must wait for, typically the bucket when it is in the same stack.
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/** The Google service account CockroachDB backs up and restores with, with its roles on the bucket only. */
export class BackupServiceAccount extends Construct {
  /** The service account (escape hatch). */
  public readonly serviceAccount: ServiceAccount;
  /** Its email, from the description (the Kubernetes half annotates its ServiceAccount with it). */
  public readonly email: string;

  constructor(scope: Construct, id: string, props: BackupServiceAccountProps) {
    super(scope, id);
    const d = props.description;
    this.email = d.backupServiceAccountEmail;
    this.serviceAccount = new ServiceAccount(this, 'ServiceAccount', {
      accountId: d.backupServiceAccountId,
      displayName: `CockroachDB backups of ${d.cockroachClusterName} (${d.namespace})`,
      project: d.projectId,
    });
    this.serviceAccount.overrideLogicalId(terraformId('backup_sa', d.backupServiceAccountId));
    for (const role of BACKUP_BUCKET_ROLES) {
      new StorageBucketIamMember(this, `BucketRole-${role.replace('roles/storage.', '')}`, {
        bucket: d.bucketName,
        role,
        member: `serviceAccount:${this.serviceAccount.email}`,
        dependsOn: props.dependsOn,
      });
    }
  }
}

/** Properties of {@link BackupWorkloadIdentity}. */
export interface BackupWorkloadIdentityProps {
  /** The deployment: namespace and Kubernetes ServiceAccount come from it. */
  readonly description: DeploymentDescription;
  /**
   * What the binding waits for: the GKE cluster, whose creation creates the project's identity pool.
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Lets the CockroachDB pods' Kubernetes ServiceAccount act as the backup service account through GKE
 * Workload Identity: `roles/iam.workloadIdentityUser` for
 * `serviceAccount:<project>.svc.id.goog[<namespace>/<ksa>]`. No key exists anywhere.
 */
export class BackupWorkloadIdentity extends Construct {
  /** The IAM binding (escape hatch). */
  public readonly binding: ServiceAccountIamMember;

  constructor(scope: Construct, id: string, props: BackupWorkloadIdentityProps) {
    super(scope, id);
    const d = props.description;
    this.binding = new ServiceAccountIamMember(this, 'WorkloadIdentityUser', {
      serviceAccountId: serviceAccountResourceName(d),
      role: 'roles/iam.workloadIdentityUser',
      member: d.workloadIdentityMember,
      dependsOn: props.dependsOn,
    });
  }
}

/** Properties of {@link BackupServiceAccountKey}. */
export interface BackupServiceAccountKeyProps {
  /** The deployment: the service account comes from it. */
  readonly description: DeploymentDescription;
  /**
   * A label of the key's generation, e.g. `'2026-11'`: 1 to 63 letters, digits, '.', '_' or '-'. It goes
   * into the key's `keepers`, so changing it replaces the key on the next deploy: the new key is created
   * first, then the old one deleted (backups that still use the old key fail from then on, until the
   * Kubernetes Secret holds the new one).
   * @default - never replaced: the key lives until the stack is destroyed
   */
  readonly rotation?: string;
}

const ROTATION_LABEL = /^[A-Za-z0-9._-]{1,63}$/;

/**
 * A JSON key of the backup service account, for minikube and other clusters without Workload Identity.
 * Its private key (base64-encoded JSON) is only in the Terraform state and a sensitive output: protect
 * the state, and destroy the key when it is no longer needed. Rotate it with `rotation`.
 */
export class BackupServiceAccountKey extends Construct {
  /** The key (escape hatch). `privateKey` is base64-encoded JSON. */
  public readonly key: ServiceAccountKey;

  constructor(scope: Construct, id: string, props: BackupServiceAccountKeyProps) {
    super(scope, id);
    if (props.rotation !== undefined && (typeof props.rotation !== 'string' || !ROTATION_LABEL.test(props.rotation))) {
      reject(this, 'rotation', props.rotation, 'expected a rotation label such as \'2026-11\': 1 to 63 letters, digits, \'.\', \'_\' or \'-\'');
    }
    this.key = new ServiceAccountKey(this, 'Key', {
      serviceAccountId: serviceAccountResourceName(props.description),
      keepers: props.rotation === undefined ? undefined : { rotation: props.rotation },
      // A replacement (a new rotation label) creates the new key before it deletes the old one.
      lifecycle: { createBeforeDestroy: true },
    });
  }
}
