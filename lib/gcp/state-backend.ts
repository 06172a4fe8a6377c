import * as path from 'path';
import { GcsBackend, LocalBackend, TerraformBackend, TerraformStack } from 'cdktf';
import { DeploymentDescription } from '../shared/description';
import { checkGcsBucketName, checkObjectPath, reject } from '../shared/validate';

/** Options of {@link StateBackend.gcs}. */
export interface GcsStateOptions {
  /**
   * The state bucket. It must exist before the first `cdktf deploy` (Terraform keeps the state of the stack
   * that would create it there), with versioning on and access for the deployers only.
   * @default - `<projectId>-tfstate`, from the deployment description
   */
  readonly bucket?: string;
  /**
   * Folder of this deployment's states in the bucket; each stack's state is
   * `<prefix>/<stack>/default.tfstate`.
   * @default - `<namespace>/<cockroachClusterName>`, from the deployment description
   */
  readonly prefix?: string;
  /**
   * A Cloud KMS key that encrypts the state objects (customer-managed encryption), as
   * `projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`: reading a state then also needs
   * `roles/cloudkms.cryptoKeyEncrypterDecrypter` on the key.
   * @default - Google-managed encryption
   */
  readonly kmsEncryptionKey?: string;
}

/** Options of {@link StateBackend.local}. */
export interface LocalStateOptions {
  /**
   * Folder of the state files `terraform.<stack>.tfstate`, relative to the project folder (where
   * cdktf.json is).
   * @default '.'
   */
  readonly directory?: string;
}

const KMS_KEY = /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/;
/** Terraform runs in `cdktf.out/stacks/<stack>/`; a local path is relative to that folder. */
const STACK_FOLDER_TO_PROJECT = '../../..';

/**
 * Where Terraform keeps a stack's state. The synthesized configuration holds no absolute path, so it is
 * the same on every machine.
 *
 * - {@link StateBackend.gcs}: a Cloud Storage bucket, locked while Terraform runs. What a team uses: one
 *   state for everyone, access controlled by IAM, versioned.
 * - {@link StateBackend.local}: files next to the project, for one person trying things out. The files
 *   hold every secret of the stack (the key stack's private key): they are git-ignored; never commit them.
 *
 * @see https://developer.hashicorp.com/terraform/language/backend/gcs
 */
export class StateBackend {
  /** States in a Cloud Storage bucket, by default `gs://<projectId>-tfstate/<namespace>/<cockroachClusterName>/<stack>/`. */
  public static gcs(options: GcsStateOptions = {}): StateBackend {
    const scope = 'StateBackend.gcs';
    if (options.bucket !== undefined) checkGcsBucketName(scope, 'bucket', options.bucket);
    if (options.prefix !== undefined) checkObjectPath(scope, 'prefix', options.prefix);
    if (options.kmsEncryptionKey !== undefined && !(typeof options.kmsEncryptionKey === 'string' && KMS_KEY.test(options.kmsEncryptionKey))) {
      reject(scope, 'kmsEncryptionKey', options.kmsEncryptionKey, 'expected a Cloud KMS key name: "projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>"');
    }
    return new StateBackend({ ...options });
  }

  /** State files `terraform.<stack>.tfstate` in a folder of the project (by default the project folder itself). */
  public static local(options: LocalStateOptions = {}): StateBackend {
    const directory = options.directory ?? '.';
    if (typeof directory !== 'string' || directory === '' || path.posix.isAbsolute(directory) || path.win32.isAbsolute(directory)
      || directory.startsWith('~') || directory.includes('\\')) {
      reject('StateBackend.local', 'directory', directory,
        'expected a folder relative to the project folder (where cdktf.json is), with "/" separators, e.g. "." or "terraform-state": an absolute path would make the synthesized configuration differ from machine to machine');
    }
    return new StateBackend({ directory });
  }

  private constructor(private readonly options: GcsStateOptions & { readonly directory?: string }) {}

  /**
   * Configures the stack's backend.
   * @internal
   */
  public _bind(stack: TerraformStack, description: DeploymentDescription): TerraformBackend {
    const stackName = stack.node.id;
    if (this.options.directory !== undefined) {
      return new LocalBackend(stack, { path: path.posix.join(STACK_FOLDER_TO_PROJECT, this.options.directory, `terraform.${stackName}.tfstate`) });
    }
    const bucket = this.options.bucket ?? `${description.projectId}-tfstate`;
    checkGcsBucketName(stack, 'stateBackend.bucket', bucket);
    const prefix = `${this.options.prefix ?? `${description.namespace}/${description.cockroachClusterName}`}/${stackName}`;
    return new GcsBackend(stack, { bucket, prefix, kmsEncryptionKey: this.options.kmsEncryptionKey });
  }
}
