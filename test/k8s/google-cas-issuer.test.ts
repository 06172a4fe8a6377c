import { IssuerRef, GoogleCasIssuer, GoogleCasIssuerProps } from '../../lib/k8s';
import { configError } from '../support/errors';
import { newChart, only, synth } from '../support/manifests';

// jetstack's google-cas-issuer (cas-issuer.jetstack.io/v1beta1): the fields are those of its
// GoogleCASIssuerSpec (api/v1beta1/googlecasissuer_types.go): project, location, caPoolId,
// certificateAuthorityId; no credentials, which Workload Identity replaces.

const PROPS: GoogleCasIssuerProps = {
  name: 'crdb-cas-issuer', project: 'crdb-book-demo', location: 'europe-west1', caPoolId: 'crdb-global-crdb', certificateAuthorityId: 'crdb-global-crdb-root',
};

function build(props: Partial<GoogleCasIssuerProps> = {}, namespace: string | null = 'db') {
  const chart = newChart(namespace);
  const issuer = new GoogleCasIssuer(chart, 'Issuer', { ...PROPS, ...props });
  return { issuer, objects: synth(chart) };
}

test('every field, in the chart\'s namespace', () => {
  const { issuer, objects } = build();
  expect(only(objects, 'GoogleCASIssuer')).toEqual({
    apiVersion: 'cas-issuer.jetstack.io/v1beta1',
    kind: 'GoogleCASIssuer',
    metadata: { name: 'crdb-cas-issuer', namespace: 'db' },
    spec: { project: 'crdb-book-demo', location: 'europe-west1', caPoolId: 'crdb-global-crdb', certificateAuthorityId: 'crdb-global-crdb-root' },
  });
  expect(issuer.name).toBe('crdb-cas-issuer');
  expect(issuer.issuerRef).toEqual(IssuerRef.of('crdb-cas-issuer', 'GoogleCASIssuer', 'cas-issuer.jetstack.io'));
  expect(issuer.apiObject.kind).toBe('GoogleCASIssuer');
});

test('any CA of the pool; a namespace and labels of one\'s own', () => {
  const { objects } = build({ certificateAuthorityId: undefined, namespace: 'certs', labels: { team: 'db' } });
  const issuer = only(objects, 'GoogleCASIssuer');
  expect(issuer.spec).toEqual({ project: 'crdb-book-demo', location: 'europe-west1', caPoolId: 'crdb-global-crdb' });
  expect(issuer.metadata).toEqual({ name: 'crdb-cas-issuer', namespace: 'certs', labels: { team: 'db' } });
});

test('locations of every shape a Google Cloud region has', () => {
  for (const location of ['us-east1', 'northamerica-northeast2', 'europe-west12', 'a-b-c1']) {
    expect(only(build({ location }).objects, 'GoogleCASIssuer').spec.location).toBe(location);
  }
});

test('a chart without a namespace: none on the issuer', () => {
  expect(only(build({}, null).objects, 'GoogleCASIssuer').metadata).toEqual({ name: 'crdb-cas-issuer' });
});

test.each<[string, Partial<GoogleCasIssuerProps>, string, string]>([
  ['a name that is no name', { name: 'CAS_Issuer' }, 'name', 'received "CAS_Issuer"'],
  ['a namespace that is no label', { namespace: 'a.b' }, 'namespace', 'received "a.b"'],
  ['a project id too short', { project: 'crdb' }, 'project', 'received "crdb"; expected a Google Cloud project id: 6 to 30 lowercase letters, digits or hyphens, starting with a letter'],
  ['no project', { project: undefined }, 'project', 'received undefined;'],
  ['a zone for a location', { location: 'europe-west1-b' }, 'location', 'received "europe-west1-b"; expected the region of the CA pool, e.g. "europe-west1"'],
  ['no location', { location: 42 as never }, 'location', 'received 42;'],
  ['a location in a list', { location: ['europe-west1'] as never }, 'location', 'received ["europe-west1"];'],
  ['a location after a digit', { location: '1europe-west1' }, 'location', 'received "1europe-west1";'],
  ['a location with a trailing letter', { location: 'europe-west1b' }, 'location', 'received "europe-west1b";'],
  ['a project id after a digit', { project: '9crdb-book-demo' }, 'project', 'received "9crdb-book-demo";'],
  ['a project id ending with a hyphen', { project: 'crdb-book-demo-' }, 'project', 'received "crdb-book-demo-";'],
  ['no pool', { caPoolId: undefined }, 'caPoolId', 'received undefined; expected a CA Service id: 1 to 63 letters, digits or hyphens, starting with a letter or digit'],
  ['a pool id with a dot', { caPoolId: 'crdb.pool' }, 'caPoolId', 'received "crdb.pool"; expected a CA Service id'],
  ['a pool id too long', { caPoolId: 'p'.repeat(64) }, 'caPoolId', `received "${'p'.repeat(64)}"`],
  ['a CA id starting with a hyphen', { certificateAuthorityId: '-root' }, 'certificateAuthorityId', 'received "-root"; expected a CA Service id'],
  ['a CA id that is not a string', { certificateAuthorityId: 7 as never }, 'certificateAuthorityId', 'received 7;'],
])('refused: %s', (_what, props, prop, message) => {
  const error = configError(() => build(props));
  expect(error.prop).toBe(prop);
  expect(error.message).toContain(`[test/Issuer] ${prop}: ${message}`);
});
