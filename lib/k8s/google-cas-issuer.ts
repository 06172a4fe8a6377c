import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { checkDnsLabel, checkDnsSubdomain, reject } from '../shared/validate';
import { IssuerRef } from './security';

/** API version of the google-cas-issuer controller's issuers. */
export const GOOGLE_CAS_ISSUER_API_VERSION = 'cas-issuer.jetstack.io/v1beta1';
/** Their API group, the group of an `IssuerRef` to them. */
export const GOOGLE_CAS_ISSUER_GROUP = 'cas-issuer.jetstack.io';
/** The kind of the namespaced issuer. */
export const GOOGLE_CAS_ISSUER_KIND = 'GoogleCASIssuer';

const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const LOCATION = /^[a-z]+(-[a-z]+)+[0-9]+$/;
/** CA Service resource ids: letters, digits and hyphens, at most 63. */
const CAS_ID = /^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$/;

/** Properties of {@link GoogleCasIssuer}. */
export interface GoogleCasIssuerProps {
  /** Name of the issuer, which Certificates name in `issuerRef`. */
  readonly name: string;
  /**
   * Namespace of the issuer: only Certificates of this namespace can use it.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /** Google Cloud project of the CA pool. */
  readonly project: string;
  /** Region of the CA pool, e.g. `europe-west1`. */
  readonly location: string;
  /** Id of the CA pool. */
  readonly caPoolId: string;
  /**
   * Id of the CA of the pool that signs.
   * @default - any enabled CA of the pool (CA Service balances between them)
   */
  readonly certificateAuthorityId?: string;
  /**
   * Labels of the issuer.
   * @default - none
   */
  readonly labels?: { readonly [key: string]: string };
}

/**
 * A namespaced `GoogleCASIssuer` of jetstack's google-cas-issuer controller: cert-manager's Certificates
 * that name it are signed by a CA pool of Google Cloud's Certificate Authority Service, whose key never
 * leaves Google. No credentials in the object: the controller acts as a Google service account through
 * Workload Identity (the Google Cloud half grants it `roles/privateca.certificateRequester` on the pool).
 * The controller, with its CRDs, is installed with its Helm chart beside cert-manager.
 *
 * @see https://github.com/jetstack/google-cas-issuer
 */
export class GoogleCasIssuer extends Construct {
  /** The issuer (escape hatch). */
  public readonly apiObject: ApiObject;
  /** Name of the issuer. */
  public readonly name: string;
  /** The reference Certificates name it by (`ClusterSecurity.certManagerIssuer(issuer.issuerRef)`). */
  public readonly issuerRef: IssuerRef;

  constructor(scope: Construct, id: string, props: GoogleCasIssuerProps) {
    super(scope, id);
    checkDnsSubdomain(this, 'name', props.name);
    const namespace = props.namespace ?? Chart.of(this).namespace;
    if (namespace !== undefined) checkDnsLabel(this, 'namespace', namespace);
    if (typeof props.project !== 'string' || !PROJECT_ID.test(props.project)) {
      reject(this, 'project', props.project, 'expected a Google Cloud project id: 6 to 30 lowercase letters, digits or hyphens, starting with a letter');
    }
    if (typeof props.location !== 'string' || !LOCATION.test(props.location)) {
      reject(this, 'location', props.location, 'expected the region of the CA pool, e.g. "europe-west1"');
    }
    for (const prop of ['caPoolId', 'certificateAuthorityId'] as const) {
      const value = props[prop];
      if ((prop === 'caPoolId' || value !== undefined) && (typeof value !== 'string' || !CAS_ID.test(value))) {
        reject(this, prop, value, 'expected a CA Service id: 1 to 63 letters, digits or hyphens, starting with a letter or digit');
      }
    }
    this.name = props.name;
    this.issuerRef = IssuerRef.of(props.name, GOOGLE_CAS_ISSUER_KIND, GOOGLE_CAS_ISSUER_GROUP);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: GOOGLE_CAS_ISSUER_API_VERSION,
      kind: GOOGLE_CAS_ISSUER_KIND,
      metadata: { name: props.name, namespace, labels: props.labels ? { ...props.labels } : undefined },
      spec: {
        project: props.project,
        location: props.location,
        caPoolId: props.caPoolId,
        certificateAuthorityId: props.certificateAuthorityId,
      },
    });
  }
}
