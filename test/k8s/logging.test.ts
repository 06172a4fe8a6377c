import { Duration } from 'cdk8s';
import {
  ClusterSecurity, CockroachCluster, CockroachClusterProps, CockroachLogging, LogChannel, LogFormat, LogSeverity,
} from '../../lib/k8s';
import { configError } from '../support/errors';
import { newChart, only, synth, validateAgainstSchemas } from '../support/manifests';

// The configuration's keys and values are CockroachDB's (https://www.cockroachlabs.com/docs/v26.2/configure-logs);
// its binary cannot be had here to check a file (`cockroach debug check-log-config`), so the expected
// texts below are written from that reference, key by key.

function build(props: Partial<CockroachClusterProps> = {}) {
  const chart = newChart();
  const cluster = new CockroachCluster(chart, 'crdb', { init: { enabled: false }, security: ClusterSecurity.insecure(), ...props });
  const objects = synth(chart);
  return { cluster, objects, sts: only(objects, 'StatefulSet') };
}
const container = (sts: any) => sts.spec.template.spec.containers[0];
const configOf = (logging: CockroachLogging) => JSON.parse(logging._render('test', 'logging'));

describe('the configuration as CockroachDB reads it', () => {
  test('defaults: every channel to stderr from INFO, no colours', () => {
    expect(configOf(CockroachLogging.of())).toEqual({
      sinks: { stderr: { channels: 'all', filter: 'INFO', redact: false, 'no-color': true } },
    });
  });

  test('stderr narrowed, a Fluent server and an HTTP endpoint', () => {
    const logging = CockroachLogging.of({
      stderr: { filter: LogSeverity.WARNING, format: LogFormat.JSON },
      fluentServers: {
        audit: { address: 'fluent-bit.logging.svc.cluster.local:5170', channels: [LogChannel.SENSITIVE_ACCESS, LogChannel.PRIVILEGES], redact: true },
        ops: { address: '10.0.0.5:24224', net: 'udp', channels: [LogChannel.OPS, LogChannel.HEALTH], format: LogFormat.JSON_FLUENT },
      },
      httpServers: { intake: { address: 'https://logs.example.com/v1/intake', method: 'GET', timeout: Duration.seconds(5), filter: LogSeverity.ERROR } },
    });
    expect(configOf(logging)).toEqual({
      sinks: {
        'stderr': { 'channels': 'all', 'filter': 'WARNING', 'format': 'json', 'redact': false, 'no-color': true },
        'fluent-servers': {
          audit: { address: 'fluent-bit.logging.svc.cluster.local:5170', net: 'tcp', channels: ['SENSITIVE_ACCESS', 'PRIVILEGES'], filter: 'INFO', redact: true },
          ops: { address: '10.0.0.5:24224', net: 'udp', channels: ['OPS', 'HEALTH'], filter: 'INFO', format: 'json-fluent', redact: false },
        },
        'http-servers': {
          intake: { address: 'https://logs.example.com/v1/intake', method: 'GET', timeout: '5000ms', channels: 'all', filter: 'ERROR', redact: false },
        },
      },
    });
  });

  test('HTTP defaults: POST, 2 s; sinks in name order; empty maps are left out', () => {
    const text = CockroachLogging.of({ fluentServers: {}, httpServers: { b: { address: 'http://collector.logging:8080/' }, a: { address: 'https://x.example.com' } } })._render('test', 'logging');
    const config = JSON.parse(text);
    expect(Object.keys(config.sinks)).toEqual(['stderr', 'http-servers']);
    expect(Object.keys(config.sinks['http-servers'])).toEqual(['a', 'b']);
    expect(config.sinks['http-servers'].b).toEqual({ address: 'http://collector.logging:8080/', method: 'POST', timeout: '2000ms', channels: 'all', filter: 'INFO', redact: false });
    expect(text.endsWith('}\n')).toBe(true);
  });
});

