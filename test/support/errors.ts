import { CockroachConfigError } from '../../lib/shared/errors';

/**
 * Runs `fn` and returns the CockroachConfigError it throws; the test fails when it throws nothing or
 * another error.
 */
export function configError(fn: () => unknown): CockroachConfigError {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(CockroachConfigError);
  return error as CockroachConfigError;
}
