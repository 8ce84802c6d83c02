#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing (Rust components, a JDK
# and Maven), assembles and starts the Kafka test broker from Maven Central, runs every test of
# the workspace against it, and stops the broker again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "test.sh: cargo is not installed; install Rust with rustup first" >&2
  exit 1
fi
# librdkafka is built from source by the rdkafka crate: it needs a C toolchain, make, perl,
# pkg-config and the OpenSSL and zlib headers (the README's prerequisites).
missing=0
for tool in cc make perl pkg-config; do
  command -v "$tool" >/dev/null 2>&1 || missing=1
done
if [ "$missing" = 0 ] && ! pkg-config --exists openssl zlib; then
  missing=1
fi
if [ "$missing" = 1 ]; then
  apt-get update -qq
  apt-get install -y -qq build-essential perl pkg-config libssl-dev zlib1g-dev >/dev/null
fi

# CI builds once from scratch, so it keeps no incremental cache; such a build needs about 2.5 GB
# of disk (the dev profile of Cargo.toml keeps debug information to line tables).
if [ -n "${CI:-}" ]; then
  export CARGO_INCREMENTAL=0
fi
target="${CARGO_TARGET_DIR:-target}"
mkdir -p "$target"
free_kb="$(df -Pk "$target" | awk 'NR == 2 { print $4 }')"
if [ "${free_kb:-0}" -lt $((3 * 1024 * 1024)) ]; then
  echo "test.sh: warning: only $((free_kb / 1024)) MB free under $target; a build from scratch needs about 2.5 GB" >&2
fi

scripts/kafka.sh start
trap 'scripts/kafka.sh stop' EXIT
export TINSTREAM_TEST_KAFKA
TINSTREAM_TEST_KAFKA="$(scripts/kafka.sh address)"

cargo test --workspace --all-targets --locked "$@"
# --all-targets leaves the documentation's examples out.
cargo test --workspace --doc --locked "$@"
