#!/usr/bin/env bash
# Builds ensure-gke-crds (tool/main.go), our program that installs GKE's BackendConfig CRD in an API server
# by running GKE's ingress controller's own code (k8s.io/ingress-gce ships no CRD manifest: the controller
# makes the CRD at run time). From the Go module proxy (the machine reaches no GitHub), with pinned versions:
#   ingress-gce  k8s.io/ingress-gce v1.34.0 pkg/crd + pkg/backendconfig (tool/go.mod; the proxy serves exact
#                versions only, not @latest), with its own dependency versions (apiextensions-apiserver
#                v0.26.1, client-go v0.30.0)
#
# Output: ${XDG_CACHE_HOME:-~/.cache}/cdk-cockroachdb/ingress-gce/<key>/bin/ensure-gke-crds, where <key> is a
# digest of this script, tool/go.mod, tool/go.sum and the Go version. A complete output is reused as is
# (it prints "cached"); the last line printed is always the output folder. Cold (empty module and build
# caches): about 7 minutes on 2 cores, measured while other builds ran (mostly compiling google.golang.org/api
# and the Kubernetes client libraries that ingress-gce imports); with Go's build cache (~/.cache/go-build)
# warm: a few seconds.
#
#   bash test/ingress-gce/build.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export GOTOOLCHAIN=local GOFLAGS=-mod=readonly CGO_ENABLED=0

# shellcheck source=../support/cached-build.sh
. "$here/../support/cached-build.sh"
key=$( (go version; cat "$0" "$here/../support/cached-build.sh" "$here/tool/go.mod" "$here/tool/go.sum") | sha256sum | cut -c1-16)
cached_build_begin ingress-gce "$key"
mkdir -p "$work/bin"

log "ensure-gke-crds"
(cd "$here/tool" && go build -trimpath -ldflags "-s -w" -o "$work/bin/ensure-gke-crds" .)

go version -m "$work/bin/ensure-gke-crds" | grep -E '^\s(path|dep\s+k8s\.io/ingress-gce)\s' >&2
cached_build_end
