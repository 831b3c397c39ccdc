#!/usr/bin/env bash
# Fetches lwIP from Debian's source package, pinned by version and checksum,
# and puts its sources (src/) into OUT, for CMake to build nabla_lwip from
# with our lwipopts.h. The unpacked tree is cached outside the work tree,
# keyed by version and checksum, so a rerun skips apt-get.
# Debian's patches touch only PPP, the sockets API and the Hurd port, none
# of which we build: the orig tarball is what we use.
#   build-lwip.sh OUT
set -euo pipefail

version=2.1.3+dfsg1-2
orig=lwip_2.1.3+dfsg1.orig.tar.xz
orig_sha256=0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24

out=${1:?usage: build-lwip.sh OUT}
cache=${NABLA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nabla}/lwip-$version-${orig_sha256:0:16}

if [ ! -f "$cache/src/core/init.c" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cd "$work"
  if ! apt-get source --download-only -qq "lwip=$version" >/dev/null 2>apt.log; then
    cat apt.log >&2
    echo "build-lwip: 'apt-get source lwip=$version' failed; scripts/setup adds the deb-src entry it needs" >&2
    exit 1
  fi
  echo "$orig_sha256  $orig" | sha256sum --check --quiet || {
    echo "build-lwip: $orig does not have the pinned checksum $orig_sha256" >&2
    exit 1
  }
  tar xJf "$orig"
  mkdir -p "$(dirname "$cache")"
  rm -rf "$cache.tmp" "$cache"
  mv lwip-2.1.3 "$cache.tmp"
  mv "$cache.tmp" "$cache"
fi

mkdir -p "$out"
rm -rf "$out/src"
cp -r "$cache/src" "$out/"
# Newer than the script, so the build's outputs are up to date after a run.
find "$out/src" -exec touch {} +
