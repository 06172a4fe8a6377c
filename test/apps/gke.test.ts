import { Testing } from 'cdk8s';
import { DEPLOYMENT } from '../../apps/deployment';
import { GkeChart } from '../../apps/gke';
import { BOOKS_LOAD_IMAGE } from '../../lib/k8s';
import { mountedSecretFiles, runWithFakeCockroach, withoutLease } from '../support/scripts';
import { only, podSpecs, synthApp, validateAgainstSchemas } from '../support/manifests';

/** Digests as a user writes them into IMAGE_DIGESTS (made-up values: the rendering is what is tested). */
const DIGESTS = { cockroach: `sha256:${'a1'.repeat(32)}`, booksLoad: `sha256:${'b2'.repeat(32)}` };

describe('the GKE app', () => {
  const app = Testing.app();
  const chart = new GkeChart(app);
  const objects = synthApp(app);
  const sts = only(objects, 'StatefulSet');
  const pod = sts.spec.template.spec;
  const container = pod.containers[0];

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('without digests (IMAGE_DIGESTS empty): the pinned tag', () => {
    expect(chart.cluster.image).toBe('cockroachdb/cockroach:v26.2.1');
    expect(new Set(podSpecs(objects).flatMap((p) => p.spec.containers.map((c: any) => c.image)))).toEqual(new Set(['cockroachdb/cockroach:v26.2.1']));
  });

  test('with IMAGE_DIGESTS: every container that runs CockroachDB\'s image runs it by digest, pulled only when absent', () => {
    const withDigests = Testing.app();
    const pinned = new GkeChart(withDigests, { imageDigests: DIGESTS });
    const objects = synthApp(withDigests);
    // Fully qualified, as Binary Authorization's pattern docker.io/cockroachdb/cockroach@sha256:* is written.
    const image = `docker.io/cockroachdb/cockroach@${DIGESTS.cockroach}`;
    expect(pinned.cluster.image).toBe(image);
    // The StatefulSet (with its sidecar and init container), the Jobs, and the SQL client Pod.
    const specs = [...podSpecs(objects).map((p) => p.spec), ...objects.filter((o) => o.kind === 'Pod').map((o) => o.spec)];
    expect(objects.some((o) => o.kind === 'Pod')).toBe(true);
    const containers = specs.flatMap((p: any) => [...(p.initContainers ?? []), ...p.containers]);
    expect(containers.length).toBeGreaterThanOrEqual(6);
    for (const c of containers) {
      expect(c.image).toBe(image);
      expect(c.imagePullPolicy).toBe('IfNotPresent');
    }
  });

  test('every object passes its schema (Kubernetes and cert-manager)', () => {
    validateAgainstSchemas(objects);
  });

  test('TLS through cert-manager: CA, issuers, node, root and app certificates', () => {
    expect(objects.filter((o) => o.kind === 'Certificate').map((o) => o.spec.commonName).sort())
      .toEqual(['app', 'crdb CockroachDB CA', 'crdb scrape CA bundle', 'node', 'root']);
    expect(container.args).toContain('--certs-dir=/cockroach/cockroach-certs');
    expect(container.readinessProbe.httpGet.scheme).toBe('HTTPS');
  });

  test('premium-rwo volumes, 3 nodes on distinct hosts spread across zones', () => {
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('premium-rwo');
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
    expect(pod.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', maxSkew: 1 });
  });

  test('production resources that satisfy the memory rule', () => {
    expect(container.resources).toEqual({ requests: { cpu: '4', memory: '16Gi' }, limits: { cpu: '4', memory: '16Gi' } });
    // 2 × 4096 MiB + 4096 MiB = 12 GiB, within 80 % of 16 GiB; each flag given once.
    expect(container.args.filter((a: string) => /^--(cache|max-sql-memory)=/.test(a))).toEqual(['--cache=4096MiB', '--max-sql-memory=4096MiB']);
  });

  test('PDB, per-pod locality, NetworkPolicy', () => {
    expect(only(objects, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    expect(pod.initContainers[0].name).toBe('locality');
    expect(only(objects, 'NetworkPolicy', 'crdb').spec.podSelector.matchLabels).toEqual(chart.cluster.selectorLabels);
  });

  test('namespace default-deny, and each of the library\'s pods allowed out only where it needs to go', () => {
    expect(objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name).sort())
      .toEqual(['crdb', 'crdb-client-egress', 'crdb-database-egress', 'crdb-default-deny', 'crdb-kube-api-egress']);
    expect(only(objects, 'NetworkPolicy', 'crdb-default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const egress = (name: string) => only(objects, 'NetworkPolicy', name).spec.egress;
    const https = [{ port: 443, protocol: 'TCP' }];
    // The database pods: DNS, their peers, the control plane (the locality init container), Cloud Storage, the metadata server.
    const database = egress('crdb-database-egress');
    expect(database.map((r: any) => r.ports)).toEqual([
      [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
      [{ port: 26257, protocol: 'TCP' }],
      https,
      https,
      [{ port: 80, protocol: 'TCP' }],
      [{ port: 988, protocol: 'TCP' }],
    ]);
    expect(database[1].to).toEqual([{ podSelector: { matchLabels: chart.cluster.selectorLabels } }]);
    expect(database[2].to).toBeUndefined();
    expect(database[3].to[0].ipBlock.except).toContain('10.0.0.0/8');
    expect(database.slice(4).map((r: any) => r.to[0].ipBlock.cidr)).toEqual(['169.254.169.254/32', '169.254.169.252/32']);
    // The Jobs and the SQL client pod: DNS and the database pods; the SQL Job also the control plane (its Lease).
    expect(egress('crdb-client-egress').map((r: any) => r.ports[0].port)).toEqual([53, 26257]);
    expect(egress('crdb-kube-api-egress')).toEqual([{ ports: https }]);
  });

  test('the app user connects by mTLS with verify-full', () => {
    expect(chart.appCertificate.connectionUrl('shop')).toBe(
      'postgresql://app@crdb-public.cockroachdb.svc.cluster.local:26257/shop?sslmode=verify-full'
      + '&sslrootcert=/etc/cockroach-certs/ca.crt&sslcert=/etc/cockroach-certs/client.app.crt&sslkey=/etc/cockroach-certs/client.app.key');
  });

  test('restricted pod security on every pod', () => {
    const specs = podSpecs(objects);
    // The database pods and the Jobs (init, SQL, backup inspection) are all checked.
    expect(specs.map((s) => s.owner)).toEqual(expect.arrayContaining([
      'StatefulSet/crdb', expect.stringMatching(/^Job\/crdb-init-/), expect.stringMatching(/^Job\/crdb-sql-/), expect.stringMatching(/^Job\/crdb-show-backups-/),
    ]));
    for (const { spec } of specs) {
      expect(spec.securityContext).toEqual({
        runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, fsGroupChangePolicy: 'OnRootMismatch', runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(spec.hostNetwork ?? false).toBe(false);
      expect(spec.hostPID ?? false).toBe(false);
      expect((spec.volumes ?? []).filter((v: any) => v.hostPath)).toEqual([]);
      const containers = [...(spec.initContainers ?? []), ...spec.containers];
      expect(containers.length).toBeGreaterThan(0);
      for (const c of containers) {
        expect(c.securityContext).toEqual({
          runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true, privileged: false, allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
        });
      }
    }
  });

  test('Workload Identity for backups: the ServiceAccount is annotated, no key is mounted', () => {
    expect(only(objects, 'ServiceAccount', 'crdb').metadata.annotations).toEqual(DEPLOYMENT.workloadIdentityAnnotations);
    expect(JSON.stringify(pod)).not.toContain('GOOGLE_APPLICATION_CREDENTIALS');
  });

  test('the SQL Job: license from its Secret, the shop database, the certificate-only app user, the book\'s schedule into a folder of its own', () => {
    expect(chart.cluster.sqlProvisioner.statementsForDisplay).toEqual([
      "SET CLUSTER SETTING cluster.organization = 'Acme Books';",
      'SET CLUSTER SETTING enterprise.license = <secret:crdb-license/license>;',
      'CREATE DATABASE IF NOT EXISTS "shop";',
      expect.stringMatching(/^DROP SCHEDULES .* label ~ '\^backup_cluster_\[0-9a-f\]\{8\}\$'/),
      expect.stringMatching(/^CREATE SCHEDULE IF NOT EXISTS 'backup_cluster_[0-9a-f]{8}' FOR BACKUP INTO 'gs:\/\/crdb-book-demo-backups\/gke\?AUTH=implicit' WITH revision_history, kms = 'gs:\/\/\/projects\/crdb-book-demo\/locations\/europe-west1\/keyRings\/crdb-book-demo-backups-crdb\/cryptoKeys\/crdb-backups\?AUTH=implicit' RECURRING '@hourly' FULL BACKUP '@daily' WITH SCHEDULE OPTIONS first_run = 'now'/),
      'CREATE USER IF NOT EXISTS "app";',
      'GRANT ALL ON DATABASE "shop" TO "app";',
    ]);
    const sqlJob = objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith('crdb-sql-'))!;
    // The license reaches the SQL Job as a file, never through its env.
    expect(sqlJob.spec.template.spec.volumes).toContainEqual({ name: 'sql-secret-0', secret: { secretName: 'crdb-license', items: [{ key: 'license', path: 'license' }], defaultMode: 0o440 } });
    expect(JSON.stringify(sqlJob.spec.template.spec.containers[0].env)).not.toContain('secretKeyRef');
    expect(objects.filter((o) => o.kind === 'Job').map((o) => o.metadata.name.replace(/-[0-9a-f]{10}$/, '')).sort())
      .toEqual(['crdb-init', 'crdb-show-backups', 'crdb-sql']);
  });

  test('the SQL Job runs as crdb-sql and acts only while it holds the Lease that names it', () => {
    const sqlJob = objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith('crdb-sql-'))!;
    const pod = sqlJob.spec.template.spec;
    expect(pod.serviceAccountName).toBe('crdb-sql');
    const lease = only(objects, 'Lease', 'crdb-sql');
    expect(lease.metadata.namespace).toBe('cockroachdb');
    expect(lease.metadata.annotations).toEqual({ 'cockroachdb/sql-job': sqlJob.metadata.name });
    expect(lease.spec).toEqual({ leaseDurationSeconds: 300 });
    expect(objects.indexOf(lease)).toBeLessThan(objects.indexOf(sqlJob));
    expect(only(objects, 'Role', 'crdb-sql').rules).toEqual([{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['crdb-sql'], verbs: ['get', 'patch'] }]);
    expect(only(objects, 'RoleBinding', 'crdb-sql').subjects).toEqual([{ kind: 'ServiceAccount', name: 'crdb-sql', namespace: 'cockroachdb' }]);
    expect(pod.containers[0].env).toContainEqual({ name: 'SQL_JOB_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['batch.kubernetes.io/job-name']" } } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true });
    // No cloud identity: the backups are written by the database pods, not by this Job.
    expect(only(objects, 'ServiceAccount', 'crdb-sql').metadata.annotations).toBeUndefined();
  });

  test('the books load is an option', () => {
    expect(objects.some((o) => o.kind === 'Job' && o.metadata.name.startsWith('crdb-books-load-'))).toBe(false);
    const withLoad = Testing.app();
    new GkeChart(withLoad, { booksLoad: true });
    const job = synthApp(withLoad).find((o) => o.kind === 'Job' && o.metadata.name.startsWith('crdb-books-load-'))!;
    expect(job.spec.template.spec.containers[0].env.find((e: any) => e.name === 'LOAD_DATABASE_URL').value).toContain('sslmode=verify-full');
    expect(job.spec.template.spec.containers[0].image).toBe(BOOKS_LOAD_IMAGE);
    const pinned = Testing.app();
    new GkeChart(pinned, { booksLoad: true, imageDigests: DIGESTS });
    const pinnedJob = synthApp(pinned).find((o) => o.kind === 'Job' && o.metadata.name.startsWith('crdb-books-load-'))!;
    expect(pinnedJob.spec.template.spec.containers[0].image).toBe(`docker.io/library/node@${DIGESTS.booksLoad}`);
  });

  test('the restore option: the whole cluster from the bucket, first, once', () => {
    const withRestore = Testing.app();
    const c = new GkeChart(withRestore, { restore: true });
    expect(c.cluster.sqlProvisioner.statementsForDisplay[0]).toBe("RESTORE FROM LATEST IN 'gs://crdb-book-demo-backups/cluster?AUTH=implicit' WITH detached, kms = 'gs:///projects/crdb-book-demo/locations/europe-west1/keyRings/crdb-book-demo-backups-crdb/cryptoKeys/crdb-backups?AUTH=implicit';");
    const job = synthApp(withRestore).find((o) => o.kind === 'Job' && o.metadata.name.startsWith('crdb-sql-'))!;
    expect(job.spec.activeDeadlineSeconds).toBe(6 * 3600);
    // Without the Lease section (withoutLease): it talks to the Kubernetes API, tested in test/cluster/sql-job.test.ts.
    const r = runWithFakeCockroach(job.spec.template.spec.containers[0].command[2], [
      { match: /^SELECT 1;/, output: '?column?\n1\n' },
      { match: /database_name = 'crdb_k8s_ops'/, output: 'count\n0\n' },
      { match: /FROM \[SHOW JOBS\]/, output: 'job_id\n' },
      { match: /database_name NOT IN/, output: 'count\n0\n' },
      { match: /^RESTORE/, output: 'job_id\n99\n' },
      { match: /SHOW JOB 99/, output: 'status\nsucceeded\n' },
    ], {}, withoutLease, mountedSecretFiles(job, { 'crdb-license/license': 'crl-0-license' }));
    expect(r.status).toBe(0);
    const restoreAt = r.sql.findIndex((q) => q.startsWith('RESTORE'));
    const firstProvisioning = r.sql.findIndex((q) => q.startsWith('SET CLUSTER SETTING'));
    expect(restoreAt).toBeGreaterThan(0);
    expect(firstProvisioning).toBeGreaterThan(restoreAt);
    // The source collection can be inspected before the drill; the schedule writes elsewhere.
    const inspections = synthApp(withRestore).filter((o) => o.kind === 'Job' && o.metadata.name.startsWith('crdb-show-backups-'))
      .map((o) => /SHOW BACKUPS IN .*?(gs:\/\/[-a-z0-9.]+\/[-a-z0-9_./]+)/.exec(o.spec.template.spec.containers[0].command[2])![1]).sort();
    expect(inspections).toEqual(['gs://crdb-book-demo-backups/cluster', 'gs://crdb-book-demo-backups/gke']);
    expect(c.cluster.sqlProvisioner.statementsForDisplay.find((q) => q.startsWith('CREATE SCHEDULE'))).toContain("INTO 'gs://crdb-book-demo-backups/gke?AUTH=implicit'");
  });
});
