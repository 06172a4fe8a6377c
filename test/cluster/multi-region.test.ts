/**
 * The three-region deployment as its users apply it: `npm run synth` writes one chart per region
 * (profiles global-europe-west1, global-us-east1, global-asia-southeast1, namespace cockroachdb-global,
 * each with its `<profile>-namespace` folder), and each goes to the GKE cluster of its region. Here each
 * region has an API server of its own: the primary (europe-west1) the suite's control plane, whose
 * controllers make the pods and cert-manager acts on the Certificates, and the two others extra API
 * servers (support/extra-control-plane.ts) that admit and store. On each: the namespace then the chart,
 * `kubectl apply --validate=strict` client-side and then, from scratch, server-side, no warning; every
 * object stored as rendered; a re-apply changes nothing. Then what makes the three one CockroachDB
 * cluster: the same `--join` everywhere, a DNS domain of its own per region in `--advertise-host`, and
 * `cockroach init` run once, by the primary's Job only.
 *
 * Nothing is skipped: without the profiles (the synth does not write them), every test fails.
 */
import * as fs from 'fs';
import * as path from 'path';
import { clusterEnv, getJson, kubectl, kubectlRun, listJson, waitUntil } from './support/kube';
import {
  CAS_ISSUER_API_VERSION, ExtraControlPlanes, installCasIssuerStandIn, onPlane, removeCasIssuerStandIn, startExtraControlPlanes, suitePlane,
} from './support/extra-control-plane';
import { applyFolder, checkCertificates, contents, deleteFolder, ObjectRef, objectsIn, synthProfile, versions, waitForControllers } from './support/variant';

const REGIONS = ['europe-west1', 'us-east1', 'asia-southeast1'];
const PROFILES = REGIONS.map((r) => `global-${r}`);
const NAMESPACE = 'cockroachdb-global';
const CAS_GROUP = CAS_ISSUER_API_VERSION.split('/')[0];

interface Region {
  readonly region: string;
  readonly profile: string;
  /** The API server it is applied to. */
  readonly plane: { name: string; stateFile: string; kubeconfig: string };
  /** The suite's plane: controllers and cert-manager run there. */
  readonly primary: boolean;
  readonly namespaceDir: string;
  readonly dir: string;
  readonly objects: ObjectRef[];
}

let extra: ExtraControlPlanes | undefined;
let regions: Region[] = [];
let casInstalledOnSuite = false;

const keyOf = (o: { kind: string; namespace?: string; name: string }) => `${o.kind}/${o.namespace ?? ''}/${o.name}`;
const issuedByCas = (o: ObjectRef) => o.kind === 'Certificate' && o.body.spec?.issuerRef?.group === CAS_GROUP;

/**
 * Where `stored` differs from `rendered`: every field the manifest sets, with the value it sets (the
 * server may add defaults, never change or drop what was written). Arrays must have the same length.
 */
function differences(rendered: unknown, stored: unknown, at = ''): string[] {
  if (Array.isArray(rendered)) {
    if (!Array.isArray(stored) || stored.length !== rendered.length) return [`${at}: rendered ${JSON.stringify(rendered)}, stored ${JSON.stringify(stored)}`];
    return rendered.flatMap((r, i) => differences(r, stored[i], `${at}[${i}]`));
  }
  if (rendered !== null && typeof rendered === 'object') {
    if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return [`${at}: rendered an object, stored ${JSON.stringify(stored)}`];
    return Object.entries(rendered).flatMap(([k, v]) => differences(v, (stored as Record<string, unknown>)[k], `${at}.${k}`));
  }
  return rendered === stored ? [] : [`${at}: rendered ${JSON.stringify(rendered)}, stored ${JSON.stringify(stored)}`];
}

/** The objects of a region's chart and namespace as its API server has them, compared with the manifests. */
function storedAsRendered(r: Region): string[] {
  const live = contents(r.dir);
  // One object: `kubectl get -f` prints it alone, not in a List (contents() reads a List).
  for (const o of objectsIn(r.namespaceDir)) live[keyOf(o)] = getJson(o.kind, o.name, o.namespace);
  return [...objectsIn(r.namespaceDir), ...r.objects]
    .flatMap((o) => (live[keyOf(o)] === undefined ? [`${keyOf(o)}: not stored`] : differences(o.body, live[keyOf(o)], keyOf(o))));
}

