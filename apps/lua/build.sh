#!/usr/bin/env bash
# Builds the Lua 5.4 interpreter from Debian's source package, unmodified:
# the orig tarball, pinned by version and checksum, compiled by Lua's own
# makefile (`make posix`) with only make variables changed.
#   build.sh OUT_DIR            OUT_DIR/lua.nabla, with $NABLA_CC (default OUT_DIR/nabla-cc)
#   build.sh OUT_DIR --native   OUT_DIR/lua-native, with $CC (default gcc): the peer
# Builds are cached outside the work tree, keyed by version, this recipe and
# everything the compiler builds with, so a rerun is a copy.
set -euo pipefail

version=5.4.4-3+deb12u1
orig=lua5.4_5.4.4.orig.tar.gz
orig_sha256=164c7849653b80ae67bec4b7473b884bf5cc8d2dca05653475ec2ed27b9ebf61
srcdir=lua-5.4.4

out=${1:?usage: build.sh OUT_DIR [--native]}
case ${2:-} in
"")
  variant=nabla cc=${NABLA_CC:-$out/nabla-cc} product=lua.nabla
  # Scripts come from a root image: the unikernel declares its device.
  extra=(MYLDFLAGS=--device=block:rootfs) ;;
--native)
  variant=native cc=${CC:-gcc} product=lua-native
  # The code generation nabla-cc uses (NABLA_LIBC_CFLAGS), so both sides
  # run the same interpreter code and differ only below it.
  extra=(MYCFLAGS="-fPIE -fno-plt -fstack-protector-strong" MYLDFLAGS=-pie) ;;
*) echo "usage: build.sh OUT_DIR [--native]" >&2; exit 2 ;;
esac
found=$(command -v "$cc") || { echo "lua: compiler '$cc' not found" >&2; exit 1; }
cc=$found
[[ $cc == /* ]] || cc=$PWD/$cc # make runs in another directory

name=lua package=lua5.4
source "$(dirname "$0")/../recipe.sh"
cache=$root/lua-$version-$variant-$(cache_key)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -f "$cache/lua" ]; then
  fetch_source "$work"
  tar xzf "$tarball" -C "$work"
  # Lua's "posix" platform: POSIX functions, no dlopen (a unikernel has no
  # dynamic loader). CC keeps Lua's own -std=gnu99.
  if ! make -C "$work/$srcdir" -j"$(nproc)" posix CC="$cc -std=gnu99" "${extra[@]}" \
    >"$work/build.log" 2>&1; then
    tail -30 "$work/build.log" >&2
    echo "lua: make posix with CC=$cc failed" >&2
    exit 1
  fi
  publish "$cache" "$work/$srcdir/src/lua"
  keep_newest "$root/lua-$version-$variant-"
fi

mkdir -p "$out"
cp "$cache/lua" "$out/$product.tmp.$$"
mv "$out/$product.tmp.$$" "$out/$product"
