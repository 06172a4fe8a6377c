import { IConstruct } from 'constructs';

/** Where an error was found: a construct, or the name of a plain object such as `DeploymentDescription`. */
export type ErrorScope = IConstruct | string;

/**
 * The one error type this library throws for invalid input, in both halves (Kubernetes and Google Cloud).
 *
 * It records where the problem is (the construct path), which prop is wrong, the value received and
 * what is allowed, so that a failing synth points straight at the line to fix.
 */
export class CockroachConfigError extends Error {
  /** Path of the construct that rejected its input, e.g. `minikube/crdb`, or the object's name. */
  public readonly constructPath: string;
  /** The prop (or method argument) at fault, e.g. `replicas` or `storage.size`. */
  public readonly prop: string;

  constructor(scope: ErrorScope, prop: string, message: string) {
    const path = typeof scope === 'string' ? scope : scope.node.path;
    super(`[${path}] ${prop}: ${message}`);
    this.name = 'CockroachConfigError';
    this.constructPath = path;
    this.prop = prop;
  }
}
