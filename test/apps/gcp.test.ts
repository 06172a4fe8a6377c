import { Testing } from 'cdktf';
import { Testing as K8sTesting } from 'cdk8s';
import { buildGcpApp } from '../../apps/gcp';
import { DEPLOYMENT } from '../../apps/deployment';
import { GkeChart } from '../../apps/gke';
import { only, synthApp } from '../support/manifests';

describe('the GCP app', () => {
  const app = Testing.app();
  const stacks = buildGcpApp(app);
  const docs = {
    backups: JSON.parse(Testing.synth(stacks.backups)),
    gke: JSON.parse(Testing.synth(stacks.gke)),
    key: JSON.parse(Testing.synth(stacks.key)),
  };

  test('snapshot of the stacks', () => {
    expect(docs).toMatchSnapshot();
  });

  test('the GKE and key stacks deploy after the backups stack', () => {
    expect(stacks.gke.dependencies).toContain(stacks.backups);
    expect(stacks.key.dependencies).toContain(stacks.backups);
  });

  describe('the two halves agree by construction', () => {
    const k8s = K8sTesting.app();
    new GkeChart(k8s);
    const manifests = synthApp(k8s);
    const ksa = only(manifests, 'ServiceAccount', DEPLOYMENT.cockroachClusterName);
    const wi = Object.values(docs.gke.resource.google_service_account_iam_member)[0] as any;

    test('the Kubernetes ServiceAccount is annotated with the backup service account\'s email', () => {
      const gsa = Object.values(docs.backups.resource.google_service_account)[0] as any;
      const email = `${gsa.account_id}@${gsa.project}.iam.gserviceaccount.com`;
      expect(ksa.metadata.annotations['iam.gke.io/gcp-service-account']).toBe(email);
      expect(wi.service_account_id).toBe(`projects/${gsa.project}/serviceAccounts/${email}`);
    });

    test('the IAM member names the namespace and the ServiceAccount the pods actually use', () => {
      const sts = only(manifests, 'StatefulSet');
      expect(wi.member).toBe(`serviceAccount:${DEPLOYMENT.projectId}.svc.id.goog[${ksa.metadata.namespace}/${ksa.metadata.name}]`);
      expect(sts.spec.template.spec.serviceAccountName).toBe(ksa.metadata.name);
      expect(sts.metadata.namespace).toBe(ksa.metadata.namespace);
    });

    test('the Workload Identity pool is the GKE cluster\'s', () => {
      const cluster = Object.values(docs.gke.resource.google_container_cluster)[0] as any;
      expect(wi.member).toContain(`serviceAccount:${cluster.workload_identity_config.workload_pool}[`);
    });

    test('the bucket in Terraform is the one the description gives the Kubernetes half', () => {
      const bucket = Object.values(docs.backups.resource.google_storage_bucket)[0] as any;
      expect(`gs://${bucket.name}`).toBe(DEPLOYMENT.bucketUrl);
    });
  });
});
