import type { Construct } from 'constructs';
import type { CockroachClusterProps } from './cluster-props';
import { DeploymentDescription } from '../shared/description';
import type { RegionDescription } from '../shared/regions';
import { reject } from '../shared/validate';
import { GOOGLE_CAS_ISSUER_GROUP, GOOGLE_CAS_ISSUER_KIND, type GoogleCasIssuerProps } from './google-cas-issuer';
import type { Locality } from './locality';
import { SQL_PORT } from './ports';
import { CertificateOptions, ClusterSecurity, IssuerRef, SecurityMode } from './security';

/**
 * Where the pods of a GKE cluster with Cloud DNS send their DNS queries: Cloud DNS for GKE answers at the
 * metadata server's address, and NodeLocal DNSCache, when on, at its own link-local address. Neither is
 * a pod, so a NetworkPolicy that restricts egress must allow port 53 to them by address.
 * @see https://cloud.google.com/kubernetes-engine/docs/how-to/cloud-dns
 */
export const CLOUD_DNS_SERVER_CIDRS: readonly string[] = ['169.254.169.254/32', '169.254.20.10/32'];
/** The cluster domain of every GKE cluster (Cloud DNS in cluster scope keeps it). */
const GKE_CLUSTER_DOMAIN = 'cluster.local';
/** Pods of each region named in `--join`: two, so that a node restarting in any region finds a seed. */
const JOIN_SEEDS_PER_REGION = 2;
/** The node label GKE sets to the node's region: the first tier of every node's locality. */
const REGION_NODE_LABEL = 'topology.kubernetes.io/region';
const SCOPE = 'MultiRegion';

/** Options of {@link MultiRegion.fromDeployment}. */
export interface MultiRegionOptions {
  /**
   * Lifetimes and extra names of the certificates the default issuer signs.
   * @default - ClusterSecurity's defaults: node certificates valid 1 year, client certificates 30 days
   */
  readonly certificates?: CertificateOptions;
  /**
   * How the certificates are issued, instead of the description's CA Service pool. Every region's
   * certificates must chain to one CA, so only an issuer that every region shares
   * (`ClusterSecurity.certManagerIssuer(…)`, e.g. a ClusterIssuer of one CA in each GKE cluster) or
   * Secrets made elsewhere (`ClusterSecurity.existingSecrets(…)`) fit: no insecure cluster across a VPC,
   * and no CA of each region's own (`ClusterSecurity.certManager()`), which the other regions' nodes
   * would not trust.
   * @default - a `GoogleCASIssuer` of the description's `certificateAuthority` in each region's namespace
   */
  readonly security?: ClusterSecurity;
}

/**
 * What the CockroachDB cluster of one region needs to be one cluster with the other regions of a
 * multi-region deployment description (`CockroachClusterProps.multiRegion`): the names its pods advertise
 * (under the region's Cloud DNS domain, which every GKE cluster of the VPC resolves), the seeds of every
 * region in `--join`, the other regions' pod ranges for the NetworkPolicy, whether it is the primary
 * region (the one init Job, the SQL Job, the upgrade finalization), and the certificates' issuer: by
 * default a `GoogleCASIssuer` of the description's CA Service pool, one CA for every region whose key
 * never leaves Google.
 *
 * Build one chart per region, each with `MultiRegion.fromDeployment(description, region)`, and apply each
 * to its region's GKE cluster.
 */
export class MultiRegion {
  /**
   * The cluster of `region` in the multi-region `description`. Throws `CockroachConfigError` for a
   * one-region description, a region it does not declare, or an issuer that the regions cannot share.
   */
  public static fromDeployment(description: DeploymentDescription, region: string, options: MultiRegionOptions = {}): MultiRegion {
    if (!(description instanceof DeploymentDescription)) {
      reject(SCOPE, 'description', description, 'expected a DeploymentDescription (DeploymentDescription.of({ regions: [...], ... }))');
    }
    if (!description.isMultiRegion) {
      reject(SCOPE, 'description', description.region, 'expected a multi-region description (regions): this one has a single region');
    }
    return new MultiRegion(description, description.regionOf(region, SCOPE), options);
  }

