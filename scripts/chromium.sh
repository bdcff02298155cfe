#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests and print its path.
# Playwright drives this binary; it never downloads a browser of its own.
set -euo pipefail
BIN=${CHROMIUM:-/usr/bin/chromium}
LOCALES=${CHROMIUM_LOCALES:-/usr/lib/chromium/locales}
# chromium-l10n: the browser's own controls (file inputs, date fields) in Chinese, as staff see them.
# fonts-noto-cjk: without a CJK font every Chinese character of a screenshot is a box.
missing=()
if [ ! -x "$BIN" ] || [ ! -f "$LOCALES/zh-CN.pak" ]; then
  missing+=(chromium chromium-l10n)
fi
if ! dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed"; then
  missing+=(fonts-noto-cjk)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  # Quiet: apt's progress goes nowhere, its errors still to stderr.
  install() { $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null; }
  install || { $SUDO apt-get update -qq >/dev/null && install; }
fi
echo "$BIN"
