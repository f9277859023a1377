#!/usr/bin/env bash
# The one run command: Azurite + a host for the app, on 127.0.0.1, until Ctrl+C (which stops both).
#   ./run.sh [ARGS]                 Azurite + the DevHost; ARGS go to the DevHost, e.g. --urls http://127.0.0.1:7072
#   ./run.sh --func [ARGS]          Azurite + the real Functions host: `func start ARGS` in src/ZapiFunctions
#                                   (Azure Functions Core Tools); makes src/ZapiFunctions/local.settings.json from
#                                   local.settings.sample.json if it does not exist (never overwrites it)
#   ./run.sh --storage-only         Azurite alone
#   --azurite-debug                 (before ARGS) Azurite writes a debug log to its data folder's debug.log
#   ./run.sh --help                 this text
# DevHost ARGS: --urls URL, --verbose, and any setting as --Section:Name=value (e.g. --Zapi:MaxBodyBytes=2048).
# Azurite keeps its data in .azurite/ (git-ignored) on ports 10000-10002, which UseDevelopmentStorage=true expects.
# AZURITE_BLOB_PORT, AZURITE_QUEUE_PORT and AZURITE_TABLE_PORT choose other ports (data then in
# .azurite/ports-BLOB-QUEUE-TABLE/, so two runs never share one); the host then gets an AzureWebJobsStorage
# connection string naming them (unless AzureWebJobsStorage is already set).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 FUNCTIONS_CORE_TOOLS_TELEMETRY_OPTOUT=1

fail() { echo "run.sh: $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed -E 's/^# ?//'; }

# The name in CANDIDATES closest to WORD (edit distance), for "did you mean".
closest() {
  local word=$1; shift
  printf '%s\n' "$@" | awk -v w="$word" '
    function dist(a, b,   i, j, la, lb, d, c) {
      la = length(a); lb = length(b)
      for (i = 0; i <= la; i++) d[i, 0] = i
      for (j = 0; j <= lb; j++) d[0, j] = j
      for (i = 1; i <= la; i++) for (j = 1; j <= lb; j++) {
        c = (substr(a, i, 1) == substr(b, j, 1)) ? 0 : 1
        d[i, j] = d[i-1, j] + 1; if (d[i, j-1] + 1 < d[i, j]) d[i, j] = d[i, j-1] + 1
        if (d[i-1, j-1] + c < d[i, j]) d[i, j] = d[i-1, j-1] + c
      }
      return d[la, lb]
    }
    { n = dist(w, $0); if (best == "" || n < bestn) { best = $0; bestn = n } }
    END { print best }'
}

# Arguments the DevHost understands: --urls, --verbose, and settings written as --Section:Name[=value] (or __).
check_devhost_args() {
  local arg key example
  while [ $# -gt 0 ]; do
    arg=$1; shift
    key=${arg%%=*}
    case "$key" in
      --verbose) ;;
      --urls|--*:*|--*__*)
        if [ "$key" = "$arg" ]; then # the value is the next argument
          example="$arg=<value>"; [ "$arg" = --urls ] && example="--urls http://127.0.0.1:7072"
          [ $# -gt 0 ] || fail "$arg needs a value, e.g. $example"
          shift
        fi ;;
      --port) fail "unknown argument '$arg': the DevHost takes --urls, e.g. --urls http://127.0.0.1:7072 (see ./run.sh --help)" ;;
      *) fail "unknown argument '$arg'; did you mean $(closest "$key" --urls --verbose --func --storage-only --azurite-debug --help)? (see ./run.sh --help)" ;;
    esac
  done
}

mode=devhost
azurite_debug=false
while [ $# -gt 0 ]; do
  case "$1" in
    --storage-only) [ "$mode" = func ] && fail "--storage-only and --func cannot be combined; pick one"; mode=storage ;;
    --func) [ "$mode" = storage ] && fail "--storage-only and --func cannot be combined; pick one"; mode=func ;;
    --azurite-debug) azurite_debug=true ;;
    -h|--help) usage; exit 0 ;;
    *) break ;;
  esac
  shift
done

