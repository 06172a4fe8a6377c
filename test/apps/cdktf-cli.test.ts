import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// The cdktf CLI with cdktf.json's `app` (compiled JavaScript), as `npx cdktf synth` runs it.
const root = path.resolve(__dirname, '../..');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'crdb-cdktf-'));

test('cdktf synth (cdktf.json\'s app, compiled JavaScript) writes the five stacks under cdktf.out/', () => {
  const out = path.join(tmp(), 'cdktf.out');
  const result = spawnSync(path.join(root, 'node_modules/.bin/cdktf'), ['synth', '--output', out], {
    cwd: root, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1' },
  });
  expect(result.status).toBe(0);
  expect(fs.readdirSync(path.join(out, 'stacks')).sort()).toEqual(['crdb-backup-key', 'crdb-backups', 'crdb-gke', 'crdb-global-backups', 'crdb-global-gke']);
  const gke = JSON.parse(fs.readFileSync(path.join(out, 'stacks/crdb-gke/cdk.tf.json'), 'utf8'));
  expect(Object.keys(gke.resource.google_container_cluster)).toEqual(['gke_cockroachdb']);
}, 60000);
