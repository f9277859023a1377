#!/usr/bin/env bash
# azd postdeploy hook: register the deployed webhook URL (with its function key) as the Z-API instance's
# On send webhook, when the Z-API settings are in the azd environment; otherwise say how and skip.
# Secrets stay in environment variables: nothing secret is put on a command line or printed.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"

if [ -z "${ZAPI_INSTANCE_ID:-}" ] || [ -z "${ZAPI_INSTANCE_TOKEN:-}" ]; then
  echo "Skipping Z-API webhook registration: ZAPI_INSTANCE_ID and ZAPI_INSTANCE_TOKEN are not set."
  echo "To register: azd env set ZAPI_INSTANCE_ID <id>; azd env set ZAPI_INSTANCE_TOKEN <token>;"
  echo "(and azd env set ZAPI_CLIENT_TOKEN <account security token> if your account uses one), then: azd hooks run postdeploy"
  exit 0
fi

: "${AZURE_RESOURCE_GROUP:?AZURE_RESOURCE_GROUP is not set (run azd provision first)}"
: "${AZURE_FUNCTION_APP_NAME:?AZURE_FUNCTION_APP_NAME is not set (run azd provision first)}"
: "${ZAPI_WEBHOOK_URL:?ZAPI_WEBHOOK_URL is not set (run azd provision first)}"

# The key exists once the host has started and synced its triggers: poll for it, with a deadline.
key=""
deadline=$((SECONDS + 120))
until key=$(az functionapp function keys list --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_FUNCTION_APP_NAME" \
              --function-name OnSend --query default --output tsv 2>/dev/null) && [ -n "$key" ]; do
  if [ $SECONDS -ge $deadline ]; then
    echo "error: no function key for OnSend on $AZURE_FUNCTION_APP_NAME after 120 s; is the app deployed and running?" >&2
    exit 1
  fi
  sleep 5
done

# The URL carries the key, so it goes through the environment, not the command line.
export ZAPI_WEBHOOK_REGISTER_URL="${ZAPI_WEBHOOK_URL}?code=${key}"
if command -v zapi >/dev/null 2>&1; then
  zapi webhook register
else
  dotnet run --project "$root/src/ZapiFunctions.Cli" -- webhook register
fi
