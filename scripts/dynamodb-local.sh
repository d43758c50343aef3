#!/usr/bin/env bash
# DynamoDB Local, AWS's own engine, for development and tests. It ships inside the npm package
# amplify-dynamodb-simulator (emulator/DynamoDBLocal.jar with its native libraries) and runs on Java 17.
#
#   scripts/dynamodb-local.sh install              fetch the pinned version into the cache (idempotent)
#   scripts/dynamodb-local.sh start [--owner PID]  start it in memory on a free loopback port; prints
#                                                  "export MONETA_DYNAMODB_URL=http://127.0.0.1:PORT" and
#                                                  "export MONETA_DYNAMODB_PID=PID" (use with eval). With --owner,
#                                                  it stops by itself when that process is gone.
#   scripts/dynamodb-local.sh stop PID             stop the instance started with that pid
#
# Cache: $MONETA_CACHE_DIR (default ~/.cache/moneta), outside the repository. Needs java and npm.
set -euo pipefail

version=2.9.30
cache="${MONETA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/moneta}/dynamodb-local/$version"

install() {
  [[ -f "$cache/DynamoDBLocal.jar" ]] && return 0
  command -v npm >/dev/null || { echo "dynamodb-local: npm is needed to fetch amplify-dynamodb-simulator" >&2; exit 1; }
  local work
  work=$(mktemp -d)
  # npm pack fetches the tarball alone (none of the wrapper's JavaScript dependencies are needed).
  (cd "$work" && npm pack --silent "amplify-dynamodb-simulator@$version" >/dev/null)
  tar -xzf "$work"/amplify-dynamodb-simulator-"$version".tgz -C "$work"
  [[ -f "$work/package/emulator/DynamoDBLocal.jar" ]] || { echo "dynamodb-local: the package has no emulator/DynamoDBLocal.jar" >&2; exit 1; }
  mkdir -p "$(dirname "$cache")"
  rm -rf "$cache.partial"
  mv "$work/package/emulator" "$cache.partial"
  mv "$cache.partial" "$cache" # atomic: a concurrent reader sees all of it or nothing
  rm -rf "$work"
}

# A random port nothing answers on; if something takes it before Java does, start tries another.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

start() {
  local owner=""
  [[ "${1:-}" == "--owner" ]] && owner="$2"
  command -v java >/dev/null || { echo "dynamodb-local: java (17 or later) is needed" >&2; exit 1; }
  install
  local log_dir="${TMPDIR:-/tmp}/moneta-dynamodb-local"
  mkdir -p "$log_dir"
  for _ in 1 2 3 4 5; do
    local port pid log
    port=$(free_port)
    log="$log_dir/$port.log"
    # setsid and no inherited stdout: the caller's pipes close when this script ends, not when Java does.
    # The log folder is its working folder: the engine drops a metadata file there, never in the repository.
    (cd "$log_dir" && exec setsid java -Xmx512m -Djava.library.path="$cache/DynamoDBLocal_lib" -jar "$cache/DynamoDBLocal.jar" \
      -inMemory -sharedDb -disableTelemetry -port "$port" </dev/null >"$log" 2>&1) &
    pid=$!
    local deadline=$((SECONDS + 60))
    while ((SECONDS < deadline)) && kill -0 "$pid" 2>/dev/null; do
      # Any HTTP answer (400 for a request without an operation) means it is serving.
      if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
        if [[ -n "$owner" ]]; then
          (setsid bash -c "while kill -0 $owner 2>/dev/null && kill -0 $pid 2>/dev/null; do sleep 2; done; kill $pid 2>/dev/null" \
            </dev/null >/dev/null 2>&1 &)
        fi
        echo "export MONETA_DYNAMODB_URL=http://127.0.0.1:$port"
        echo "export MONETA_DYNAMODB_PID=$pid"
        return 0
      fi
      sleep 0.2
    done
    kill "$pid" 2>/dev/null || true
    echo "dynamodb-local: did not start on port $port (log: $log); trying another port" >&2
  done
  echo "dynamodb-local: could not start DynamoDB Local" >&2
  exit 1
}

stop() {
  local pid="${1:?usage: dynamodb-local.sh stop PID}"
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

case "${1:-}" in
  install) install ;;
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 install | start [--owner PID] | stop PID" >&2; exit 2 ;;
esac
