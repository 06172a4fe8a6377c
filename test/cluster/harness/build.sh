#!/usr/bin/env bash
# Builds the real control plane of the cluster tests from the Go module proxy, with pinned versions:
#   etcd                     go.etcd.io/etcd/server/v3 v3.7.3 (embed), a small main in etcd/
#   kube-apiserver           k8s.io/kubernetes v1.37.2, staging modules pinned to v0.37.2 (kube/go.mod)
#   kube-controller-manager  the same
#   cert-manager-controller  github.com/cert-manager/cert-manager v1.21.2 controllers, a small main in
#                            cert-manager/ (the upstream cmd/controller module is not served; no webhook)
#   CRDs                     cert-manager's deploy/crds and prometheus-operator v0.85.0's
#                            example/prometheus-operator-crd, from the module zips
#
# Output: ${XDG_CACHE_HOME:-~/.cache}/cdk-cockroachdb/harness/<key>/{bin,crds}, where <key> is a digest of
# this folder's sources and the Go version. A complete output is reused as is (it prints "cached"); the
# last line printed is always the output folder. Cold: about 25 minutes on 2 cores; with Go's build cache
# (~/.cache/go-build) warm: about 2 minutes.
#
#   bash test/cluster/harness/build.sh            build what is missing, print the folder
#   bash test/cluster/harness/build.sh --rebuild  build again into a new temporary folder (for the benchmark)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export GOTOOLCHAIN=local GOFLAGS=-mod=readonly CGO_ENABLED=0

K8S_VERSION=v1.37.2
PROMETHEUS_OPERATOR=github.com/prometheus-operator/prometheus-operator@v0.85.0

# shellcheck source=../../support/cached-build.sh
. "$here/../../support/cached-build.sh"
key=$( (go version; cat "$0" "$here/../../support/cached-build.sh"; cd "$here" && find etcd kube cert-manager -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) | LC_ALL=C sort | xargs cat) | sha256sum | cut -c1-16)
cached_build_begin harness "$key" "${1:-}"
mkdir -p "$work/bin" "$work/crds/cert-manager" "$work/crds/prometheus-operator"

# The version kube-apiserver reports (kubectl version, discovery); without it, v0.0.0-master.
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=37 -X $pkg.gitTreeState=clean"
done

log "etcd"
(cd "$here/etcd" && go build -trimpath -ldflags '-s -w' -o "$work/bin/etcd" .)
log "cert-manager controller"
(cd "$here/cert-manager" && go build -trimpath -ldflags '-s -w' -o "$work/bin/cert-manager-controller" .)
log "kube-apiserver and kube-controller-manager (the long part)"
(cd "$here/kube" && go build -trimpath -ldflags "$ldflags" -o "$work/bin/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager)

log "CRDs"
cm_dir=$(cd "$here/cert-manager" && go list -m -f '{{.Dir}}' github.com/cert-manager/cert-manager)
cp "$cm_dir"/deploy/crds/*.yaml "$work/crds/cert-manager/"
po_dir=$(module_dir "$PROMETHEUS_OPERATOR")
cp "$po_dir"/example/prometheus-operator-crd/*.yaml "$work/crds/prometheus-operator/"
chmod -R u+w "$work/crds"

"$work/bin/kube-apiserver" --version >&2
cached_build_end
