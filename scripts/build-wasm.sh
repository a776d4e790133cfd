#!/usr/bin/env bash
# Rebuilds the web module that `shequ teach` embeds: assets/web/shequ.wasm (or the path
# given as $1). Needs the wasm target once: `rustup target add wasm32-unknown-unknown`.
# Reproducible: profile `wasm` (Cargo.toml), paths remapped, no timestamps, its own target
# folder (so a native build's flags never mix in). The test `web_module_is_fresh` runs this
# and fails when the committed module differs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/assets/web/shequ.wasm}"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
target="${SHEQU_WASM_TARGET_DIR:-$root/target/wasm}"
export RUSTFLAGS="--remap-path-prefix=$root=/shequ --remap-path-prefix=$cargo_home=/cargo"
export CARGO_ENCODED_RUSTFLAGS=""
unset CARGO_ENCODED_RUSTFLAGS
export SOURCE_DATE_EPOCH=0
cd "$root"
cargo rustc --locked --quiet --lib --crate-type cdylib \
  --target wasm32-unknown-unknown --no-default-features --features wasm \
  --profile wasm --target-dir "$target"
mkdir -p "$(dirname "$out")"
cp "$target/wasm32-unknown-unknown/wasm/shequ.wasm" "$out.tmp.$$"
chmod 644 "$out.tmp.$$"
mv "$out.tmp.$$" "$out"
