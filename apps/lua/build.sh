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
  extra=() ;;
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

# What the compiler builds with: the driver and, for a script like nabla-cc,
# every file or directory it names (musl's headers and libc.a, the library
# OS, the linker script), so a change to any of them is a new cache entry.
toolchain_id() {
  "$cc" --version
  if head -c2 "$cc" | grep -q '#!'; then
    cat "$cc"
    grep -oE '(/[^ "'\'';)}]+)+' "$cc" | sort -u | while read -r path; do
      if [ -e "$path" ]; then find -L "$path" -type f -print0 | sort -z | xargs -0r cat; fi
    done
  fi
}

root=${NABLA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nabla}
key=$({ cat "$0"; toolchain_id; } | sha256sum | cut -c1-16)
cache=$root/lua-$version-$variant-$key
tarball=$root/src/$orig

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The source, fetched by name once and kept (verified) for every build.
if [ ! -f "$tarball" ]; then
  if ! (cd "$work" && apt-get source --download-only -qq "lua5.4=$version") >/dev/null 2>"$work/apt.log"; then
    cat "$work/apt.log" >&2
    echo "lua: 'apt-get source lua5.4=$version' failed; scripts/setup adds the deb-src entry it needs" >&2
    exit 1
  fi
  (cd "$work" && echo "$orig_sha256  $orig" | sha256sum --check --quiet) || {
    echo "lua: $orig does not have the pinned checksum $orig_sha256" >&2
    exit 1
  }
  mkdir -p "$root/src"
  cp "$work/$orig" "$tarball.$$" && mv "$tarball.$$" "$tarball" # atomic: builds may run side by side
fi

if [ ! -f "$cache/lua" ]; then
  echo "$orig_sha256  $tarball" | sha256sum --check --quiet || {
    echo "lua: cached $tarball does not have the pinned checksum; remove it" >&2
    exit 1
  }
  tar xzf "$tarball" -C "$work"
  # Lua's "posix" platform: POSIX functions, no dlopen (a unikernel has no
  # dynamic loader). CC keeps Lua's own -std=gnu99.
  if ! make -C "$work/$srcdir" -j"$(nproc)" posix CC="$cc -std=gnu99" "${extra[@]}" \
    >"$work/build.log" 2>&1; then
    tail -30 "$work/build.log" >&2
    echo "lua: make posix with CC=$cc failed" >&2
    exit 1
  fi
  rm -rf "$cache.tmp.$$"
  mkdir -p "$cache.tmp.$$"
  cp "$work/$srcdir/src/lua" "$cache.tmp.$$/"
  rm -rf "$cache"
  mv -T "$cache.tmp.$$" "$cache" 2>/dev/null || rm -rf "$cache.tmp.$$" # lost a race: same bytes
  # Each change to the library OS is a new entry: keep the newest few.
  ls -dt "$root/lua-$version-$variant-"* | tail -n +9 | xargs -r rm -rf
fi

mkdir -p "$out"
cp "$cache/lua" "$out/$product.tmp.$$"
mv "$out/$product.tmp.$$" "$out/$product"
