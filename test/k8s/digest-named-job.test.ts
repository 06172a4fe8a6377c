import { Lazy, Testing } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { DigestNamedJob } from '../../lib/k8s';
import { newChart, only, synth, validateAgainstSchemas } from '../support/manifests';
import { synthEverything } from '../support/everything';

const spec = (command: string[]): k8s.JobSpec => ({
  template: { spec: { restartPolicy: 'Never', containers: [{ name: 'run', image: 'busybox:1.37', command }] } },
});

function job(command: string[], labels: { [key: string]: string } = {}) {
  const chart = newChart();
  const resource = new DigestNamedJob(chart, 'job', 'crdb-task', { metadata: { name: 'ignored', labels }, spec: spec(command) });
  return { resource, manifest: only(synth(chart), 'Job') };
}

describe('DigestNamedJob', () => {
  test('its name is the base name and 10 hex digits of the spec; jobName says the same', () => {
    const { resource, manifest } = job(['echo', 'a']);
    validateAgainstSchemas([manifest]);
    expect(manifest.metadata.name).toMatch(/^crdb-task-[0-9a-f]{10}$/);
    expect(resource.jobName).toBe(manifest.metadata.name);
  });

  test('the same spec gives the same name; another spec, another name (a new Job that runs again)', () => {
    const a = job(['echo', 'a']).manifest.metadata.name;
    expect(job(['echo', 'a']).manifest.metadata.name).toBe(a);
    expect(job(['echo', 'b']).manifest.metadata.name).not.toBe(a);
  });

  test('only the spec counts: labels do not rename the Job', () => {
    expect(job(['echo', 'a'], { team: 'db' }).manifest.metadata.name).toBe(job(['echo', 'a']).manifest.metadata.name);
  });

  test('the digest is taken at synth time, so values resolved late count', () => {
    let command = ['echo', 'early'];
    const chart = newChart();
    const resource = new DigestNamedJob(chart, 'job', 'crdb-task', { metadata: {}, spec: spec(Lazy.any({ produce: () => command }) as unknown as string[]) });
    command = ['echo', 'late'];
    const manifest = only(Testing.synth(chart) as any[], 'Job');
    expect(manifest.spec.template.spec.containers[0].command).toEqual(['echo', 'late']);
    expect(manifest.metadata.name).toBe(job(['echo', 'late']).manifest.metadata.name);
    expect(resource.jobName).toBe(manifest.metadata.name);
  });
});

describe('every Job the library renders is kept until pruned: re-applying the same manifests is a no-op, however much later', () => {
  test('no ttlSecondsAfterFinished on any Job of a cluster with every feature (init, SQL, inspection, books load, workload)', () => {
    const { objects } = synthEverything();
    const jobs = objects.filter((o) => o.kind === 'Job');
    expect(jobs.map((j) => j.metadata.labels['app.kubernetes.io/component']).sort()).toEqual(expect.arrayContaining(['init', 'sql']));
    expect(jobs.length).toBeGreaterThanOrEqual(4);
    for (const j of jobs) expect([j.metadata.name, j.spec.ttlSecondsAfterFinished]).toEqual([j.metadata.name, undefined]);
  });
});
