import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { KmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
import { Construct } from 'constructs';
import { DeploymentDescription } from '../shared/description';
import { checkInteger, reject } from '../shared/validate';
import { terraformId } from './terraform-id';

/** Options of a Cloud KMS key the stack creates. */
export interface CustomerManagedKeyOptions {
  /**
   * Name of the key ring (a key ring can never be deleted: Terraform forgets it on destroy).
   * @default - chosen by the construct that uses the key, e.g. `<gkeClusterName>-gke`
   */
  readonly keyRingName?: string;
  /**
   * Name of the key.
   * @default - chosen by the construct that uses the key, e.g. `secrets`
   */
  readonly keyName?: string;
  /**
   * Days between automatic rotations (a new primary version; old versions stay to decrypt).
   * @default 90
   */
  readonly rotationDays?: number;
}

/** What binding a key gives its user: the key's id, and the grant to wait for. */
export interface BoundKey {
  /** `projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>` (a Terraform reference for a created key). */
  readonly keyId: string;
  /** The `roles/cloudkms.cryptoKeyEncrypterDecrypter` grant of the service agent on that key. */
  readonly grant: KmsCryptoKeyIamMember;
  /** The created key (escape hatch); undefined for an existing key. */
  readonly key: KmsCryptoKey | undefined;
}

const NAME = /^[a-zA-Z0-9_-]{1,63}$/;
const KEY_ID = /^projects\/([a-z][a-z0-9-]{4,28}[a-z0-9])\/locations\/([a-z0-9-]+)\/keyRings\/([a-zA-Z0-9_-]{1,63})\/cryptoKeys\/([a-zA-Z0-9_-]{1,63})$/;
/** The role a service agent needs to encrypt and decrypt with a key, and nothing more. */
export const KMS_ENCRYPTER_DECRYPTER = 'roles/cloudkms.cryptoKeyEncrypterDecrypter';

/**
 * A customer-managed encryption key (CMEK) in Cloud KMS: one the stack creates (a key ring and a key in
 * the description's region, rotated every 90 days, `prevent_destroy` so that a destroy never makes data
 * unreadable) or one that exists. Either way the Google service agent that encrypts with it gets
 * `roles/cloudkms.cryptoKeyEncrypterDecrypter` on that key only.
 */
export class CustomerManagedKey {
  /** A key ring and a key created in the stack, in the description's region. */
  public static create(options: CustomerManagedKeyOptions = {}): CustomerManagedKey {
    return new CustomerManagedKey({ ...options }, undefined);
  }

  /**
   * An existing key, by its full name; it must be in the description's region. The service agent is
   * granted on it, so the deployer needs `cloudkms.cryptoKeys.setIamPolicy` on it.
   */
  public static existing(keyId: string): CustomerManagedKey {
    return new CustomerManagedKey(undefined, keyId);
  }

  private constructor(
    private readonly options: CustomerManagedKeyOptions | undefined,
    /** The full name of an existing key; undefined for a created one. */
    public readonly existingKeyId: string | undefined,
  ) {}

  /**
   * @internal Validates the choice and creates the key (if asked) and the grant. `prop` names the prop
   * holding the key, `defaults` the names of a created key, `member` the service agent.
   */
  public _bind(scope: Construct, id: string, prop: string, d: DeploymentDescription,
    defaults: { keyRingName: string; keyName: string }, member: string): BoundKey {
    // Errors name the owner's path and prop; the resources live under a child `id`.
    let keyId: string;
    let key: KmsCryptoKey | undefined;
    let container: Construct | undefined;
    const child = () => (container ??= new Construct(scope, id));
    if (this.existingKeyId !== undefined) {
      const m = typeof this.existingKeyId === 'string' ? KEY_ID.exec(this.existingKeyId) : null;
      if (!m) {
        reject(scope, prop, this.existingKeyId, 'expected a Cloud KMS key name: projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>');
      }
      if (m[2] !== d.region) {
        reject(scope, prop, this.existingKeyId, `expected a key in the description's region ${d.region} (Google Cloud uses only a key in the location of what it encrypts)`);
      }
      keyId = this.existingKeyId;
    } else {
      const o = this.options ?? {};
      const ringName = o.keyRingName ?? defaults.keyRingName;
      const keyName = o.keyName ?? defaults.keyName;
      if (typeof ringName !== 'string' || !NAME.test(ringName)) reject(scope, `${prop}.keyRingName`, ringName, 'expected 1 to 63 letters, digits, \'_\' or \'-\'');
      if (typeof keyName !== 'string' || !NAME.test(keyName)) reject(scope, `${prop}.keyName`, keyName, 'expected 1 to 63 letters, digits, \'_\' or \'-\'');
      const rotationDays = o.rotationDays ?? 90;
      checkInteger(scope, `${prop}.rotationDays`, rotationDays, 1, 36500);
      const ring = new KmsKeyRing(child(), 'KeyRing', { name: ringName, project: d.projectId, location: d.region });
      ring.overrideLogicalId(terraformId('kms_ring', ringName));
      key = new KmsCryptoKey(child(), 'Key', {
        name: keyName,
        keyRing: ring.id,
        purpose: 'ENCRYPT_DECRYPT',
        rotationPeriod: `${rotationDays * 86400}s`,
        lifecycle: { preventDestroy: true },
      });
      key.overrideLogicalId(terraformId('kms_key', `${ringName}_${keyName}`));
      keyId = key.id;
    }
    const grant = new KmsCryptoKeyIamMember(child(), 'Grant', { cryptoKeyId: keyId, role: KMS_ENCRYPTER_DECRYPTER, member });
    // Named after the use (the default names), whichever key it is: switching keys updates the grant.
    grant.overrideLogicalId(terraformId('kms_grant', `${defaults.keyRingName}_${defaults.keyName}`));
    return { keyId, grant, key };
  }
}
