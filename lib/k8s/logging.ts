import { Duration } from 'cdk8s';
import type { ErrorScope } from '../shared/errors';
import { checkInteger, reject } from '../shared/validate';

/**
 * CockroachDB's logging channels (v25.4 to v26.3).
 * @see https://www.cockroachlabs.com/docs/stable/logging-overview
 */
export enum LogChannel {
  /** Development messages: the default for uncategorized events. */
  DEV = 'DEV',
  /** Operations: node starts and stops, configuration changes, decommissioning. */
  OPS = 'OPS',
  /** Resource usage and health checks of the node. */
  HEALTH = 'HEALTH',
  /** The storage engine (Pebble): compactions, disk stalls. */
  STORAGE = 'STORAGE',
  /** Client connections and sessions, authentication. */
  SESSIONS = 'SESSIONS',
  /** Schema changes (DDL). */
  SQL_SCHEMA = 'SQL_SCHEMA',
  /** Changes to users and roles. */
  USER_ADMIN = 'USER_ADMIN',
  /** Changes to privileges and ownership. */
  PRIVILEGES = 'PRIVILEGES',
  /** Audited access to sensitive data (SQL audit logging). */
  SENSITIVE_ACCESS = 'SENSITIVE_ACCESS',
  /** SQL execution (statement logs when enabled). */
  SQL_EXEC = 'SQL_EXEC',
  /** SQL performance: slow queries. */
  SQL_PERF = 'SQL_PERF',
  /** The slow queries of CockroachDB's own internal statements. */
  SQL_INTERNAL_PERF = 'SQL_INTERNAL_PERF',
  /** Telemetry events (sampled statements, feature usage). */
  TELEMETRY = 'TELEMETRY',
  /** Data distribution: range splits, merges, rebalancing. */
  KV_DISTRIBUTION = 'KV_DISTRIBUTION',
  /** Changefeeds. */
  CHANGEFEED = 'CHANGEFEED',
  /** The execution of KV requests. */
  KV_EXEC = 'KV_EXEC',
}

/** The lowest severity a sink keeps. */
export enum LogSeverity {
  /** Everything. */
  INFO = 'INFO',
  /** Warnings and worse. */
  WARNING = 'WARNING',
  /** Errors and worse. */
  ERROR = 'ERROR',
  /** Fatal errors only. */
  FATAL = 'FATAL',
}

/**
 * How a sink writes each entry.
 * @see https://www.cockroachlabs.com/docs/stable/log-formats
 */
export enum LogFormat {
  /** CockroachDB's text format, as in its log files. */
  CRDB_V2 = 'crdb-v2',
  /** The same, for a terminal (colours are turned off here). */
  CRDB_V2_TTY = 'crdb-v2-tty',
  /** One JSON object per entry, with long field names. */
  JSON = 'json',
  /** One JSON object per entry, with short field names. */
  JSON_COMPACT = 'json-compact',
  /** JSON with a Fluent `tag` field, long field names. */
  JSON_FLUENT = 'json-fluent',
  /** JSON with a Fluent `tag` field, short field names. */
  JSON_FLUENT_COMPACT = 'json-fluent-compact',
}

/** What a sink receives, and how it writes it. */
export interface LogSinkOptions {
  /**
   * The channels the sink receives.
   * @default - every channel
   */
  readonly channels?: LogChannel[];
  /**
   * The lowest severity it keeps.
   * @default LogSeverity.INFO
   */
  readonly filter?: LogSeverity;
  /**
   * Its format.
   * @default - the sink's own: `crdb-v2-tty` for stderr, `json-fluent-compact` for Fluent, `json-compact` for HTTP
   */
  readonly format?: LogFormat;
  /**
   * Strip the sensitive parts of each entry (values, identifiers) before it leaves the node.
   * @default false
   */
  readonly redact?: boolean;
}

/** A Fluentd or Fluent Bit server that receives entries. */
export interface FluentSinkOptions extends LogSinkOptions {
  /** `host:port` of the server, e.g. `fluent-bit.logging.svc.cluster.local:5170`. */
  readonly address: string;
  /**
   * The transport.
   * @default 'tcp'
   */
  readonly net?: 'tcp' | 'udp';
}

