import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { apply, getJson, kubectl, kubectlRun, listJson, openssl, secretFiles, tempDir, waitUntil } from './kube';

const ROOT = path.resolve(__dirname, '../../..');

/**
 * `npm run synth`'s Kubernetes half (build/apps/k8s.js), with a variant's environment, into a fresh
 * folder: a profile's two folders.
 */
export function synthProfile(profile: string, env: Record<string, string> = {}): { namespaceDir: string; dir: string } {
  const out = tempDir('dist');
  execFileSync('node', [path.join(ROOT, 'build/apps/k8s.js')], { cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: out, ...env }, stdio: 'pipe' });
  return { namespaceDir: path.join(out, `${profile}-namespace`), dir: path.join(out, profile) };
}

/** An object of a manifest folder: its kind, name and namespace. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly body: any;
}

/** Every object in the YAML files of a folder, in file order. */
export function objectsIn(dir: string): ObjectRef[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().flatMap((f) =>
    parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJSON()).filter(Boolean).map((o: any) => ({
      apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace, body: o,
    })));
}

/** Every object of the folder as the API server has it (one `kubectl get -f`), keyed kind/namespace/name. */
function liveObjects(dir: string): Record<string, any> {
  const items: any[] = JSON.parse(kubectl(['get', '-f', dir, '-o', 'json'])).items;
  return Object.fromEntries(items.map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
}

/**
 * Each object as stored, but for what the server, the controllers and kubectl keep for themselves: the
 * status, managedFields, resourceVersion and kubectl's last-applied-configuration annotation (which a
 * server-side apply writes anew).
 */
export function contents(dir: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(liveObjects(dir)).map(([key, live]) => {
    const rest = { ...live, metadata: { ...live.metadata, annotations: { ...live.metadata.annotations } } };
    delete rest.status;
    delete rest.metadata.managedFields;
    delete rest.metadata.resourceVersion;
    delete rest.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
    return [key, rest];
  }));
}

/** resourceVersion of each object, to prove that a re-apply changed nothing. */
export function versions(dir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(liveObjects(dir)).map(([key, live]) => [key, live.metadata.resourceVersion]));
}

/**
 * Waits until the controllers made what the objects imply: each StatefulSet's pods and volumes, each
 * Job's pod, each Deployment's pods, each Certificate Ready. A pod that exists was admitted by
 * PodSecurity `restricted` (the namespace enforces it); a refused one would show as a FailedCreate event.
 */