/** Every flag of the containers of a pod template that starts with `--<name>=`, by value. */
function flagValues(template: any, name: string): string[] {
  return [...(template.spec.initContainers ?? []), ...template.spec.containers]
    .flatMap((c: any) => [...(c.command ?? []), ...(c.args ?? [])])
    .flatMap((arg: string) => arg.split(/\s+/))
    .filter((arg: string) => arg.startsWith(`--${name}=`))
    .map((arg: string) => arg.slice(name.length + 3));
}

beforeAll(async () => {
  // The synth first: without the profiles, fail before starting anything.
  const first = synthProfile(PROFILES[0]);
  const out = path.dirname(first.dir);
  const expected = PROFILES.flatMap((p) => [p, `${p}-namespace`]);
  const missing = expected.filter((f) => !fs.existsSync(path.join(out, f)));
  if (missing.length > 0) {
    throw new Error(`the synth (build/apps/k8s.js) wrote no ${missing.join(', ')}; it wrote ${fs.readdirSync(out).sort().join(', ')}`);
  }
  const sets = PROFILES.map((profile) => ({ profile, namespaceDir: path.join(out, `${profile}-namespace`), dir: path.join(out, profile) }))
    .map((s) => ({ ...s, objects: objectsIn(s.dir) }));
  const all = sets.flatMap((s) => s.objects);
  const uses = (group: string) => all.some((o) => o.apiVersion.startsWith(`${group}/`));

  // The suite's plane takes the primary region; two more API servers, one per other region, with the
  // CRDs the charts use.
  extra = await startExtraControlPlanes(REGIONS.length - 1, {
    prometheusOperatorCrds: uses('monitoring.coreos.com'),
    managedPrometheusCrds: uses('monitoring.googleapis.com'),
  });
  casInstalledOnSuite = installCasIssuerStandIn(clusterEnv().kubeconfig);
  const planes = [suitePlane(), ...extra.planes];
  regions = sets.map((s, i) => ({ ...s, region: REGIONS[i], plane: planes[i], primary: i === 0 }));
});

afterAll(async () => {
  try {
    const primary = regions.find((r) => r.primary);
    if (primary) {
      await onPlane(primary.plane, async () => {
        await deleteFolder(primary.dir, primary.objects);
        await deleteFolder(primary.namespaceDir, objectsIn(primary.namespaceDir));
      });
    }
    if (casInstalledOnSuite) removeCasIssuerStandIn(clusterEnv().kubeconfig);
  } finally {
    await extra?.stop();
  }
});

test('each region has an API server of its own, with the GoogleCASIssuer stand-in, strict', async () => {
  expect(regions.map((r) => r.profile)).toEqual(PROFILES);
  expect(new Set(regions.map((r) => r.plane.kubeconfig)).size).toBe(REGIONS.length);
  for (const r of regions) {
    await onPlane(r.plane, () => {
      // The suite's cert-manager namespace is on its plane only: the planes share no object.
      expect([r.region, getJson('namespace', 'cert-manager') !== undefined]).toEqual([r.region, r.primary]);
      const issuer = { apiVersion: CAS_ISSUER_API_VERSION, kind: 'GoogleCASIssuer', metadata: { name: 'probe', namespace: 'default' } };
      const dryRun = (spec: unknown) => kubectlRun(['apply', '--validate=strict', '--dry-run=server', '-f', '-'], JSON.stringify({ ...issuer, spec }));
      expect(dryRun({ project: 'p', location: 'europe-west1', caPoolId: 'pool', certificateAuthorityId: 'ca', credentials: { name: 's', key: 'k' } }).status).toBe(0);
      expect(dryRun({ project: 'p', caPool: 'pool' }).stderr).toContain('unknown field "spec.caPool"');
    });
  }
});

