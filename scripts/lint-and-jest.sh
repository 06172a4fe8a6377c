#!/usr/bin/env bash
# `npm run lint` (ESLint) and jest side by side (ESLint leaves one core mostly idle; jest's end-to-end
# tests wait on subprocesses), then fail if either failed. Extra arguments go to jest.
set -u
cd "$(dirname "$0")/.."
lint_log=$(mktemp)
npm run -s lint >"$lint_log" 2>&1 &
lint_pid=$!
node_modules/.bin/jest "$@"
jest_status=$?
wait "$lint_pid"
lint_status=$?
if [ "$lint_status" -ne 0 ]; then
  echo "ESLint failed:" >&2
  cat "$lint_log" >&2
fi
rm -f "$lint_log"
[ "$jest_status" -eq 0 ] && [ "$lint_status" -eq 0 ]