case "$mode" in
  devhost) check_devhost_args "$@" ;;
  storage) [ $# -eq 0 ] || fail "--storage-only takes no arguments, got '$1' (see ./run.sh --help)" ;;
esac

if [ "$mode" = func ] && ! command -v func >/dev/null 2>&1; then
  fail "Azure Functions Core Tools ('func') is not on PATH; install them (npm i -g azure-functions-core-tools@4 --unsafe-perm true, or Microsoft's packages: see docs/development.md, Prerequisites), or run ./run.sh without --func to use the DevHost"
fi

port_setting() { # NAME DEFAULT: the port in environment variable NAME, else DEFAULT
  local value="${!1:-$2}"
  if ! [[ $value =~ ^[0-9]{1,5}$ ]] || [ "$value" -lt 1 ] || [ "$value" -gt 65535 ]; then
    fail "$1='$value' is not a TCP port; set it to a number from 1 to 65535, or unset it for the default $2"
  fi
  echo "$value"
}
blob_port=$(port_setting AZURITE_BLOB_PORT 10000)
queue_port=$(port_setting AZURITE_QUEUE_PORT 10001)
table_port=$(port_setting AZURITE_TABLE_PORT 10002)
ports=("$blob_port" "$queue_port" "$table_port")

if [ ! -x node_modules/.bin/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== Installing pinned tools (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

for port in "${ports[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "port $port is already in use (another Azurite or storage emulator?); stop it, or choose free ports with AZURITE_BLOB_PORT/AZURITE_QUEUE_PORT/AZURITE_TABLE_PORT (see docs/development.md, Troubleshooting)"
  fi
done

if [ "$mode" = func ]; then
  settings=src/ZapiFunctions/local.settings.json
  if [ -e "$settings" ]; then
    echo "== Using $settings"
  else
    cp local.settings.sample.json "$settings"
    echo "== Created $settings from local.settings.sample.json"
  fi
fi

if [ "${ports[*]}" != "10000 10001 10002" ] && [ -z "${AzureWebJobsStorage:-}" ]; then
  # Azurite's well-known development account (public, documented); UseDevelopmentStorage=true means ports 10000-10002.
  key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  export AzureWebJobsStorage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1;"
  echo "== AzureWebJobsStorage set for Azurite on ports ${ports[*]}"
fi

data=.azurite
[ "${ports[*]}" = "10000 10001 10002" ] || data=".azurite/ports-$blob_port-$queue_port-$table_port"
mkdir -p "$data"
azurite_args=(--location "$data" --skipApiVersionCheck --silent --disableTelemetry
  --blobHost 127.0.0.1 --blobPort "$blob_port" --queueHost 127.0.0.1 --queuePort "$queue_port"
  --tableHost 127.0.0.1 --tablePort "$table_port")
if $azurite_debug; then
  azurite_args+=(--debug "$data/debug.log")
  echo "== Starting Azurite (data in $data/, debug log in $data/debug.log)"
else
  echo "== Starting Azurite (data in $data/)"
fi
node_modules/.bin/azurite "${azurite_args[@]}" &
azurite=$!
devhost=""
interrupted=false
cleanup() {
  trap - INT TERM EXIT
  if [ -n "$devhost" ]; then
    kill "$devhost" 2>/dev/null || true
    wait "$devhost" 2>/dev/null || true
  fi
  # Ctrl+C reaches Azurite too and it closes by itself; a second signal while it closes makes it throw.
  if $interrupted; then
    for _ in $(seq 50); do kill -0 "$azurite" 2>/dev/null || break; sleep 0.2; done
  fi
  kill "$azurite" 2>/dev/null || true
  wait "$azurite" 2>/dev/null || true
  echo "== Stopped"
}
trap cleanup EXIT
trap 'interrupted=true; exit 130' INT
trap 'exit 143' TERM

deadline=$((SECONDS + 60))
for port in "${ports[@]}"; do
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if ! kill -0 "$azurite" 2>/dev/null; then fail "Azurite exited before opening port $port; see its message above, or run ./run.sh --azurite-debug and read $data/debug.log"; fi
    if [ $SECONDS -ge $deadline ]; then fail "Azurite did not open port $port within 60 s; run ./run.sh --azurite-debug and read $data/debug.log"; fi
    sleep 0.2
  done
done
echo "== Azurite ready (blob $blob_port, queue $queue_port, table $table_port)"

case "$mode" in
  storage)
    echo "== Azurite only (Ctrl+C stops it)"
    wait "$azurite"
    ;;
  func)
    echo "== Starting the Functions host: func start $* (in src/ZapiFunctions; Ctrl+C stops both)"
    status=0
    (cd src/ZapiFunctions && exec func start "$@") || status=$?
    exit "$status"
    ;;
  devhost)
    # Restore and build apart from the run, so the first run's minute of silence is announced, not a mystery.
    echo "== Restoring and building the DevHost (first run: about a minute)"
    dotnet build src/ZapiFunctions.DevHost -c Release -nologo -v quiet -clp:ErrorsOnly >&2 || fail "the DevHost did not build; see the errors above"
    echo "== Starting the DevHost (Ctrl+C stops both)"
    dotnet run --project src/ZapiFunctions.DevHost -c Release --no-build -- "$@" &
    devhost=$!
    wait "$devhost"
    ;;
esac
