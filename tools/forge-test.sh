#!/usr/bin/env bash
# Run the forge suites (tests/forge/: marketplace fuzz + invariants, library differential fuzzing) with the
# project's offline solc. FOUNDRY_PROFILE=quick runs them with far fewer fuzz/invariant runs (foundry.toml).
# Usage: tools/forge-test.sh [extra forge test args...]   e.g. tools/forge-test.sh --match-contract Curves
# Exits non-zero if compilation or any test fails.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$root/node_modules/.bin:$PATH"
bash tools/solc/register.sh >/dev/null
solc="${SOLCX_BINARY_PATH:-$HOME/.solcx}/solc-v${SOLC_VERSION:-0.8.20}"
command -v forge >/dev/null || { echo "forge-test: forge not found (run make setup)" >&2; exit 1; }
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
forge test --use "$solc" --offline "$@" 2>&1 | tee "$log" || status=$?
# A plain summary line for CI, like pytest's: "forge: N passed, M failed".
summary="$(grep -Eo '[0-9]+ tests passed, [0-9]+ failed' "$log" | tail -n1 || true)"
if [[ -n "$summary" ]]; then
  read -r passed _ _ failed _ <<<"$summary"
  echo "forge: $passed passed, $failed failed"
else
  echo "forge: 0 passed, 1 failed (no test summary: compilation or setup failed)"
  [[ $status -ne 0 ]] || status=1
fi
exit "$status"
