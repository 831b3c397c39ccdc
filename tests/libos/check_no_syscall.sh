#!/usr/bin/env bash
# The built libc.a must not contain one instruction that enters the host
# kernel: every system call goes to the library OS.
set -euo pipefail
lib=${1:?usage: check_no_syscall.sh libc.a}
listing=$(objdump -d --no-show-raw-insn "$lib")
calls=$(grep -cP '\tcall\s' <<<"$listing" || true)
traps=$(grep -P '\t(syscall|sysenter|int\s+\$0x80)\s*$' <<<"$listing" || true)
echo "$lib: $calls call instructions, $(grep -c . <<<"$traps" || true) system call instructions"
[ "$calls" -gt 1000 ] || { echo "too little code: is this musl's libc.a?" >&2; exit 1; }
if [ -n "$traps" ]; then
  echo "system call instructions found:" >&2
  grep -B30 -P '\t(syscall|sysenter|int\s+\$0x80)\s*$' <<<"$listing" | grep -P '^[0-9a-f]+ <' >&2 || true
  exit 1
fi
