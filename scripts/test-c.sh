#!/usr/bin/env bash
# The C ABI from the outside, as an integrator uses it: install the library (debug build) into
# a temporary prefix with scripts/install-c.sh, compile the C tests and the C example against
# the installed header with pkg-config, run them under valgrind (a leak or an invalid access
# fails), link the example statically too, and run the Java example through JNA. Then the C
# tests again under AddressSanitizer and UndefinedBehaviorSanitizer, against a library built
# with AddressSanitizer too (nightly Rust), so that an invalid access on either side of the ABI,
# or undefined behaviour in the C, fails.
#
# Needs a C compiler, pkg-config, valgrind, Java 17 (javac) and JNA (/usr/share/java/jna.jar);
# whichever is missing is installed with apt-get when running as root (as CI does). Needs Rust
# nightly too (`rustup toolchain install nightly`; the prebuilt standard library is enough).
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Tools and the packages that bring them (Debian), installed when missing and running as root.
apt_updated=
need() { # need COMMAND-OR-FILE PACKAGE
  if command -v "$1" >/dev/null 2>&1 || [[ -f $1 ]]; then return; fi
  if [[ $(id -u) != 0 ]]; then
    echo "missing $1: apt-get install $2" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if [[ -z $apt_updated ]]; then
    apt-get update -qq >"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log" >&2; exit 1; }
    apt_updated=1
  fi
  apt-get install -y -qq "$2" >>"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log" >&2; exit 1; }
}
need cc gcc
need c++ g++
need pkg-config pkg-config
need valgrind valgrind
need javac default-jdk-headless
jna=/usr/share/java/jna.jar
need "$jna" libjna-java

prefix="$tmp/prefix"
SSJ_PROFILE=debug bash scripts/install-c.sh "$prefix" >/dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"

cflags=(-std=c11 -Wall -Wextra -Werror -pedantic -g)
build() { # build OUTPUT SOURCE [cc args...]
  local out=$1 src=$2
  shift 2
  # shellcheck disable=SC2046 # pkg-config output is meant to split
  cc "${cflags[@]}" "$src" -o "$tmp/$out" "$@" $(pkg-config --cflags --libs shuangsuiji) \
    -Wl,-rpath,"$(pkg-config --variable=libdir shuangsuiji)"
}
memcheck() {
  valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect "$@"
}

