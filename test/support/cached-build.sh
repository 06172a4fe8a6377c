# Sourced by the build scripts of the test tools (test/cluster/harness/build.sh, test/helm/build.sh,
# test/ingress-gce/build.sh): one output folder per key under ~/.cache/cdk-cockroachdb/<name>/, built at
# most once at a time and reused as is once complete. The last line a build prints is always the folder.
#
#   cached_build_begin <name> <key> [--rebuild]  sets $out, $work and $start; when $out is complete,
#                                                prints it and exits 0. --rebuild builds into a new
#                                                temporary folder instead (for the benchmark)
#   log <text>                                   a progress line with the seconds spent, on stderr
#   module_dir <module@version>                  downloads a module zip, prints its folder
#   cached_build_end                             records the time, marks $work complete, moves it to
#                                                $out and prints $out

cached_build_begin() {
  build_name=$1
  out="${XDG_CACHE_HOME:-$HOME/.cache}/cdk-cockroachdb/$1/$2"
  if [ "${3:-}" = "--rebuild" ]; then
    out=$(mktemp -d)
  else
    # One build per key at a time (CI's background build and a test run, say); the second finds it done.
    mkdir -p "$(dirname "$out")"
    exec 9>"$out.lock"
    flock 9
    if [ -f "$out/complete" ]; then
      echo "cached: $out" >&2
      echo "$out"
      exit 0
    fi
  fi
  start=$(date +%s)
  work=$(mktemp -d "$out.partial.XXXXXX")
  trap 'rm -rf "$work"' EXIT
}

log() { echo "[$build_name build $(( $(date +%s) - start ))s] $*" >&2; }

module_dir() {
  # Downloaded outside any module (an empty folder of the build's own, removed with it).
  local empty dir
  empty=$(mktemp -d "$work/empty.XXXXXX")
  dir=$(cd "$empty" && GOFLAGS= go mod download -json "$1" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  rmdir "$empty"
  [ -n "$dir" ] || { echo "could not download $1" >&2; exit 1; }
  echo "$dir"
}

cached_build_end() {
  local seconds=$(( $(date +%s) - start ))
  echo "$seconds" > "$work/build-seconds"
  touch "$work/complete"
  rm -rf "$out"
  mv "$work" "$out"
  trap - EXIT
  log "done in ${seconds}s"
  echo "$out"
}
