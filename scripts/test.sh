#!/usr/bin/env bash
# Every test of the project, as CI runs it: formatting, lints, docs, the plain-Python reference
# implementation against the golden vectors, and all Rust tests (unit, integration, doc tests).
#
# Needs what a fresh machine of this kind has: Rust (cargo, rustfmt, clippy), Python 3.11 with
# venv and pip, a C compiler, pkg-config, valgrind and Java 17; scripts/test-c.sh installs JNA
# (libjna-java) if missing. The Python package's tools (maturin, pytest, mypy, pandas, polars,
# pyarrow, matplotlib, pinned in bindings/python/requirements-dev.txt) go into bindings/python/.venv.
# Slow, exhaustive runs: SSJ_SLOW=1 scripts/test.sh raises the proptest case count and fuzzes
# each cargo-fuzz target for 20 s at the end (scripts/fuzz.sh: nightly Rust, installs cargo-fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${SSJ_SLOW:-}" == 1 ]]; then
  export PROPTEST_CASES=2048
fi

step() { printf '\n==> %s\n' "$*"; }

step "rustfmt"
cargo fmt --all --check
cargo fmt --manifest-path fuzz/Cargo.toml --check

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

step "Python package: lint the extension crate, build the wheel (debug), pytest with stubtest, doctests and the walk-through"
PY=bindings/python
cargo fmt --manifest-path "$PY/Cargo.toml" --check
cargo clippy --manifest-path "$PY/Cargo.toml" --all-targets --locked -- -D warnings
if [[ ! -x "$PY/.venv/bin/python" ]]; then
  python3 -m venv "$PY/.venv"
fi
"$PY/.venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$PY/requirements-dev.txt"
rm -rf "$PY/target/wheels"
"$PY/.venv/bin/maturin" build --quiet --manifest-path "$PY/Cargo.toml" --locked --out "$PY/target/wheels"
"$PY/.venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$PY"/target/wheels/shuangsuiji-*.whl
# Run from outside the source tree so that the installed wheel, not python/shuangsuiji, is tested.
(cd "$PY/tests" && ../.venv/bin/python -m pytest -q -p no:cacheprovider .)

if [[ "${SSJ_SLOW:-}" == 1 ]]; then
  step "Fuzzing: every cargo-fuzz target for 20 s (fuzz/README.md)"
  bash scripts/fuzz.sh 20
fi
