#!/usr/bin/env bash
# Builds the Redis server from Debian's source package, unmodified: the orig
# tarball, pinned by version and checksum, which bundles the libraries Redis
# builds with (deps/: hiredis, Lua 5.1, hdr_histogram, linenoise; Debian's
# own build swaps them for system packages, this one does not), compiled by
# Redis's own makefile with only make variables changed:
#   MALLOC=libc            the C library's malloc (musl's in the unikernel), not jemalloc
#   BUILD_TLS=no USE_SYSTEMD=no
#   FINAL_LDFLAGS          the makefile's own (-g -ggdb) less -rdynamic, which a
#                          static unikernel has no use for (nabla-cc refuses it);
#                          the same on both sides
#   SOURCE_DATE_EPOCH      a fixed build id (redis-server --version): the same
#                          source makes the same binary
#   build.sh OUT_DIR            OUT_DIR/redis-server.nabla, with $NABLA_CC (default OUT_DIR/nabla-cc)
#   build.sh OUT_DIR --native   OUT_DIR/redis-server-native, with $CC (default gcc): the peer
#   build.sh OUT_DIR --root     OUT_DIR/redis-root.img, the unikernel's root image
#                               (/etc/redis/redis.conf, /data), with OUT_DIR/nabla-mkroot
# Builds are cached outside the work tree, keyed by version, this recipe and
# everything the compiler builds with, so a rerun is a copy; the compiled tree
# is cached apart, so a change to the library OS alone is a relink.
set -euo pipefail

version=5:7.0.15-1~deb12u7
orig=redis_7.0.15.orig.tar.gz
orig_sha256=4b1dc4ee6d622a09fff9c6777191209750fb5e5a725ef78ea012d6eef4c22982
srcdir=redis-7.0.15

here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUT_DIR [--native|--root]}
case ${2:-} in
"")
  variant=nabla cc=${NABLA_CC:-$out/nabla-cc} product=redis-server.nabla
  # The root image (redis.conf, /data) is block device "rootfs", the network "eth0".
  cflags= ldflags="--device=block:rootfs --device=net:eth0 -g -ggdb" ;;
--native)
  variant=native cc=${CC:-gcc} product=redis-server-native
  # The code generation nabla-cc uses (NABLA_LIBC_CFLAGS), so both sides
  # run the same Redis code and differ only below it.
  cflags="-fPIE -fno-plt -fstack-protector-strong" ldflags="-pie -g -ggdb" ;;
--root)
  variant=root cc=/bin/true ;;
*) echo "usage: build.sh OUT_DIR [--native|--root]" >&2; exit 2 ;;
esac
found=$(command -v "$cc") || { echo "redis: compiler '$cc' not found" >&2; exit 1; }
cc=$found
[[ $cc == /* ]] || cc=$PWD/$cc # make runs in another directory

name=redis package=redis
source "$here/../recipe.sh"
# The version as a cache directory name: no epoch colon.
dirversion=${version#*:}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The root image: redis.conf and the empty /data it runs in.
if [ "$variant" = root ]; then
  tree=$work/root
  mkdir -p "$tree/etc/redis" "$tree/data"
  cp "$here/redis.conf" "$tree/etc/redis/"
  chmod -R u=rwX,go=rX "$tree"
  find "$tree" -exec touch -h -d @0 {} + # the same tree makes the same image
  mkdir -p "$out"
  "$out/nabla-mkroot" "$tree" "$out/redis-root.img.tmp.$$"
  mv "$out/redis-root.img.tmp.$$" "$out/redis-root.img"
  exit 0
fi

key=$(cache_key)
objkey=$(cache_key ! -name '*.a' ! -name '*.o' ! -name '*.ld')
cache=$root/redis-$dirversion-$variant-bin-$key
objects=$root/redis-$dirversion-$variant-obj-$objkey

# Debug information names the sources redis-7.0.15/..., not by this build's
# scratch directory, so the same source makes the same binary (in CC, which
# Redis's makefile does not record: a change of CFLAGS there rebuilds all).
make_redis() { # in $work/$srcdir: builds what is missing, links redis-server
  SOURCE_DATE_EPOCH=1704758400 make -C "$work/$srcdir" -j"$(nproc)" redis-server \
    MALLOC=libc BUILD_TLS=no USE_SYSTEMD=no CC="$cc -ffile-prefix-map=$work/=" CFLAGS="$cflags" FINAL_LDFLAGS="$ldflags" \
    >>"$work/build.log" 2>&1 || {
    tail -30 "$work/build.log" >&2
    echo "redis: make redis-server CC=$cc failed" >&2
    exit 1
  }
}

if [ ! -f "$cache/redis-server" ]; then
  if [ "$variant" = nabla ] && [ -f "$objects/tree.tar" ]; then
    # The compiled tree (mtimes kept): make relinks redis-server and nothing else.
    tar xf "$objects/tree.tar" -C "$work"
    make_redis
  else
    fetch_source "$work"
    tar xzf "$tarball" -C "$work"
    make_redis
    if [ "$variant" = nabla ]; then
      tar cf "$work/tree.tar" -C "$work" --exclude="$srcdir/src/redis-server" "$srcdir"
      publish "$objects" "$work/tree.tar"
      keep_newest "$root/redis-$dirversion-$variant-obj-"
    fi
  fi
  publish "$cache" "$work/$srcdir/src/redis-server"
  keep_newest "$root/redis-$dirversion-$variant-bin-"
fi

mkdir -p "$out"
cp "$cache/redis-server" "$out/$product.tmp.$$"
mv "$out/$product.tmp.$$" "$out/$product"
