#!/usr/bin/env bash
# Builds GNU Hello from Debian's source package, unmodified, the autotools
# way: CC=nabla-cc ./configure --host=... && make. It proves nabla-cc works
# as the compiler of a configure script. --host makes it a cross build:
# configure cannot run the unikernels it compiles (they need nabla-run).
#   build.sh OUT_DIR     OUT_DIR/gnu-hello.nabla, with $NABLA_CC (default OUT_DIR/nabla-cc)
set -euo pipefail

version=2.10-3
orig=hello_2.10.orig.tar.gz
orig_sha256=31e066137a962676e89f69d1b65382de95a7ef7d914b8cb956f41ea72e0f516b
srcdir=hello-2.10

out=${1:?usage: build.sh OUT_DIR}
cc=$(command -v "${NABLA_CC:-$out/nabla-cc}") || { echo "hello: nabla-cc not found" >&2; exit 1; }

name=hello package=hello
source "$(dirname "$0")/../recipe.sh"
cache=$root/hello-$version-$(cache_key)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -f "$cache/hello" ]; then
  fetch_source "$work"
  tar xzf "$tarball" -C "$work"
  if ! (cd "$work/$srcdir" && CC="$cc" ./configure --host=x86_64-linux-musl --disable-nls &&
    make -j"$(nproc)") >"$work/build.log" 2>&1; then
    tail -30 "$work/build.log" >&2
    echo "hello: configure && make with CC=$cc failed" >&2
    exit 1
  fi
  publish "$cache" "$work/$srcdir/hello"
  keep_newest "$root/hello-$version-"
fi

mkdir -p "$out"
cp "$cache/hello" "$out/gnu-hello.nabla.tmp.$$"
mv "$out/gnu-hello.nabla.tmp.$$" "$out/gnu-hello.nabla"
