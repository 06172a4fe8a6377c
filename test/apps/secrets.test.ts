import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { SECRETS } from '../../apps/deployment';
import { GkeChart } from '../../apps/gke';
import { MinikubeChart } from '../../apps/minikube';
import { Manifest, synthApp } from '../support/manifests';

/**
 * The Secrets a profile reads and nothing creates: the user must create them before applying, so the
 * README's walkthroughs must name every one of them (a missing one stops the SQL Job from starting, and
 * every `kubectl wait` on the rest still succeeds).
 */
function secretsToCreate(objects: Manifest[]): string[] {
  const issued = new Set(objects.filter((o) => o.kind === 'Certificate').map((o) => o.spec.secretName));
  const read = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) { v.forEach(walk); return; }
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, any>;
    if (o.secretKeyRef?.name) read.add(o.secretKeyRef.name);
    if (o.secret?.secretName) read.add(o.secret.secretName);
    if (o.secret?.name) read.add(o.secret.name); // a projected volume's source
    Object.values(o).forEach(walk);
  };
  walk(objects);
  return [...read].filter((name) => !issued.has(name)).sort();
}

const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
const walkthrough = (title: string) => readme.slice(readme.indexOf(`## ${title}`), readme.indexOf('\n## ', readme.indexOf(`## ${title}`) + 3));

describe('every Secret a profile reads is one the README tells the user to create', () => {
  test('GKE: the license key, created in the walkthrough before the cluster is applied', () => {
    const app = Testing.app();
    new GkeChart(app);
    expect(secretsToCreate(synthApp(app))).toEqual([SECRETS.license]);
    const steps = walkthrough('GKE walkthrough (TLS and mTLS)');
    const create = steps.indexOf(`create secret generic ${SECRETS.license} --from-file=license=`);
    expect(create).toBeGreaterThan(steps.indexOf('kubectl apply -f dist/gke-namespace/'));
    expect(create).toBeLessThan(steps.indexOf('kubectl apply -f dist/gke/'));
  });

  test('minikube with backups: the backup key; the book\'s minikube profile alone reads none', () => {
    const plain = Testing.app();
    new MinikubeChart(plain);
    expect(secretsToCreate(synthApp(plain))).toEqual([]);
    const withBackups = Testing.app();
    new MinikubeChart(withBackups, { backups: true });
    expect(secretsToCreate(synthApp(withBackups))).toEqual([SECRETS.gcsKey]);
    expect(readme).toContain(`kubectl -n cockroachdb create secret generic ${SECRETS.gcsKey} --from-file=key.json=`);
  });

  test('the check finds a Secret read by an env var and one mounted as a volume, and skips issued ones', () => {
    const objects = [
      { kind: 'Certificate', spec: { secretName: 'issued' } },
      { kind: 'Job', spec: { env: [{ valueFrom: { secretKeyRef: { name: 'by-env', key: 'k' } } }], volumes: [{ secret: { secretName: 'issued' } }, { secret: { secretName: 'by-volume' } }] } },
    ] as unknown as Manifest[];
    expect(secretsToCreate(objects)).toEqual(['by-env', 'by-volume']);
  });
});
