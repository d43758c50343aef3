#!/usr/bin/env bash
# Starts a throwaway Moneta silo on a free loopback port and runs the independent Node partner against it.
#
#   tests/interop/run.sh <path to built Moneta.Silo.dll>
#
# e.g. after `dotnet build src/Silo`: tests/interop/run.sh src/Silo/bin/Debug/net10.0/Moneta.Silo.dll
# The partner's output is passed through; its last line is "N passed, M failed" and its exit status is ours.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 <path to built Moneta.Silo.dll>" >&2
  exit 2
fi
if [[ ! -f "$1" ]]; then
  echo "no such file: $1 (build first: dotnet build src/Silo)" >&2
  exit 2
fi
dll="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

(cd "$here" && npm ci --silent --no-audit --no-fund --loglevel=error >/dev/null)

port="$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')"
url="http://127.0.0.1:$port"
admin_token="$(node -e 'console.log(require("crypto").randomBytes(20).toString("hex"))')"
data_dir="$(mktemp -d)"
log="$data_dir/silo.log"
silo_pid=""

# Stops the silo (SIGTERM, then SIGKILL after 5 s) and says so on stderr if it did not exit cleanly.
stop_silo() {
  [[ -n "$silo_pid" ]] || return 0
  local pid="$silo_pid" code=0
  silo_pid=""
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  # The braces keep bash's own "Aborted"/"Killed" job notice off our stderr.
  { wait "$pid"; } 2>/dev/null || code=$?
  if [[ $code -ne 0 && $code -ne 143 ]]; then
    echo "# note: Moneta exited with status $code when stopped; the end of its log:" >&2
    tail -n 15 "$log" | sed 's/^/#   /' >&2
  fi
}

cleanup() {
  stop_silo
  rm -rf "$data_dir"
}
trap cleanup EXIT

dotnet "$dll" \
  --environment Development \
  --urls "$url" \
  --Moneta:AdminToken="$admin_token" \
  --Moneta:Issuer="$url" \
  --Moneta:Storage:Sqlite:Path="$data_dir/moneta.db" \
  >"$log" 2>&1 &
silo_pid=$!

deadline=$((SECONDS + 60))
until curl -fsS -o /dev/null "$url/health" 2>/dev/null; do
  if ! kill -0 "$silo_pid" 2>/dev/null; then
    echo "Moneta exited before it was healthy; its log:" >&2
    cat "$log" >&2
    exit 1
  fi
  if (( SECONDS >= deadline )); then
    echo "Moneta was not healthy at $url/health within 60 s; its log:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.5
done

# The partner's output is buffered so that Moneta's log (on failure) goes first and the summary stays last.
status=0
node "$here/partner.mjs" --url "$url" --admin-token "$admin_token" >"$data_dir/partner.out" 2>&1 || status=$?
if [[ $status -ne 0 ]]; then
  echo "# partner failed; the last lines of Moneta's log:" >&2
  tail -n 40 "$log" | sed 's/^/#   /' >&2
fi
stop_silo
cat "$data_dir/partner.out"
exit "$status"
