#!/usr/bin/env bash
# The prover fleet's broker: Debian's redis-server (tests start their own on a free port; a vendor runs one).
# Idempotent: does nothing when redis-server is on PATH; installs it with apt-get as root (CI: a clean clone as
# root), through sudo otherwise; elsewhere says what to install, without failing `make setup`.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
  exit 0
fi
echo "==> redis-server (the prover fleet's broker; Debian package redis-server)"
if [[ $(id -u) == 0 ]]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
else
  echo "redis-server: not installed and no root; install it (apt-get install redis-server) for the fleet tests" >&2
  exit 0
fi
redis-server --version
