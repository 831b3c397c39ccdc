#!/usr/bin/env bash
# Fetches musl from Debian's source package, pinned by version and checksum,
# replaces every site that issues a system call with a call into the library
# OS, builds libc.a, and installs it into OUT. The build is cached outside
# the work tree, keyed by version, checksum and the overlay's own contents,
# so a rerun (or CI on the same machine) skips it.
#   build-musl.sh OUT
set -euo pipefail

version=1.2.3-1
orig=musl_1.2.3.orig.tar.gz
orig_sha256=7d5b0b6062521e4627e099e4c9dc8248d32a30285e959b7eecaa780cf8cfd4a4

# Assembler files that make system calls; without them musl's build uses
# its generic C versions (which go through syscall_arch.h) or our overlay.
remove=(
  src/process/x86_64/vfork.s           # vfork: the generic C one answers ENOSYS through the library OS
  src/signal/x86_64/restore.s          # sigreturn trampoline: the guest gets no host signals
  src/thread/x86_64/__set_thread_area.s
  src/thread/x86_64/__unmapself.s      # replaced by overlay/src/thread/x86_64/__unmapself.c
  src/thread/x86_64/clone.s            # replaced by overlay/src/thread/x86_64/clone.c: the library OS makes threads
  src/thread/x86_64/syscall_cp.s       # replaced by overlay/src/thread/x86_64/syscall_cp.c
  src/string/x86_64/memcpy.s           # not a syscall site: replaced by a faster overlay/src/string/x86_64/memcpy.c
)

out=${1:?usage: build-musl.sh OUT}
here=$(cd "$(dirname "$0")" && pwd)
key=$(cat "$0" $(find "$here/overlay" -type f | sort) | sha256sum | cut -c1-16)
cache=${NABLA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nabla}/musl-$version-$key

if [ ! -f "$cache/lib/libc.a" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cd "$work"
  if ! apt-get source --download-only -qq "musl=$version" >/dev/null 2>apt.log; then
    cat apt.log >&2
    echo "build-musl: 'apt-get source musl=$version' failed; scripts/setup adds the deb-src entry it needs" >&2
    exit 1
  fi
  echo "$orig_sha256  $orig" | sha256sum --check --quiet || {
    echo "build-musl: $orig does not have the pinned checksum $orig_sha256" >&2
    exit 1
  }
  tar xzf "$orig"
  cd musl-1.2.3
  rm "${remove[@]}"
  cp -r "$here/overlay/." .
  # -fPIE: the library goes into static-PIE unikernels. No stack protector of
  # musl's own: the platform sets the canary up before musl runs.
  ./configure --prefix="$cache.tmp" --disable-shared \
    CC="${CC:-gcc}" CFLAGS="-O2 -fPIE -fno-plt" >/dev/null
  make -s -j"$(nproc)" >/dev/null 2>build.log || { tail -20 build.log >&2; exit 1; }
  rm -rf "$cache.tmp"
  make -s install >/dev/null
  rm -rf "$cache"
  mv "$cache.tmp" "$cache"
fi

mkdir -p "$out"
rm -rf "$out/include" "$out/lib"
cp -r "$cache/include" "$cache/lib" "$out/"
