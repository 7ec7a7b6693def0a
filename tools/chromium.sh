#!/usr/bin/env bash
# The browser tests' Chromium: Debian's `chromium` (+ `chromium-driver`), driven by Playwright for Python through
# `executable_path` (never `playwright install`). Idempotent: does nothing when /usr/bin/chromium is there.
# Without root (and no passwordless sudo) it only says what to run; the browser tests then skip with that reason.
set -euo pipefail
CHROMIUM="${ZKAIGC_CHROMIUM:-/usr/bin/chromium}"
if [[ -x "$CHROMIUM" ]]; then
  exit 0
fi
if [[ "$(id -u)" == 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "chromium: $CHROMIUM is missing; install it with: sudo apt-get install -y chromium chromium-driver" >&2
  exit 0
fi
echo "==> Chromium for the browser tests (apt-get, about 2.5 min)"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq chromium chromium-driver >/dev/null
"$CHROMIUM" --version
