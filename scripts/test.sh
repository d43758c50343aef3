#!/usr/bin/env bash
# Runs every test Moneta has: build (warnings are errors), formatting check, the .NET suite (unit, end-to-end over
# loopback HTTP, several silos, kill -9 of a silo process, the SDK and the CLI, the Orleans Dashboard in a browser),
# the independent Node partner (tests/interop), and a third-party lint of the OpenAPI document (tests/openapi).
# Needs: the .NET 10 SDK, Node.js 20 with npm (registry access for `npm ci` and for DynamoDB Local's package),
# Java 17 (DynamoDB Local, started here for the DynamoDB tests) and Debian's chromium package for the dashboard's
# browser test (installed here with apt-get when missing). Last line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

configuration=Release
results=$(mktemp -d)
passed=0
failed=0

step() { printf '\n== %s\n' "$*"; }

step "build ($configuration)"
if ! dotnet build Moneta.sln -c "$configuration" -nologo -v minimal; then
  echo "0 passed, 1 failed"
  exit 1
fi

step "format check"
if dotnet format Moneta.sln --verify-no-changes --no-restore; then
  passed=$((passed + 1)); echo "ok - dotnet format leaves the tree unchanged"
else
  failed=$((failed + 1)); echo "not ok - dotnet format would change files"
fi

step "DynamoDB Local"
# The DynamoDB tests run against AWS's own engine. If it cannot start they fail (the fixture tries once more and
# reports why); they are never skipped.
export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local # DynamoDB Local takes any credentials
if dynamodb=$(scripts/dynamodb-local.sh start --owner $$); then
  eval "$dynamodb"
  echo "DynamoDB Local at $MONETA_DYNAMODB_URL"
  trap 'scripts/dynamodb-local.sh stop "$MONETA_DYNAMODB_PID"' EXIT
else
  echo "DynamoDB Local did not start; the DynamoDB tests will fail"
fi

step "Chromium"
# The dashboard's browser test drives Debian's Chromium with Playwright (a browser download does not work here).
if ! command -v chromium >/dev/null; then
  if [[ $(id -u) -eq 0 ]]; then apt_get=(apt-get); else apt_get=(sudo -n apt-get); fi
  "${apt_get[@]}" update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq chromium >/dev/null \
    || echo "Chromium could not be installed; the dashboard's browser test will fail"
fi
command -v chromium >/dev/null && chromium --version

step ".NET tests"
dotnet test tests/Moneta.Tests -c "$configuration" --no-build -nologo \
  --logger "trx;LogFileName=moneta.trx" --logger "console;verbosity=normal" --results-directory "$results"
trx="$results/moneta.trx"
if [[ -f "$trx" ]]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  dotnet_passed=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")
  dotnet_total=$(sed -E 's/.* total="([0-9]+)".*/\1/' <<<"$counters")
  passed=$((passed + dotnet_passed))
  failed=$((failed + dotnet_total - dotnet_passed))
else
  echo "not ok - the .NET test run produced no results"
  failed=$((failed + 1))
fi

step "interop: a Node partner built from docs/protocol.md"
interop_log="$results/interop.log"
tests/interop/run.sh "src/Silo/bin/$configuration/net10.0/Moneta.Silo.dll" 2>&1 | tee "$interop_log"
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$interop_log" | tail -1)
if [[ -n "$summary" ]]; then
  passed=$((passed + $(cut -d' ' -f1 <<<"$summary")))
  failed=$((failed + $(cut -d' ' -f3 <<<"$summary")))
else
  echo "not ok - the interop partner did not report"
  failed=$((failed + 1))
fi

step "OpenAPI: the document a silo serves, linted by Redocly CLI"
openapi_log="$results/openapi.log"
tests/openapi/run.sh "src/Silo/bin/$configuration/net10.0/Moneta.Silo.dll" 2>&1 | tee "$openapi_log"
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$openapi_log" | tail -1)
if [[ -n "$summary" ]]; then
  passed=$((passed + $(cut -d' ' -f1 <<<"$summary")))
  failed=$((failed + $(cut -d' ' -f3 <<<"$summary")))
else
  echo "not ok - the OpenAPI lint did not report"
  failed=$((failed + 1))
fi

[[ -f artifacts/dashboard/contract-grain.png ]] && echo "the dashboard as the browser test saw it: artifacts/dashboard/contract-grain.png"

if [[ -f "$trx" ]]; then
  # Repeated at the end so that the failures are in the last lines a CI log shows.
  grep -o 'testName="[^"]*"[^>]*outcome="Failed"' "$trx" | sed -E 's/testName="([^"]*)".*/not ok - \1/' || true
fi

echo
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
