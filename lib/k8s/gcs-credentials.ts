import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { DeploymentDescription } from '../shared/description';
import { CockroachConfigError, ErrorScope } from '../shared/errors';
import { checkDnsSubdomain, checkSecretKey, reject } from '../shared/validate';

/** Where the key file is mounted in the CockroachDB pods. */
export const GCS_KEY_DIR = '/var/run/secrets/gcs';
const GSA_EMAIL = /^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$/;

/**
 * How the CockroachDB nodes authenticate to Google Cloud Storage for `AUTH=implicit` backups and
 * restores (BACKUP and RESTORE run on the nodes, not in the client).
 */
export class GcsCredentials {
  /**
   * GKE Workload Identity: the pods' ServiceAccount is annotated with the Google service account; no key
   * exists anywhere. The IAM binding is on the Google Cloud side (`BackupWorkloadIdentity`).
   */
  public static workloadIdentity(serviceAccountEmail: string): GcsCredentials {
    return new GcsCredentials(serviceAccountEmail, undefined, undefined, undefined);
  }

  /**
   * Workload Identity with the backup service account of the shared deployment description. The
   * description's IAM binding names one Kubernetes ServiceAccount (`<namespace>/<cockroachClusterName>`),
   * so the cluster must have that name, in a chart of that namespace: anything else is refused at synth
   * (its pods would get 403 from Cloud Storage).
   */
  public static fromDeployment(description: DeploymentDescription): GcsCredentials {
    return new GcsCredentials(description.backupServiceAccountEmail, undefined, undefined, description);
  }

  /**
   * A service account key in a Secret (minikube and other clusters without Workload Identity), mounted
   * read-only into the pods with `GOOGLE_APPLICATION_CREDENTIALS` pointing at it, as in the book. The
   * key's content never appears in the manifests.
   * @param secretName the Secret, e.g. created with `kubectl create secret generic gcs-key --from-file=key.json=…`
   * @param key the key inside the Secret. @default 'key.json'
   */
  public static keyFromSecret(secretName: string, key = 'key.json'): GcsCredentials {
    return new GcsCredentials(undefined, secretName, key, undefined);
  }

  private constructor(
    /** The Google service account (Workload Identity). */
    public readonly serviceAccountEmail: string | undefined,
    /** The key Secret (key file). */
    public readonly secretName: string | undefined,
    /** The key inside the Secret. */
    public readonly secretKey: string | undefined,
    /** The deployment description the Workload Identity binding comes from (`fromDeployment`). */
    public readonly description: DeploymentDescription | undefined,
  ) {}

  /**
   * @param cluster the name and namespace of the cluster whose pods use these credentials
   * @internal
   */
  public _validate(scope: ErrorScope, cluster: { readonly name: string; readonly namespace: string }): void {
    const d = this.description;
    if (d && (d.namespace !== cluster.namespace || d.cockroachClusterName !== cluster.name)) {
      throw new CockroachConfigError(scope, 'gcsCredentials, name, namespace (of the chart)',
        `received GcsCredentials.fromDeployment() of a description for cluster ${JSON.stringify(d.cockroachClusterName)} in namespace ${JSON.stringify(d.namespace)}, `
        + `on cluster ${JSON.stringify(cluster.name)} in namespace ${JSON.stringify(cluster.namespace)}; expected the same two: the Workload Identity binding `
        + `names the ServiceAccount ${d.namespace}/${d.cockroachClusterName}, so these pods (ServiceAccount ${cluster.namespace}/${cluster.name}) would get 403 from Cloud Storage. `
        + 'Build the cluster with name: description.cockroachClusterName in a chart whose namespace is description.namespace, or describe this cluster');
    }
    if (this.serviceAccountEmail !== undefined && !GSA_EMAIL.test(this.serviceAccountEmail)) {
      reject(scope, 'gcsCredentials (service account)', this.serviceAccountEmail, 'expected a Google service account email such as "crdb-backup@my-project.iam.gserviceaccount.com"');
    }
    if (this.secretName !== undefined) {
      checkDnsSubdomain(scope, 'gcsCredentials (secret)', this.secretName);
      checkSecretKey(scope, 'gcsCredentials (key)', this.secretKey!);
    }
  }

  /** ServiceAccount annotations. @internal */
  public _annotations(): { [key: string]: string } {
    return this.serviceAccountEmail ? { 'iam.gke.io/gcp-service-account': this.serviceAccountEmail } : {};
  }

  /** Pod parts for the key file. @internal */
  public _podParts(): { volumes: k8s.Volume[]; mounts: k8s.VolumeMount[]; env: k8s.EnvVar[] } {
    if (!this.secretName) return { volumes: [], mounts: [], env: [] };
    return {
      volumes: [{ name: 'gcs-key', secret: { secretName: this.secretName, defaultMode: 0o440, items: [{ key: this.secretKey!, path: 'key.json' }] } }],
      mounts: [{ name: 'gcs-key', mountPath: GCS_KEY_DIR, readOnly: true }],
      env: [{ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: `${GCS_KEY_DIR}/key.json` }],
    };
  }
}
