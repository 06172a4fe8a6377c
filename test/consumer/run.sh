#!/usr/bin/env bash
# The consumer test: the package as a user gets it. A clean copy of the working tree (the files git tracks
# or would track, so no build/) is packed with `npm pack`, whose `prepare` script builds it; the tarball is
# installed into a fresh project, first without cdktf (a Kubernetes-only user), then with it. Apps written
# against the public API only are type-checked under each module resolution a consumer may use (node10,
# which the tsconfig of `cdk8s init typescript-app` and of `cdktf init --template typescript` get; node16;
# nodenext; bundler), run, and their output checked.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
started=$SECONDS
passed=0
failed=0
check() { if eval "$2"; then passed=$((passed + 1)); echo "ok: $1"; else failed=$((failed + 1)); echo "FAILED: $1"; fi; }
version() { node -p "require('$root/package.json').devDependencies['$1']"; }
install() { npm install --no-audit --no-fund --prefer-offline --loglevel=error "$@" >/dev/null; }

# The clean tree, packed: what `npm pack` in a fresh clone (devDependencies installed) ships. Files only:
# not a file deleted from the working tree, nor a node_modules that is a symbolic link (not ignored then).
mkdir "$work/tree"
(cd "$root" && git ls-files -z -co --exclude-standard | while IFS= read -r -d '' f; do [ ! -f "$f" ] || printf '%s\0' "$f"; done) |
  (cd "$root" && xargs -0 cp --parents -t "$work/tree")
ln -s "$root/node_modules" "$work/tree/node_modules"
if ! (cd "$work/tree" && npm pack --pack-destination "$work" >"$work/pack.log" 2>&1); then
  cat "$work/pack.log" >&2
  exit 1
fi
tarball=$(cd "$work" && echo cdk-cockroachdb-*.tgz)
tar -tzf "$work/$tarball" >"$work/contents"
ships() { for f in "$@"; do grep -qxF "package/$f" "$work/contents" || return 1; done; }
check "npm pack builds the clean tree: the three entries (JavaScript and declarations) and the load bundle ship" \
  "ships build/lib/index.js build/lib/index.d.ts build/lib/k8s/index.js build/lib/k8s/index.d.ts build/lib/gcp/index.js build/lib/gcp/index.d.ts build/assets/books-load.js"
check "the tarball holds no tests and no apps" "! grep -qE '^package/(test|apps|build/apps)/' '$work/contents'"

# A Kubernetes-only project: the tarball, cdk8s and TypeScript; npm installs neither optional peer.
mkdir "$work/app"
cd "$work/app"
echo '{ "name": "consumer", "private": true }' >package.json
install "$work/$tarball" "cdk8s@$(version cdk8s)" "cdk8s-plus-28@$(version cdk8s-plus-28)" "constructs@$(version constructs)" \
  "typescript@$(version typescript)" "@types/node@$(version @types/node)"
cp "$here/k8s-app.ts" "$here/gcp-app.ts" "$here/root-app.ts" .
tsc=node_modules/.bin/tsc
check "npm installed neither optional peer" "test ! -e node_modules/cdktf && test ! -e node_modules/@cdktf/provider-google"
check "without cdktf: require('cdk-cockroachdb/k8s') loads" \
  "node -e \"process.exit(typeof require('cdk-cockroachdb/k8s').CockroachCluster === 'function' ? 0 : 1)\""
# The error an entry throws when loaded without cdktf: it names the Kubernetes entry and what to install, not
# a module Node could not find.
load_error() { node -e "try { require('$1') } catch (e) { console.log(e.message); process.exit(0) } process.exit(1)" 2>&1 | tee "$work/error"; }
clear_error() {
  grep -qF "'cdk-cockroachdb/k8s'" "$work/error" && grep -qF 'npm install cdktf @cdktf/provider-google' "$work/error" &&
    ! grep -q 'Cannot find module' "$work/error"
}
for entry in cdk-cockroachdb cdk-cockroachdb/gcp; do
  check "without cdktf: require('$entry') fails, saying what to install or import instead" \
    "load_error $entry | sed 's/^/    /' && clear_error"
done
check "the tsconfig fixtures are the templates of the installed cdk8s-cli and cdktf-cli" \
  "cmp '$here/cdk8s-typescript-app.tsconfig.json' '$root/node_modules/cdk8s-cli/templates/typescript-app/tsconfig.json' && cmp '$here/cdktf-typescript.tsconfig.json' '$root/node_modules/cdktf-cli/bundle/templates/typescript/tsconfig.json'"
mkdir cdk8s-init
cp "$here/cdk8s-typescript-app.tsconfig.json" cdk8s-init/tsconfig.json
cp k8s-app.ts cdk8s-init/
check "cdk8s init typescript-app's tsconfig (node10): the cdk8s app type-checks without cdktf installed" \
  "$tsc -p cdk8s-init | sed 's/^/    /'"
check "and runs, its manifests written" \
  "node cdk8s-init/k8s-app.js cdk8s-init/dist | grep -q ordersdb-public.orders.svc.cluster.local && grep -q 'kind: StatefulSet' cdk8s-init/dist/orders.k8s.yaml"
