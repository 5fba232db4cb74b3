#!/usr/bin/env bash
# Builds the C library and installs it under PREFIX:
#   PREFIX/include/shuangsuiji.h
#   PREFIX/lib/libshuangsuiji.so (-> .so.MAJOR -> .so.VERSION) and libshuangsuiji.a
#   PREFIX/lib/pkgconfig/shuangsuiji.pc
# so that `cc prog.c $(pkg-config --cflags --libs shuangsuiji)` works with
# PKG_CONFIG_PATH=PREFIX/lib/pkgconfig (not needed for /usr/local and /usr).
#
# Usage: scripts/install-c.sh PREFIX        (release build)
#        SSJ_PROFILE=debug scripts/install-c.sh PREFIX   (the debug build, as the tests do)
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -ne 1 ]]; then
  echo "usage: $0 PREFIX" >&2
  exit 2
fi
mkdir -p "$1"
prefix=$(cd "$1" && pwd)
profile=${SSJ_PROFILE:-release}

target=${CARGO_TARGET_DIR:-target}
case "$profile" in
  release) cargo build --release --locked -p shuangsuiji-ffi; dir=$target/release ;;
  debug) cargo build --locked -p shuangsuiji-ffi; dir=$target/debug ;;
  *) echo "SSJ_PROFILE must be release or debug" >&2; exit 2 ;;
esac

version=$(sed -n 's/^#define SSJ_VERSION "\(.*\)"$/\1/p' include/shuangsuiji.h)
major=${version%%.*}
if [[ -z "$version" ]]; then
  echo "no SSJ_VERSION in include/shuangsuiji.h" >&2
  exit 1
fi

install -d "$prefix/include" "$prefix/lib/pkgconfig"
install -m 644 include/shuangsuiji.h "$prefix/include/shuangsuiji.h"
# Cargo names the files after the crate (libshuangsuiji_ffi); the SONAME inside the shared
# library is already libshuangsuiji.so.MAJOR (build.rs).
install -m 755 "$dir/libshuangsuiji_ffi.so" "$prefix/lib/libshuangsuiji.so.$version"
ln -sf "libshuangsuiji.so.$version" "$prefix/lib/libshuangsuiji.so.$major"
ln -sf "libshuangsuiji.so.$major" "$prefix/lib/libshuangsuiji.so"
install -m 644 "$dir/libshuangsuiji_ffi.a" "$prefix/lib/libshuangsuiji.a"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" \
  crates/shuangsuiji-ffi/shuangsuiji.pc.in > "$prefix/lib/pkgconfig/shuangsuiji.pc"
echo "installed shuangsuiji $version ($profile) under $prefix"
