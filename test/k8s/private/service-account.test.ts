import { Chart, Size, Testing } from 'cdk8s';
import { ScaleDownPhase } from '../../../lib/k8s';
import { renderServiceAccount } from '../../../lib/k8s/private/service-account';
import { configError } from '../../support/errors';
import { synthEverything } from '../../support/everything';

describe('a ServiceAccount of the cluster', () => {
  const render = (spec: Parameters<typeof renderServiceAccount>[2]) => {
    const chart = new Chart(Testing.app(), 'c');
    renderServiceAccount(chart, 'sa', spec);
    return Testing.synth(chart)[0];
  };

  test('no token mounted; annotations and pull Secrets only when there are some', () => {
    expect(render({ name: 'a', namespace: 'db', labels: { x: 'y' } })).toEqual({
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'a', namespace: 'db', labels: { x: 'y' } }, automountServiceAccountToken: false,
    });
    expect(render({ name: 'a', namespace: 'db', labels: { x: 'y' }, annotations: {}, imagePullSecrets: [] })).toEqual({
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'a', namespace: 'db', labels: { x: 'y' } }, automountServiceAccountToken: false,
    });
    expect(render({ name: 'a', namespace: 'db', labels: { x: 'y' }, annotations: { k: 'v' }, imagePullSecrets: ['r1', 'r2'] })).toEqual({
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'a', namespace: 'db', labels: { x: 'y' }, annotations: { k: 'v' } },
      automountServiceAccountToken: false, imagePullSecrets: [{ name: 'r1' }, { name: 'r2' }],
    });
  });
});

describe('imagePullSecrets: on every ServiceAccount, so on every pod', () => {
  // Every construct that renders a ServiceAccount; the day-2 operations one at a time, as they must be.
  const pullSecrets = ['registry-a', 'registry-b'];
  const cases = [
    synthEverything({ imagePullSecrets: pullSecrets }).objects,
    synthEverything({ imagePullSecrets: pullSecrets, scaleDown: { from: 5, phase: ScaleDownPhase.SHRINK }, replicas: 3 }).objects,
    synthEverything({ imagePullSecrets: pullSecrets, scaleDown: undefined, restartToken: 'r1' }).objects,
    synthEverything({ imagePullSecrets: pullSecrets, scaleDown: undefined, storage: { size: Size.gibibytes(200) }, expandStorage: { from: Size.gibibytes(100) } }).objects,
  ];
  test('the four syntheses render the ServiceAccounts of the SQL Job, the scale-down, the rollout and the storage expansion', () => {
    const names = cases.flatMap((objects) => objects.filter((o) => o.kind === 'ServiceAccount').map((o) => o.metadata.name));
    expect(names).toEqual(expect.arrayContaining(['crdb', 'crdb-client', 'crdb-sql', 'crdb-scale-down', 'crdb-rollout', 'crdb-expand-storage']));
  });

  test.each(cases.map((objects, i) => [i, objects]))('synthesis %s: each ServiceAccount names them, and each pod runs as one of them', (_i, objects: any) => {
    const accounts = objects.filter((o: any) => o.kind === 'ServiceAccount');
    expect(accounts.length).toBeGreaterThan(3);
    for (const sa of accounts) expect(sa.imagePullSecrets).toEqual([{ name: 'registry-a' }, { name: 'registry-b' }]);
    const names = accounts.map((sa: any) => sa.metadata.name);
    const pods = objects.flatMap((o: any) => (o.kind === 'Pod' ? [o.spec] : o.spec?.template?.spec ? [o.spec.template.spec] : []));
    expect(pods.length).toBeGreaterThan(5);
    for (const pod of pods) expect(names).toContain(pod.serviceAccountName);
  });

  test('none by default', () => {
    const { objects } = synthEverything();
    for (const sa of objects.filter((o) => o.kind === 'ServiceAccount')) expect(sa.imagePullSecrets).toBeUndefined();
  });

  test.each<[string, unknown, string, string]>([
    ['not a list', 'registry', 'imagePullSecrets', 'received "registry"; expected a list of Secret names, e.g. ["registry-credentials"]'],
    ['a number', [1], 'imagePullSecrets[0]', 'received 1; expected the name of a Secret of type kubernetes.io/dockerconfigjson'],
    ['a bad name', ['ok', 'Bad_Name'], 'imagePullSecrets[1]', 'received "Bad_Name"'],
    ['twice', ['a', 'b', 'a'], 'imagePullSecrets[2]', 'received "a"; expected each Secret once'],
  ])('refused: %s', (_case, value, prop, message) => {
    const error = configError(() => synthEverything({ imagePullSecrets: value as any }));
    expect(error.prop).toBe(prop);
    expect(error.message).toContain(`${prop}: ${message}`);
  });
});
