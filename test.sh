#!/usr/bin/env bash
# The one test command (README "Test"; .ci/run calls it).
# Installs the pinned tools the tests need, restores every project, skips only those whose restore fails for
# want of an Azure Functions worker package (and says so), then builds and runs every test project that restored.
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log() { printf '\n== %s\n' "$*"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

log "Installing pinned test tools (npm ci: Azurite $(node -p "require('./package.json').devDependencies.azurite"))"
npm ci --no-audit --no-fund --loglevel=error

log "Restoring projects"
mapfile -t projects < <(find src tests bench -name '*.csproj' 2>/dev/null | sort)
restored=()
skipped=()
for project in "${projects[@]}"; do
  out="$work/restore-$(basename "$project").log"
  if dotnet restore "$project" >"$out" 2>&1; then
    restored+=("$project")
    echo "restored  $project"
    continue
  fi
  # Only a missing worker package may cause a skip: every restore error must be NU1101/NU1102/NU1103 about one.
  errors=$(grep -E ': error ' "$out" | sort -u || true)
  others=$(printf '%s\n' "$errors" | grep -v -E 'error NU110[123]: ' | grep -v '^$' || true)
  others+=$(printf '%s\n' "$errors" | grep -E 'Unable to find package' | grep -v 'Microsoft\.Azure\.Functions\.Worker' || true)
  if [ -n "$errors" ] && [ -z "$others" ]; then
    missing=$(printf '%s\n' "$errors" | grep -o -E 'Microsoft\.Azure\.Functions\.Worker(\.[A-Za-z]+)*' | sort -u | paste -sd, -)
    skipped+=("$project (missing: $missing)")
    echo "SKIPPED   $project (worker packages not served: $missing)"
  else
    cat "$out"
    echo "FAILED    $project: restore failed for a reason other than a missing worker package" >&2
    exit 1
  fi
done

# One solution filter of what restored, so format, build and test each run once over all of it.
filter="$work/restored.slnf"
{
  printf '{ "solution": { "path": "%s", "projects": [' "$PWD/ZapiFunctions.sln"
  first=true
  for project in "${restored[@]}"; do
    $first || printf ','
    first=false
    printf '"%s"' "$project"
  done
  printf '] } }\n'
} >"$filter"

log "Checking formatting (dotnet format --verify-no-changes)"
dotnet format "$filter" --verify-no-changes --no-restore

log "Building"
dotnet build "$filter" --no-restore -nologo -clp:ErrorsOnly

log "Testing"
out="$work/test.log"
status=0
dotnet test "$filter" --no-build 2>&1 | tee "$out" || status=1
# VSTest prints one summary per test project: "Passed!  - Failed:     0, Passed:    76, Skipped:     0, Total: ..."
passed=0 failed=0 skipped_tests=0 summaries=0
while read -r f p s; do
  failed=$((failed + f)) passed=$((passed + p)) skipped_tests=$((skipped_tests + s)) summaries=$((summaries + 1))
done < <(grep -E '(Passed|Failed)! +- Failed: ' "$out" | sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\1 \2 \3/')
test_projects=$(for project in "${restored[@]}"; do grep -l '<IsTestProject>true</IsTestProject>' "$project" || true; done | wc -l)
if [ "$summaries" -ne "$test_projects" ]; then
  echo "Expected a test summary from each of $test_projects test projects, got $summaries" >&2
  status=1
fi

log "Summary"
echo "projects restored and built: ${#restored[@]}"
if [ ${#skipped[@]} -gt 0 ]; then
  echo "projects skipped (they need Azure Functions worker packages that the NuGet source here does not serve):"
  printf '  - %s\n' "${skipped[@]}"
fi
echo "tests: $passed passed, $failed failed, $skipped_tests skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
