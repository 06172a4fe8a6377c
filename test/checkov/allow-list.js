/**
 * The checkov checks we accept failing, each with its reason (`npm run test:checkov`, test/checkov/run.js).
 *
 * An entry is one check id in one checkov framework (`kubernetes` for the cdk8s manifests,
 * `terraform_json` for cdktf's cdk.tf.json), optionally narrowed to some resources: `resource` is a
 * regular expression tested against `<resource> <file>`, as the runner prints them (Kubernetes resources
 * as `Kind.namespace.name`, Terraform ones as `type.name`; files as `<variant>/<profile>/<file>` and
 * `terraform/<stack>/cdk.tf.json`). The runner fails on any failing check no entry covers, and on an entry
 * that covers no failure any more: when a check starts passing, its entry goes.
 */
'use strict';

module.exports = [
  // ---- Kubernetes (every profile and variant) ----
  {
    framework: 'kubernetes',
    id: 'CKV_K8S_43',
    // Every profile, as committed: the apps run images by their pinned release tags until apps/deployment.ts's
    // IMAGE_DIGESTS holds the digests (read from a registry, which CI cannot reach); the library renders
    // registry/repository@sha256:… once given (CockroachDbVersion.withDigest, addBooksLoad's imageDigest):
    // fully qualified and without the tag, the form Binary Authorization's allowlist matches.
    reason:
      'Image should use digest: the example apps are pinned by release tag (cockroachdb/cockroach:v26.2.1) until ' +
      'IMAGE_DIGESTS is filled in with digests read from the registry; Binary Authorization stays a dry run until then.',
  },
  {
    framework: 'kubernetes',
    id: 'CKV_K8S_15',
    // checkov accepts IfNotPresent for an image pinned by digest, so only tag-pinned ones fail (all, as committed).
    reason:
      'Image pull policy Always: IfNotPresent is correct for an immutable release tag (and a digest); Always ' +
      'would make every pod start depend on the registry being reachable, for no change of image.',
  },
  {
    framework: 'kubernetes',
    id: 'CKV_K8S_40',
    reason:
      'High UID (>= 10000): the pods run as UID/GID 1000, non-root, with runAsNonRoot and the restricted ' +
      'Pod Security profile; 1000 is the UID CockroachDB\'s Helm chart runs the image with, and the one that ' +
      'owns existing data volumes (fsGroup 1000): changing it means re-owning every store. A host conflict ' +
      'needs a host namespace or hostPath, which the restricted profile forbids.',
  },
  {
    framework: 'kubernetes',
    id: 'CKV_K8S_11',
    // The database pods (StatefulSet) do set CPU limits; only the one-off Jobs and the client Pod do not.
    resource: /^(Job|Pod)\./,
    reason:
      'CPU limits on the Jobs and the SQL client Pod: they run short SQL/backup commands; a CPU limit only ' +
      'throttles them (CFS quota) while their CPU request and memory limit already bound them. The database ' +
      'pods keep their CPU limits.',
  },
  {
    framework: 'kubernetes',
    id: 'CKV_K8S_8',
    // The StatefulSet's database container has its probes; the certificate reloader sidecar of TLS clusters
    // (the GKE profile, the three regions' profiles, and the day-2 clusters of the runner, TLS by default) and the interactive SQL
    // client Pod have none.
    resource: /^(StatefulSet\.cockroachdb(-global)?\.(crdb|expanded)|Pod\.cockroachdb(-global)?\.crdb-sql-client) [^ ]*\/(gke|day-2|global-[a-z0-9-]+)\//,
    reason:
      'Liveness probe: the GKE certificate-reloader sidecar is a shell loop (no port to probe; if it dies the ' +
      'container restarts anyway) and the SQL client Pod is an idle shell for `kubectl exec`. The cockroach ' +
      'container itself has liveness, readiness and startup probes.',
  },
  {
    framework: 'kubernetes',
    id: 'CKV_K8S_9',
    resource: /^(StatefulSet\.cockroachdb(-global)?\.(crdb|expanded)|Pod\.cockroachdb(-global)?\.crdb-sql-client) [^ ]*\/(gke|day-2|global-[a-z0-9-]+)\//,
    reason:
      'Readiness probe: same containers as CKV_K8S_8; neither serves traffic, so there is nothing to be ready ' +
      'for. The cockroach container has its readiness probe.',
  },

  // ---- Terraform (cdktf's cdk.tf.json) ----
  // The GKE cluster (lib/gcp).
  {
    framework: 'terraform_json',
    id: 'CKV_GCP_66',
    resource: /^google_container_cluster\.gke_crdb_global_[a-z0-9_]+ terraform\/crdb-global-gke\//,
    reason:
      'Binary Authorization on the three-region clusters: the policy is a project singleton, which the example ' +
      'project\'s one-region stack (crdb-gke) owns; a second stack cannot manage it, and enforcing that policy here ' +
      'would refuse the google-cas-issuer image it does not list. MultiRegionGkeStack does not offer it yet (issue 19\'s ' +
      'note). The one-region clusters enforce it and are not in this entry.',
  },
  {
    framework: 'terraform_json',
    id: 'CKV_GCP_12',
    resource: /^google_container_cluster\./,
    reason:
      'GKE network policy enforcement: the cluster uses GKE Dataplane V2 (ADVANCED_DATAPATH), which enforces ' +
      'NetworkPolicy itself; the check looks only at the legacy Calico `network_policy` block.',
  },
  {
    framework: 'terraform_json',
    id: 'CKV_GCP_61',
    resource: /^google_container_cluster\./,
    reason: 'Intranode visibility (VPC flow logs between pods): a logging cost the demo does not take.',
  },
  {
    framework: 'terraform_json',
    id: 'CKV_GCP_65',
    resource: /^google_container_cluster\./,
    reason: 'RBAC with Google Groups: needs a Google Workspace domain, which the demo project may not have.',
  },
  // The backup bucket.
  {
    framework: 'terraform_json',
    id: 'CKV_GCP_62',
    resource: /^google_storage_bucket\./,
    reason:
      'Bucket access (usage) logging: the stack writes Cloud Audit Logs\' Data Access logs for Cloud Storage ' +
      'instead (lib/gcp/data-access-logs.ts: who read or wrote which backup object, with the principal), ' +
      'which Google recommends over usage logs; those would need a second bucket and name no principal.',
  },
];