  /** The deployment description. */
  public readonly description: DeploymentDescription;
  /** This chart's region, as the description declares it. */
  public readonly region: RegionDescription;
  /** Every region's name, the primary first. */
  public readonly regions: readonly string[];
  /** The primary region: the databases' default `PRIMARY REGION`, where the init and SQL Jobs run. */
  public readonly primaryRegion: string;
  /** True in the primary region's chart. */
  public readonly isPrimaryRegion: boolean;
  /** The domain the pods advertise their names under: the region's Cloud DNS domain (`region.dnsDomain`). */
  public readonly advertiseDomain: string;
  /** The `--join` addresses: pods 0 and 1 of every region, under their region's domain, the same in every chart. */
  public readonly joinAddresses: readonly string[];
  /** The pod ranges of the other regions, which the NetworkPolicy lets reach port 26257 and be reached on it. */
  public readonly otherRegionPodCidrs: readonly string[];
  /** Where the pods' DNS queries go (see {@link CLOUD_DNS_SERVER_CIDRS}). */
  public readonly dnsServerCidrs: readonly string[] = CLOUD_DNS_SERVER_CIDRS;
  /** The region's CockroachDB nodes: the StatefulSet's replicas (`region.nodes`). */
  public readonly replicas: number;
  /** `--cluster-name` of every region's nodes: the description's `gkeClusterName`. */
  public readonly clusterName: string;
  /** How the certificates are issued. */
  public readonly security: ClusterSecurity;
  /** The `GoogleCASIssuer` the cluster renders in its namespace; undefined with `options.security`. */
  public readonly casIssuer?: Omit<GoogleCasIssuerProps, 'namespace' | 'labels'>;

  private constructor(description: DeploymentDescription, region: RegionDescription, options: MultiRegionOptions) {
    this.description = description;
    this.region = region;
    this.regions = description.regions.map((r) => r.region);
    this.primaryRegion = this.regions[0];
    this.isPrimaryRegion = region.index === 0;
    this.advertiseDomain = region.dnsDomain;
    this.replicas = region.nodes;
    this.clusterName = description.gkeClusterName;
    const name = description.cockroachClusterName;
    this.joinAddresses = description.regions.flatMap((r) => Array.from({ length: JOIN_SEEDS_PER_REGION },
      (_, i) => `${name}-${i}.${name}.${description.namespace}.svc.${r.dnsDomain}:${SQL_PORT}`));
    this.otherRegionPodCidrs = description.regions.filter((r) => r !== region).map((r) => r.networkRanges.podsCidr);

    const security = options.security;
    if (security !== undefined) {
      if (options.certificates !== undefined) {
        reject(SCOPE, 'certificates', options.certificates, 'expected no certificates beside security: give the lifetimes and names to the ClusterSecurity itself');
      }
      if (!(security instanceof ClusterSecurity)) reject(SCOPE, 'security', security, 'expected a ClusterSecurity, e.g. ClusterSecurity.certManagerIssuer(IssuerRef.clusterIssuer(\'crdb-ca\'))');
      if (security.mode === SecurityMode.INSECURE || security.mode === SecurityMode.CERT_MANAGER) {
        reject(SCOPE, 'security', security.mode, 'expected ClusterSecurity.certManagerIssuer(…) of an issuer every region shares, or ClusterSecurity.existingSecrets(…): '
          + (security.mode === SecurityMode.INSECURE
            ? 'the nodes of a multi-region cluster talk across the VPC, never without TLS'
            : 'certManager() makes a CA in each region, and the other regions\' nodes would not trust it'));
      }
      this.security = security;
      return;
    }
    const ca = description.certificateAuthority!;
    const issuerName = `${name}-cas-issuer`;
    this.casIssuer = {
      name: issuerName,
      project: description.projectId,
      location: ca.location,
      caPoolId: ca.poolName,
      certificateAuthorityId: ca.certificateAuthorityId,
    };
    this.security = ClusterSecurity.certManagerIssuer(IssuerRef.of(issuerName, GOOGLE_CAS_ISSUER_KIND, GOOGLE_CAS_ISSUER_GROUP), options.certificates ?? {});
  }

