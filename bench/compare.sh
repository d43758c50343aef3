#!/usr/bin/env bash
# Two versions of the silo, back to back on this machine, under the same load generator (this tree's): prints each
# run, the median of each side and the ratio B ÷ A. The machine is shared and noisy, so only the ratio means anything,
# and the runs alternate A B B A (ROUNDS=2) to spread any drift over both sides.
#
#   bench/compare.sh 925638b HEAD             # the last commit before Orleans against the current one
#   bench/compare.sh HEAD .                   # "." is this working tree, uncommitted changes included
#   CONCURRENCY=1 bench/compare.sh A B        # unloaded latency
#   LOAD_ARGS=--webhooks bench/compare.sh A B # both parties with a webhook endpoint
#   B_ENV="DOTNET_gcServer=0" bench/compare.sh HEAD HEAD   # one build, two runtime settings
#
# Environment: A_ENV and B_ENV (VAR=value pairs for that side's silo process), ROUNDS (2: A B B A), DURATION (30), WARMUP (45: Orleans' tiered JIT needs about that long to settle
# under load), CONCURRENCY (32), SILO_ARGS (default: logging at Warning), LOAD_ARGS, PORT (5300), and COMPARE_DIR
# (/tmp/moneta-compare: the worktrees of the commits, built once, and each run's files).
set -euo pipefail
cd "$(dirname "$0")/.."

[[ $# -eq 2 ]] || { sed -n '2,10p' "$0" >&2; exit 2; }
ROUNDS=${ROUNDS:-2}
COMPARE_DIR=${COMPARE_DIR:-/tmp/moneta-compare}
PORT=${PORT:-5300}
export DURATION=${DURATION:-30} WARMUP=${WARMUP:-45} CONCURRENCY=${CONCURRENCY:-32}
export SILO_ARGS=${SILO_ARGS:---Logging:LogLevel:Default=Warning} LOAD_ARGS=${LOAD_ARGS:-}
mkdir -p "$COMPARE_DIR"

# A checkout of the revision, built in Release once ("." is this tree, built every time).
checkout() {
  local revision=$1 sha dir
  if [[ $revision == . ]]; then
    dotnet build -c Release src/Silo -nologo -v q >&2
    pwd
    return
  fi
  sha=$(git rev-parse --verify "$revision^{commit}")
  dir="$COMPARE_DIR/src-$sha"
  if [[ ! -f "$dir/.built" ]]; then
    [[ -d $dir ]] || git worktree add --detach "$dir" "$sha" >&2
    dotnet build -c Release "$dir/src/Silo" -nologo -v q >&2
    touch "$dir/.built"
  fi
  echo "$dir"
}

dotnet build -c Release bench/LoadGenerator/Moneta.LoadGenerator.csproj -nologo -v q
a_dir=$(checkout "$1")
b_dir=$(checkout "$2")

order=()
for ((round = 0; round < ROUNDS; round++)); do
  if ((round % 2 == 0)); then order+=(A B); else order+=(B A); fi
done

runs=()
for i in "${!order[@]}"; do
  side=${order[$i]}
  if [[ $side == A ]]; then source_dir=$a_dir silo_env=${A_ENV:-}; else source_dir=$b_dir silo_env=${B_ENV:-}; fi
  data="$COMPARE_DIR/run-$i-$side"
  echo "== run $((i + 1)) of ${#order[@]}: $side ($(git -C "$source_dir" rev-parse --short HEAD)${silo_env:+, $silo_env})"
  if ! SILO_ENV=$silo_env SILO_SOURCE=$source_dir NO_BUILD=1 DATA=$data PORT=$((PORT + i)) bench/run-load-test.sh | tail -n 25; then
    echo "run $((i + 1)) ($side) failed; see $data" >&2
  fi
  runs+=("$side=$data/load.json")
done

python3 - "$1" "$2" "${runs[@]}" <<'PY'
import json, os, statistics, sys

a_name, b_name, runs = sys.argv[1], sys.argv[2], sys.argv[3:]
sides = {"A": [], "B": []}
for run in runs:
    side, path = run.split("=", 1)
    try:
        with open(path) as f:
            sides[side].append(json.load(f))
    except OSError:
        pass

def op(summary, name, field):
    return next(o[field] for o in summary["operations"] if o["operation"] == name)

metrics = [
    ("signing steps/s", lambda s: s["requests_per_second"], "{:,.0f}"),
    ("contracts/s", lambda s: s["contracts_per_second"], "{:,.0f}"),
    ("initiate p50 ms", lambda s: op(s, "initiate", "p50"), "{:.2f}"),
    ("initiate p99 ms", lambda s: op(s, "initiate", "p99"), "{:.2f}"),
    ("countersign p50 ms", lambda s: op(s, "countersign", "p50"), "{:.2f}"),
    ("countersign p99 ms", lambda s: op(s, "countersign", "p99"), "{:.2f}"),
    ("silo cores", lambda s: s["silo"]["cpu_cores"], "{:.2f}"),
    ("silo CPU µs/step", lambda s: s["silo"]["cpu_per_step_microseconds"], "{:,.0f}"),
    ("live activations after", lambda s: s["silo"]["activations"], "{:,.0f}"),
    ("silo MB resident after", lambda s: s["silo"]["resident_after_mb"], "{:,.0f}"),
    ("KB/activation", lambda s: s["silo"]["bytes_per_activation"] / 1024, "{:.1f}"),
    ("steps/s ÷ raw ES256 pairs/s", lambda s: s["requests_per_second"] / s["bound"]["pairs_per_second"], "{:.3f}"),
    ("load generator cores", lambda s: s["client_cpu_cores"], "{:.2f}"),
    ("failures", lambda s: s["failures"], "{:,.0f}"),
    ("webhook lag p50 ms", lambda s: s["webhooks"]["lag"]["p50"], "{:,.0f}"),
    ("webhook lag p99 ms", lambda s: s["webhooks"]["lag"]["p99"], "{:,.0f}"),
]

def values(side, get):
    out = []
    for summary in sides[side]:
        try:
            v = get(summary)
            if v is not None:
                out.append(v)
        except (KeyError, TypeError, StopIteration, ZeroDivisionError):
            pass
    return out

print()
print(f"A = {a_name}{' with ' + os.environ['A_ENV'] if os.environ.get('A_ENV') else ''}, B = {b_name}{' with ' + os.environ['B_ENV'] if os.environ.get('B_ENV') else ''}; medians of {len(sides['A'])} and {len(sides['B'])} runs (each run in brackets)")
print(f"{'':30} {'A':>24} {'B':>24} {'B ÷ A':>8}")
for name, get, fmt in metrics:
    a, b = values("A", get), values("B", get)
    if not a and not b:
        continue
    cell = lambda v: (fmt.format(statistics.median(v)) + " [" + ", ".join(fmt.format(x) for x in v) + "]") if v else "-"
    ratio = f"{statistics.median(b) / statistics.median(a):.2f}" if a and b and statistics.median(a) else ""
    print(f"{name:30} {cell(a):>24} {cell(b):>24} {ratio:>8}")
PY
