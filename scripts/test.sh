#!/usr/bin/env bash
# Every test of the project, as CI runs it: formatting, lints, docs, the plain-Python reference
# implementation against the golden vectors, and all Rust tests (unit, integration, doc tests).
#
# Needs what a fresh machine of this kind has: Rust (cargo, rustfmt, clippy), Python 3.11, a C
# compiler, pkg-config, valgrind and Java 17; scripts/test-c.sh installs JNA (libjna-java) if missing.
# Slow, exhaustive property runs: SSJ_SLOW=1 scripts/test.sh (raises the proptest case count).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${SSJ_SLOW:-}" == 1 ]]; then
  export PROPTEST_CASES=2048
fi

step() { printf '\n==> %s\n' "$*"; }

step "rustfmt"
cargo fmt --all --check

step "clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "rustdoc (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

step "Python reference implementation vs golden vectors (standard library only)"
python3 -m unittest discover -s tests/reference

step "Rust tests"
cargo test --workspace --locked

step "C ABI: installed library, C tests under valgrind, the C and Java examples"
bash scripts/test-c.sh
