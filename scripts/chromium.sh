#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests and print its path.
# Playwright drives this binary; it never downloads a browser of its own.
set -euo pipefail
BIN=${CHROMIUM:-/usr/bin/chromium}
# chromium-l10n: the browser's own controls (file inputs, date fields) in Chinese, as staff see them.
if [ ! -x "$BIN" ] || [ ! -d /usr/lib/chromium/locales ] || [ ! -f /usr/lib/chromium/locales/zh-CN.pak ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -q chromium chromium-l10n >&2 || { $SUDO apt-get update -q >&2 && $SUDO apt-get install -y -q chromium chromium-l10n >&2; }
fi
echo "$BIN"
