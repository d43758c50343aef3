#!/usr/bin/env bash
# Several silo processes on one store, loaded round-robin, optionally with one of them killed (SIGKILL) during the
# measured window and started again: the production cluster's throughput, its storage requests per contract, and its
# failover window. Prints the load summary, DynamoDB requests per contract (each silo's /metrics, before and after),
# and, with a kill, when requests failed or had to be re-sent to another silo, relative to the kill.
#
#   bench/run-cluster-load.sh                                  # 3 silos on DynamoDB Local, 30 s measured
#   SILOS=1 bench/run-cluster-load.sh                          # the same with one silo
#   STORE=Sqlite SILOS=3 bench/run-cluster-load.sh             # SQLite file and membership, for comparison
#   KILL_AT=20 RESTART_AFTER=15 DURATION=60 bench/run-cluster-load.sh   # failover: kill silo 2 at 20 s of the window
#
# Environment: SILOS (3), STORE (DynamoDB | Sqlite), DURATION (30), WARMUP (30), CONCURRENCY (32), PORT (5400; silo i
# listens on PORT+i), KILL_AT (seconds into the measured window; empty: no kill), RESTART_AFTER (seconds after the kill;
# empty: not restarted), DATA (/tmp/bench-cluster), NO_BUILD=1, LOAD_ARGS, SILO_ARGS. With STORE=DynamoDB it uses
# MONETA_DYNAMODB_URL or starts DynamoDB Local (scripts/dynamodb-local.sh) for the run. Failure detection is
# production's (src/Silo/appsettings.json): the measured window is the one Fargate would see.
set -euo pipefail
cd "$(dirname "$0")/.."

SILOS=${SILOS:-3} STORE=${STORE:-DynamoDB} DURATION=${DURATION:-30} WARMUP=${WARMUP:-30} CONCURRENCY=${CONCURRENCY:-32}
PORT=${PORT:-5400} DATA=${DATA:-/tmp/bench-cluster} KILL_AT=${KILL_AT:-} RESTART_AFTER=${RESTART_AFTER:-}
ADMIN_TOKEN=bench_$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
ISSUER=http://moneta.bench
rm -rf "$DATA" && mkdir -p "$DATA"

if [[ "${NO_BUILD:-0}" != 1 ]]; then
  dotnet build -c Release src/Silo -nologo -v q
  dotnet build -c Release bench/LoadGenerator/Moneta.LoadGenerator.csproj -nologo -v q
fi

store_args=(--Moneta:Cluster:Membership=Sqlite)
if [[ $STORE == DynamoDB ]]; then
  export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-local} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-local}
  if [[ -z "${MONETA_DYNAMODB_URL:-}" ]]; then
    eval "$(scripts/dynamodb-local.sh start --owner $$)"
    echo "DynamoDB Local at $MONETA_DYNAMODB_URL"
  fi
  store_args=(--Moneta:Cluster:Membership=DynamoDB --Moneta:Storage:Provider=DynamoDB
    "--Moneta:Storage:DynamoDB:ServiceUrl=$MONETA_DYNAMODB_URL" --Moneta:Storage:DynamoDB:CreateTables=true
    "--Moneta:Storage:DynamoDB:TablePrefix=bench$$_")
fi
[[ $SILOS -eq 1 && $STORE == Sqlite ]] && store_args=()

declare -a pids
start_silo() {
  local i=$1
  dotnet src/Silo/bin/Release/net10.0/Moneta.Silo.dll --environment Development --urls "http://127.0.0.1:$((PORT + i))" \
    "--Moneta:Issuer=$ISSUER" "--Moneta:AdminToken=$ADMIN_TOKEN" "--Moneta:Signing:KeyFile=$DATA/moneta-signing-key.jwk.json" \
    "--Moneta:Storage:Sqlite:Path=$DATA/moneta.db" "--Moneta:Cluster:SiloPort=$((PORT + 20000 + i))" --Moneta:Cluster:GatewayPort=0 \
    --Logging:LogLevel:Default=Warning "${store_args[@]}" ${SILO_ARGS:-} >>"$DATA/silo-$i.log" 2>&1 &
  pids[i]=$!
}
wait_healthy() {
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$((PORT + $1))/health" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "silo $1 did not become healthy; see $DATA/silo-$1.log" >&2
  return 1
}
stop_all() {
  # A silo started again after the kill is the killer's child: its pid is in a file.
  [[ -f "$DATA/restarted-pid" ]] && pids+=("$(cat "$DATA/restarted-pid")")
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done; done
}
trap stop_all EXIT

