import * as fs from 'fs';
import * as path from 'path';
import { transformSync } from 'esbuild';
import * as peers from '../../lib/gcp/peers';

// lib/gcp/peers.ts checks, as it loads, that cdktf and @cdktf/provider-google can be resolved (optional peer
// dependencies). Jest resolves both in this repository, so a module that cannot be found is simulated: the
// same source, compiled as jest compiles it, run in this test's realm with a `require` whose `resolve` fails
// for the names listed and resolves the others as jest does.
const PEERS = path.join(__dirname, '../../lib/gcp/peers.ts');

/** Loads lib/gcp/peers.ts with `names` not installed; returns what it exports. */
function loadWithout(...names: string[]): unknown {
  const { code } = transformSync(fs.readFileSync(PEERS, 'utf8'), { format: 'cjs', target: 'node20', loader: 'ts', sourcefile: PEERS });
  const resolved: string[] = [];
  const fakeRequire = Object.assign((name: string): never => {
    throw new Error(`lib/gcp/peers.ts loads no module, yet it required ${name}`);
  }, {
    resolve: (name: string): string => {
      resolved.push(name);
      if (names.includes(name)) throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
      return require.resolve(name);
    },
  });
  const module = { exports: {} as unknown };
  new Function('require', 'module', 'exports', '__filename', '__dirname', code)(fakeRequire, module, module.exports, PEERS, path.dirname(PEERS));
  expect(resolved).toEqual(['cdktf', '@cdktf/provider-google']);
  return module.exports;
}

const message = (missing: string) => `cdk-cockroachdb: the Google Cloud half ('cdk-cockroachdb/gcp') needs ${missing} (optional peer `
  + 'dependencies, not installed). Install them: npm install cdktf @cdktf/provider-google. For the Kubernetes '
  + 'half alone, import \'cdk-cockroachdb/k8s\', which needs neither.';

test('with cdktf and @cdktf/provider-google installed, the module loads and exports nothing', () => {
  expect(Object.keys(peers)).toEqual([]);
  expect(loadWithout()).toEqual({});
});

describe('a missing optional peer dependency: loading the Google Cloud half says what to install', () => {
  test.each<[string, string[], string]>([
    ['neither installed', ['cdktf', '@cdktf/provider-google'], 'cdktf and @cdktf/provider-google'],
    ['cdktf missing', ['cdktf'], 'cdktf'],
    ['@cdktf/provider-google missing', ['@cdktf/provider-google'], '@cdktf/provider-google'],
  ])('%s', (_what, names, missing) => {
    let error: unknown;
    try {
      loadWithout(...names);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(message(missing));
  });
});
