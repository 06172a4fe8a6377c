// Jest transform: TypeScript (and the ES-module-only packages listed in jest.config.js) to CommonJS with
// esbuild. Types are stripped, not checked: `npm run typecheck` does that, and `npm test` runs it first.
const crypto = require('crypto');
const esbuild = require('esbuild');

const OPTIONS = { format: 'cjs', target: 'node20', sourcemap: 'inline', sourcesContent: false };

module.exports = {
  process(source, filename) {
    const loader = filename.endsWith('.ts') ? 'ts' : 'js';
    const { code } = esbuild.transformSync(source, { ...OPTIONS, loader, sourcefile: filename });
    return { code };
  },
  getCacheKey(source, filename) {
    return crypto.createHash('sha256')
      .update(`${esbuild.version}\0${JSON.stringify(OPTIONS)}\0${filename}\0`)
      .update(source)
      .digest('hex');
  },
};