export async function waitForControllers(objects: ObjectRef[]): Promise<void> {
  for (const o of objects) {
    const ns = o.namespace!;
    if (o.kind === 'StatefulSet') {
      const selector = Object.entries<string>(o.body.spec.selector.matchLabels).map(([k, v]) => `${k}=${v}`).join(',');
      await waitUntil(`${o.body.spec.replicas} pods of StatefulSet ${o.name}`, () => listJson('pods', ns, selector).length === o.body.spec.replicas, 60);
    } else if (o.kind === 'Job') {
      await waitUntil(`a pod of Job ${o.name}`, () => listJson('pods', ns, `batch.kubernetes.io/job-name=${o.name}`).length >= 1, 60);
    } else if (o.kind === 'Deployment') {
      const selector = Object.entries<string>(o.body.spec.selector.matchLabels).map(([k, v]) => `${k}=${v}`).join(',');
      await waitUntil(`the pods of Deployment ${o.name}`, () => listJson('pods', ns, selector).length === (o.body.spec.replicas ?? 1), 60);
    } else if (o.kind === 'ValidatingAdmissionPolicy') {
      // The API server type-checks a policy after it is written, and records it in its status.
      await waitUntil(`policy ${o.name} type-checked`, () => {
        const p = getJson('validatingadmissionpolicy', o.name);
        return p?.status?.observedGeneration === p?.metadata.generation && p;
      }, 60).then((p) => {
        const warnings = p.status.typeChecking?.expressionWarnings ?? [];
        if (warnings.length > 0) throw new Error(`policy ${o.name}: CEL type-check warnings: ${JSON.stringify(warnings)}`);
      });
    } else if (o.kind === 'Certificate') {
      await waitUntil(`Certificate ${o.name} Ready`, () => getJson('certificate.cert-manager.io', o.name, ns)?.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'), 60);
    }
  }
  const namespaces = [...new Set(objects.map((o) => o.namespace).filter(Boolean))] as string[];
  for (const ns of namespaces) {
    const refused = listJson('events', ns).filter((e) => e.reason === 'FailedCreate');
    if (refused.length > 0) throw new Error(`controllers could not create pods:\n${refused.map((e) => e.message).join('\n')}`);
  }
}

/** x509 fields of a PEM certificate, through openssl. */
function x509(pem: string): { subject: string; sans: string[]; ekus: string[]; keyUsage: string; isCa: boolean } {
  const text = openssl(['x509', '-noout', '-text'], pem);
  const after = (heading: string) => {
    const m = new RegExp(`${heading}:(?: critical)?[ \\t]*\\n\\s*(.*)`).exec(text);
    return m ? m[1].trim() : '';
  };
  return {
    subject: openssl(['x509', '-noout', '-subject', '-nameopt', 'RFC2253'], pem).trim().replace(/^subject=/, ''),
    sans: after('X509v3 Subject Alternative Name').split(', ').filter(Boolean).map((s) => s.replace(/^DNS:/, '').replace(/^IP Address:/, '')),
    ekus: after('X509v3 Extended Key Usage').split(', ').filter(Boolean),
    keyUsage: after('X509v3 Key Usage'),
    isCa: /CA:TRUE/.test(text),
  };
}

const EKU: Record<string, string> = { 'server auth': 'TLS Web Server Authentication', 'client auth': 'TLS Web Client Authentication' };

/**
 * Each Certificate's Secret, as cert-manager issued it: the chain verifies against its CA, and the
 * subject, SANs, key usages and CA flag are those the Certificate asked for (what CockroachDB requires:
 * `node` with server and client auth and every address as SAN; `root` and users with client auth).
 */
export function checkCertificates(objects: ObjectRef[]): number {
  let checked = 0;
  for (const o of objects.filter((x) => x.kind === 'Certificate')) {
    const spec = o.body.spec;
    const { dir, data } = secretFiles(o.namespace!, spec.secretName);
    const verify = openssl(['verify', '-CAfile', path.join(dir, 'ca.crt'), path.join(dir, 'tls.crt')]);
    if (!verify.trim().endsWith(': OK')) throw new Error(`${o.name}: ${verify}`);
    const cert = x509(data['tls.crt']);
    const expectSubject = [`CN=${spec.commonName}`, ...(spec.subject?.organizations ?? []).map((org: string) => `O=${org}`)].join(',');
    if (cert.subject !== expectSubject) throw new Error(`${o.name}: subject ${cert.subject}, expected ${expectSubject}`);
    const sans = [...(spec.dnsNames ?? []), ...(spec.ipAddresses ?? [])].sort();
    if (JSON.stringify([...cert.sans].sort()) !== JSON.stringify(sans)) throw new Error(`${o.name}: SANs ${cert.sans}, expected ${sans}`);
    const ekus = (spec.usages as string[]).filter((u) => EKU[u]).map((u) => EKU[u]).sort();
    if (JSON.stringify([...cert.ekus].sort()) !== JSON.stringify(ekus)) throw new Error(`${o.name}: extended key usages ${cert.ekus}, expected ${ekus}`);
    if (cert.isCa !== Boolean(spec.isCA)) throw new Error(`${o.name}: CA flag ${cert.isCa}, expected ${Boolean(spec.isCA)}`);
    if (spec.isCA && !/Certificate Sign/.test(cert.keyUsage)) throw new Error(`${o.name}: a CA without keyCertSign (${cert.keyUsage})`);
    checked += 1;
  }
  return checked;
}

/** Applies the folder; returns what kubectl printed. A warning or an error fails. */
export function applyFolder(dir: string, serverSide: boolean): string {
  return apply([dir], { serverSide });
}

/** Deletes what the folder declares and waits until it is gone (namespaces included). */
export async function deleteFolder(dir: string, objects: ObjectRef[]): Promise<void> {
  kubectl(['delete', '-f', dir, '--ignore-not-found', '--wait=false']);
  for (const ns of objects.filter((o) => o.kind === 'Namespace').map((o) => o.name)) {
    await waitUntil(`namespace ${ns} gone`, () => kubectlRun(['get', 'namespace', ns]).status !== 0, 120);
  }
}
