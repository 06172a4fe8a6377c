import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import * as k8s from '../lib/k8s';

// Every optional prop of every exported props interface says what happens when it is left out.
const LIB = path.resolve(__dirname, '../lib');
const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);

function missingDefaultsIn(file: string, text: string): string[] {
  const missing: string[] = [];
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  source.forEachChild((node) => {
      if (!ts.isInterfaceDeclaration(node)) return;
      if (!node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return;
      for (const member of node.members) {
        if (!ts.isPropertySignature(member) || !member.questionToken) continue;
        const tags = ts.getJSDocTags(member).map((t) => t.tagName.text);
        if (!tags.includes('default')) missing.push(`${path.relative(LIB, file)}: ${node.name.text}.${member.name.getText(source)}`);
      }
  });
  return missing;
}

function missingDefaults(): string[] {
  return files(LIB)
    .filter((file) => !file.includes(`${path.sep}private${path.sep}`) && !file.endsWith('books-load-main.ts'))
    .flatMap((file) => missingDefaultsIn(file, fs.readFileSync(file, 'utf8')));
}

test('the check finds an undocumented optional prop', () => {
  const text = 'export interface P {\n  /** @default 3 */\n  readonly a?: number;\n  /** no default */\n  readonly b?: string;\n  readonly c: string;\n}\n';
  expect(missingDefaultsIn(path.join(LIB, 'x.ts'), text)).toEqual(['x.ts: P.b']);
});

test('every optional prop of an exported interface documents its @default', () => {
  expect(missingDefaults()).toEqual([]);
});

test('the entries export the API, not the internals: no SQL text builders, no private helpers', () => {
  const k8sEntry = Object.keys(k8s);
  expect(k8sEntry).toEqual(expect.arrayContaining(['CockroachCluster', 'SqlSecret', 'DatabasePrivilege', 'TablePrivilege', 'DigestNamedJob', 'DeploymentDescription']));
  for (const internal of ['createDatabaseSql', 'grantOnTableSql', 'licenseSql', 'ident', 'literal', 'cronProblem', 'renderClusterJob', 'shortHash']) {
    expect(k8sEntry).not.toContain(internal);
  }
});

test('the README\'s prune command is the one pruneCommand() prints (the one the cluster tests run)', () => {
  const readme = fs.readFileSync(path.resolve(__dirname, '../README.md'), 'utf8');
  const block = /```bash\nkubectl apply -f dist\/gke\/ {5}# as always\n([\s\S]*?)\n```/.exec(readme);
  expect(block).not.toBeNull();
  expect(block![1]).toBe(k8s.pruneCommand('dist/gke/', 'crdb', 'cockroachdb'));
});
