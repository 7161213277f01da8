#!/usr/bin/env bash
# Build every WebAssembly component the runtime's tests, conformance suite and
# benchmarks load: first-party plugins and conformance guests, for
# wasm32-wasip2 in release mode. Offline-capable once crates are fetched.
#
# Output: ${CARGO_TARGET_DIR:-target}/wasm32-wasip2/release/<crate>.wasm
#
# With --first-party, only the plugins the server and the agent embed (what `make run` needs).
set -euo pipefail
cd "$(dirname "$0")/.."

first_party=(
  notifier-webhook
  notifier-ntfy
  integration-gethomepage
  integration-prometheus
  integration-ansible
  integration-enrollment
  collector-apt
  collector-dnf
  collector-yum
  collector-zypper
  collector-pacman
  collector-apk
)
packages=(
  "${first_party[@]}"
  hostile-notifier
  hostile-collector
  future-api
)

# rust-toolchain.toml names the target, but rustup adds it only when it installs the toolchain.
if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed | grep -qx wasm32-wasip2; then
  rustup target add wasm32-wasip2
fi

if [ "${1:-}" = "--first-party" ]; then
  packages=("${first_party[@]}")
fi

args=()
for p in "${packages[@]}"; do args+=(-p "$p"); done

cargo build --target wasm32-wasip2 --release "${args[@]}"

out="${CARGO_TARGET_DIR:-target}/wasm32-wasip2/release"
for p in "${packages[@]}"; do
  f="$out/${p//-/_}.wasm"
  test -s "$f" || { echo "missing $f" >&2; exit 1; }
  echo "built $f ($(wc -c <"$f") bytes)"
done

[ "${1:-}" = "--first-party" ] && exit 0

# Scaffold one crate per kind exactly as `plugin new` would, run its native
# tests, and build it out of tree. The runtime tests load these components
# to exercise the collector, integration and scanner worlds end to end.
target_dir="$(cd "${CARGO_TARGET_DIR:-target}" && pwd)"
scaffolded="$target_dir/scaffolded"
rm -rf "$scaffolded"
for kind in collector notifier integration scanner; do
  cargo run --quiet -p patchmon-plugin-scaffold --example scaffold -- \
    "$kind" "example-$kind" "$scaffolded/example-$kind" "$PWD/plugin-sdk" >/dev/null
  CARGO_TARGET_DIR="$target_dir" cargo test --quiet --manifest-path "$scaffolded/example-$kind/Cargo.toml"
  CARGO_TARGET_DIR="$target_dir" cargo build --quiet --manifest-path "$scaffolded/example-$kind/Cargo.toml" \
    --target wasm32-wasip2 --release
  cp "$scaffolded/example-$kind/plugin.toml" "$out/example_$kind.plugin.toml"
  f="$out/example_$kind.wasm"
  test -s "$f" || { echo "missing $f" >&2; exit 1; }
  echo "built $f ($(wc -c <"$f") bytes)"
done
