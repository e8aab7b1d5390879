#!/usr/bin/env bash
# Installs what the project needs on a fresh machine, and nothing when it is already there:
#   Debian packages (chromium, libkrb5-dev)       when missing (as root, or through sudo)
#   npm packages (npm ci)                         when package-lock.json changed
#   Python virtual environment .venv/ (trainer)   when trainer/requirements.lock or pyproject changed
#   Node 24 + code-server in $PTLAB_TOOLS_DIR      (default ~/.cache/ptlab-tools), once per machine
# Usage: scripts/setup.sh [--node-only | --demo]
#   --node-only  npm packages and code-server (packaging)
#   --demo       npm packages and .venv only (the demo needs neither VS Code nor Chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
NODE_ONLY=0
DEMO=0
[ "${1:-}" = "--node-only" ] && NODE_ONLY=1
[ "${1:-}" = "--demo" ] && DEMO=1

log() { echo "[setup] $*"; }
hash_of() { cat "$@" | sha256sum | cut -c1-16; }

install_debian_packages() {
  local missing=()
  # installed, not merely known (a removed package keeps a dpkg entry for its config files)
  for pkg in "$@"; do [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" = "install ok installed" ] || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "[setup] missing Debian packages: ${missing[*]}; install them as root (apt-get install ${missing[*]})" >&2; exit 1; }
    sudo="sudo"
  fi
  log "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# npm packages. onnxruntime-node's install script would fetch CUDA binaries from outside
# the npm registry; its CPU binaries ship in the package, so skip the download.
npm_stamp=$(hash_of package-lock.json)
if [ "$(cat node_modules/.ptlab-stamp 2>/dev/null)" != "$npm_stamp" ]; then
  log "npm ci"
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
  echo "$npm_stamp" > node_modules/.ptlab-stamp
fi

# Node 24 and code-server (a real VS Code) in a tools folder outside the repository.
# code-server compiles kerberos against libkrb5-dev's headers, so the Debian packages come first.
if [ $DEMO -eq 0 ]; then
  if [ $NODE_ONLY -eq 1 ]; then install_debian_packages libkrb5-dev; else install_debian_packages chromium libkrb5-dev; fi
  code_server=$(bash scripts/install-code-server.sh)
  read -r CS_NODE CS_ENTRY <<< "$code_server"
  mkdir -p node_modules/.ptlab
  printf 'PTLAB_CODE_SERVER_NODE=%s\nPTLAB_CODE_SERVER_ENTRY=%s\n' "$CS_NODE" "$CS_ENTRY" > node_modules/.ptlab/tools.env
  [ $NODE_ONLY -eq 1 ] && exit 0
fi

# Python virtual environment with the trainer (editable) and its pinned dependency tree.
py_stamp=$(hash_of trainer/requirements.lock trainer/pyproject.toml)
if [ "$(cat .venv/.ptlab-stamp 2>/dev/null)" != "$py_stamp" ]; then
  PYTHON=${PTLAB_PYTHON:-python3}
  "$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"' \
    || { echo "[setup] $PYTHON is older than 3.11; set PTLAB_PYTHON to a Python 3.11+ interpreter" >&2; exit 1; }
  log "creating .venv (PyTorch and friends: a few minutes the first time on a machine)"
  rm -rf .venv
  "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r trainer/requirements.lock
  .venv/bin/python -m pip install --quiet --no-deps -e trainer
  echo "$py_stamp" > .venv/.ptlab-stamp
fi
log "ready"
