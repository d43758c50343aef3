#!/usr/bin/env bash
# Where a signing step's CPU goes: runs bench/run-load-test.sh while perf samples the silo's CPU (software clock,
# 499 Hz, with call stacks; the JIT writes /tmp/perf-PID.map so managed frames have names), then prints the share
# of on-CPU samples per area of a step (Kestrel, authentication, JSON, crypto, Orleans, storage, GC, ...) and the
# hottest methods, exclusive and inclusive.
#
#   bench/profile.sh                       # c=32, 20 s measured
#   CONCURRENCY=4 DURATION=30 bench/profile.sh
#
# Needs perf (Debian: apt-get install linux-perf). Output: $DATA/silo.perf (perf report -i it for more) and the
# summary on stdout. Profiles are not kept in the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v perf >/dev/null || { echo "profile: perf is needed (apt-get install linux-perf)" >&2; exit 1; }

DATA=${DATA:-/tmp/bench-profile}
export DATA DURATION=${DURATION:-20} CONCURRENCY=${CONCURRENCY:-32}
export SILO_ARGS="${SILO_ARGS:---Logging:LogLevel:Default=Warning}"
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 # names for JIT-compiled frames
PERF="$DATA/silo.perf" bench/run-load-test.sh

perf script -i "$DATA/silo.perf" 2>/dev/null | python3 bench/profile-summary.py
