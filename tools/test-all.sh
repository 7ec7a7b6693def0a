#!/usr/bin/env bash
# `make test`: every suite in turn, then one closing line `N passed, N failed` covering all of them.
# Suites: lint, ape/pytest on a local anvil, forge invariants, slither, and fork tests against a devnet that this
# script starts and stops itself. A suite that fails to run at all counts as one failure.
# `--fast` (`make test-fast`): lint, the tests not marked `slow`, and forge's `quick` profile; no slither or fork.
# Suites run side by side (below); a background suite's output is shown when it ends.
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

groups=()  # the background suites' process groups, stopped if this script ends first (Ctrl-C, a kill)
trap 'for g in "${groups[@]}"; do kill -TERM -- "-$g" 2>/dev/null; done' EXIT
trap 'exit 130' INT TERM

background() {  # background NAME COMMAND...: run in its own process group beside the others; shown by `collect`
  local name="$1"; shift
  echo; echo "==> $name (in the background; its output follows when it ends): $*"
  setsid bash -c '"$@" >"$0.log" 2>&1; echo $? >"$0.rc"' "$log_dir/$name" "$@" &
  groups+=("$!")
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
export -f lint  # a background suite runs in a new bash

# On 2 cores the suites run side by side: the Python suites wait on anvil, ezkl, Chromium and subprocesses much of
# the time, and forge and slither are CPU work in processes of their own (their own solc output under out/ and
# .cache/slither/). The Python tests run as two `ape test` sessions of about equal time, each with its own anvil:
# the chain SDK and the proof pipeline (tests/zkaigc/, tests/proofs/) beside everything else; in the fast lane the
# collections and the model marketplace (tests/contracts/ but datamarket/) beside everything else. The proof cache
# they share is locked per file (proofs/files.py `cache_lock`). The contracts are compiled once first, so no two
# Ape processes compile into .build/ at once. Lane times: docs/testing.md.
background lint lint
echo; echo "==> ape compile"
ape compile || failed=$((failed + 1))
if [[ "${1:-}" == "--fast" ]]; then
  FOUNDRY_PROFILE=quick background forge-invariants tools/forge-test.sh
  background ape-tests-collections ape test tests/contracts --ignore=tests/contracts/datamarket -m "not slow"
  run ape-tests ape test tests --ignore=tests/fork --ignore=tests/contracts/marketplace \
    --ignore-glob='tests/contracts/test_*.py' -m "not slow"
  collect lint ape-tests-collections forge-invariants
else
  background forge-invariants tools/forge-test.sh
  background slither tools/slither.sh
  background ape-tests-sdk ape test tests/zkaigc tests/proofs
  run ape-tests ape test tests --ignore=tests/fork --ignore=tests/zkaigc --ignore=tests/proofs
  run fork-tests tools/fork-tests.sh
  collect lint ape-tests-sdk forge-invariants slither
fi

echo; echo "==> summary"
printf '%s\n' "${summary[@]}"
rm -rf "$log_dir"
echo "$passed passed, $failed failed, $skipped skipped"
[[ "$failed" == 0 ]]
