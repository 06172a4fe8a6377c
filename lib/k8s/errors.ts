import { IConstruct } from 'constructs';

/**
 * The one error type this library throws for invalid input.
 *
 * It records where the problem is (the construct path), which prop is wrong, the value received and
 * what is allowed, so that a failing `cdk8s synth` points straight at the line to fix.
 */
export class CockroachConfigError extends Error {
  /** Path of the construct that rejected its input, e.g. `minikube/crdb`. */
  public readonly constructPath: string;
  /** The prop (or method argument) at fault, e.g. `replicas` or `storage.size`. */
  public readonly prop: string;

  constructor(scope: IConstruct, prop: string, message: string) {
    super(`[${scope.node.path}] ${prop}: ${message}`);
    this.name = 'CockroachConfigError';
    this.constructPath = scope.node.path;
    this.prop = prop;
  }
}
