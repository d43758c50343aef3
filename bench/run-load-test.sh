#!/usr/bin/env bash
# Starts a Release silo on 127.0.0.1 with a fresh SQLite file, runs bench/LoadGenerator against it, then stops
# the silo it started (and nothing else). Prints the load summary and the silo's CPU and memory over the run.
#
#   bench/run-load-test.sh                      # 30 s measured, concurrency 32, 5 s warm-up
#   DURATION=60 CONCURRENCY=64 bench/run-load-test.sh
#
# Environment: PORT (5080), SILO_PORT (PORT + 20000, where the silo listens for other silos), DURATION (30), CONCURRENCY (32), WARMUP (5), DATA (/tmp/bench-data),
# ADMIN_TOKEN (random if unset), SILO_ARGS (more silo arguments, e.g. --Logging:LogLevel:Default=Warning),
# NO_BUILD=1 (run the silo and load generator as last built, e.g. to compare runs on the same binaries),
# LOAD_ARGS (more load generator arguments, e.g. --webhooks to register both parties' webhooks with it),
# PERF (a file: a perf CPU profile of the silo over the measured window, with DOTNET_PerfMapEnabled=1 set for the
# silo; see bench/profile.sh), SILO_SOURCE (another checkout to run the silo from, e.g. an older commit's worktree;
# the load generator is always this tree's; see bench/compare.sh), SILO_ENV (VAR=value pairs for the silo process
# only, e.g. "DOTNET_gcServer=0" to try a runtime setting), COUNTERS (a file: dotnet-counters' System.Runtime
# counters of the silo over the measured window, as CSV; needs dotnet-counters, see bench/profile.sh), ALLOCATIONS
# (a file: a dotnet-trace of the silo's allocation samples over the measured window, read by bench/AllocationReport).
# SEED (a SQLite file the silo starts from, copied: e.g. one grown to a million contracts by bench/grow-store.sh).
# Output files go to $DATA: silo.log, load.json.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-5080}
DURATION=${DURATION:-30}
CONCURRENCY=${CONCURRENCY:-32}
WARMUP=${WARMUP:-5}
DATA=${DATA:-/tmp/bench-data}
ADMIN_TOKEN=${ADMIN_TOKEN:-bench_$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')}
URL="http://127.0.0.1:${PORT}"

if curl -fsS "$URL/health" >/dev/null 2>&1; then
  echo "Something already answers on $URL; set PORT to a free one." >&2
  exit 1
fi

SILO_SOURCE=${SILO_SOURCE:-.}
echo "silo source: $(git -C "$SILO_SOURCE" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$SILO_SOURCE" diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted changes in src/')"
rm -rf "$DATA"
mkdir -p "$DATA"
if [[ -n "${SEED:-}" ]]; then
  sqlite3 "$SEED" ".backup '$DATA/moneta.db'"
  echo "store seeded from $SEED: $(sqlite3 "$DATA/moneta.db" "select count(*) from grains where grain_type = 'contract'") contracts"
fi
BUILD_FLAG=()
if [[ "${NO_BUILD:-0}" == 1 ]]; then
  BUILD_FLAG=(--no-build)
else
  dotnet build -c Release bench/LoadGenerator/Moneta.LoadGenerator.csproj -nologo -v q
fi

# The silo, exactly as a developer starts it; dotnet run builds it if needed and runs it as a child process.
env ${SILO_ENV:-} dotnet run -c Release "${BUILD_FLAG[@]}" --project "$SILO_SOURCE/src/Silo" -- --environment Development --urls "$URL" \
  "--Moneta:AdminToken=$ADMIN_TOKEN" "--Moneta:Storage:Sqlite:Path=$DATA/moneta.db" \
  "--Moneta:Cluster:SiloPort=${SILO_PORT:-$((PORT + 20000))}" --Moneta:Cluster:GatewayPort=0 ${SILO_ARGS:-} >"$DATA/silo.log" 2>&1 &
RUN_PID=$!

silo_pid() { pgrep -P "$RUN_PID" -f Moneta.Silo | head -n1; }
stop_silo() {
  local pid
  pid=$(silo_pid || true)
  if [[ -n "$pid" ]]; then kill -TERM "$pid" 2>/dev/null || true; fi
  for _ in $(seq 1 30); do kill -0 "$RUN_PID" 2>/dev/null || break; sleep 1; done
  kill -TERM "$RUN_PID" 2>/dev/null || true
  wait "$RUN_PID" 2>/dev/null || true
}
trap stop_silo EXIT

for _ in $(seq 1 180); do
  curl -fsS "$URL/health" >/dev/null 2>&1 && break
  kill -0 "$RUN_PID" 2>/dev/null || { echo "The silo exited; see $DATA/silo.log" >&2; exit 1; }
  sleep 1
done
curl -fsS "$URL/health" >/dev/null || { echo "The silo did not become healthy; see $DATA/silo.log" >&2; exit 1; }

SILO_PID=$(silo_pid)
ticks() { awk '{ print $14 + $15 }' "/proc/$SILO_PID/stat"; }
HZ=$(getconf CLK_TCK)
machine() { head -n1 /proc/stat; }
rss_mb() { awk -v k="$1" '$1 == k":" { printf "%.0f", $2 / 1024 }' "/proc/$SILO_PID/status"; }
rss_before=$(rss_mb VmRSS)
cpu_before=$(ticks)
machine_before=$(machine)
started=$(date +%s.%N)

if [[ -n "${PERF:-}" ]]; then
  (sleep "$WARMUP" && perf record -e cpu-clock -F 499 -g -p "$SILO_PID" -o "$PERF" -- sleep "$DURATION" >"$DATA/perf.log" 2>&1) &
  PROFILER_PID=$!
fi

if [[ -n "${COUNTERS:-}" ]]; then
  (sleep "$WARMUP" && dotnet-counters collect -p "$SILO_PID" --counters System.Runtime --format csv -o "$COUNTERS" \
    --duration "00:00:00:$DURATION" >"$DATA/counters.log" 2>&1) &
  COUNTERS_PID=$!
fi

if [[ -n "${ALLOCATIONS:-}" ]]; then
  # The runtime's GC keyword (0x1) at verbose level (5): an AllocationTick event, with its stack, per ~100 KB allocated.
  (sleep "$WARMUP" && dotnet-trace collect -p "$SILO_PID" --providers Microsoft-Windows-DotNETRuntime:0x1:5 -o "$ALLOCATIONS" \
    --duration "00:00:00:$DURATION" >"$DATA/allocations.log" 2>&1) &
  ALLOCATIONS_PID=$!
fi

status=0
dotnet bench/LoadGenerator/bin/Release/net10.0/Moneta.LoadGenerator.dll --url "$URL" --admin-token "$ADMIN_TOKEN" \
  --duration "$DURATION" --concurrency "$CONCURRENCY" --warmup "$WARMUP" --json "$DATA/load.json" --silo-pid "$SILO_PID" ${LOAD_ARGS:-} || status=$?

if [[ -n "${PROFILER_PID:-}" ]]; then wait "$PROFILER_PID"; fi
if [[ -n "${COUNTERS_PID:-}" ]]; then wait "$COUNTERS_PID"; fi
if [[ -n "${ALLOCATIONS_PID:-}" ]]; then wait "$ALLOCATIONS_PID"; fi
cpu_after=$(ticks)
machine_after=$(machine)
ended=$(date +%s.%N)
awk -v b="$cpu_before" -v a="$cpu_after" -v hz="$HZ" -v s="$started" -v e="$ended" \
  'BEGIN { printf "silo CPU: %.1f s over %.1f s of load = %.2f cores (warm-up included)\n", (a-b)/hz, e-s, (a-b)/hz/(e-s) }'
# /proc/stat: user nice system idle iowait irq softirq steal; every process on the machine, this run's and others'.
printf '%s\n%s\n' "$machine_before" "$machine_after" | awk '
  { for (i = 2; i <= 9; i++) v[NR, i] = $i }
  END {
    for (i = 2; i <= 9; i++) { d[i] = v[2, i] - v[1, i]; t += d[i] }
    printf "machine CPU: user %.0f%%, system %.0f%%, softirq %.0f%%, iowait %.0f%%, steal %.0f%%, idle %.0f%%\n",
      100 * (d[2] + d[3]) / t, 100 * d[4] / t, 100 * (d[7] + d[8]) / t, 100 * d[6] / t, 100 * d[9] / t, 100 * d[5] / t
  }'
# Peak resident memory over the silo's life (VmHWM), and what it holds once the load has ended.
echo "silo memory: $rss_before MB resident before the load, peak $(rss_mb VmHWM) MB, $(rss_mb VmRSS) MB after it"
if [[ -n "${COUNTERS:-}" && -s "$COUNTERS" ]]; then python3 bench/counters-summary.py "$COUNTERS" "$DATA/load.json"; fi
if [[ -n "${ALLOCATIONS:-}" && -s "$ALLOCATIONS" ]]; then
  steps=$(python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); print(s["requests_per_second"] * s["duration_seconds"])' "$DATA/load.json")
  dotnet bench/AllocationReport/bin/Release/net10.0/Moneta.AllocationReport.dll "$ALLOCATIONS" "$steps" >"$DATA/allocations.txt" && head -n 40 "$DATA/allocations.txt"
fi
echo "silo errors logged: $(grep -c -E '^(fail|crit):' "$DATA/silo.log" || true) (see $DATA/silo.log)"
exit "$status"