  /**
   * Refuses the props of the cluster `scope` that would make its region disagree with the others, or
   * break the names they reach it by.
   * @internal
   */
  public _checkCluster(scope: Construct, props: CockroachClusterProps, name: string, namespace: string): void {
    const d = this.description;
    const here = this.region.region;
    const locality = props.locality;
    const checks: Array<[prop: string, value: unknown, violated: boolean, allowed: string]> = [
      // First: a Helm release also names the cluster.
      ['adoptHelmRelease', props.adoptHelmRelease?.release, props.adoptHelmRelease !== undefined,
        'expected no Helm release with multiRegion: a multi-region cluster is a new cluster of this library (restore a backup of the Helm release\'s cluster into it)'],
      ['name', name, name !== d.cockroachClusterName,
        `expected "${d.cockroachClusterName}", the description's cockroachClusterName: every region joins and resolves the pods by that name`],
      ['namespace (of the chart)', namespace, namespace !== d.namespace,
        `expected "${d.namespace}", the description's namespace: every region joins and resolves the pods in it`],
      ['security', props.security?.mode, props.security !== undefined,
        'expected no security with multiRegion: every region\'s certificates chain to one CA, set with MultiRegion.fromDeployment(description, region, { security })'],
      ['replicas', props.replicas, props.replicas !== undefined && props.replicas !== this.replicas,
        `expected ${this.replicas}, the nodes of region ${here} in the description (regions[${this.region.index}].nodes), or no replicas`],
      ['locality', locality?.toString(), locality !== undefined && !this.localityStartsWithRegion(locality),
        `expected region=${here} as the first tier (Locality.fromNode() reads it from ${REGION_NODE_LABEL}): CockroachDB's database regions are the region tier, and this chart runs in ${here}`],
      ['clusterName', props.clusterName, props.clusterName !== undefined && props.clusterName !== this.clusterName,
        `expected no clusterName, or "${this.clusterName}" (the description's gkeClusterName): a node refuses to join nodes of another cluster name, so every region starts with the same`],
      ['clusterDomain', props.clusterDomain, props.clusterDomain !== undefined && props.clusterDomain !== GKE_CLUSTER_DOMAIN,
        `expected no clusterDomain, or "${GKE_CLUSTER_DOMAIN}" (GKE's): the other regions reach the pods under ${this.advertiseDomain}, and the Jobs of this chart the Services under ${GKE_CLUSTER_DOMAIN}`],
      ['init.enabled', props.init?.enabled, props.init?.enabled === true && !this.isPrimaryRegion,
        `expected no init Job outside the primary region (${this.primaryRegion}): the cluster is initialized once, by the primary region's chart`],
      ['upgrade.finalize', props.upgrade?.finalize, props.upgrade?.finalize === true && !this.isPrimaryRegion,
        `expected the finalization in the primary region's chart (${this.primaryRegion}), applied once every region runs the new version: it must never run while a region still runs the old binary`],
    ];
    for (const [prop, value, violated, allowed] of checks) {
      if (violated) reject(scope, prop, value, allowed);
    }
  }

  private localityStartsWithRegion(locality: Locality): boolean {
    const first = locality.nodeTiers?.[0];
    return locality.isPerPod
      ? first?.tier === 'region' && first.nodeLabel === REGION_NODE_LABEL
      : String(locality.value).split(',')[0] === `region=${this.region.region}`;
  }
}
