#!/usr/bin/env bash
# `make test`: every suite in turn, then one closing line `N passed, N failed` covering all of them.
# Suites: lint, ape/pytest on a local anvil, forge invariants, slither, and fork tests against a devnet that this
# script starts and stops itself. A suite that fails to run at all counts as one failure.
# `--fast` (`make test-fast`): lint, the tests not marked `slow`, and forge's `quick` profile; no slither or fork.
# Forge (and slither) run in the background beside the Python suites; their output is shown when they end.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

passed=0; failed=0; skipped=0; summary=()
log_dir="${TMPDIR:-/tmp}/zkaigc-test.$$"; mkdir -p "$log_dir"

count() {  # count NAME LOG RC: add the suite's counts from its own summary line
  local name="$1" log="$2" rc="$3" p=0 f=0 s=0 line
  if line=$(grep -E "^=+ .*(passed|failed|error).* in [0-9.]+s" "$log" | tail -1) && [[ -n "$line" ]]; then
    p=$(grep -oE "[0-9]+ passed" <<<"$line" | grep -oE "[0-9]+" || echo 0)
    f=$(( $(grep -oE "[0-9]+ failed" <<<"$line" | grep -oE "[0-9]+" || echo 0) + $(grep -oE "[0-9]+ errors?" <<<"$line" | grep -oE "[0-9]+" || echo 0) ))
    s=$(grep -oE "[0-9]+ skipped" <<<"$line" | grep -oE "[0-9]+" || echo 0)
  elif line=$(grep -E "^Ran [0-9]+ test suites?.*tests? passed" "$log" | tail -1) && [[ -n "$line" ]]; then
    p=$(grep -oE "[0-9]+ tests? passed" <<<"$line" | grep -oE "^[0-9]+")
    f=$(grep -oE "[0-9]+ failed" <<<"$line" | grep -oE "[0-9]+")
    s=$(grep -oE "[0-9]+ skipped" <<<"$line" | grep -oE "[0-9]+")
  elif line=$(grep -E "^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed" "$log" | tail -1) && [[ -n "$line" ]]; then
    p=$(grep -oE "[0-9]+ passed" <<<"$line" | grep -oE "[0-9]+")
    f=$(grep -oE "[0-9]+ failed" <<<"$line" | grep -oE "[0-9]+")
  elif [[ "$rc" == 0 ]]; then p=1
  fi
  if [[ "$rc" != 0 && "$f" == 0 ]]; then f=1; fi  # ran, but exited non-zero: never silently green
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  summary+=("$(printf '%-22s %4d passed %4d failed %4d skipped' "$name" "$p" "$f" "$s")")
}

run() {  # run NAME COMMAND...: stream the output, keep a log for counting
  local name="$1"; shift
  echo; echo "==> $name: $*"
  "$@" 2>&1 | tee "$log_dir/$name.log"
  count "$name" "$log_dir/$name.log" "${PIPESTATUS[0]}"
}

background() {  # background NAME COMMAND...: run while the foreground suites run; log and exit status kept
  local name="$1"; shift
  echo "==> $name (in the background, its output follows when it ends): $*"
  "$@" >"$log_dir/$name.log" 2>&1
  echo $? >"$log_dir/$name.rc"
}

collect() {  # collect NAME...: wait for the background suites, show each one's output, count it
  wait
  local name
  for name in "$@"; do
    echo; echo "==> $name (ran in the background)"
    cat "$log_dir/$name.log"
    count "$name" "$log_dir/$name.log" "$(cat "$log_dir/$name.rc" 2>/dev/null || echo 1)"
  done
}

lint() {  # every linter, even after one fails; one summary line
  local failures=0
  ruff check . || failures=$((failures + 1))
  ruff format --check . || failures=$((failures + 1))
  bash tools/lint-sol.sh || failures=$((failures + 1))
  echo "lint: $((3 - failures)) passed, $failures failed"
  [[ "$failures" == 0 ]]
}

# The forge campaigns and slither are CPU work in their own processes and share nothing with the Python suites
# (their own solc output under out/ and .cache/slither/), while the Python suites wait on anvil, ezkl and
# subprocesses about a fifth of the time: on 2 cores, running them side by side saves most of forge's time
# (docs/testing.md). The fork tests deploy with `ape run`, which compiles into .build/ as the Python suites do,
# so they run after them.
run lint lint
if [[ "${1:-}" == "--fast" ]]; then
  FOUNDRY_PROFILE=quick background forge-invariants tools/forge-test.sh &
  run ape-tests ape test tests --ignore=tests/fork -m "not slow"
  collect forge-invariants
else
  { background forge-invariants tools/forge-test.sh; background slither tools/slither.sh; } &
  run ape-tests ape test tests --ignore=tests/fork
  run fork-tests tools/fork-tests.sh
  collect forge-invariants slither
fi

echo; echo "==> summary"
printf '%s\n' "${summary[@]}"
rm -rf "$log_dir"
echo "$passed passed, $failed failed, $skipped skipped"
[[ "$failed" == 0 ]]
