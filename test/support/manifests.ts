import { createHash } from 'crypto';
import { App, Chart, Testing } from 'cdk8s';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Pod } from 'kubernetes-models/v1/Pod';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Certificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import { Issuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Issuer';
import { ClusterIssuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ValidatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy';
import { ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';

/** A synthesized Kubernetes object, as plain JSON. */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: any }; [k: string]: any };

type Model = new (data: any) => { validate(): void };

/** The kubernetes-models class for each kind this library emits. An unknown kind fails the validation. */
const MODELS: { [apiVersionKind: string]: Model } = {
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/StatefulSet': StatefulSet,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/Pod': Pod,
  'v1/ConfigMap': ConfigMap,
  'apps/v1/Deployment': Deployment,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'cert-manager.io/v1/Certificate': Certificate,
  'cert-manager.io/v1/Issuer': Issuer,
  'cert-manager.io/v1/ClusterIssuer': ClusterIssuer,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': ValidatingAdmissionPolicy,
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': ValidatingAdmissionPolicyBinding,
  'networking.k8s.io/v1/Ingress': Ingress,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
};

/** Validates every object against the Kubernetes OpenAPI schema (kubernetes-models). Throws on the first error. */
export function validateAgainstSchemas(objects: Manifest[]): void {
  if (objects.length === 0) throw new Error('nothing to validate');
  for (const obj of objects) {
    const model = MODELS[`${obj.apiVersion}/${obj.kind}`];
    if (!model) throw new Error(`no schema registered for ${obj.apiVersion} ${obj.kind}`);
    try {
      new model(obj).validate();
    } catch (e) {
      throw new Error(`${obj.kind}/${obj.metadata?.name} fails schema validation: ${(e as Error).message}`);
    }
  }
}

/** Synthesizes one chart into plain objects. */
export function synth(chart: Chart): Manifest[] {
  return Testing.synth(chart) as Manifest[];
}

/** Synthesizes every chart of an app, in order. */
export function synthApp(app: App): Manifest[] {
  return app.charts.flatMap((c) => synth(c));
}

/** The single object of a kind (and optionally name); throws when there is not exactly one. */
export function only(objects: Manifest[], kind: string, name?: string): Manifest {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? `/${name}` : ''}, found ${found.length}`);
  return found[0];
}

/** Every pod spec in the objects (StatefulSets, Jobs, …), with where it came from. */
export function podSpecs(objects: Manifest[]): Array<{ owner: string; spec: any }> {
  return objects
    .filter((o) => o.spec?.template?.spec)
    .map((o) => ({ owner: `${o.kind}/${o.metadata.name}`, spec: o.spec.template.spec }));
}

/** A new chart in a fresh app; `null` for a chart without a namespace. */
export function newChart(namespace: string | null = 'db'): Chart {
  return new Chart(Testing.app(), 'test', { namespace: namespace ?? undefined, disableResourceNameHashes: true });
}

/**
 * The objects as snapshots show them: large ConfigMap values (the bundled load script, the books data)
 * replaced by their size and digest, so a snapshot stays readable and a driver upgrade shows as one line.
 */
export function forSnapshot(objects: Manifest[]): Manifest[] {
  return objects.map((o) => {
    if (o.kind !== 'ConfigMap' || !o.data) return o;
    const data = Object.fromEntries(Object.entries(o.data as Record<string, string>).map(([k, v]) => [k,
      v.length > 2048 ? `<${v.length} characters, sha256 ${createHash('sha256').update(v).digest('hex').slice(0, 16)}>` : v]));
    return { ...o, data };
  });
}

/** Kinds without a namespace. */
export const CLUSTER_SCOPED_KINDS = ['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'];

/** The namespaced objects only. */
export function namespaced(objects: Manifest[]): Manifest[] {
  return objects.filter((o) => !CLUSTER_SCOPED_KINDS.includes(o.kind));
}
