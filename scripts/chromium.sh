#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests and print its path.
# Playwright drives this binary; it never downloads a browser of its own.
set -euo pipefail
BIN=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$BIN" ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -q chromium >&2 || { $SUDO apt-get update -q >&2 && $SUDO apt-get install -y -q chromium >&2; }
fi
echo "$BIN"
