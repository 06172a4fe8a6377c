#!/usr/bin/env bash
# npm run test:mutation [-- <stryker options>]: StrykerJS over lib/ (stryker.config.mjs), incremental
# (test/mutation/incremental.json), then the score of every file against its threshold
# (scripts/mutation-score.js). The run's temporary files go to a folder of its own, removed after.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Traversable by others: the load tests start PostgreSQL as its own user.
chmod 755 "$tmp"
status=0
TMPDIR=$tmp node_modules/.bin/stryker run "$@" || status=$?
node scripts/mutation-score.js
exit "$status"
