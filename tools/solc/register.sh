#!/usr/bin/env bash
# Register a Solidity compiler of the pinned version where py-solc-x (ape-solidity), svm (ezkl) and forge look.
#
# A native solc of that version, if one is installed already, is used as is. Otherwise a tiny wrapper around
# the project's solc-js adapter (tools/solc/solc.mjs) is written. Idempotent: it rewrites nothing that is
# already right, and it runs in well under a second when nothing needs doing.
set -euo pipefail

version="${SOLC_VERSION:-0.8.20}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
adapter="$root/tools/solc/solc.mjs"
solcx_dir="${SOLCX_BINARY_PATH:-$HOME/.solcx}"
svm_dir="${SVM_HOME:-$HOME/.svm}"
solcx_bin="$solcx_dir/solc-v$version"
svm_bin="$svm_dir/$version/solc-$version"
marker="zkaigc-solc-adapter"

is_native() {  # a working solc of our version that is not one of our wrappers
  [[ -x "$1" ]] && ! grep -q "$marker" "$1" 2>/dev/null \
    && "$1" --version 2>/dev/null | grep -q "Version: $version+"
}

wrapper() {
  # The wrapper is shared by every checkout on the machine (it lives in $HOME), so it runs the adapter of the
  # checkout it is called from (the nearest tools/solc/solc.mjs above the working directory: ape, ezkl and forge
  # run from the project root) and only outside any checkout the one that registered it last. A checkout that
  # was deleted (a CI clone) then cannot break the others.
  cat <<WRAPPER
#!/bin/sh
# $marker: solc-js $version exposed as a native-style solc CLI (see $root/README.md)
d="\$PWD"
while [ -n "\$d" ] && [ "\$d" != / ]; do
  if [ -f "\$d/tools/solc/solc.mjs" ] && [ -f "\$d/tools/solc/register.sh" ] && [ -d "\$d/node_modules/solc" ]; then
    exec node "\$d/tools/solc/solc.mjs" "\$@"
  fi
  d="\${d%/*}"
done
exec node "$adapter" "\$@"
WRAPPER
}

install_at() {  # install_at DEST SOURCE-OF-TRUTH
  local dest="$1" native="$2"
  mkdir -p "$(dirname "$dest")"
  if [[ -n "$native" ]]; then
    [[ "$dest" -ef "$native" ]] || { ln -sf "$native" "$dest"; echo "solc: $dest -> native $native"; }
  elif [[ "$(cat "$dest" 2>/dev/null)" != "$(wrapper)" ]]; then
    wrapper >"$dest.tmp" && chmod +x "$dest.tmp" && mv -f "$dest.tmp" "$dest"
    echo "solc: $dest -> solc-js adapter (offline)"
  fi
}

native=""
for candidate in "$solcx_bin" "$svm_bin" "$(command -v solc || true)"; do
  if [[ -n "$candidate" ]] && is_native "$candidate"; then native="$(readlink -f "$candidate")"; break; fi
done

if [[ -z "$native" ]]; then
  [[ -f "$root/node_modules/solc/soljson.js" ]] || { echo "solc: node_modules/solc missing; run npm ci first" >&2; exit 1; }
  command -v node >/dev/null || { echo "solc: node is not on PATH" >&2; exit 1; }
fi
[[ "$solcx_bin" -ef "$native" ]] || install_at "$solcx_bin" "$native"
[[ "$svm_bin" -ef "$native" ]] || install_at "$svm_bin" "$native"
"$solcx_bin" --version | grep -q "Version: $version+" || { echo "solc: $solcx_bin does not answer --version" >&2; exit 1; }
