#!/usr/bin/env bash
# Builds the agent for this machine (profile release-agent) and puts it where the server serves
# agent binaries from, so the one-line installer works against a server started by `make run`:
# $AGENT_BINARIES_DIR (or $AGENTS_DIR, or ./agents)/patchmon-agent-linux-<arch>.
set -euo pipefail
cd "$(dirname "$0")/.."

dir="${AGENT_BINARIES_DIR:-${AGENTS_DIR:-agents}}"
case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    armv6l | armv7l) arch=arm ;;
    i386 | i686) arch=386 ;;
    *)
        echo "build-agent: no agent download name for architecture $(uname -m)" >&2
        exit 1
        ;;
esac

cargo build --profile release-agent -p patchmon-agent
mkdir -p "$dir"
# Replaced by rename, so a download in progress never reads a half-copied binary.
install -m 0755 target/release-agent/patchmon-agent "$dir/.patchmon-agent-linux-$arch.new"
mv -f "$dir/.patchmon-agent-linux-$arch.new" "$dir/patchmon-agent-linux-$arch"
echo "agent: $dir/patchmon-agent-linux-$arch"