/** An HTTP endpoint that receives entries (a log collector's intake). */
export interface HttpSinkOptions extends LogSinkOptions {
  /** The URL entries are sent to, `https://…` (or `http://…` inside the cluster). */
  readonly address: string;
  /**
   * The HTTP method.
   * @default 'POST'
   */
  readonly method?: 'POST' | 'GET';
  /**
   * How long one request may take.
   * @default Duration.seconds(2)
   */
  readonly timeout?: Duration;
}

/** Options of {@link CockroachLogging}. */
export interface CockroachLoggingOptions {
  /**
   * What goes to the container's stderr (`kubectl logs`).
   * @default - every channel, from INFO, in `crdb-v2-tty` without colours
   */
  readonly stderr?: LogSinkOptions;
  /**
   * Fluentd or Fluent Bit servers, by sink name.
   * @default - none
   */
  readonly fluentServers?: { readonly [name: string]: FluentSinkOptions };
  /**
   * HTTP endpoints, by sink name.
   * @default - none
   */
  readonly httpServers?: { readonly [name: string]: HttpSinkOptions };
}

/** Where the configuration is mounted in the database pods. */
export const LOG_CONFIG_DIR = '/cockroach/log-config';
/** Its file name there. */
export const LOG_CONFIG_FILE = 'logs.yaml';

/**
 * CockroachDB's log file settings for WAL failover: writes go through an asynchronous buffer flushed every
 * second or at 256 KiB, so a stalled disk cannot block the node's logging (`buffered-writes` must be off
 * beside it; `auditable` would turn it back on).
 */
const BUFFERED_FILES = {
  'buffered-writes': false,
  'auditable': false,
  'buffering': { 'max-staleness': '1s', 'flush-trigger-size': '256KiB', 'max-buffer-size': '50MiB' },
};

const SINK_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
const HOST_PORT = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\]):(?<port>[0-9]{1,5})$/;

/**
 * CockroachDB's logging configuration (`--log-config-file`), typed: the stderr sink and network sinks
 * (Fluent, HTTP). CockroachDB keeps its default log files under the store's `logs` directory on the data
 * volume, as without a configuration. Rendered into a ConfigMap named after a digest of its content, so a
 * change restarts the pods one at a time.
 * @see https://www.cockroachlabs.com/docs/stable/configure-logs
 */
export class CockroachLogging {
  /** A logging configuration. */
  public static of(options: CockroachLoggingOptions = {}): CockroachLogging {
    return new CockroachLogging(options);
  }

  private constructor(
    /** The options as given. */
    public readonly options: CockroachLoggingOptions,
  ) {}

  /**
   * Checks the options (errors name `prop`) and returns the configuration as CockroachDB reads it (JSON is
   * YAML). With `bufferFiles`, the log files are written asynchronously, as WAL failover requires.
   */
  public _render(scope: ErrorScope, prop: string, options: { readonly bufferFiles?: boolean } = {}): string {
    const o = this.options;
    const sinks: { [key: string]: unknown } = {};
    sinks.stderr = { ...sink(scope, `${prop}.stderr`, o.stderr ?? {}), 'no-color': true };
    const fluent = named(scope, `${prop}.fluentServers`, o.fluentServers, (p, s: FluentSinkOptions) => {
      if (typeof s.address !== 'string' || !validHostPort(s.address)) reject(scope, `${p}.address`, s.address, 'expected host:port, e.g. "fluent-bit.logging.svc.cluster.local:5170"');
      const net = s.net ?? 'tcp';
      if (net !== 'tcp' && net !== 'udp') reject(scope, `${p}.net`, net, 'expected "tcp" or "udp"');
      return { address: s.address, net, ...sink(scope, p, s) };
    });
    const http = named(scope, `${prop}.httpServers`, o.httpServers, (p, s: HttpSinkOptions) => {
      if (!validUrl(s.address)) reject(scope, `${p}.address`, s.address, 'expected an http:// or https:// URL without credentials or query string (the configuration is a ConfigMap), e.g. "https://logs.example.com/intake"');
      const method = s.method ?? 'POST';
      if (method !== 'POST' && method !== 'GET') reject(scope, `${p}.method`, method, 'expected "POST" or "GET"');
      const timeout = s.timeout ?? Duration.seconds(2);
      if (!(timeout instanceof Duration)) reject(scope, `${p}.timeout`, timeout, 'expected a Duration, e.g. Duration.seconds(2)');
      const ms = timeout.toMilliseconds();
      checkInteger(scope, `${p}.timeout (milliseconds)`, ms, 1, 300000);
      return { address: s.address, method, timeout: `${ms}ms`, ...sink(scope, p, s) };
    });
    if (fluent) sinks['fluent-servers'] = fluent;
    if (http) sinks['http-servers'] = http;
    return JSON.stringify({ ...(options.bufferFiles ? { 'file-defaults': BUFFERED_FILES } : {}), sinks }, undefined, 2) + '\n';
  }
}