describe.each([['client-side', false], ['server-side', true]])('%s apply, from scratch', (_mode, serverSide) => {
  afterAll(async () => {
    // The charts go; the namespaces stay for the next mode (the extra API servers have no namespace
    // controller to finish a namespace's deletion). The primary's pods go with their owners.
    for (const r of regions) {
      await onPlane(r.plane, async () => {
        kubectl(['delete', '-f', r.dir, '--ignore-not-found', '--wait=true']);
        if (r.primary) await waitUntil('the primary\'s pods gone', () => listJson('pods', NAMESPACE).length === 0, 120);
      });
    }
  });

  test('each region\'s namespace and chart on its own API server: strict, no warning, stored as rendered, a re-apply changes nothing', async () => {
    // Only the suite's plane type-checks admission policies (kube-controller-manager's policy status
    // controller): its check covers the other regions' policies, the same ones.
    const policies = (r: Region) => r.objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy').map((o) => o.body);
    expect(policies(regions[0]).length).toBeGreaterThan(0);
    for (const r of regions) expect([r.region, policies(r)]).toEqual([r.region, policies(regions[0])]);

    for (const r of regions) {
      await onPlane(r.plane, async () => {
        applyFolder(r.namespaceDir, serverSide);
        applyFolder(r.dir, serverSide);
        // The primary's controllers make the pods (admitted under PodSecurity `restricted`), type-check the
        // policies, and cert-manager issues what its own issuers sign; a GoogleCASIssuer signs nothing here.
        if (r.primary) await waitForControllers(r.objects.filter((o) => !issuedByCas(o)));
        expect([r.region, storedAsRendered(r)]).toEqual([r.region, []]);

        const before = contents(r.dir);
        applyFolder(r.dir, serverSide);
        expect(contents(r.dir)).toEqual(before);
        const rvs = versions(r.dir);
        applyFolder(r.dir, serverSide);
        expect([r.region, versions(r.dir)]).toEqual([r.region, rvs]);

        if (r.primary) {
          checkCertificates(r.objects.filter((o) => o.kind === 'Certificate' && !issuedByCas(o)));
          // cert-manager took each CAS Certificate and asked the GoogleCASIssuer for it.
          for (const c of r.objects.filter(issuedByCas)) {
            await waitUntil(`a CertificateRequest of ${c.name} for its GoogleCASIssuer`, () => listJson('certificaterequests.cert-manager.io', NAMESPACE)
              .some((cr) => cr.metadata.annotations?.['cert-manager.io/certificate-name'] === c.name && cr.spec.issuerRef.group === CAS_GROUP), 60);
          }
        }
      });
    }
  });

  test('one CockroachDB cluster: the same --join everywhere, a DNS domain per region in --advertise-host, cockroach init by the primary only', async () => {
    const seen: Array<{ region: string; join: string[]; advertise: string[]; initJobs: string[] }> = [];
    for (const r of regions) {
      await onPlane(r.plane, () => {
        const databases = listJson('statefulsets', NAMESPACE).filter((s) => flagValues(s.spec.template, 'join').length > 0);
        expect([r.region, databases.length]).toEqual([r.region, 1]);
        const template = databases[0].spec.template;
        seen.push({
          region: r.region,
          join: flagValues(template, 'join'),
          advertise: flagValues(template, 'advertise-host'),
          initJobs: listJson('jobs', NAMESPACE, 'app.kubernetes.io/component=init').map((j) => j.metadata.name),
        });
      });
    }
    expect(seen.every((s) => s.join.length === 1 && s.advertise.length === 1)).toBe(true);
    // The same list of addresses in every region…
    expect(new Set(seen.map((s) => s.join[0])).size).toBe(1);
    // …and each region's pods advertise a name of their own region's DNS domain: `$(POD_NAME).<domain>`.
    const domains = seen.map((s) => s.advertise[0].replace(/^\$\(POD_NAME\)\./, ''));
    expect(seen.map((s) => s.advertise[0].startsWith('$(POD_NAME).'))).toEqual(REGIONS.map(() => true));
    expect(new Set(domains).size).toBe(REGIONS.length);
    // The join list names pods of every region.
    const join = seen[0].join[0].split(',');
    expect(domains.map((d) => join.some((address) => address.split(':')[0].endsWith(`.${d}`)))).toEqual(REGIONS.map(() => true));
    // `cockroach init` once, for the whole cluster: a Job in the primary region only.
    expect(seen.map((s) => [s.region, s.initJobs.length])).toEqual(REGIONS.map((region, i) => [region, i === 0 ? 1 : 0]));
    expect(regions.map((r) => r.objects.filter((o) => o.kind === 'Job' && o.body.metadata.labels?.['app.kubernetes.io/component'] === 'init').length))
      .toEqual(REGIONS.map((_, i) => (i === 0 ? 1 : 0)));
  });
});
