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
# librdkafka is built from source by the rdkafka crate: it needs a C toolchain, make and perl.
for tool in cc make perl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq build-essential perl >/dev/null
    break
  fi
done

scripts/kafka.sh start
trap 'scripts/kafka.sh stop' EXIT
export TINSTREAM_TEST_KAFKA
TINSTREAM_TEST_KAFKA="$(scripts/kafka.sh address)"

cargo test --workspace --all-targets --locked "$@"
