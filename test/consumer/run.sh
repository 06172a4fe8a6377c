#!/usr/bin/env bash
# The consumer test: `npm pack`, install the tarball into a fresh project next to its own cdk8s, cdktf and
# TypeScript, type-check and run a cdk8s app and a cdktf app that use only the public API, check the output.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
check() { if eval "$2"; then passed=$((passed + 1)); echo "ok: $1"; else failed=$((failed + 1)); echo "FAILED: $1"; fi; }

cd "$root"
tarball=$(npm pack --silent --pack-destination "$work" 2>/dev/null | tail -n 1)
version() { node -p "require('$root/package.json').devDependencies['$1']"; }
cd "$work"
echo '{ "name": "consumer", "private": true }' > package.json
npm install --no-audit --no-fund --prefer-offline --loglevel=error "./$tarball" \
  "cdk8s@$(version cdk8s)" "cdk8s-plus-28@$(version cdk8s-plus-28)" "constructs@$(version constructs)" \
  "cdktf@$(version cdktf)" "@cdktf/provider-google@$(version @cdktf/provider-google)" "typescript@$(version typescript)" "@types/node@$(version @types/node)" >/dev/null
cp "$root/test/consumer/k8s-app.ts" "$root/test/consumer/gcp-app.ts" .

check "the tarball holds no tests and no apps" "! tar -tzf '$tarball' | grep -qE 'package/(test|apps|build/apps)/'"
check "the apps type-check against the published .d.ts through the package exports" \
  "npx tsc --strict --skipLibCheck --module node16 --moduleResolution node16 --target es2022 --types node --outDir out k8s-app.ts gcp-app.ts"
check "the cdk8s app synthesizes" "node out/k8s-app.js dist > k8s.json"
check "without loading cdktf, with the manifests written" "grep -q 'ordersdb-public.orders.svc.cluster.local' k8s.json && grep -q 'kind: StatefulSet' dist/orders.k8s.yaml"
check "the manifests hold the cluster, TLS, the SQL Job and the books load" \
  "grep -q 'kind: Certificate' dist/orders.k8s.yaml && grep -q 'GRANT ALL ON DATABASE' dist/orders.k8s.yaml && grep -q 'name: ordersdb-books-load-' dist/orders.k8s.yaml"
check "the cdktf app synthesizes both stacks" "node out/gcp-app.js cdktf.out && test -f cdktf.out/stacks/backups/cdk.tf.json && test -f cdktf.out/stacks/gke/cdk.tf.json"
check "the IAM member names the namespace and ServiceAccount of the k8s app" \
  "grep -q 'serviceAccount:acme-orders-prod.svc.id.goog\[orders/ordersdb\]' cdktf.out/stacks/gke/cdk.tf.json"

echo "consumer test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
