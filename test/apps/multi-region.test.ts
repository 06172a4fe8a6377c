import { Testing } from 'cdktf';
import { Testing as K8sTesting } from 'cdk8s';
import { MULTI_REGION_DEPLOYMENT as D } from '../../apps/deployment';
import { buildMultiRegionGcpApp } from '../../apps/gcp';
import { MultiRegionChart } from '../../apps/multi-region';
import { StateBackend } from '../../lib/gcp';
import { Manifest, only, synthApp, validateAgainstSchemas } from '../support/manifests';

/**
 * The three-region example: the region charts (apps/multi-region.ts) and the Google Cloud stacks
 * (apps/gcp.ts, buildMultiRegionGcpApp) read MULTI_REGION_DEPLOYMENT, and what one half creates is what
 * the other names: the DNS domains, the pod ranges, the CA, the identities, the bucket.
 */
const REGIONS = ['europe-west1', 'us-east1', 'asia-southeast1'];

const charts = REGIONS.map((region) => {
  const app = K8sTesting.app();
  const chart = new MultiRegionChart(app, region);
  return { region, chart, objects: synthApp(app) };
});
const gcpApp = Testing.app();
const stacks = buildMultiRegionGcpApp(gcpApp, StateBackend.local());
const gke = JSON.parse(Testing.synth(stacks.gke));
const backups = JSON.parse(Testing.synth(stacks.backups));
const resources = (doc: any, type: string): any[] => Object.values(doc.resource[type] ?? {});

const dbContainer = (objects: Manifest[]) => only(objects, 'StatefulSet').spec.template.spec.containers[0];
const flag = (objects: Manifest[], name: string): string | undefined =>
  dbContainer(objects).args.find((a: string) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

describe('the three region charts', () => {
  test.each(charts.map((c) => [c.region, c.objects] as const))('%s: snapshot, and every object passes its schema', (_region, objects) => {
    expect(objects).toMatchSnapshot();
    validateAgainstSchemas(objects.filter((o) => o.kind !== 'GoogleCASIssuer'));
  });

  test('one --join for all: two seeds of every region, under each region\'s own domain', () => {
    const joins = charts.map((c) => flag(c.objects, 'join'));
    expect(new Set(joins).size).toBe(1);
    expect(joins[0]!.split(',')).toEqual(REGIONS.flatMap((r) => [0, 1].map((i) => `crdb-${i}.crdb.cockroachdb-global.svc.crdb-global-${r}.internal:26257`)));
  });

  test('each region\'s pods advertise a name under its region\'s domain, in that region\'s StatefulSet of its node count', () => {
    for (const { region, objects } of charts) {
      expect(flag(objects, 'advertise-host')).toBe(`$(POD_NAME).crdb.cockroachdb-global.svc.${D.regionOf(region).dnsDomain}`);
      expect(only(objects, 'StatefulSet').spec.replicas).toBe(D.regionOf(region).nodes);
      expect(flag(objects, 'cluster-name')).toBe('crdb-global');
    }
  });

  test('exactly one init Job and one SQL Job, both in the primary region', () => {
    const jobs = charts.map((c) => c.objects.filter((o) => o.kind === 'Job').map((o) => o.metadata.name).sort());
    expect(jobs[0].some((n) => n.startsWith('crdb-init'))).toBe(true);
    expect(jobs[0].some((n) => n.startsWith('crdb-sql'))).toBe(true);
    expect(jobs[1]).toEqual([]);
    expect(jobs[2]).toEqual([]);
  });

  test('the primary\'s SQL: the database\'s regions, survival goal and table localities', () => {
    const job = charts[0].objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith('crdb-sql'))!;
    const script: string = job.spec.template.spec.containers[0].command.join('\n');
    const statements = [...script.matchAll(/'((?:ALTER|CREATE) (?:DATABASE|TABLE)[^']*)'/g)].map((m) => m[1]);
    expect(statements).toEqual([
      'CREATE DATABASE IF NOT EXISTS "shop";',
      'ALTER DATABASE "shop" SET PRIMARY REGION "europe-west1";',
      'ALTER DATABASE "shop" ADD REGION IF NOT EXISTS "us-east1";',
      'ALTER DATABASE "shop" ADD REGION IF NOT EXISTS "asia-southeast1";',
      'ALTER DATABASE "shop" SURVIVE REGION FAILURE;',
      'ALTER TABLE IF EXISTS "shop"."public"."orders" SET LOCALITY REGIONAL BY ROW;',
      'ALTER TABLE IF EXISTS "shop"."public"."products" SET LOCALITY GLOBAL;',
    ]);
  });

  test('certificates from one issuer of the description\'s CA Service pool, with the region\'s names', () => {
    const ca = D.certificateAuthority!;
    for (const { region, objects } of charts) {
      expect(only(objects, 'GoogleCASIssuer').spec).toEqual({
        project: D.projectId, location: ca.location, caPoolId: ca.poolName, certificateAuthorityId: ca.certificateAuthorityId,
      });
      const node = objects.find((o) => o.kind === 'Certificate' && o.spec.commonName === 'node')!;
      expect(node.spec.issuerRef).toEqual({ group: 'cas-issuer.jetstack.io', kind: 'GoogleCASIssuer', name: 'crdb-cas-issuer' });
      expect(node.spec.dnsNames).toContain(`*.crdb.cockroachdb-global.svc.${D.regionOf(region).dnsDomain}`);
    }
  });

  test('the pods\' ServiceAccount is the backup service account\'s Workload Identity member, in every region', () => {
    for (const { objects } of charts) {
      const sa = only(objects, 'ServiceAccount', D.kubernetesServiceAccount);
      expect(sa.metadata.annotations).toEqual(D.workloadIdentityAnnotations);
    }
  });
});

