/**
 * How a cluster secures its connections. Choosing is explicit: there is no default that silently turns
 * security off.
 *
 * `ClusterSecurity.insecure()` is the book's minikube setup: no TLS, no authentication. It is meant for a
 * throwaway local cluster and must never face a network anyone else can reach.
 */
export class ClusterSecurity {
  /**
   * No TLS and no authentication (`--insecure` on every node and client). Local development only.
   */
  public static insecure(): ClusterSecurity {
    return new ClusterSecurity('insecure');
  }

  private constructor(
    /** `insecure` or `tls`. */
    public readonly mode: 'insecure' | 'tls',
  ) {}

  /** True when connections are encrypted and authenticated. */
  public get isSecure(): boolean {
    return this.mode === 'tls';
  }

  /**
   * Flags that `cockroach start` and every `cockroach` client command need for this mode.
   * @internal
   */
  public _connectionFlags(): string[] {
    return ['--insecure'];
  }
}
