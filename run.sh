#!/usr/bin/env bash
# The one run command (README "Run"): Azurite + the DevHost, on 127.0.0.1, until Ctrl+C.
# Azurite keeps its data in .azurite/ (git-ignored) on its default ports, which UseDevelopmentStorage=true expects.
# Extra arguments go to the DevHost, e.g. ./run.sh --DevHost:Urls=http://127.0.0.1:7072
# ./run.sh --storage-only starts Azurite alone (for `func start`, which brings its own host).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
storage_only=false
if [ "${1:-}" = "--storage-only" ]; then storage_only=true; shift; fi

if [ ! -x node_modules/.bin/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== Installing pinned tools (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

for port in 10000 10001 10002; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port is already in use: another Azurite or storage emulator is running. Stop it, or use it and run the DevHost alone:" >&2
    echo "  dotnet run --project src/ZapiFunctions.DevHost" >&2
    exit 1
  fi
done

mkdir -p .azurite
echo "== Starting Azurite (data in .azurite/)"
node_modules/.bin/azurite --location .azurite --skipApiVersionCheck --silent \
  --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 --debug .azurite/debug.log &
azurite=$!
devhost=""
cleanup() {
  trap - INT TERM EXIT
  [ -n "$devhost" ] && kill "$devhost" 2>/dev/null && wait "$devhost" 2>/dev/null
  kill "$azurite" 2>/dev/null && wait "$azurite" 2>/dev/null
  echo "== Stopped"
}
trap cleanup INT TERM EXIT

deadline=$((SECONDS + 60))
for port in 10000 10001 10002; do
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if ! kill -0 "$azurite" 2>/dev/null; then echo "Azurite exited; see .azurite/debug.log" >&2; exit 1; fi
    if [ $SECONDS -ge $deadline ]; then echo "Azurite did not open port $port within 60 s" >&2; exit 1; fi
    sleep 0.2
  done
done
echo "== Azurite ready (blob 10000, queue 10001, table 10002)"

if $storage_only; then
  echo "== Azurite only (Ctrl+C stops it)"
  wait "$azurite"
  exit 0
fi

echo "== Starting the DevHost (Ctrl+C stops both)"
dotnet run --project src/ZapiFunctions.DevHost -c Release -- "$@" &
devhost=$!
wait "$devhost"