describe('the two halves agree', () => {
  test('each GKE cluster publishes to the VPC the domain its chart\'s pods advertise', () => {
    const clusters = resources(gke, 'google_container_cluster');
    const byName = (a: any[], b: any[]) => String(a[0]).localeCompare(String(b[0]));
    expect(clusters.map((c) => [c.name, c.location, c.dns_config]).sort(byName)).toEqual(REGIONS.map((r) => [
      `crdb-global-${r}`, r,
      { cluster_dns: 'CLOUD_DNS', cluster_dns_scope: 'CLUSTER_SCOPE', additive_vpc_scope_dns_domain: D.regionOf(r).dnsDomain },
    ]).sort(byName));
    for (const { region, objects } of charts) {
      const domain = flag(objects, 'advertise-host')!.split('.svc.')[1];
      expect(clusters.find((c) => c.location === region).dns_config.additive_vpc_scope_dns_domain).toBe(domain);
    }
  });

  test('the firewall lets in on 26257 exactly the pod ranges each region\'s NetworkPolicy allows', () => {
    const firewall = resources(gke, 'google_compute_firewall').find((f) => f.name.endsWith('allow-crdb-cross-region'));
    expect(firewall.allow).toEqual([{ protocol: 'tcp', ports: ['26257'] }]);
    const subnets = resources(gke, 'google_compute_subnetwork');
    const pods = (region: string) => subnets.find((s) => s.region === region).secondary_ip_range.find((r: any) => r.range_name === 'pods').ip_cidr_range;
    expect([...firewall.source_ranges].sort()).toEqual(REGIONS.map(pods).sort());
    expect([...firewall.destination_ranges].sort()).toEqual(REGIONS.map(pods).sort());
    for (const { region, objects } of charts) {
      const blocks = objects.filter((o) => o.kind === 'NetworkPolicy').flatMap((p) => [...(p.spec.ingress ?? []), ...(p.spec.egress ?? [])])
        .filter((rule: any) => rule.ports?.some((port: any) => port.port === 26257))
        .flatMap((rule: any) => (rule.from ?? rule.to ?? []).filter((peer: any) => peer.ipBlock).map((peer: any) => peer.ipBlock.cidr));
      expect(new Set(blocks)).toEqual(new Set(REGIONS.filter((r) => r !== region).map(pods)));
    }
  });

  test('the CA the charts\' issuers name is the one the stack creates, and the issuers\' identity may use it', () => {
    const ca = D.certificateAuthority!;
    expect(resources(gke, 'google_privateca_ca_pool').map((p) => [p.name, p.location])).toEqual([[ca.poolName, ca.location]]);
    expect(resources(gke, 'google_privateca_certificate_authority').map((c) => c.certificate_authority_id)).toEqual([ca.certificateAuthorityId]);
    expect(resources(gke, 'google_service_account').map((s) => s.account_id)).toContain(ca.issuerServiceAccountId);
    expect(resources(gke, 'google_service_account_iam_member').map((m) => m.member)).toEqual(
      expect.arrayContaining([ca.issuerWorkloadIdentityMember, D.workloadIdentityMember]));
  });

  test('the bucket every region backs up into is in a multi-region location, and the charts write there', () => {
    const [bucket] = resources(backups, 'google_storage_bucket');
    expect([bucket.name, bucket.location]).toEqual(['crdb-book-demo-global-backups', 'EU']);
    expect(JSON.stringify(charts[0].objects)).toContain('gs://crdb-book-demo-global-backups/global?AUTH=implicit');
  });

  test('no project-wide singleton of the one-region stacks: another backup service account, no Binary Authorization policy', () => {
    expect(resources(backups, 'google_service_account').map((s) => s.account_id)).toEqual(['crdb-global-backup']);
    expect(gke.resource.google_binary_authorization_policy).toBeUndefined();
    expect(backups.resource.google_project_iam_audit_config).toBeUndefined();
  });
});
