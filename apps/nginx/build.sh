#!/usr/bin/env bash
# Builds nginx from Debian's source package, unmodified: the orig tarball,
# pinned by version and checksum, configured by nginx's own configure and
# compiled by the makefile it writes. HTTP core and static files only: no
# PCRE, zlib, OpenSSL, no proxy/FastCGI/uwsgi/SCGI/gRPC/memcached, no cache.
#
# nginx's configure runs the programs it compiles (type sizes, features), so
# it cannot use nabla-cc, whose output needs nabla-run. It runs with Debian's
# musl-gcc instead (musl-tools): the same musl 1.2.3 headers the unikernel is
# built against, and programs the host can run. Only then does nabla-cc take
# over, as make's CC and LINK.
#   build.sh OUT_DIR            OUT_DIR/nginx.nabla, with $NABLA_CC (default OUT_DIR/nabla-cc)
#   build.sh OUT_DIR --native   OUT_DIR/nginx-native, with $CC (default gcc): the peer
#   build.sh OUT_DIR --root     OUT_DIR/nginx-root.img, the unikernel's root image
#                               (nginx.conf, mime.types, /www), with OUT_DIR/nabla-mkroot
# Builds are cached outside the work tree, keyed by version, this recipe and
# everything the compiler builds with, so a rerun is a copy; the compiled tree
# is cached apart, so a change to the library OS alone is a relink.
set -euo pipefail

version=1.22.1-9+deb12u9
orig=nginx_1.22.1.orig.tar.gz
orig_sha256=9ebb333a9e82b952acd3e2b4aeb1d4ff6406f72491bab6cd9fe69f0dea737f31
srcdir=nginx-1.22.1

# The same nginx on both sides. Paths are relative to the prefix /, so one
# nginx.conf serves the unikernel (/www) and the peer (-p DIR: DIR/www).
configure_args=(--prefix=/ --conf-path=/etc/nginx/nginx.conf --error-log-path=stderr
  --without-pcre --without-http_rewrite_module --without-http_gzip_module
  --without-http_proxy_module --without-http_fastcgi_module --without-http_uwsgi_module
  --without-http_scgi_module --without-http_grpc_module --without-http_memcached_module
  --without-http-cache)

here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUT_DIR [--native|--root]}
case ${2:-} in
"")
  variant=nabla cc=${NABLA_CC:-$out/nabla-cc} product=nginx.nabla
  configure_cc=musl-gcc cc_opt=-O2 ld_opt=
  # The root image (nginx.conf, mime.types, /www) is block device "rootfs".
  link_flags=(--device=block:rootfs --device=net:eth0) ;;
--native)
  variant=native cc=${CC:-gcc} product=nginx-native
  # The code generation nabla-cc uses (NABLA_LIBC_CFLAGS), so both sides
  # run the same nginx code and differ only below it.
  configure_cc=$cc cc_opt="-O2 -fPIE -fno-plt -fstack-protector-strong" ld_opt=-pie
  link_flags=() ;;
--root)
  variant=root cc=/bin/true ;;
*) echo "usage: build.sh OUT_DIR [--native|--root]" >&2; exit 2 ;;
esac
found=$(command -v "$cc") || { echo "nginx: compiler '$cc' not found" >&2; exit 1; }
cc=$found
[[ $cc == /* ]] || cc=$PWD/$cc # make runs in another directory

name=nginx package=nginx
source "$here/../recipe.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The root image: this directory's nginx.conf and index.html, nginx's own
# mime.types, a 1 MiB file of fixed pseudo-random bytes, and the directories
# nginx writes to at start (run/ for its pid file; the unikernel's /tmp is
# always there). /etc/passwd and /etc/group name root, the only user, for
# the `user root root;` of nginx.conf.
if [ "$variant" = root ]; then
  fetch_source "$work"
  tree=$work/root
  mkdir -p "$tree/etc/nginx" "$tree/www" "$tree/run" "$tree/tmp"
  tar xzf "$tarball" -C "$work" "$srcdir/conf/mime.types"
  cp "$work/$srcdir/conf/mime.types" "$here/nginx.conf" "$tree/etc/nginx/"
  cp "$here/index.html" "$tree/www/"
  python3 -c 'import random, sys; sys.stdout.buffer.write(random.Random(1).randbytes(1 << 20))' >"$tree/www/1M.bin"
  echo "root:x:0:0:root:/root:/sbin/nologin" >"$tree/etc/passwd"
  echo "root:x:0:" >"$tree/etc/group"
  chmod -R u=rwX,go=rX "$tree"
  find "$tree" -exec touch -h -d @0 {} + # the same tree makes the same image
  mkdir -p "$out"
  "$out/nabla-mkroot" "$tree" "$out/nginx-root.img.tmp.$$"
  mv "$out/nginx-root.img.tmp.$$" "$out/nginx-root.img"
  exit 0
fi

# Objects need only the headers (and, for the unikernel, musl-gcc's view of
# the same musl at configure time): the compiled tree is keyed without the
# libraries and the linker script.
key=$(cache_key)
objkey=$({ cache_key ! -name '*.a' ! -name '*.o' ! -name '*.ld'; dpkg-query -W musl-dev musl-tools 2>/dev/null || true; } |
  sha256sum | cut -c1-16)
cache=$root/nginx-$version-$variant-bin-$key
objects=$root/nginx-$version-$variant-obj-$objkey

# Debug information names the sources nginx-1.22.1/..., not by this build's
# scratch directory, so the same source makes the same binary (a make
# variable, not a configure option, which nginx -V would print).
make_nginx() { # in $work/$srcdir; CC and LINK from here, whatever configure chose
  make -C "$work/$srcdir" -j"$(nproc)" CC="$cc -ffile-prefix-map=$work/=" LINK="$cc ${link_flags[*]}" \
    >>"$work/build.log" 2>&1 || {
    tail -30 "$work/build.log" >&2
    echo "nginx: make CC=$cc failed" >&2
    exit 1
  }
}

if [ ! -f "$cache/nginx" ]; then
  if [ "$variant" = nabla ] && [ -f "$objects/tree.tar" ]; then
    # The compiled tree (mtimes kept): make relinks objs/nginx and nothing else.
    tar xf "$objects/tree.tar" -C "$work"
    make_nginx
  else
    command -v "$configure_cc" >/dev/null ||
      { echo "nginx: $configure_cc not found; configure needs it (apt-get install musl-tools)" >&2; exit 1; }
    fetch_source "$work"
    tar xzf "$tarball" -C "$work"
    if ! (cd "$work/$srcdir" && ./configure --with-cc="$configure_cc" --with-cc-opt="$cc_opt" \
      ${ld_opt:+--with-ld-opt="$ld_opt"} "${configure_args[@]}") >"$work/build.log" 2>&1; then
      tail -30 "$work/build.log" >&2
      tail -30 "$work/$srcdir/objs/autoconf.err" >&2 2>/dev/null || true
      echo "nginx: configure --with-cc=$configure_cc failed" >&2
      exit 1
    fi
    make_nginx
    if [ "$variant" = nabla ]; then
      tar cf "$work/tree.tar" -C "$work" --exclude="$srcdir/objs/nginx" "$srcdir"
      publish "$objects" "$work/tree.tar"
      keep_newest "$root/nginx-$version-$variant-obj-"
    fi
  fi
  publish "$cache" "$work/$srcdir/objs/nginx"
  keep_newest "$root/nginx-$version-$variant-bin-"
fi

mkdir -p "$out"
cp "$cache/nginx" "$out/$product.tmp.$$"
mv "$out/$product.tmp.$$" "$out/$product"
