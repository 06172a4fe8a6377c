import { CockroachConfigError, ErrorScope } from './errors';

/** Renders a received value for an error message: strings quoted, objects as JSON. */
export function show(value: unknown): string {
  // NaN and the infinities, which JSON would write as null.
  if (typeof value === 'number') return String(value);
  try {
    // undefined, functions and symbols have no JSON text.
    return JSON.stringify(value) ?? String(value);
  } catch {
    // A cycle, or a BigInt.
    return String(value);
  }
}

/** Throws the library's error with the standard "received X; allowed Y" wording. */
export function reject(scope: ErrorScope, prop: string, value: unknown, allowed: string): never {
  throw new CockroachConfigError(scope, prop, `received ${show(value)}; ${allowed}`);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A DNS-1123 label (RFC 1123): what Kubernetes requires of namespaces and Service names. */
export function checkDnsLabel(scope: ErrorScope, prop: string, value: string, maxLength = 63): void {
  if (typeof value !== 'string' || !DNS_LABEL.test(value) || value.length > maxLength) {
    reject(scope, prop, value,
      `expected a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${maxLength} characters`);
  }
}

/**
 * A DNS-1035 label: a DNS-1123 label that starts with a letter, what Kubernetes requires of Service names
 * (a name such as `1crdb` is a valid namespace but not a valid Service).
 */
export function checkDns1035Label(scope: ErrorScope, prop: string, value: string, maxLength = 63): void {
  checkDnsLabel(scope, prop, value, maxLength);
  if (!/^[a-z]/.test(value)) {
    reject(scope, prop, value, 'expected a name that starts with a letter: Service names are DNS-1035 labels');
  }
}

/** A DNS-1123 subdomain: what Kubernetes requires of most object names. */
export function checkDnsSubdomain(scope: ErrorScope, prop: string, value: string): void {
  if (typeof value !== 'string' || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    reject(scope, prop, value,
      'expected a DNS-1123 subdomain: dot-separated lowercase labels of letters, digits and \'-\', at most 253 characters');
  }
}

const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A Kubernetes label (or annotation) key: optional DNS subdomain prefix, then a name of at most 63 characters. */
export function checkLabelKey(scope: ErrorScope, prop: string, key: string): void {
  if (typeof key !== 'string') reject(scope, prop, key, 'expected a Kubernetes label key (a string)');
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  // The whole key when there is no '/' (slash is -1).
  const name = key.slice(slash + 1);
  const okPrefix = prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
  // LABEL_NAME needs at least one character.
  if (!okPrefix || name.length > 63 || !LABEL_NAME.test(name)) {
    reject(scope, prop, key,
      'expected a Kubernetes label key: an optional DNS subdomain prefix and \'/\', then at most 63 letters, digits, \'-\', \'_\' or \'.\'');
  }
}

/** A Kubernetes label value: at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric. */
export function checkLabelValue(scope: ErrorScope, prop: string, value: string): void {
  if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
    reject(scope, prop, value,
      'expected a Kubernetes label value: at most 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit');
  }
}

/** An integer within [min, max]. */
export function checkInteger(scope: ErrorScope, prop: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  // Number.isInteger is false for anything that is not a number.
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
    reject(scope, prop, value, `expected ${range}`);
  }
}

/** One rule that involves several props: the condition that makes the input invalid, and what to say. */
export interface CrossPropRule {
  /** The props the rule reads, named in the error. */
  readonly props: string;
  /** True when the input breaks the rule. */
  readonly violated: boolean;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/** Throws for the first violated rule of a table. */
export function checkRules(scope: ErrorScope, rules: readonly CrossPropRule[]): void {
  for (const rule of rules) {
    if (rule.violated) throw new CockroachConfigError(scope, rule.props, rule.message);
  }
}

const GCS_BUCKET = /^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/;
const OBJECT_PATH_SEGMENT = /^[A-Za-z0-9_.-]+$/;

/** Cloud Storage bucket naming rules (names without dots). */
export function checkGcsBucketName(scope: ErrorScope, prop: string, name: string): void {
  if (typeof name !== 'string' || !GCS_BUCKET.test(name)) {
    reject(scope, prop, name, 'expected a bucket name of 3 to 63 lowercase letters, digits, \'-\' or \'_\', starting and ending with a letter or digit, not starting with "goog" and not containing "google" (names with dots need domain verification and are not supported)');
  }
  if (name.startsWith('goog') || /g[o0]{2}g[l1]e/.test(name)) {
    throw new CockroachConfigError(scope, prop, `received ${JSON.stringify(name)}; Cloud Storage reserves names that start with "goog" or contain "google" or look-alikes`);
  }
}

/** A relative folder inside a bucket, e.g. `cluster` or `prod/cluster`. */
export function checkObjectPath(scope: ErrorScope, prop: string, path: string): void {
  if (typeof path !== 'string' || path.split('/').some((s) => !OBJECT_PATH_SEGMENT.test(s) || s === '.' || s === '..')) {
    reject(scope, prop, path, 'expected a relative folder such as "cluster" or "prod/cluster": segments of letters, digits, \'_\', \'.\' or \'-\', no leading or trailing \'/\', no ".."');
  }
}

/** A key inside a Kubernetes Secret. */
export function checkSecretKey(scope: ErrorScope, prop: string, key: string): void {
  if (typeof key !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(key)) {
    reject(scope, prop, key, 'expected a Secret key of letters, digits, \'-\', \'_\' or \'.\'');
  }
}
