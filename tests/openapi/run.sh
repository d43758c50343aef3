#!/usr/bin/env bash
# Lints the OpenAPI document a real silo serves with a third-party linter (Redocly CLI, pinned in package-lock.json).
#   tests/openapi/run.sh path/to/Moneta.Silo.dll
# Starts the silo in Development (so the sandbox routes are in the document too) on a free loopback port with its
# own data, fetches /openapi/v1.json, stops the silo, and lints. Last line: "N passed, N failed".
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
silo_dll="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
work=$(mktemp -d)
trap 'kill "$silo_pid" 2>/dev/null; rm -rf "$work"' EXIT

port="$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')"
(cd "$work" && exec dotnet "$silo_dll" --environment Development --urls "http://127.0.0.1:$port" \
  --Moneta:AdminToken=openapi-lint-admin-token-0123456789abcdef >"$work/silo.log" 2>&1) &
silo_pid=$!

for _ in $(seq 120); do
  curl -sf "http://127.0.0.1:$port/openapi/v1.json" -o "$work/openapi.json" && break
  kill -0 "$silo_pid" 2>/dev/null || break
  sleep 0.5
done
if [[ ! -s "$work/openapi.json" ]]; then
  echo "not ok - the silo did not serve /openapi/v1.json"; cat "$work/silo.log"
  echo "0 passed, 1 failed"; exit 1
fi

cd "$here"
if ! npm ci --no-audit --no-fund --silent; then
  echo "not ok - npm ci failed"; echo "0 passed, 1 failed"; exit 1
fi
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
if node_modules/.bin/redocly lint --config redocly.yaml "$work/openapi.json"; then
  echo "ok - the OpenAPI document passes Redocly's recommended rules"; echo "1 passed, 0 failed"
else
  echo "not ok - the OpenAPI document fails Redocly's recommended rules"; echo "0 passed, 1 failed"; exit 1
fi
