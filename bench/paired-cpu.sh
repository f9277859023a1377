#!/usr/bin/env bash
# Paired CPU per request: two servers measured at the same time, each on its own in-memory Azurite and its own wrk,
# both paced below what Azurite can answer, so that a slow spell of this shared machine falls on both alike. Prints
# each server's and each Azurite's CPU per request (user + system, /proc/<pid>/stat) over the same window.
#
#   bench/paired-cpu.sh A B        A, B: ceiling-envelope | ceiling-handler | devhost | devhost-ingest
#                                        | devhost:NAME=value[,NAME=value...]  (the DevHost with those variables)
# Environment: PACE_MS (each connection waits this long between requests; default 80: 32 connections give about
# 380 req/s per server), CONNECTIONS (32), WARMUP (25 s), MEASURE (20 s). Needs a Release build of the ingest bench
# (dotnet build bench/ZapiFunctions.Bench.Ingest -c Release), `npm ci` (Azurite) and wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: bench/paired-cpu.sh A B (see the comment at the top)" >&2; exit 2; }
for variant in "$@"; do
  case "$variant" in
    ceiling-envelope | ceiling-handler | devhost | devhost-ingest | devhost:?*=*) ;;
    *) echo "error: unknown variant '$variant': use ceiling-envelope, ceiling-handler, devhost, devhost-ingest or devhost:NAME=value" >&2; exit 2 ;;
  esac
done
BENCH=bench/ZapiFunctions.Bench.Ingest/bin/Release/net10.0/ZapiFunctions.Bench.Ingest.dll
DEVHOST=src/ZapiFunctions.DevHost/bin/Release/net10.0/ZapiFunctions.DevHost.dll
for f in "$BENCH" "$DEVHOST" node_modules/.bin/azurite; do
  [ -e "$f" ] || { echo "error: $f is missing: build the ingest bench in Release and run npm ci first" >&2; exit 2; }
done
command -v wrk > /dev/null || { echo "error: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
export PACE_MS="${PACE_MS:-80}"
CONNECTIONS="${CONNECTIONS:-32}"
KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
INGEST_ONLY="AzureWebJobs_ErroredSend_Disabled=true AzureWebJobs_DeadLetter_Disabled=true AzureWebJobs_Backlog_Disabled=true AzureWebJobs_FallbackDrain_Disabled=true AzureWebJobs_Retention_Disabled=true"
PIDS=()
trap 'kill "${PIDS[@]}" 2> /dev/null || true' EXIT

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; } # clock ticks of 10 ms

start() { # index, variant
  local i=$1 variant=$2
  local base=$((21000 + i * 10))
  local cs="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$KEY;BlobEndpoint=http://127.0.0.1:$base/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$((base + 1))/devstoreaccount1;TableEndpoint=http://127.0.0.1:$((base + 2))/devstoreaccount1;"
  node_modules/.bin/azurite --inMemoryPersistence --skipApiVersionCheck --disableProductStyleUrl --silent --disableTelemetry \
    --blobHost 127.0.0.1 --blobPort "$base" --queueHost 127.0.0.1 --queuePort $((base + 1)) --tableHost 127.0.0.1 --tablePort $((base + 2)) > /dev/null 2>&1 &
  AZURITE[i]=$!; PIDS+=($!)
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$((base + 1))/devstoreaccount1?comp=list" && break; sleep 0.1; done
  URL[i]="http://127.0.0.1:$((base + 5))"
  local log="${TMPDIR:-/tmp}/paired-cpu-$i.log"
  case "$variant" in
    ceiling-envelope) dotnet "$BENCH" serve-ceiling --urls "${URL[i]}" --storage "$cs" --envelope true > "$log" 2>&1 & ;;
    ceiling-handler) AzureWebJobsStorage="$cs" dotnet "$BENCH" serve-ceiling --urls "${URL[i]}" --storage "$cs" --handler true > "$log" 2>&1 & ;;
    devhost) AzureWebJobsStorage="$cs" dotnet "$DEVHOST" --urls "${URL[i]}" > "$log" 2>&1 & ;;
    # shellcheck disable=SC2086 # word splitting is the point: one NAME=value per word
    devhost-ingest) env AzureWebJobsStorage="$cs" $INGEST_ONLY dotnet "$DEVHOST" --urls "${URL[i]}" > "$log" 2>&1 & ;;
    devhost:*)
      local extra=${variant#devhost:}
      # shellcheck disable=SC2086
      env AzureWebJobsStorage="$cs" ${extra//,/ } dotnet "$DEVHOST" --urls "${URL[i]}" > "$log" 2>&1 & ;;
  esac
  SERVER[i]=$!; PIDS+=($!)
}

load() { # seconds, tag: both servers at once, paced
  local w=()
  for i in 0 1; do
    wrk -t1 -c"$CONNECTIONS" -d"$1"s -s bench/ZapiFunctions.Bench.Ingest/wrk/paced.lua "${URL[i]}/api/zapi/on-send" \
      -- samples/callbacks/delivered.json "$2$i-$RANDOM" > "${TMPDIR:-/tmp}/paired-cpu-wrk-$i.txt" 2>&1 &
    w+=($!)
  done
  wait "${w[@]}"
}

VARIANTS=("$1" "$2")
start 0 "$1"
start 1 "$2"
for i in 0 1; do
  for _ in $(seq 120); do
    curl -s -o /dev/null "${URL[i]}/healthz" && break
    curl -s -o /dev/null "${URL[i]}/api/healthz/live" && break
    kill -0 "${SERVER[i]}" 2> /dev/null || { echo "error: ${VARIANTS[i]} exited: see ${TMPDIR:-/tmp}/paired-cpu-$i.log" >&2; exit 1; }
    sleep 0.5
  done
done

load "${WARMUP:-25}" w
for i in 0 1; do S0[i]=$(cpu "${SERVER[i]}"); A0[i]=$(cpu "${AZURITE[i]}"); done
load "${MEASURE:-20}" m
for i in 0 1; do
  n=$(grep -oP '\d+(?= requests in)' "${TMPDIR:-/tmp}/paired-cpu-wrk-$i.txt")
  s=$((($(cpu "${SERVER[i]}") - S0[i]) * 10000000 / n / 1000))
  a=$((($(cpu "${AZURITE[i]}") - A0[i]) * 10000000 / n / 1000))
  printf '%-24s %6d requests  server CPU %4d us/req  Azurite CPU %4d us/req\n' "${VARIANTS[i]}" "$n" "$s" "$a"
done
