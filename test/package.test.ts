import * as fs from 'fs';
import * as path from 'path';

// package.json's entries, checked in the quick suite; test/consumer/run.sh installs and uses them for real.
const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

type Conditions = { types: string; default: string };
const subpaths = Object.entries(pkg.exports as Record<string, Conditions | string>)
  .filter((entry): entry is [string, Conditions] => typeof entry[1] !== 'string' && entry[0] !== '.');

test('the package has the two subpath entries', () => {
  expect(subpaths.map(([subpath]) => subpath)).toEqual(['./k8s', './gcp']);
});

// TypeScript's node10 resolution (`module: CommonJS` in the cdk8s and cdktf project templates) does not read
// `exports`: typesVersions must map each subpath to the declarations its `types` condition names.
test.each(subpaths)('typesVersions maps %s to the declarations of its export', (subpath, conditions) => {
  expect(pkg.typesVersions?.['*']?.[subpath.slice(2)]).toEqual([conditions.types.replace(/^\.\//, '')]);
});

test('typesVersions maps nothing else (the root resolves through `types`)', () => {
  expect(Object.keys(pkg.typesVersions)).toEqual(['*']);
  expect(Object.keys(pkg.typesVersions['*']).sort()).toEqual(subpaths.map(([subpath]) => subpath.slice(2)).sort());
});

// npm runs `prepare` when it packs and when it installs a git dependency (a `prepack` would not run then).
test('npm pack and a git dependency build the package', () => {
  expect(pkg.scripts.prepare).toBe('npm run build');
});
