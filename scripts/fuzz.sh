#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ (cargo-fuzz, libFuzzer) for SECONDS each, one after the
# other on one core: bash scripts/fuzz.sh [SECONDS] (default 30).
#
# Installs cargo-fuzz if it is missing (needs nightly Rust: `cargo +nightly`), writes the seed
# corpora (fuzz/seed-corpora.sh), then fuzzes. Fails (exit 1) when any target finds a crash,
# a broken invariant or an input that runs longer than 30 s, and names the input libFuzzer
# kept under fuzz/artifacts/<target>/; reproduce it with
#   cargo +nightly fuzz run --fuzz-dir fuzz -a <target> fuzz/artifacts/<target>/<file>
# Longer runs and minimising a crash: fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [SECONDS]   (seconds per target, a whole number, default 30)" >&2
  exit 2
fi
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "scripts/fuzz.sh: fuzzing needs nightly Rust (rustup toolchain install nightly)" >&2
  exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

cargo fmt --manifest-path fuzz/Cargo.toml --check
cargo clippy --manifest-path fuzz/Cargo.toml --all-targets --locked --quiet -- -D warnings
bash fuzz/seed-corpora.sh
# -a: debug assertions and overflow checks on, so that an overflow is a crash, not a wrap.
cargo +nightly fuzz build --fuzz-dir fuzz -a

failed=()
for target in $(cargo +nightly fuzz list --fuzz-dir fuzz); do
  printf '\n--> fuzz target %s, %s s\n' "$target" "$seconds"
  if ! cargo +nightly fuzz run --fuzz-dir fuzz -a "$target" -- \
    -max_total_time="$seconds" -timeout=30 -print_final_stats=1 2>"fuzz/$target.log"; then
    failed+=("$target")
    tail -n 60 "fuzz/$target.log" >&2
  else
    grep -E '^(Done|stat::number_of_executed_units)' "fuzz/$target.log" || true
  fi
  rm -f "fuzz/$target.log"
done

if ((${#failed[@]})); then
  echo "scripts/fuzz.sh: crashes found by: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
  exit 1
fi
echo "scripts/fuzz.sh: every target ran ${seconds} s without a crash"