# Every function of the header is called by the C tests.
missing=$(grep -oE '\bssj_[a-z0-9_]+\(' include/shuangsuiji.h | tr -d '(' | sort -u |
  while read -r f; do grep -q "$f(" tests/c/*.c || echo "$f"; done)
if [[ -n "$missing" ]]; then
  echo "functions of include/shuangsuiji.h no C test calls: $missing" >&2
  exit 1
fi

build test_ffi tests/c/test_ffi.c
build test_threads tests/c/test_threads.c -pthread
build example examples/c/draw_and_verify.c
memcheck "$tmp/test_ffi"
"$tmp/test_threads" # really concurrent (valgrind runs one thread at a time)
memcheck "$tmp/test_threads"
memcheck "$tmp/example" >"$tmp/example.out"
grep -q "verification: the record reproduces exactly" "$tmp/example.out"
# A handle the program never frees is reported as a leak (the library's registry of live
# handles must not make it look reachable).
build leak_check tests/c/leak_check.c
if memcheck "$tmp/leak_check" >/dev/null 2>"$tmp/leak.err" ||
  ! grep -q "definitely lost" "$tmp/leak.err"; then
  echo "valgrind did not report the handle tests/c/leak_check.c leaks:" >&2
  cat "$tmp/leak.err" >&2
  exit 1
fi

# The header is valid C++ as well.
printf '#include "shuangsuiji.h"\nint main() { return ssj_version() == nullptr; }\n' >"$tmp/cpp.cpp"
# shellcheck disable=SC2046
c++ -std=c++17 -Wall -Wextra -Werror -pedantic $(pkg-config --cflags shuangsuiji) -fsyntax-only \
  "$tmp/cpp.cpp"

# The static library links on its own.
cc "${cflags[@]}" examples/c/draw_and_verify.c -o "$tmp/example_static" \
  -I"$prefix/include" "$prefix/lib/libshuangsuiji.a" -lpthread -ldl -lm
"$tmp/example_static" >/dev/null
echo "C example: ran clean under valgrind, linked dynamically and statically"

# The Java example (JNA).
mkdir -p "$tmp/java"
javac -cp "$jna" -d "$tmp/java" examples/java/DrawAndVerify.java
java -cp "$jna:$tmp/java" -Djna.library.path="$prefix/lib" DrawAndVerify >"$tmp/java.out"
for expected in "2 of 3 codes invalid" \
  "code 91350100M000100Y44: wrong check character at position 18: expected '3', found '4'" \
  "drawn 390 of 1000 (A 10, B 40, C 120, D 200, ungraded 20)" \
  "verification: the record reproduces exactly" \
  "bad request refused: draw: a JSON document that is not valid"; do
  if ! grep -qF "$expected" "$tmp/java.out"; then
    echo "Java example: missing \"$expected\" in its output:" >&2
    cat "$tmp/java.out" >&2
    exit 1
  fi
done
echo "Java example: validated, drew, verified and reported the bad request"

# AddressSanitizer and UBSan. The library is built by nightly Rust with -Zsanitizer=address
# (its own target dir: other flags, other artefacts; --target keeps the flag off build scripts
# and proc macros) and linked statically into the tests, which gcc compiles with
# -fsanitize=address,undefined; gcc's libasan is the runtime of both. Any report aborts the test
# and fails the script: leaks (detect_leaks), invalid reads and writes, use after free, and
# undefined behaviour (halt_on_error, and no recovery compiled in).
if ! cargo +nightly --version >/dev/null 2>&1; then
  rustup toolchain install nightly --profile minimal >/dev/null 2>&1 || true
fi
host=$(rustc -vV | sed -n 's/^host: //p')
asan_dir=${CARGO_TARGET_DIR:-target}/asan
if cargo +nightly --version >/dev/null 2>&1; then
  RUSTFLAGS="-Zsanitizer=address -Cforce-frame-pointers=yes" \
    cargo +nightly build --locked --quiet -p shuangsuiji-ffi --target "$host" --target-dir "$asan_dir"
  asan_lib="$asan_dir/$host/debug/libshuangsuiji_ffi.a"
  asan_what="library built with AddressSanitizer"
else
  # No nightly to be had: the C side is still instrumented, against the plain static library.
  echo "note: no Rust nightly here; the sanitizers instrument the C tests only" >&2
  cargo build --locked --quiet -p shuangsuiji-ffi
  asan_lib="${CARGO_TARGET_DIR:-target}/debug/libshuangsuiji_ffi.a"
  asan_what="C side only: no Rust nightly for an instrumented library"
fi
san=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
for t in test_ffi test_threads; do
  cc "${cflags[@]}" "${san[@]}" "tests/c/$t.c" -o "$tmp/${t}_asan" -Iinclude \
    "$asan_lib" -lpthread -ldl -lm
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$tmp/${t}_asan" >"$tmp/$t.asan.out"
  grep -q "^$t: [0-9]* passed, 0 failed" "$tmp/$t.asan.out"
done
cc "${cflags[@]}" "${san[@]}" tests/c/leak_check.c -o "$tmp/leak_check_asan" -Iinclude \
  "$asan_lib" -lpthread -ldl -lm
if ASAN_OPTIONS=detect_leaks=1 "$tmp/leak_check_asan" >/dev/null 2>"$tmp/leak.err" ||
  ! grep -q "LeakSanitizer: detected memory leaks" "$tmp/leak.err"; then
  echo "LeakSanitizer did not report the handle tests/c/leak_check.c leaks:" >&2
  cat "$tmp/leak.err" >&2
  exit 1
fi
echo "C tests: ran clean under AddressSanitizer and UBSan ($asan_what)"
