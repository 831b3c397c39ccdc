#!/usr/bin/env bash
# Builds SQLite from Debian's source package, unmodified: the orig tarball,
# pinned by version and checksum. SQLite's own build (configure, then
# `make sqlite3.c shell.c`, which runs its Tcl generators on the host) makes
# the amalgamation; the compiler then builds the two programs from it, the
# way SQLite documents for the command-line shell:
#   sqlite3     shell.c + sqlite3.c, the command-line shell
#   speedtest1  test/speedtest1.c + sqlite3.c, SQLite's own benchmark
# Only compile options change; no SQLite source is edited.
#   build.sh OUT_DIR            OUT_DIR/sqlite3.nabla, OUT_DIR/speedtest1.nabla,
#                               with $NABLA_CC (default OUT_DIR/nabla-cc)
#   build.sh OUT_DIR --native   OUT_DIR/sqlite3-native, OUT_DIR/speedtest1-native,
#                               with $CC (default gcc): the peers
# Builds are cached outside the work tree, keyed by version, this recipe and
# everything the compiler builds with, so a rerun is a copy; the objects are
# cached apart, so a change to the library OS alone is a relink.
set -euo pipefail

version=3.40.1-2+deb12u2
orig=sqlite3_3.40.1.orig.tar.xz
orig_sha256=aaa776260ab4dc976db34aa7891819484c8676b5b2783123ebc6301e2ca5d655
srcdir=sqlite3-3.40.1

# The same SQLite on both sides:
#   THREADSAFE=1          SQLite's default: mutexes on; speedtest1 --threads N
#                         sorts with N worker threads (the library OS's
#                         cooperative threads in the guest)
#   OMIT_LOAD_EXTENSION   a unikernel has no dlopen
#   USE_PREAD             pread/pwrite instead of lseek + read/write
#   HAVE_*                what configure finds in glibc and musl has too
#   ENABLE_MATH_FUNCTIONS configure's default; ENABLE_RTREE for speedtest1's rtree set
defines=(-DSQLITE_THREADSAFE=1 -DSQLITE_OMIT_LOAD_EXTENSION -DUSE_PREAD=1
  -DHAVE_USLEEP=1 -DHAVE_FDATASYNC=1 -DHAVE_LOCALTIME_R=1 -DHAVE_GMTIME_R=1 -DHAVE_ISNAN=1 -DHAVE_STRCHRNUL=1
  -DSQLITE_ENABLE_MATH_FUNCTIONS -DSQLITE_ENABLE_RTREE)

out=${1:?usage: build.sh OUT_DIR [--native]}
case ${2:-} in
"")
  variant=nabla cc=${NABLA_CC:-$out/nabla-cc} suffix=.nabla
  cflags=() ldflags=(--device=block:data) ;; # the database: --mount:data=PATH
--native)
  variant=native cc=${CC:-gcc} suffix=-native
  # The code generation nabla-cc uses (NABLA_LIBC_CFLAGS), so both sides
  # run the same SQLite code and differ only below it.
  cflags=(-fPIE -fno-plt -fstack-protector-strong) ldflags=(-pie) ;;
*) echo "usage: build.sh OUT_DIR [--native]" >&2; exit 2 ;;
esac
found=$(command -v "$cc") || { echo "sqlite: compiler '$cc' not found" >&2; exit 1; }
cc=$found
# SQLite's generators (sqlite3.c, sqlite3.h, shell.c) are Tcl scripts, and
# the tools they use (lemon, mkkeywordhash) are built for the host.
host_cc=${CC_FOR_BUILD:-gcc}
command -v tclsh >/dev/null || { echo "sqlite: tclsh not found; SQLite's build needs it (apt-get install tcl)" >&2; exit 1; }

name=sqlite package=sqlite3
source "$(dirname "$0")/../recipe.sh"

# Compiling needs only the headers: objects are keyed without the libraries
# and the linker script, so a change to the library OS is a relink (a
# second), not a new compile of the 8 MB sqlite3.c.
key=$(cache_key)
objkey=$(cache_key ! -name '*.a' ! -name '*.o' ! -name '*.ld')
cache=$root/sqlite-$version-$variant-bin-$key
objects=$root/sqlite-$version-$variant-obj-$objkey

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -f "$cache/sqlite3" ] || [ ! -f "$cache/speedtest1" ]; then
  if [ ! -f "$objects/sqlite3.o" ] || [ ! -f "$objects/shell.o" ] || [ ! -f "$objects/speedtest1.o" ]; then
    fetch_source "$work"
    tar xJf "$tarball" -C "$work"
    src=$work/$srcdir bld=$work/bld
    mkdir "$bld"
    # The amalgamation, by SQLite's own configure and makefile.
    if ! (cd "$bld" && "$src/configure" CC="$host_cc" --disable-tcl --disable-readline \
      --disable-threadsafe --disable-load-extension && make -j"$(nproc)" sqlite3.c shell.c) \
      >"$work/amalgamation.log" 2>&1; then
      tail -30 "$work/amalgamation.log" >&2
      echo "sqlite: making the amalgamation (configure; make sqlite3.c shell.c) failed" >&2
      exit 1
    fi
    # sqlite3.c is 8 MB: compile it once for both programs, beside their mains.
    compile() { # compile OBJECT SOURCE
      "$cc" -O2 "${cflags[@]}" "${defines[@]}" -I"$bld" -c "$2" -o "$1" >"$1.log" 2>&1 || {
        tail -30 "$1.log" >&2
        echo "sqlite: $cc -c $2 failed" >&2
        return 1
      }
    }
    pids=()
    compile "$bld/sqlite3.o" "$bld/sqlite3.c" & pids+=($!)
    compile "$bld/shell.o" "$bld/shell.c" & pids+=($!)
    compile "$bld/speedtest1.o" "$src/test/speedtest1.c" & pids+=($!)
    failed=0
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
    [ $failed = 0 ] || exit 1
    publish "$objects" "$bld/sqlite3.o" "$bld/shell.o" "$bld/speedtest1.o"
    keep_newest "$root/sqlite-$version-$variant-obj-"
  fi
  for prog in sqlite3:shell speedtest1:speedtest1; do
    if ! "$cc" -O2 "${cflags[@]}" "${ldflags[@]}" -o "$work/${prog%%:*}" "$objects/${prog#*:}.o" "$objects/sqlite3.o" -lm -lpthread \
      >"$work/link.log" 2>&1; then
      cat "$work/link.log" >&2
      echo "sqlite: linking ${prog%%:*} with $cc failed" >&2
      exit 1
    fi
  done
  publish "$cache" "$work/sqlite3" "$work/speedtest1"
  keep_newest "$root/sqlite-$version-$variant-bin-"
fi

mkdir -p "$out"
for prog in sqlite3 speedtest1; do
  cp "$cache/$prog" "$out/$prog$suffix.tmp.$$"
  mv "$out/$prog$suffix.tmp.$$" "$out/$prog$suffix"
done
