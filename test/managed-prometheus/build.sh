#!/usr/bin/env bash
# Fetches the CRDs of Google Cloud Managed Service for Prometheus (GMP: monitoring.googleapis.com
# PodMonitoring, Rules and the others GKE installs with it), which the cluster tests install in the test API
# server so that it validates the library's PodMonitoring and Rules against GMP's own schema. From the Go
# module proxy (the machine reaches no GitHub), with a pinned version:
#   prometheus-engine  github.com/GoogleCloudPlatform/prometheus-engine v0.17.2, its
#                      charts/operator/crds/monitoring.googleapis.com_*.yaml (v1 served and stored); the
#                      proxy serves exact versions only (it refuses the version list and @latest)
# Nothing is compiled: the module zip is downloaded (or found in Go's module cache) and the CRDs copied.
#
# Output: ${XDG_CACHE_HOME:-~/.cache}/cdk-cockroachdb/managed-prometheus/<key>/crds/*.yaml, where <key> is a
# digest of this script, the shared helper and the Go version. A complete output is reused as is (it
# prints "cached"); the last line printed is always the output folder. Cold (empty module cache): about
# 17 seconds, measured (the module zip is 91 MB, about 520 MB once Go unpacks it into its module cache);
# with the module in Go's module cache: under a second.
#
#   bash test/managed-prometheus/build.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export GOTOOLCHAIN=local GOFLAGS=-mod=readonly CGO_ENABLED=0

PROMETHEUS_ENGINE=github.com/GoogleCloudPlatform/prometheus-engine@v0.17.2
CRDS=(podmonitorings clusterpodmonitorings clusternodemonitorings rules clusterrules globalrules operatorconfigs)

# shellcheck source=../support/cached-build.sh
. "$here/../support/cached-build.sh"
key=$( (go version; cat "$0" "$here/../support/cached-build.sh") | sha256sum | cut -c1-16)
cached_build_begin managed-prometheus "$key"
mkdir -p "$work/crds"

log "prometheus-engine CRDs"
engine_dir=$(module_dir "$PROMETHEUS_ENGINE")
# Copies we own (the module cache is read-only), removable with the rest of the folder.
for crd in "${CRDS[@]}"; do
  cp "$engine_dir/charts/operator/crds/monitoring.googleapis.com_$crd.yaml" "$work/crds/"
done
chmod -R u+w "$work/crds"

ls "$work/crds" >&2
cached_build_end
