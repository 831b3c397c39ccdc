# Shared by the recipes in apps/*/build.sh (sourced, not run). A recipe sets
# name, package, version, orig, orig_sha256 and cc before calling these.

root=${NABLA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nabla}
tarball=$root/src/$orig

# What the compiler builds with: the driver and, for a script like nabla-cc,
# every file or directory it names (musl's headers and libc.a, the library
# OS, the linker script), so a change to any of them is a new cache entry.
# Arguments are find(1) filters on those files.
toolchain_id() {
  "$cc" --version
  if head -c2 "$cc" | grep -q '#!'; then
    cat "$cc"
    grep -oE '(/[^ "'\'';)}]+)+' "$cc" | sort -u | while read -r path; do
      if [ -e "$path" ]; then find -L "$path" -type f "$@" -print0 | sort -z | xargs -0r cat; fi
    done
  fi
}

# cache_key [find-filters...]: the recipe, this file and the toolchain.
cache_key() { { cat "$0" "${BASH_SOURCE[0]}"; toolchain_id "$@"; } | sha256sum | cut -c1-16; }

# fetch_source WORKDIR: $tarball, fetched by name once (apt-get source, the
# orig tarball only), checked against the pinned checksum every time.
fetch_source() {
  local work=$1
  if [ ! -f "$tarball" ]; then
    if ! (cd "$work" && apt-get source --download-only -qq "$package=$version") >/dev/null 2>"$work/apt.log"; then
      cat "$work/apt.log" >&2
      echo "$name: 'apt-get source $package=$version' failed; scripts/setup adds the deb-src entry it needs" >&2
      exit 1
    fi
    mkdir -p "$root/src"
    cp "$work/$orig" "$tarball.$$" && mv "$tarball.$$" "$tarball" # atomic: builds may run side by side
  fi
  echo "$orig_sha256  $tarball" | sha256sum --check --quiet || {
    echo "$name: $tarball does not have the pinned checksum $orig_sha256; remove it" >&2
    rm -f "$tarball"
    exit 1
  }
}

# keep_newest PREFIX: each change to the library OS is a new entry; keep a few.
keep_newest() { ls -dt "$1"* | tail -n +9 | xargs -r rm -rf; }

# publish DIR FILES...: puts FILES into the cache entry DIR atomically.
publish() {
  local dir=$1
  shift
  rm -rf "$dir.tmp.$$"
  mkdir -p "$dir.tmp.$$"
  cp "$@" "$dir.tmp.$$/"
  rm -rf "$dir"
  mv -T "$dir.tmp.$$" "$dir" 2>/dev/null || rm -rf "$dir.tmp.$$" # lost a race: same bytes
}
