// A require, not an import: TypeScript refuses a static import of an ES module from CommonJS, while jest
// loads the converted package.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { evaluate } = require('@marcbachmann/cel-js') as typeof import('@marcbachmann/cel-js', { with: { 'resolution-mode': 'import' } });

/**
 * Evaluates CEL expressions with @marcbachmann/cel-js, a maintained CEL implementation (an ES module
 * that jest.config.js has esbuild convert for jest's CommonJS runtime). An expression that fails to
 * parse or evaluate gives `{ error: message }`.
 */
export function celEvaluate(cases: Array<{ expression: string; context: object }>): unknown[] {
  return cases.map((c) => {
    try {
      return evaluate(c.expression, c.context as Record<string, unknown>);
    } catch (e) {
      return { error: (e as Error).message };
    }
  });
}
