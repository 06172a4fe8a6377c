//go:build tools

// Package tool pins the Helm CLI that test/helm/build.sh builds (go build helm.sh/helm/v3/cmd/helm).
package tool

import _ "helm.sh/helm/v3/cmd/helm"
