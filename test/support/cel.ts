import { spawnSync } from 'child_process';

/**
 * Evaluates CEL expressions with @marcbachmann/cel-js, a maintained CEL implementation. The package is
 * an ES module, which jest's CommonJS VM cannot load, so the evaluation runs in a child node process.
 */
export function celEvaluate(cases: Array<{ expression: string; context: object }>): unknown[] {
  const program = `
    const { evaluate } = require('@marcbachmann/cel-js');
    const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
    process.stdout.write(JSON.stringify(cases.map((c) => { try { return evaluate(c.expression, c.context); } catch (e) { return { error: e.message }; } })));
  `;
  const r = spawnSync(process.execPath, ['-e', program], { input: JSON.stringify(cases), encoding: 'utf8', cwd: __dirname });
  if (r.status !== 0) throw new Error(`CEL evaluation failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
