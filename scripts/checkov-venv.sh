#!/usr/bin/env bash
# Installs checkov (PyPI, pinned) into a Python virtualenv cached under ~/.cache, once; prints the
# virtualenv's path on stdout. A virtualenv that is complete (its marker file written after the install
# succeeded) is reused as it is: no pip call, no network. One left half-built is removed and built again.
# The pins: test/checkov/requirements.txt (checkov and every package it pulls in, exact versions); the
# folder's name carries checkov's version and a hash of that file, so a change of pins builds a new one.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=test/checkov/requirements.txt
version=$(sed -n 's/^checkov==\([^ ;]*\).*/\1/p' "$requirements")
[ -n "$version" ] || { echo "$requirements pins no checkov version" >&2; exit 1; }
hash=$(sha256sum "$requirements" | cut -c1-12)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/cdk-cockroachdb
venv=$cache/checkov-venv-$version-$hash
marker=$venv/.installed
# Complete, and its interpreter still runs (a virtualenv points at the Python that made it).
if [ ! -f "$marker" ] || ! "$venv/bin/python" -c '' 2>/dev/null; then
  rm -rf "$venv"
  mkdir -p "$cache"
  started=$(date +%s)
  echo "checkov $version: installing into $venv" >&2
  python3 -c 'import ensurepip' 2>/dev/null || { echo "python3 cannot make a virtualenv: install python3-venv" >&2; exit 1; }
  python3 -m venv "$venv"
  # --no-deps: the file pins every package, so pip resolves nothing and installs exactly that set. pip's
  # temporary files in a folder of our own, removed here (the CI step's TMPDIR must end empty).
  pip_tmp=$(mktemp -d)
  TMPDIR=$pip_tmp "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$requirements" >&2
  TMPDIR=$pip_tmp CKV_SKIP_PACKAGE_UPDATE_CHECK=true "$venv/bin/checkov" --version >/dev/null
  rm -rf "$pip_tmp"
  echo "$version" >"$marker"
  echo "checkov $version: installed in $(( $(date +%s) - started )) s" >&2
fi
echo "$venv"
