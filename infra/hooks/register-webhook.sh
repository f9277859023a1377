#!/usr/bin/env bash
# azd postdeploy hook: register the deployed webhook URL (with its function key) as the Z-API instance's
# On send webhook, when the Z-API settings are in the azd environment; otherwise say how and skip.
# By default the instance's own URL (api/instance/<id>/delivery, function InstanceDelivery); with
# ZAPI_WEBHOOK_SHARED=true the shared one (api/zapi/on-send, function OnSend). A function key belongs to its function.
# Secrets stay in environment variables: nothing secret is put on a command line or printed.
# Needs (only when registering): the Azure CLI `az`, logged in, and `zapi` or the .NET SDK (`dotnet`) to run it.
set -euo pipefail
here=${BASH_SOURCE[0]%/*}
[ "$here" = "${BASH_SOURCE[0]}" ] && here=.
root="$(cd "$here/../.." && pwd)"
by_hand="or register by hand: see README, Register the webhook"

if [ -z "${ZAPI_INSTANCE_ID:-}" ] || [ -z "${ZAPI_INSTANCE_TOKEN:-}" ]; then
  echo "Skipping Z-API webhook registration: ZAPI_INSTANCE_ID and ZAPI_INSTANCE_TOKEN are not set."
  echo "To register: azd env set ZAPI_INSTANCE_ID <id>; azd env set ZAPI_INSTANCE_TOKEN <token>;"
  echo "(and azd env set ZAPI_CLIENT_TOKEN <account security token> if your account uses one), then: azd hooks run postdeploy"
  exit 0
fi

fail() { echo "register-webhook: $*" >&2; exit 1; }

# The tools first, so that a missing one is named instead of looking like an app that is not running.
if ! command -v az >/dev/null 2>&1; then
  fail "'az' (the Azure CLI) is not installed; install it (https://learn.microsoft.com/cli/azure/install-azure-cli; brew install azure-cli) and run az login, $by_hand"
fi
if command -v zapi >/dev/null 2>&1; then
  register=(zapi webhook register)
elif command -v dotnet >/dev/null 2>&1; then
  register=(dotnet run --project "$root/src/ZapiFunctions.Cli" -- webhook register)
else
  fail "neither 'zapi' nor 'dotnet' is installed; install the .NET 10 SDK (https://dot.net; apt-get install dotnet-sdk-10.0 / brew install --cask dotnet-sdk), $by_hand"
fi

: "${AZURE_RESOURCE_GROUP:?AZURE_RESOURCE_GROUP is not set (run azd provision first)}"
: "${AZURE_FUNCTION_APP_NAME:?AZURE_FUNCTION_APP_NAME is not set (run azd provision first)}"
: "${ZAPI_WEBHOOK_URL:?ZAPI_WEBHOOK_URL is not set (run azd provision first)}"

# azd's login is not the Azure CLI's: az needs its own.
if ! az account show --only-show-errors --output none >/dev/null 2>&1; then
  fail "the Azure CLI is not logged in (azd auth login does not log in az); run az login, then azd hooks run postdeploy"
fi

function=InstanceDelivery
if [ "${ZAPI_WEBHOOK_SHARED:-false}" = "true" ]; then
  function=OnSend
  register+=(--shared)
fi

# The key exists once the host has started and synced its triggers: poll for it, with a deadline.
deadline=$((SECONDS + 120))
until answer=$(az functionapp function keys list --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_FUNCTION_APP_NAME" \
                 --function-name "$function" --query default --output tsv --only-show-errors 2>&1) && [ -n "$answer" ]; do
  last=${answer%%$'\n'*}
  if [ $SECONDS -ge $deadline ]; then
    fail "no function key for $function on $AZURE_FUNCTION_APP_NAME after 120 s; is the app deployed and running? (last az answer: ${last:-empty})"
  fi
  sleep 5
done
key=$answer

# The URL carries the key, so it goes through the environment, not the command line. The key is InstanceDelivery's,
# so the URL is the per-instance one (zapi fills {instanceId}) unless the shared one was asked for.
url=$ZAPI_WEBHOOK_URL
if [ "$function" = InstanceDelivery ]; then
  template='/api/instance/{instanceId}/delivery'
  url=${ZAPI_WEBHOOK_URL_PER_INSTANCE:-${ZAPI_WEBHOOK_URL/%\/api\/zapi\/on-send/$template}}
fi
export ZAPI_WEBHOOK_REGISTER_URL="${url}?code=${key}"
"${register[@]}"
