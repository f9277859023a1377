#!/usr/bin/env bash
# The one test command (the README's Test section; .ci/run calls it).
# Installs the pinned tools the tests need, then restores, format-checks, builds and tests ZapiFunctions.sln.
# The solution is the list of projects: a search of the tree for project files would also pick up the Functions
# SDK's generated obj/**/WorkerExtensions.csproj, which central package management rejects (NU1008).
# tests/ZapiFunctions.RepositoryTests/TestCommandTests.cs checks that every project under src/, tests/ and
# bench/ is in the solution, so none goes untested.
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
solution=ZapiFunctions.sln
log() { printf '\n== %s\n' "$*"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

log "Installing pinned test tools (npm ci: Azurite $(node -p "require('./package.json').devDependencies.azurite"))"
npm ci --no-audit --no-fund --loglevel=error

log "Restoring $solution"
dotnet restore "$solution"

log "Checking formatting (dotnet format --verify-no-changes)"
dotnet format "$solution" --verify-no-changes --no-restore

log "Building"
dotnet build "$solution" --no-restore -nologo -clp:"ErrorsOnly;NoSummary" -flp:"logfile=$work/build.log;verbosity=minimal"
# Every project treats warnings as errors, so what is left comes from restores the SDKs run themselves (the Functions
# SDK's generated WorkerExtensions project): name each once instead of a bare "N Warning(s)".
warnings=$(grep -E ': warning [A-Z]+[0-9]+:' "$work/build.log" | sed -E 's#^.*/([^/ ]+) : #\1: #; s/ \[[^]]*\]$//' | sort -u || true)
if [ -n "$warnings" ]; then
  echo "build warnings (not errors; from restores run by the SDKs, not from this repository's code):"
  sed 's/^/  /' <<<"$warnings"
fi

log "Testing"
out="$work/test.log"
status=0
dotnet test "$solution" --no-build 2>&1 | tee "$out" || status=1

# VSTest prints one summary per test project: "Passed!  - Failed:     0, Passed:    76, Skipped:     0, Total: ..."
passed=0 failed=0 skipped=0 summaries=0
while read -r f p s; do
  failed=$((failed + f)) passed=$((passed + p)) skipped=$((skipped + s)) summaries=$((summaries + 1))
done < <(grep -E '(Passed|Failed)! +- Failed: ' "$out" | sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\1 \2 \3/')
mapfile -t projects < <(dotnet sln "$solution" list | grep -E '\.csproj$' | tr '\\' '/')
if [ ${#projects[@]} -eq 0 ]; then echo "test.sh: 'dotnet sln $solution list' named no projects; check $solution" >&2; exit 1; fi
test_projects=0
for project in "${projects[@]}"; do
  if grep -q '<IsTestProject>true</IsTestProject>' "$project"; then test_projects=$((test_projects + 1)); fi
done
if [ "$summaries" -ne "$test_projects" ]; then
  echo "test.sh: expected a test summary from each of the $test_projects test projects in $solution, got $summaries; see the output above" >&2
  status=1
fi

log "Summary"
echo "projects in $solution: ${#projects[@]} ($test_projects test projects)"
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
