#!/usr/bin/env bash
# Static analysis of the marketplace with slither, compiled through the project's offline solc adapter.
# Usage: tools/slither.sh [contract.sol ...]     (default: both markets, the ERC-7007 batch and trait collections, which
#                                                includes the collection, with imports;
#                                                the generated verifiers are ezkl's and not analysed)
# Fails (non-zero) on any medium or high finding. Suppressions are inline `slither-disable-next-line`, each with
# its justification on the lines above it.
#
# slither-analyzer is pinned here and installed in its own venv (.cache/slither-venv, git-ignored) on first use:
# it pulls solc-select, whose `solc` shim must not land on the project venv's PATH, where it would shadow the
# registered adapter for other tools.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
SLITHER_VERSION=0.11.6
venv="$root/.cache/slither-venv"
if ! "$venv/bin/slither" --version 2>/dev/null | grep -qx "$SLITHER_VERSION"; then
  echo "==> slither-analyzer $SLITHER_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "slither-analyzer==$SLITHER_VERSION"
fi
bash tools/solc/register.sh >/dev/null
solc="${SOLCX_BINARY_PATH:-$HOME/.solcx}/solc-v${SOLC_VERSION:-0.8.20}"
# crytic-compile reads foundry.toml (forge on PATH) even when told to use standard JSON.
export PATH="$root/node_modules/.bin:$PATH"

targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(contracts/marketplace/ModelMarketplace.sol contracts/ERC7007BatchCollection.sol contracts/ERC7007TraitCollection.sol contracts/datamarket/DatasetMarket.sol)
input="$root/.cache/slither/input.json"
mkdir -p "$(dirname "$input")"
# The standard-JSON input with the project's compiler settings (zkaigc/solidity.py, shared with the tests).
"$root/.venv/bin/python" -c 'import sys; from pathlib import Path; from zkaigc.solidity import write_standard_input
write_standard_input(Path(sys.argv[1]), sys.argv[2:])' "$input" "${targets[@]}"
exec "$venv/bin/slither" "$input" --compile-force-framework solc-json --solc "$solc" \
  --solc-args "--base-path . --allow-paths ." --filter-paths node_modules --fail-medium