# The first silo writes the signing key file the others read.
start_silo 0 && wait_healthy 0
for ((i = 1; i < SILOS; i++)); do start_silo "$i"; done
for ((i = 1; i < SILOS; i++)); do wait_healthy "$i"; done
for _ in $(seq 1 120); do
  active=$(curl -fsS -H "Authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:$PORT/api/v1/admin/cluster" 2>/dev/null | grep -o '"status":"active"' | wc -l || true)
  [[ $active -ge $SILOS ]] && break
  sleep 0.5
done
echo "cluster: $SILOS silos ($STORE), $active active"

# DynamoDB requests counted by every silo (Prometheus scrape, operators only).
dynamodb_requests() {
  local total=0 i n
  for ((i = 0; i < SILOS; i++)); do
    n=$(curl -fsS -H "Authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:$((PORT + i))/metrics" 2>/dev/null |
      awk '/^moneta_storage_dynamodb_requests_total/ { s += $NF } END { printf "%d", s }' || echo 0)
    total=$((total + ${n:-0}))
  done
  echo "$total"
}
requests_before=$(dynamodb_requests)

urls=()
for ((i = 0; i < SILOS; i++)); do urls+=(--url "http://127.0.0.1:$((PORT + i))"); done
if [[ -n $KILL_AT ]]; then
  (
    sleep "$((WARMUP + KILL_AT))"
    kill -KILL "${pids[1]}"
    date +%s.%N >"$DATA/killed-at"
    echo "killed silo 1 (pid ${pids[1]})"
    if [[ -n $RESTART_AFTER ]]; then
      sleep "$RESTART_AFTER"
      start_silo 1
      echo "${pids[1]}" >"$DATA/restarted-pid"
      date +%s.%N >"$DATA/restarted-at"
      echo "started silo 1 again"
    fi
  ) &
  killer=$!
fi

status=0
dotnet bench/LoadGenerator/bin/Release/net10.0/Moneta.LoadGenerator.dll "${urls[@]}" --admin-token "$ADMIN_TOKEN" \
  --duration "$DURATION" --concurrency "$CONCURRENCY" --warmup "$WARMUP" --json "$DATA/load.json" \
  --timeline "$DATA/timeline.json" ${LOAD_ARGS:-} || status=$?
if [[ -n ${killer:-} ]]; then wait "$killer"; fi

if [[ $STORE == DynamoDB ]]; then
  # Counted over the whole run (warm-up included), against the contracts of the whole run; a killed silo's count is lost.
  requests=$(($(dynamodb_requests) - requests_before))
  contracts=$(python3 -c 'import json, sys; print(sum(b["ok"] for b in json.load(open(sys.argv[1]))["buckets"]) // 2)' "$DATA/timeline.json")
  echo "DynamoDB requests: $requests over $contracts contracts, $(python3 -c "print(round($requests / max(1, $contracts), 1))") per contract"
  # By purpose (the store's counter tags each request, since each silo started), summed over the silos still up.
  for ((i = 0; i < SILOS; i++)); do
    curl -fsS -H "Authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:$((PORT + i))/metrics" 2>/dev/null || true
  done | awk -v contracts="$contracts" '/^moneta_storage_dynamodb_requests_total/ {
      match($0, /purpose="[^"]*"/); purpose = substr($0, RSTART + 9, RLENGTH - 10); n[purpose] += $NF }
    END { for (p in n) printf "  %-14s %6.2f per contract\n", p, n[p] / (contracts > 0 ? contracts : 1) }' | sort -k2 -rn
fi

if [[ -n $KILL_AT && -f "$DATA/killed-at" ]]; then
  python3 - "$DATA" <<'PY'
import json, sys
data = sys.argv[1]
timeline = json.load(open(f"{data}/timeline.json"))
started = timeline["started_at_unix_ms"] / 1000
killed = float(open(f"{data}/killed-at").read()) - started
buckets = timeline["buckets"]
step = timeline["bucket_ms"] / 1000
bad = [b for b in buckets if b["at_ms"] / 1000 >= killed - step and (b["failed"] or b["resent"])]
# The first stretch with no answer that begins within 2 s of the kill: requests held by grains of the dead silo.
stalled, counting = 0.0, False
for b in buckets:
    at = b["at_ms"] / 1000
    if at < killed - step: continue
    if b["ok"] == 0 and (counting or at <= killed + 2): counting, stalled = True, stalled + step
    elif counting: break
print(f"silo 1 killed {killed:.1f} s into the load generator's run; no request answered for {stalled:.1f} s after it")
if not bad:
    print("failover: no request failed or had to be re-sent")
else:
    first, last = bad[0]["at_ms"] / 1000, bad[-1]["at_ms"] / 1000 + step
    failed, resent = sum(b["failed"] for b in bad), sum(b["resent"] for b in bad)
    print(f"failover: requests failed or were re-sent from {first - killed:+.1f} s to {last - killed:+.1f} s after the kill "
          f"({failed} failed, {resent} re-sent to another silo)")
PY
fi
exit "$status"
