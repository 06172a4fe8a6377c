import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { withoutPruneLabels } from '../prune';

/** cert-manager's API version for Issuers and Certificates. */
export const CERT_MANAGER_API_VERSION = 'cert-manager.io/v1';

/** The fields of a cert-manager Certificate this library sets. */
export interface CertificateSpec {
  readonly name: string;
  readonly namespace: string;
  readonly labels: { readonly [key: string]: string };
  readonly secretName: string;
  readonly commonName: string;
  readonly organization?: string;
  readonly isCA?: boolean;
  readonly duration: Duration;
  readonly renewBefore: Duration;
  readonly usages: string[];
  readonly dnsNames?: string[];
  readonly ipAddresses?: string[];
  readonly keyAlgorithm: 'ECDSA' | 'RSA';
  /** CA keys are kept across renewals, so leaves signed before a CA renewal still verify. */
  readonly rotateKey: boolean;
  readonly issuer: { readonly name: string; readonly kind: string; readonly group: string };
}

/** Renders a Go duration as cert-manager expects it, in whole hours when possible (`8760h`). */
export function goDuration(duration: Duration): string {
  const minutes = duration.toMilliseconds() / 60000;
  return Number.isInteger(minutes / 60) ? `${minutes / 60}h` : `${Math.round(minutes)}m`;
}

export function renderCertificate(scope: Construct, id: string, spec: CertificateSpec): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: CERT_MANAGER_API_VERSION,
    kind: 'Certificate',
    metadata: { name: spec.name, namespace: spec.namespace, labels: { ...spec.labels } },
    spec: {
      secretName: spec.secretName,
      // The issued Secret is cert-manager's, not applied: it never carries the prune label.
      secretTemplate: { labels: withoutPruneLabels(spec.labels) },
      commonName: spec.commonName,
      subject: spec.organization ? { organizations: [spec.organization] } : undefined,
      isCA: spec.isCA,
      duration: goDuration(spec.duration),
      renewBefore: goDuration(spec.renewBefore),
      usages: spec.usages,
      dnsNames: spec.dnsNames,
      ipAddresses: spec.ipAddresses,
      privateKey: {
        algorithm: spec.keyAlgorithm,
        size: spec.keyAlgorithm === 'ECDSA' ? 256 : 2048,
        rotationPolicy: spec.rotateKey ? 'Always' : 'Never',
      },
      issuerRef: { ...spec.issuer },
    },
  });
}

/** A namespaced Issuer: self-signed, or a CA whose key pair is in a Secret. */
export function renderIssuer(scope: Construct, id: string, props: {
  name: string; namespace: string; labels: { readonly [key: string]: string }; caSecretName?: string;
}): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: CERT_MANAGER_API_VERSION,
    kind: 'Issuer',
    metadata: { name: props.name, namespace: props.namespace, labels: { ...props.labels } },
    spec: props.caSecretName ? { ca: { secretName: props.caSecretName } } : { selfSigned: {} },
  });
}
