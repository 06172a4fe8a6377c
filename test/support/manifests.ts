import { createHash } from 'crypto';
import { App, Chart, Testing } from 'cdk8s';

/** A synthesized Kubernetes object, as plain JSON. */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: any }; [k: string]: any };

type Model = new (data: any) => { validate(): void };

/**
 * Where the kubernetes-models class for each kind this library emits lives; an unknown kind fails the
 * validation. Each is loaded on first use: a test file pays only for the schemas of the kinds it validates.
 */
const MODEL_MODULES: { [apiVersionKind: string]: string } = {
  'v1/Namespace': 'kubernetes-models/v1/Namespace',
  'v1/Service': 'kubernetes-models/v1/Service',
  'v1/ServiceAccount': 'kubernetes-models/v1/ServiceAccount',
  'apps/v1/StatefulSet': 'kubernetes-models/apps/v1/StatefulSet',
  'batch/v1/Job': 'kubernetes-models/batch/v1/Job',
  'policy/v1/PodDisruptionBudget': 'kubernetes-models/policy/v1/PodDisruptionBudget',
  'v1/Pod': 'kubernetes-models/v1/Pod',
  'v1/ConfigMap': 'kubernetes-models/v1/ConfigMap',
  'apps/v1/Deployment': 'kubernetes-models/apps/v1/Deployment',
  'networking.k8s.io/v1/NetworkPolicy': 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy',
  'networking.k8s.io/v1/Ingress': 'kubernetes-models/networking.k8s.io/v1/Ingress',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  'rbac.authorization.k8s.io/v1/Role': 'kubernetes-models/rbac.authorization.k8s.io/v1/Role',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding',
  'coordination.k8s.io/v1/Lease': 'kubernetes-models/coordination.k8s.io/v1/Lease',
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding',
  'cert-manager.io/v1/Certificate': '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate',
  'cert-manager.io/v1/Issuer': '@kubernetes-models/cert-manager/cert-manager.io/v1/Issuer',
  'cert-manager.io/v1/ClusterIssuer': '@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer',
  'monitoring.coreos.com/v1/ServiceMonitor': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor',
  'monitoring.coreos.com/v1/PrometheusRule': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule',
};

/**
 * Kinds that no kubernetes-models package describes, validated by the real API server against their own
 * CRDs instead: Managed Service for Prometheus' (test/cluster/managed-prometheus.test.ts installs GMP's
 * CRDs and checks that these objects are admitted, and that the schema refuses what a typo would produce).
 * `validateAgainstSchemas` skips them, and only them: any other kind without a model fails.
 */
export const KINDS_VALIDATED_BY_THE_API_SERVER: ReadonlySet<string> = new Set([
  'monitoring.googleapis.com/v1/PodMonitoring',
  'monitoring.googleapis.com/v1/Rules',
]);

function model(apiVersionKind: string): Model | undefined {
  const module = MODEL_MODULES[apiVersionKind];
  if (!module) return undefined;
  const kind = apiVersionKind.slice(apiVersionKind.lastIndexOf('/') + 1);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(module)[kind];
}

/**
 * Validates every object against the Kubernetes OpenAPI schema (kubernetes-models), but for the kinds of
 * KINDS_VALIDATED_BY_THE_API_SERVER. Throws on the first error.
 */
export function validateAgainstSchemas(objects: Manifest[]): void {
  if (objects.length === 0) throw new Error('nothing to validate');
  for (const obj of objects) {
    const apiVersionKind = `${obj.apiVersion}/${obj.kind}`;
    if (KINDS_VALIDATED_BY_THE_API_SERVER.has(apiVersionKind)) continue;
    const Model = model(apiVersionKind);
    if (!Model) throw new Error(`no schema registered for ${obj.apiVersion} ${obj.kind}`);
    try {
      new Model(obj).validate();
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
