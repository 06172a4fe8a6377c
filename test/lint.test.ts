import * as path from 'path';
import { ESLint } from 'eslint';

// The import rules in eslint.config.js guard synth speed and the separation of the two halves; prove
// that they fire.
// The config is handed over as an object: ESLint's own loader uses a dynamic import that jest's VM lacks.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require('../eslint.config.js');
const eslint = new ESLint({ cwd: path.resolve(__dirname, '..'), overrideConfigFile: true, overrideConfig: config });

async function ruleHits(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import rules', () => {
  test.each([
    ['lib/gcp/x.ts', "import { ContainerCluster } from '@cdktf/provider-google';", /its own module/],
    ['apps/x.ts', "import * as google from '@cdktf/provider-google';", /its own module/],
    ['test/x.ts', "import { StorageBucket } from '@cdktf/provider-google';", /its own module/],
    ['lib/k8s/x.ts', "import { App } from 'cdktf';", /must not import cdktf/],
    ['lib/k8s/x.ts', "import { GkeCluster } from '../gcp';", /must not import cdktf or lib\/gcp/],
    ['lib/gcp/x.ts', "import { Chart } from 'cdk8s';", /must not import cdk8s/],
    ['lib/shared/x.ts', "import { k8s } from 'cdk8s-plus-28';", /import neither cdk8s nor cdktf/],
    ['lib/shared/x.ts', "import { TerraformStack } from 'cdktf';", /import neither cdk8s nor cdktf/],
    ['lib/k8s/x.ts', "import { CockroachCluster } from './cluster';", /take the cluster through an interface/],
    ['lib/k8s/private/x.ts', "import { CockroachCluster } from '../cluster';", /take the cluster through an interface/],
  ])('%s: %s is rejected', async (file, code, message) => {
    const hits = await ruleHits(`${code}\nexport const used = [${code.match(/import (?:\* as )?\{? ?(\w+)/)![1]}];\n`, file);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatch(message);
  });

  test.each([
    ['lib/gcp/x.ts', "import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';"],
    ['lib/k8s/x.ts', "import { Chart } from 'cdk8s';"],
    ['lib/gcp/x.ts', "import { TerraformStack } from 'cdktf';"],
    ['lib/k8s/index.ts', "import { CockroachCluster } from './cluster';"],
    ['lib/k8s/x.ts', "import { ISqlClientTarget } from './cluster-ref';"],
    ['lib/k8s/x.ts', "import { CockroachClusterProps } from './cluster-props';"],
  ])('%s: %s is allowed', async (file, code) => {
    const hits = await ruleHits(`${code}\nexport const used = [${code.match(/import \{ (\w+)/)![1]}];\n`, file);
    expect(hits).toEqual([]);
  });
});
