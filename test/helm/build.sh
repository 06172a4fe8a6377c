#!/usr/bin/env bash
# Builds the Helm CLI and fetches the official CockroachDB chart, both from the Go module proxy (the
# machine reaches no Helm repository and no GitHub), with pinned versions:
#   helm         helm.sh/helm/v3 v3.19.0 cmd/helm (tool/go.mod)
#   cockroachdb  the chart folder of github.com/cockroachdb/helm-charts at CHART_MODULE (chart 22.0.3,
#                appVersion 26.3.1); the proxy serves this pseudo-version and refuses others
#
# Output: ${XDG_CACHE_HOME:-~/.cache}/cdk-cockroachdb/helm/<key>/{bin/helm,cockroachdb}, where <key> is a
# digest of this script, tool/go.mod, tool/go.sum and the Go version. A complete output is reused as is
# (it prints "cached"); the last line printed is always the output folder. Cold: about 5 minutes on 2
# cores; with Go's build cache (~/.cache/go-build) warm: a few seconds.
#
#   bash test/helm/build.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export GOTOOLCHAIN=local GOFLAGS=-mod=readonly CGO_ENABLED=0

HELM_VERSION=v3.19.0
CHART_MODULE=github.com/cockroachdb/helm-charts@v0.0.0-20260828131910-3f65257a73c7

# shellcheck source=../support/cached-build.sh
. "$here/../support/cached-build.sh"
key=$( (go version; cat "$0" "$here/../support/cached-build.sh" "$here/tool/go.mod" "$here/tool/go.sum") | sha256sum | cut -c1-16)
cached_build_begin helm "$key"
mkdir -p "$work/bin"

# What Helm's own release build stamps (its Makefile): without the version, `helm version` says v3.19;
# without the Kubernetes version, `helm template` assumes 1.20 (the tests pass --kube-version anyway).
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
ldflags+=" -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
client_go=$(cd "$here/tool" && go list -m -f '{{.Version}}' k8s.io/client-go)   # v0.34.0 -> Kubernetes 1.34
ldflags+=" -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1"
ldflags+=" -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$(echo "$client_go" | cut -d. -f2)"

log "helm"
(cd "$here/tool" && go build -trimpath -ldflags "$ldflags" -o "$work/bin/helm" helm.sh/helm/v3/cmd/helm)

log "chart"
chart_dir=$(module_dir "$CHART_MODULE")
# The module cache is read-only; helm only reads the chart, but a copy we own is removable with the rest.
cp -R "$chart_dir/cockroachdb" "$work/cockroachdb"
chmod -R u+w "$work/cockroachdb"

"$work/bin/helm" version >&2
"$work/bin/helm" show chart "$work/cockroachdb" | grep -E '^(version|appVersion):' >&2
cached_build_end
