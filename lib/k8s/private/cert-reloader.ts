import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { guaranteed, restrictedContainerSecurityContext } from './pod-security';

/**
 * A sidecar that makes certificate renewals reach a running node without a restart.
 *
 * kubelet refreshes the projected certificate volume in place when cert-manager renews a Secret, but
 * CockroachDB only re-reads its certificates on SIGHUP. The sidecar compares the certificates every
 * `intervalSeconds` and, when they changed, sends SIGHUP to the `cockroach start` process, which it can
 * see because the pod shares one process namespace. Both containers run as the same uid, so no
 * capability is needed. Pure bash: the CockroachDB image has nothing more.
 */
export function certReloaderScript(certsDir: string, intervalSeconds: number): string {
  return [
    'set -u',
    "trap 'exit 0' TERM INT",
    `dir=${certsDir}`,
    `interval=${intervalSeconds}`,
    'snapshot() { local f out=""; for f in "$dir"/*.crt; do out+="${f}:$(<"$f");"; done; printf "%s" "$out"; }',
    'find_cockroach() {',
    '  local p args',
    '  for p in /proc/[0-9]*; do',
    '    [ -r "$p/cmdline" ] || continue',
    '    mapfile -d "" -t args < "$p/cmdline" 2>/dev/null || continue',
    '    if [ "${args[0]:-}" = /cockroach/cockroach ] && [[ " ${args[*]:1} " == *" start "* ]]; then echo "${p#/proc/}"; return 0; fi',
    '  done',
    '  return 1',
    '}',
    'last=$(snapshot)',
    'echo "watching ${dir} every ${interval}s"',
    'while true; do',
    '  sleep "$interval" & wait $!',
    '  current=$(snapshot)',
    '  [ "$current" = "$last" ] && continue',
    '  if pid=$(find_cockroach) && kill -HUP "$pid"; then',
    '    echo "certificates changed: sent SIGHUP to cockroach (pid ${pid})"',
    '    last=$current',
    '  else',
    '    echo "certificates changed but no cockroach process to signal yet; retrying" >&2',
    '  fi',
    'done',
  ].join('\n');
}

export function certReloaderContainer(image: string, volumeName: string, certsDir: string, intervalSeconds: number): k8s.Container {
  return {
    name: 'cert-reloader',
    image,
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/bash', '-c', certReloaderScript(certsDir, intervalSeconds)],
    resources: guaranteed('20m', '32Mi'),
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: [{ name: volumeName, mountPath: certsDir, readOnly: true }],
  };
}
