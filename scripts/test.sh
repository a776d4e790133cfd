#!/usr/bin/env bash
# The test command of README.md: installs what the tests need beyond the Rust toolchain when
# it is missing, then runs the whole suite (`cargo test --release`).
#   - Debian's chromium (report.html renders its images; shequ teach's page is driven in it)
#   - node and npm, and playwright-core at the version pinned in tests/web/package.json
#   - slurm-wlm and munge (a one-node Slurm cluster runs a real job array, docs/cluster.md)
#   - the wasm32-unknown-unknown target (the committed web module must be fresh)
# Installing Debian packages needs root (or sudo); nothing is installed when all is present.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
command -v slurmctld >/dev/null 2>&1 || missing+=(slurm-wlm)
command -v munged >/dev/null 2>&1 || missing+=(munge)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "scripts/test.sh: installing ${missing[*]}" >&2
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${missing[@]}"
fi
if command -v rustup >/dev/null 2>&1; then
  rustup target list --installed | grep -qx wasm32-unknown-unknown \
    || rustup target add wasm32-unknown-unknown
fi
[ -d tests/web/node_modules/playwright-core ] \
  || npm install --prefix tests/web --no-audit --no-fund
cargo test --release "$@"