describe('in the cluster', () => {
  const logging = CockroachLogging.of({ stderr: { filter: LogSeverity.WARNING } });
  const { cluster, objects, sts } = build({ logging });

  test('a ConfigMap named after its content, mounted read-only; --log-config-file instead of --logtostderr', () => {
    validateAgainstSchemas(objects);
    const configMap = only(objects, 'ConfigMap');
    expect(configMap.metadata.name).toMatch(/^crdb-logging-[0-9a-f]{10}$/);
    expect(cluster.loggingConfigMap?.name).toBe(configMap.metadata.name);
    expect(configMap.metadata.labels['app.kubernetes.io/component']).toBe('logging');
    expect(configMap.metadata.labels['cockroachdb/prune-cluster']).toBe('crdb');
    expect(configMap.data['logs.yaml']).toBe(logging._render('x', 'logging'));
    expect(container(sts).args).toContain('--log-config-file=/cockroach/log-config/logs.yaml');
    expect(container(sts).args).not.toContain('--logtostderr=INFO');
    expect(container(sts).volumeMounts).toContainEqual({ name: 'logging', mountPath: '/cockroach/log-config', readOnly: true });
    expect(sts.spec.template.spec.volumes).toContainEqual({ name: 'logging', configMap: { name: configMap.metadata.name, items: [{ key: 'logs.yaml', path: 'logs.yaml' }] } });
    // Before the StatefulSet in the output, so that it exists when the pods start.
    expect(objects.indexOf(configMap)).toBeLessThan(objects.indexOf(sts));
  });

  test('another configuration is another ConfigMap and another pod template: the pods restart one at a time', () => {
    const other = build({ logging: CockroachLogging.of({ stderr: { filter: LogSeverity.ERROR } }) });
    expect(only(other.objects, 'ConfigMap').metadata.name).not.toBe(only(objects, 'ConfigMap').metadata.name);
    expect(other.sts.spec.template.spec.volumes).not.toEqual(sts.spec.template.spec.volumes);
    expect(build({ logging: CockroachLogging.of({ stderr: { filter: LogSeverity.WARNING } }) }).objects).toEqual(objects);
  });

  test('none by default: --logtostderr=INFO, no ConfigMap', () => {
    const plain = build();
    expect(container(plain.sts).args).toContain('--logtostderr=INFO');
    expect(plain.objects.filter((o) => o.kind === 'ConfigMap')).toEqual([]);
    expect(plain.cluster.loggingConfigMap).toBeUndefined();
  });
});