# The README's own first program ("Using the construct in your own cdk8s app"), as a new user pastes it
# into the project `cdk8s init typescript-app` made: it compiles with that tsconfig, runs, and prints and
# writes what the README says.
mkdir readme-init
cp "$here/cdk8s-typescript-app.tsconfig.json" readme-init/tsconfig.json
node -e "const { blocks, README } = require('$root/scripts/readme-blocks.js'); const b = blocks(require('fs').readFileSync(README, 'utf8')).find((x) => x.lang === 'ts'); process.stdout.write(b.code)" > readme-init/main.ts
check "the README's first program type-checks with cdk8s init's tsconfig, without cdktf installed" \
  "grep -q \"from 'cdk-cockroachdb/k8s'\" readme-init/main.ts && $tsc -p readme-init | sed 's/^/    /'"
check "and runs as the README says: the hosts it prints, dist/db.k8s.yaml written" \
  "(cd readme-init && node main.js) > readme-init/out.txt && diff <(grep -o '// → .*' readme-init/main.ts | sed 's#// → ##') readme-init/out.txt && grep -q 'kind: StatefulSet' readme-init/dist/db.k8s.yaml"

# With cdktf: both halves, through the three entries, under each module resolution. One `tsc --build` for
# all the projects: they share the parsed declarations (about half the time of one tsc run each).
install "cdktf@$(version cdktf)" "@cdktf/provider-google@$(version @cdktf/provider-google)"
mkdir cdktf-init
cp "$here/cdktf-typescript.tsconfig.json" cdktf-init/tsconfig.json
cp gcp-app.ts cdktf-init/
declare -A module=(
  [node10]='"module": "commonjs", "moduleResolution": "node10"'
  [node16]='"module": "node16", "moduleResolution": "node16"'
  [nodenext]='"module": "nodenext", "moduleResolution": "nodenext"'
  [bundler]='"module": "preserve", "moduleResolution": "bundler"'
)
resolutions=(node10 node16 nodenext bundler)
projects=()
for resolution in "${resolutions[@]}"; do
  projects+=("tsconfig.$resolution.json")
  echo "{ \"compilerOptions\": { ${module[$resolution]}, \"strict\": true, \"skipLibCheck\": true, \"target\": \"es2022\", \"types\": [\"node\"], \"outDir\": \"out-$resolution\" }, \"files\": [\"k8s-app.ts\", \"gcp-app.ts\", \"root-app.ts\"] }" \
    >"tsconfig.$resolution.json"
done
if ! $tsc --build --verbose "${projects[@]}" cdktf-init >"$work/tsc.log" 2>&1; then
  grep -E 'Building project|error' "$work/tsc.log" | sed 's/^/    /' || true
fi
# Whether tsc built the project and reported no error in its part of the log.
compiled() {
  awk -v project="/$1'" '/Building project /{ current = index($0, project) > 0; if (current) seen = 1 }
    current && /error TS/{ failed = 1 } END { exit !(seen && !failed) }' "$work/tsc.log"
}
check "cdktf init --template typescript's tsconfig (node10): the cdktf app type-checks" "compiled cdktf-init/tsconfig.json"
check "and runs" "node cdktf-init/gcp-app.js cdktf-init/cdktf.out && test -f cdktf-init/cdktf.out/stacks/gke/cdk.tf.json"
for resolution in "${resolutions[@]}"; do
  out=out-$resolution
  check "$resolution: the apps type-check against the published declarations through the three entries" \
    "compiled tsconfig.$resolution.json"
  # TypeScript emits ES modules for a bundler: Node runs them as such.
  if [ "$resolution" = bundler ]; then mkdir -p "$out" && echo '{ "type": "module" }' >"$out/package.json"; fi
  check "$resolution: the compiled apps run, the cdk8s app without loading cdktf" \
    "node $out/k8s-app.js $out/k8s >$out/k8s.json && node $out/gcp-app.js $out/gcp && node $out/root-app.js $out/root && test -f $out/root/gcp/stacks/gke/cdk.tf.json"
done

# The output, from the node16 build.
cd out-node16
check "the cdk8s app's manifests hold the cluster, TLS, the SQL Job and the books load" \
  "grep -q 'ordersdb-public.orders.svc.cluster.local' k8s.json && grep -q 'kind: StatefulSet' k8s/orders.k8s.yaml && grep -q 'kind: Certificate' k8s/orders.k8s.yaml && grep -q 'GRANT ALL ON DATABASE' k8s/orders.k8s.yaml && grep -q 'name: ordersdb-books-load-' k8s/orders.k8s.yaml"
check "the cdktf app synthesizes both stacks" "test -f gcp/stacks/backups/cdk.tf.json && test -f gcp/stacks/gke/cdk.tf.json"
check "the IAM member names the namespace and ServiceAccount of the k8s app" \
  "grep -q 'serviceAccount:acme-orders-prod.svc.id.goog\[orders/ordersdb\]' gcp/stacks/gke/cdk.tf.json"
check "the root app writes both halves, the cluster's ServiceAccount annotated for the GKE stack's binding" \
  "grep -q 'iam.gke.io/gcp-service-account: crdb-backup@acme-orders-prod.iam.gserviceaccount.com' root/k8s/orders.k8s.yaml && grep -q 'orders/ordersdb' root/gcp/stacks/gke/cdk.tf.json"

echo "consumer test: $passed passed, $failed failed, $((SECONDS - started)) s"
[ "$failed" -eq 0 ]
