#!/usr/bin/env bash
# Set up a development machine from nothing: Debian's chromium (for the browser tests), a fresh .venv with
# dossier and its test tools, and axe-core from npm. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v chromium >/dev/null 2>&1; then
  as_root apt-get update -q
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q chromium
fi
if ! command -v java >/dev/null 2>&1; then   # the W3C Nu HTML checker runs on Java
  as_root apt-get update -q
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q default-jre-headless
fi

rm -rf .venv
python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[test,browser]'

if [ ! -f .tools/node_modules/axe-core/axe.min.js ]; then
  mkdir -p .tools
  npm install --silent --no-audit --no-fund --prefix .tools axe-core@4 >/dev/null
fi
echo "dev setup done: .venv ready; run .venv/bin/pytest"
