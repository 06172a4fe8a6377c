import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdktf';
import { Testing as K8sTesting } from 'cdk8s';
import { allowedImages, buildGcpApp } from '../../apps/gcp';
import { CONTROL_PLANE_NETWORKS, DEPLOYMENT } from '../../apps/deployment';
import { GkeChart } from '../../apps/gke';
import { gkeAllocatable, machineTypeSize } from '../../lib/gcp';
import { DeploymentDescription } from '../../lib/shared';
import { configError } from '../support/errors';
import { only, synthApp } from '../support/manifests';

const root = path.resolve(__dirname, '../..');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'crdb-gcp-app-'));

/** Every file under a folder, by relative path. */
function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out[path.relative(dir, path.join(entry.parentPath, entry.name))] = fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

/** A Kubernetes quantity in base units: cores for CPU, bytes for memory. */
function quantity(q: string): number {
  const m = /^([0-9.]+)(m|Ki|Mi|Gi)?$/.exec(q);
  if (!m) throw new Error(`unexpected quantity ${q}`);
  const factor = { m: 0.001, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }[m[2] as 'm' | 'Ki' | 'Mi' | 'Gi'] ?? 1;
  return Number(m[1]) * factor;
}

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

  test('every stack keeps its state in the project\'s state bucket, under a prefix of its own', () => {
    expect(docs.backups.terraform.backend).toEqual({ gcs: { bucket: 'crdb-book-demo-tfstate', prefix: 'cockroachdb/crdb/crdb-backups' } });
    expect(docs.gke.terraform.backend).toEqual({ gcs: { bucket: 'crdb-book-demo-tfstate', prefix: 'cockroachdb/crdb/crdb-gke' } });
    expect(docs.key.terraform.backend).toEqual({ gcs: { bucket: 'crdb-book-demo-tfstate', prefix: 'cockroachdb/crdb/crdb-backup-key' } });
  });

  test('the cluster runs in the stack\'s dedicated VPC, on the secondary ranges its subnetwork declares', () => {
    const [cluster] = Object.values<any>(docs.gke.resource.google_container_cluster);
    const [network] = Object.values<any>(docs.gke.resource.google_compute_network);
    const [subnet] = Object.values<any>(docs.gke.resource.google_compute_subnetwork);
    expect(cluster.network).toBe(network.name);
    expect(cluster.subnetwork).toBe(subnet.name);
    expect(subnet.region).toBe(cluster.location);
    const declared = subnet.secondary_ip_range.map((r: any) => r.range_name);
    expect(declared).toContain(cluster.ip_allocation_policy.cluster_secondary_range_name);
    expect(declared).toContain(cluster.ip_allocation_policy.services_secondary_range_name);
    expect(cluster.ip_allocation_policy.cluster_secondary_range_name).not.toBe(cluster.ip_allocation_policy.services_secondary_range_name);
    // The firewall lets the nodes reach the control plane range the cluster uses.
    const internal = Object.values<any>(docs.gke.resource.google_compute_firewall).find((f) => f.name.endsWith('-allow-egress-internal'));
    expect(internal.destination_ranges).toContain(cluster.private_cluster_config.master_ipv4_cidr_block);
  });

  test('production: private nodes, a public endpoint for the named admin networks only, no client certificate, a maintenance window', () => {
    const [cluster] = Object.values<any>(docs.gke.resource.google_container_cluster);
    expect(cluster.private_cluster_config).toEqual({ enable_private_nodes: true, enable_private_endpoint: false, master_ipv4_cidr_block: '172.16.0.0/28' });
    expect(cluster.master_authorized_networks_config.cidr_blocks).toEqual(CONTROL_PLANE_NETWORKS.map((n) => ({ cidr_block: n.cidrBlock, display_name: n.displayName })));
    expect(cluster.master_auth).toEqual({ client_certificate_config: { issue_client_certificate: false } });
    expect(cluster.maintenance_policy.recurring_window.recurrence).toBe('FREQ=WEEKLY;BYDAY=SA,SU');
  });

  test('production: Secrets encrypted with the stack\'s KMS key, which only the GKE service agent may use', () => {
    const [cluster] = Object.values<any>(docs.gke.resource.google_container_cluster);
    const [key] = Object.keys(docs.gke.resource.google_kms_crypto_key);
    expect(cluster.database_encryption).toEqual({ state: 'ENCRYPTED', key_name: `\${google_kms_crypto_key.${key}.id}` });
    const grants = Object.values<any>(docs.gke.resource.google_kms_crypto_key_iam_member);
    expect(grants).toEqual([expect.objectContaining({
      crypto_key_id: `\${google_kms_crypto_key.${key}.id}`, role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
      member: expect.stringMatching(/^serviceAccount:service-\$\{data\.google_project\.[a-z_]+\.number\}@container-engine-robot\.iam\.gserviceaccount\.com$/),
    })]);
  });

  test('production: Binary Authorization admits GKE\'s, the library\'s and cert-manager\'s images by digest only; a dry run while IMAGE_DIGESTS is empty', () => {
    const [cluster] = Object.values<any>(docs.gke.resource.google_container_cluster);
    expect(cluster.binary_authorization).toEqual({ evaluation_mode: 'PROJECT_SINGLETON_POLICY_ENFORCE' });
    const [policy] = Object.values<any>(docs.gke.resource.google_binary_authorization_policy);
    expect(policy.global_policy_evaluation_mode).toBe('ENABLE');
    // The GKE app runs its images by tag until their digests are set: refusing them would stop the cluster.
    expect(policy.default_admission_rule).toEqual({ evaluation_mode: 'ALWAYS_DENY', enforcement_mode: 'DRYRUN_AUDIT_LOG_ONLY' });
    const pinnedApp = Testing.app();
    const digest = `sha256:${'c3'.repeat(32)}`;
    const pinned = JSON.parse(Testing.synth(buildGcpApp(pinnedApp, { imageDigests: { cockroach: digest, booksLoad: digest } }).gke));
    expect(Object.values<any>(pinned.resource.google_binary_authorization_policy)[0].default_admission_rule)
      .toEqual({ evaluation_mode: 'ALWAYS_DENY', enforcement_mode: 'ENFORCED_BLOCK_AND_AUDIT_LOG' });
    const half = JSON.parse(Testing.synth(buildGcpApp(Testing.app(), { imageDigests: { cockroach: digest } }).gke));
    expect(Object.values<any>(half.resource.google_binary_authorization_policy)[0].default_admission_rule.enforcement_mode).toBe('DRYRUN_AUDIT_LOG_ONLY');
    const patterns = policy.admission_whitelist_patterns.map((p: any) => p.name_pattern);
    expect(patterns).toEqual(allowedImages());
    expect(patterns).toEqual([
      'docker.io/cockroachdb/cockroach@sha256:*', 'docker.io/library/node@sha256:*',
      'quay.io/jetstack/cert-manager-controller@sha256:*', 'quay.io/jetstack/cert-manager-webhook@sha256:*',
      'quay.io/jetstack/cert-manager-cainjector@sha256:*', 'quay.io/jetstack/cert-manager-startupapicheck@sha256:*',
    ]);
    // Once enforcing, the library's images are admitted by exactly the digests the GKE app runs; with one
    // digest missing, by repository (the policy is a dry run then anyway).
    const pinnedPatterns = Object.values<any>(pinned.resource.google_binary_authorization_policy)[0].admission_whitelist_patterns.map((p: any) => p.name_pattern);
    expect(pinnedPatterns.slice(0, 2)).toEqual([`docker.io/cockroachdb/cockroach@${digest}`, `docker.io/library/node@${digest}`]);
    expect(pinnedPatterns.slice(2)).toEqual(patterns.slice(2));
    expect(Object.values<any>(half.resource.google_binary_authorization_policy)[0].admission_whitelist_patterns.map((p: any) => p.name_pattern)).toEqual(patterns);

    // Every image of the GKE app pinned by the same digests is admitted by a pattern, by Binary
    // Authorization's documented rule: a trailing `*` matches within the last path segment only.
    const admitted = (image: string) => patterns.some((p: string) => (p.endsWith('*') ? image.startsWith(p.slice(0, -1)) && !image.slice(p.length - 1).includes('/') : image === p));
    const k8sApp = K8sTesting.app();
    new GkeChart(k8sApp, { booksLoad: true, imageDigests: { cockroach: digest, booksLoad: digest } });
    const images = new Set(synthApp(k8sApp).flatMap((o) => {
      const spec = o.kind === 'Pod' ? o.spec : o.spec?.template?.spec ?? o.spec?.jobTemplate?.spec?.template?.spec;
      return spec ? [...(spec.initContainers ?? []), ...spec.containers].map((c: any) => c.image) : [];
    }));
    expect([...images].sort()).toEqual([`docker.io/cockroachdb/cockroach@${digest}`, `docker.io/library/node@${digest}`]);
    for (const image of images) expect(admitted(image)).toBe(true);
    // …and, enforcing, each is exactly one of the pinned patterns.
    for (const image of images) expect(pinnedPatterns).toContain(image);
    // The rule itself: a tag before the digest, or a short Docker Hub name, would not be admitted.
    expect(admitted(`cockroachdb/cockroach:v26.2.1@${digest}`)).toBe(false);
    expect(admitted(`docker.io/cockroachdb/cockroach:v26.2.1@${digest}`)).toBe(false);
    expect(admitted('docker.io/cockroachdb/cockroach:v26.2.1')).toBe(false);
  });

  test('production: backups encrypted with the backups stack\'s key (only the Cloud Storage agent may use it), reads and writes audited', () => {
    const [bucket] = Object.values<any>(docs.backups.resource.google_storage_bucket);
    const key = 'kms_key_crdb_book_demo_backups_cmek_backups';
    expect(bucket.encryption).toEqual({ default_kms_key_name: `\${google_kms_crypto_key.${key}.id}` });
    expect(Object.values<any>(docs.backups.resource.google_kms_crypto_key_iam_member).filter((g) => g.crypto_key_id.includes(`.${key}.`))).toEqual([{
      crypto_key_id: `\${google_kms_crypto_key.${key}.id}`, role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
      member: expect.stringMatching(/^serviceAccount:\$\{data\.google_storage_project_service_account\.[a-z_]+\.email_address\}$/),
      depends_on: expect.any(Array),
    }]);
    expect(Object.values<any>(docs.backups.resource.google_project_iam_audit_config)).toEqual([expect.objectContaining({
      service: 'storage.googleapis.com', audit_log_config: [{ log_type: 'ADMIN_READ' }, { log_type: 'DATA_READ' }, { log_type: 'DATA_WRITE' }],
    })]);
    // Two stacks, three key rings: no stack's destroy can touch another's key, nor the bucket's CockroachDB's.
    const rings = (doc: any) => Object.values<any>(doc.resource.google_kms_key_ring).map((r) => r.name);
    expect(rings(docs.backups)).toEqual(['crdb-book-demo-backups-cmek', 'crdb-book-demo-backups-crdb']);
    expect(rings(docs.gke)).toEqual(['cockroachdb-gke']);
  });

  test('production: CockroachDB encrypts backups with the description\'s key, which only the backup service account may use', () => {
    const { keyRingName: ring, keyName: key } = DEPLOYMENT.backupEncryptionKey!;
    expect(DEPLOYMENT.backupEncryptionKeyId).toBe(`projects/crdb-book-demo/locations/europe-west1/keyRings/${ring}/cryptoKeys/${key}`);
    const keys = Object.entries<any>(docs.backups.resource.google_kms_crypto_key).filter(([, k]) => k.name === key);
    expect(keys).toHaveLength(1);
    const [[address, created]] = keys;
    const rings = docs.backups.resource.google_kms_key_ring;
    expect(created).toMatchObject({ purpose: 'ENCRYPT_DECRYPT', rotation_period: '7776000s', lifecycle: { prevent_destroy: true } });
    expect(rings[/^\$\{google_kms_key_ring\.([^.]+)\.id\}$/.exec(created.key_ring)![1]]).toMatchObject({ name: ring, project: 'crdb-book-demo', location: 'europe-west1' });
    const gsa = Object.keys(docs.backups.resource.google_service_account)[0];
    expect(Object.values<any>(docs.backups.resource.google_kms_crypto_key_iam_member).filter((g) => g.crypto_key_id === `\${google_kms_crypto_key.${address}.id}`))
      .toEqual([expect.objectContaining({ role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', member: `serviceAccount:\${google_service_account.${gsa}.email}` })]);
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

    test('a database pod of the GKE profile fits a node of the GKE stack\'s pool, after GKE\'s reservations', () => {
      const pod = only(manifests, 'StatefulSet').spec.template.spec;
      // A pod requests the sum of its containers, or its largest init container if that is more.
      const sum = (key: 'cpu' | 'memory') => pod.containers.reduce((total: number, c: any) => total + quantity(c.resources.requests[key]), 0);
      const init = (key: 'cpu' | 'memory') => Math.max(0, ...(pod.initContainers ?? []).map((c: any) => quantity(c.resources.requests[key])));
      const cpu = Math.max(sum('cpu'), init('cpu'));
      const memoryGib = Math.max(sum('memory'), init('memory')) / 1024 ** 3;
      expect(cpu).toBeGreaterThanOrEqual(4);
      const [pool] = Object.values<any>(docs.gke.resource.google_container_node_pool);
      const allocatable = gkeAllocatable(machineTypeSize(pool.node_config.machine_type)!);
      expect(cpu).toBeLessThanOrEqual(allocatable.cpuCores);
      expect(memoryGib).toBeLessThanOrEqual(allocatable.memoryGib);
    });

    test('the bucket in Terraform is the one the description gives the Kubernetes half', () => {
      const bucket = Object.values(docs.backups.resource.google_storage_bucket)[0] as any;
      expect(`gs://${bucket.name}`).toBe(DEPLOYMENT.bucketUrl);
    });
  });
});

describe('the GCP app\'s output', () => {
  beforeAll(() => {
    if (!fs.existsSync(path.join(root, 'build/apps/gcp.js'))) {
      throw new Error('build/apps/gcp.js is missing: run `npm run build` (npm test does it) before jest');
    }
  });

  test('two runs in two folders write the same bytes, with no absolute path in them', () => {
    const runs = [tmp(), tmp()].map((cwd) => {
      const out = path.join(cwd, 'cdktf.out');
      const result = spawnSync(process.execPath, [path.join(root, 'build/apps/gcp.js')], {
        cwd, encoding: 'utf8', env: { ...process.env, CDKTF_OUTDIR: out, CHECKPOINT_DISABLE: '1' },
      });
      expect(result.status).toBe(0);
      return { cwd, tree: readTree(out) };
    });
    expect(Object.keys(runs[0].tree).sort()).toEqual([
      'manifest.json', 'stacks/crdb-backup-key/cdk.tf.json', 'stacks/crdb-backups/cdk.tf.json', 'stacks/crdb-gke/cdk.tf.json',
      'stacks/crdb-global-backups/cdk.tf.json', 'stacks/crdb-global-gke/cdk.tf.json',
    ]);
    expect(runs[1].tree).toEqual(runs[0].tree);
    const all = Object.values(runs[0].tree).join('\n');
    for (const folder of [root, runs[0].cwd, os.tmpdir(), os.homedir()]) expect(all).not.toContain(folder);
  });

  test('a machine type too small for the described pods fails the app before anything is written', () => {
    const out = path.join(tmp(), 'cdktf.out');
    const description = DeploymentDescription.of({
      projectId: DEPLOYMENT.projectId, region: DEPLOYMENT.region, bucketName: DEPLOYMENT.bucketName, databasePod: { cpuCores: 4, memoryGib: 16 },
    });
    const error = configError(() => {
      const app = new App({ outdir: out, stackTraces: false });
      buildGcpApp(app, { description, gke: { nodePool: { machineType: 'e2-standard-4' } } });
      app.synth();
    });
    expect(error.message).toBe('[crdb-gke/Gke] nodePool.machineType, description.databasePod: received "e2-standard-4" (4 vCPUs, 16 GiB) and database pods of 4 CPU and 16 GiB; GKE leaves 3.92 CPU and 13.3 GiB of such a node to pods, so the pods would stay Pending. Choose "e2-standard-8" or larger, or smaller pods');
    // cdktf's App makes <outdir>/stacks/ when it is created; no file is written.
    expect(readTree(out)).toEqual({});
  });
});