/** The fields every sink has, checked. */
function sink(scope: ErrorScope, prop: string, s: LogSinkOptions): { [key: string]: unknown } {
  if (typeof s !== 'object' || s === null) reject(scope, prop, s, 'expected the sink\'s options, e.g. { filter: LogSeverity.WARNING }');
  const channels = s.channels;
  if (channels !== undefined) {
    if (!Array.isArray(channels) || channels.length === 0) reject(scope, `${prop}.channels`, channels, 'expected a non-empty list of LogChannel (leave it out for every channel)');
    channels.forEach((c, i) => {
      if (!Object.values(LogChannel).includes(c)) reject(scope, `${prop}.channels[${i}]`, c, `expected a LogChannel: ${Object.values(LogChannel).join(', ')}`);
      if (channels.indexOf(c) !== i) reject(scope, `${prop}.channels[${i}]`, c, 'expected each channel once');
    });
  }
  const filter = s.filter ?? LogSeverity.INFO;
  if (!Object.values(LogSeverity).includes(filter)) reject(scope, `${prop}.filter`, filter, `expected a LogSeverity: ${Object.values(LogSeverity).join(', ')}`);
  if (s.format !== undefined && !Object.values(LogFormat).includes(s.format)) reject(scope, `${prop}.format`, s.format, `expected a LogFormat: ${Object.values(LogFormat).join(', ')}`);
  const redact = s.redact ?? false;
  if (typeof redact !== 'boolean') reject(scope, `${prop}.redact`, redact, 'expected true or false');
  return {
    channels: channels === undefined ? 'all' : [...channels],
    filter,
    ...(s.format !== undefined ? { format: s.format } : {}),
    redact,
  };
}

/** Named sinks, checked and rendered in name order; undefined when there are none. */
function named<T>(scope: ErrorScope, prop: string, sinks: { readonly [name: string]: T } | undefined, render: (prop: string, sink: T) => unknown): { [name: string]: unknown } | undefined {
  if (sinks === undefined) return undefined;
  if (typeof sinks !== 'object' || sinks === null || Array.isArray(sinks)) reject(scope, prop, sinks, 'expected sinks by name, e.g. { collector: { address: … } }');
  const names = Object.keys(sinks).sort();
  if (names.length === 0) return undefined;
  return Object.fromEntries(names.map((name) => {
    if (!SINK_NAME.test(name)) reject(scope, prop, name, 'expected a sink name of 1 to 63 letters, digits, \'_\' or \'-\', starting with a letter or digit');
    const options = sinks[name];
    if (typeof options !== 'object' || options === null) reject(scope, `${prop}.${name}`, options, 'expected the sink\'s options, e.g. { address: … }');
    return [name, render(`${prop}.${name}`, options)];
  }));
}

function validHostPort(address: string): boolean {
  const m = HOST_PORT.exec(address);
  return m !== null && Number(m.groups!.port) >= 1 && Number(m.groups!.port) <= 65535;
}

function validUrl(address: unknown): boolean {
  if (typeof address !== 'string') return false;
  try {
    const url = new URL(address);
    // No credentials, and no query string (where intakes take API keys): the configuration is a ConfigMap.
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '' && url.username === '' && url.password === '' && url.search === '';
  } catch {
    return false;
  }
}
