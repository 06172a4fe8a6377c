import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { Testing } from 'cdktf';
import { BACKUP_KEY_STACK_APIS, BACKUPS_STACK_APIS, BackupsStack, GKE_STACK_APIS, ProjectApis } from '../../lib/gcp';
import { description, synthScope } from './support';

describe('ProjectApis', () => {
  test('one google_project_service per API, at a stable address, never disabled on destroy', () => {
    const { json, doc } = synthScope((scope) => {
      new ProjectApis(scope, 'Apis', { description: description(), services: ['container.googleapis.com', 'iam.googleapis.com'] });
    });
    expect(json).toHaveResourceWithProperties(ProjectService, {
      project: 'acme-prod-db', service: 'container.googleapis.com', disable_on_destroy: false, disable_dependent_services: false,
    });
    expect(Object.keys(doc.resource.google_project_service)).toEqual(['api_container_googleapis_com', 'api_iam_googleapis_com']);
  });

  test('every other resource of the stack waits for the APIs, its own dependencies kept; the APIs wait for nothing', () => {
    const { doc } = synthScope((scope) => {
      const bucket = new StorageBucket(scope, 'Bucket', { name: 'b', location: 'EU' });
      new StorageBucket(scope, 'Other', { name: 'o', location: 'EU', dependsOn: [bucket] });
      new ProjectApis(scope, 'Apis', { description: description(), services: ['storage.googleapis.com', 'iam.googleapis.com'] });
      // Added after the APIs: waits too.
      new StorageBucket(scope, 'Later', { name: 'l', location: 'EU' });
    });
    const apis = ['google_project_service.api_storage_googleapis_com', 'google_project_service.api_iam_googleapis_com'];
    const buckets = doc.resource.google_storage_bucket;
    expect(buckets.Bucket.depends_on).toEqual(apis);
    expect(buckets.Other.depends_on).toEqual(['google_storage_bucket.Bucket', ...apis]);
    expect(buckets.Later.depends_on).toEqual(apis);
    for (const api of Object.values<any>(doc.resource.google_project_service)) expect(api.depends_on).toBeUndefined();
  });

  test('a second synth adds nothing twice', () => {
    const stack = new BackupsStack(Testing.app(), 'backups', { description: description() });
    const first = Testing.synth(stack);
    expect(Testing.synth(stack)).toBe(first);
    expect(JSON.parse(first).resource.google_storage_bucket.backup_bucket_acme_crdb_backups.depends_on)
      .toEqual(['google_project_service.api_iam_googleapis_com', 'google_project_service.api_storage_googleapis_com']);
  });

  test('the stack exposes its APIs; undefined with enableApis: false', () => {
    const app = Testing.app();
    const on = new BackupsStack(app, 'on', { description: description() });
    const off = new BackupsStack(app, 'off', { description: description(), enableApis: false });
    expect(on.apis!.services.map((s) => s.node.id)).toEqual(BACKUPS_STACK_APIS);
    expect(off.apis).toBeUndefined();
  });

  test('the APIs of each stack: what its resources call', () => {
    expect(BACKUPS_STACK_APIS).toEqual(['iam.googleapis.com', 'storage.googleapis.com']);
    expect(GKE_STACK_APIS).toEqual([
      'compute.googleapis.com', 'container.googleapis.com', 'iam.googleapis.com', 'iamcredentials.googleapis.com',
      'logging.googleapis.com', 'monitoring.googleapis.com',
    ]);
    expect(BACKUP_KEY_STACK_APIS).toEqual(['iam.googleapis.com']);
  });
});