describe('bad input is refused at synth, naming the prop', () => {
  test.each<[string, any, string, string]>([
    ['a plain object', { stderr: {} }, 'logging', 'received {"stderr":{}}; expected a CockroachLogging, e.g. CockroachLogging.of({ stderr: { filter: LogSeverity.WARNING } })'],
    ['stderr a string', CockroachLogging.of({ stderr: 'INFO' as any }), 'logging.stderr', 'received "INFO"; expected the sink\'s options, e.g. { filter: LogSeverity.WARNING }'],
    ['a Fluent server null', CockroachLogging.of({ fluentServers: { f: null as any } }), 'logging.fluentServers.f', 'received null; expected the sink\'s options, e.g. { address: … }'],
    ['no channel', CockroachLogging.of({ stderr: { channels: [] } }), 'logging.stderr.channels', 'received []; expected a non-empty list of LogChannel (leave it out for every channel)'],
    ['channels not a list', CockroachLogging.of({ stderr: { channels: 'OPS' as any } }), 'logging.stderr.channels', 'received "OPS"; expected a non-empty list'],
    ['an unknown channel', CockroachLogging.of({ stderr: { channels: [LogChannel.OPS, 'AUDIT' as any] } }), 'logging.stderr.channels[1]', 'received "AUDIT"; expected a LogChannel: DEV, OPS, HEALTH, STORAGE, SESSIONS, SQL_SCHEMA, USER_ADMIN, PRIVILEGES, SENSITIVE_ACCESS, SQL_EXEC, SQL_PERF, SQL_INTERNAL_PERF, TELEMETRY, KV_DISTRIBUTION, CHANGEFEED, KV_EXEC'],
    ['a channel twice', CockroachLogging.of({ stderr: { channels: [LogChannel.OPS, LogChannel.DEV, LogChannel.OPS] } }), 'logging.stderr.channels[2]', 'received "OPS"; expected each channel once'],
    ['an unknown severity', CockroachLogging.of({ stderr: { filter: 'DEBUG' as any } }), 'logging.stderr.filter', 'received "DEBUG"; expected a LogSeverity: INFO, WARNING, ERROR, FATAL'],
    ['an unknown format', CockroachLogging.of({ stderr: { format: 'text' as any } }), 'logging.stderr.format', 'received "text"; expected a LogFormat: crdb-v2, crdb-v2-tty, json, json-compact, json-fluent, json-fluent-compact'],
    ['redact not a boolean', CockroachLogging.of({ stderr: { redact: 'yes' as any } }), 'logging.stderr.redact', 'received "yes"; expected true or false'],
    ['fluent servers as a list', CockroachLogging.of({ fluentServers: [{ address: 'a:1' }] as any }), 'logging.fluentServers', 'received [{"address":"a:1"}]; expected sinks by name, e.g. { collector: { address: … } }'],
    ['a bad sink name', CockroachLogging.of({ fluentServers: { 'a b': { address: 'a:1' } } }), 'logging.fluentServers', 'received "a b"; expected a sink name of 1 to 63 letters, digits, \'_\' or \'-\', starting with a letter or digit'],
    ['a Fluent address without port', CockroachLogging.of({ fluentServers: { f: { address: 'fluent-bit' } } }), 'logging.fluentServers.f.address', 'received "fluent-bit"; expected host:port, e.g. "fluent-bit.logging.svc.cluster.local:5170"'],
    ['a Fluent port 0', CockroachLogging.of({ fluentServers: { f: { address: 'fluent-bit:0' } } }), 'logging.fluentServers.f.address', 'received "fluent-bit:0"'],
    ['a Fluent port above 65535', CockroachLogging.of({ fluentServers: { f: { address: 'fluent-bit:65536' } } }), 'logging.fluentServers.f.address', 'received "fluent-bit:65536"'],
    ['a Fluent URL', CockroachLogging.of({ fluentServers: { f: { address: 'tcp://fluent-bit:5170' } } }), 'logging.fluentServers.f.address', 'received "tcp://fluent-bit:5170"'],
    ['a Fluent address that is no string', CockroachLogging.of({ fluentServers: { f: { address: 5170 as any } } }), 'logging.fluentServers.f.address', 'received 5170'],
    ['an unknown transport', CockroachLogging.of({ fluentServers: { f: { address: 'f:1', net: 'unix' as any } } }), 'logging.fluentServers.f.net', 'received "unix"; expected "tcp" or "udp"'],
    ['an HTTP address without scheme', CockroachLogging.of({ httpServers: { h: { address: 'logs.example.com' } } }), 'logging.httpServers.h.address', 'received "logs.example.com"; expected an http:// or https:// URL without credentials or query string (the configuration is a ConfigMap), e.g. "https://logs.example.com/intake"'],
    ['an HTTP address with a query string (an API key, say)', CockroachLogging.of({ httpServers: { h: { address: 'https://logs.example.com/intake?dd-api-key=abc' } } }), 'logging.httpServers.h.address', 'received "https://logs.example.com/intake?dd-api-key=abc"'],
    ['an HTTP address with credentials', CockroachLogging.of({ httpServers: { h: { address: 'https://user:pw@logs.example.com' } } }), 'logging.httpServers.h.address', 'received "https://user:pw@logs.example.com"'],
    ['an HTTP address with a user', CockroachLogging.of({ httpServers: { h: { address: 'https://user@logs.example.com' } } }), 'logging.httpServers.h.address', 'received "https://user@logs.example.com"'],
    ['another scheme', CockroachLogging.of({ httpServers: { h: { address: 'ftp://logs.example.com' } } }), 'logging.httpServers.h.address', 'received "ftp://logs.example.com"'],
    ['an HTTP address that is no string', CockroachLogging.of({ httpServers: { h: { address: undefined as any } } }), 'logging.httpServers.h.address', 'received undefined'],
    ['an unknown method', CockroachLogging.of({ httpServers: { h: { address: 'https://x.example.com', method: 'PUT' as any } } }), 'logging.httpServers.h.method', 'received "PUT"; expected "POST" or "GET"'],
    ['a timeout that is no Duration', CockroachLogging.of({ httpServers: { h: { address: 'https://x.example.com', timeout: 5 as any } } }), 'logging.httpServers.h.timeout', 'received 5; expected a Duration, e.g. Duration.seconds(2)'],
    ['a timeout of 0', CockroachLogging.of({ httpServers: { h: { address: 'https://x.example.com', timeout: Duration.seconds(0) } } }), 'logging.httpServers.h.timeout (milliseconds)', 'received 0'],
    ['a timeout above 5 minutes', CockroachLogging.of({ httpServers: { h: { address: 'https://x.example.com', timeout: Duration.millis(300001) } } }), 'logging.httpServers.h.timeout (milliseconds)', 'received 300001'],
    ['a sink field checked on a network sink', CockroachLogging.of({ httpServers: { h: { address: 'https://x.example.com', filter: 'x' as any } } }), 'logging.httpServers.h.filter', 'received "x"'],
  ])('%s', (_case, logging, prop, message) => {
    const error = configError(() => build({ logging }));
    expect(error.prop).toBe(prop);
    expect(error.message).toContain(`${prop}: ${message}`);
  });

  test('the limits accepted: port 1 and 65535, a 1 ms and a 5-minute timeout, an IPv6 host', () => {
    for (const address of ['f:1', 'f:65535', '[::1]:24224']) expect(() => build({ logging: CockroachLogging.of({ fluentServers: { f: { address } } }) })).not.toThrow();
    for (const timeout of [Duration.millis(1), Duration.minutes(5)]) {
      expect(() => build({ logging: CockroachLogging.of({ httpServers: { h: { address: 'https://x.example.com', timeout } } }) })).not.toThrow();
    }
  });
});
