#!/usr/bin/env bash
# Fork tests: start a devnet (anvil on loopback), deploy the system to it with `ape run deploy`, then run
# tests/fork on a Foundry fork of that devnet (ethereum:devnet-fork:foundry, upstream provider `node`).
# The devnet is stopped on exit, whatever happens.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The devnet's port: ZKAIGC_DEVNET_PORT (or DEVNET_PORT). Ape reads the devnet's URI from ape-config.yaml
# (node.ethereum.devnet.uri), and the yaml wins over APE_NODE_ETHEREUM, so another port needs that line edited too.
host=127.0.0.1
port="${ZKAIGC_DEVNET_PORT:-${DEVNET_PORT:-8555}}"
chain_id=31338                   # must match ape-config.yaml networks.custom devnet
if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
  echo "fork-tests: port $port is already in use on $host; stop whatever listens there (or set ZKAIGC_DEVNET_PORT)" >&2
  exit 1
fi
anvil --host "$host" --port "$port" --chain-id "$chain_id" --silent &
devnet=$!
trap 'kill $devnet 2>/dev/null; wait $devnet 2>/dev/null' EXIT
for _ in $(seq 50); do (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null && break; sleep 0.2; done

echo "fork-tests: devnet up on $host:$port (chain id $chain_id); deploying"
ape run deploy --network ethereum:devnet:node --account TEST::0 --models micro --yes
ape test tests/fork --network ethereum:devnet-fork:foundry
