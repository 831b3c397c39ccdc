// One process with one identity. uname names nabla; ids are those of a
// container's root; random bytes come from kernel/random.cpp.
#include "fs_common.hpp"

#include "nabla/platform.h"

#include "../kernel/page_allocator.hpp"
#include "../kernel/random.hpp"
#include "../kernel/scheduler.hpp"
#include "thread.hpp"

#include <sched.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>

namespace nabla::posix {
namespace {

constexpr long pid = 1;
mode_t current_umask_bits = 022;

} // namespace

long sys_exit(long status, long, long, long, long, long) { end_thread(static_cast<int>(status)); } // this thread
// As Linux at a process's end, every descriptor is closed first: a TCP
// peer gets its FIN (or a reset, with data left unread) instead of waiting
// on a connection whose other end is gone.
long sys_exit_group(long status, long, long, long, long, long) {
    for (int fd = 0; fd < fs::max_fds; fd++) fs::fd_close(fd);
    nabla_exit(static_cast<int>(status));
}
long sys_getpid(long, long, long, long, long, long) { return pid; }
long sys_getppid(long, long, long, long, long, long) { return 0; }
long sys_gettid(long, long, long, long, long, long) { return kernel::current_tid(); }
long sys_getuid(long, long, long, long, long, long) { return 0; }
long sys_geteuid(long, long, long, long, long, long) { return 0; }
long sys_getgid(long, long, long, long, long, long) { return 0; }
long sys_getegid(long, long, long, long, long, long) { return 0; }

long sys_uname(long out, long, long, long, long, long) {
    utsname u = {};
    strcpy(u.sysname, "Linux"); // programs test for it; the release says what runs
    strcpy(u.nodename, "nabla");
    strcpy(u.release, "6.1.0-nabla");
    strcpy(u.version, "#1 nabla library OS");
    strcpy(u.machine, "x86_64");
    strcpy(u.domainname, "(none)");
    *ptr<utsname>(out) = u;
    return 0;
}

long sys_set_tid_address(long addr, long, long, long, long, long) {
    kernel::current().clear_tid = ptr<int>(addr); // zeroed and woken when this thread exits
    return kernel::current_tid();
}

namespace {

// Frames entered under the old thread pointer (this very call chain) return
// under the new one: carry the stack protector's canary (%fs:0x28 on
// x86_64) over, or their checks fail. musl sets its own canary later, from
// functions built without the protector.
void switch_tls(uintptr_t tp) {
    uint64_t canary;
    __asm__("mov %%fs:0x28, %0" : "=r"(canary));
    *reinterpret_cast<uint64_t*>(tp + 0x28) = canary;
    kernel::set_tls(tp); // and switched with this thread from now on
}

} // namespace

long sys_set_thread_area(long tp, long, long, long, long, long) {
    switch_tls(static_cast<uintptr_t>(tp));
    return 0;
}

long sys_arch_prctl(long code, long addr, long, long, long, long) {
    constexpr long arch_set_fs = 0x1002;
    if (code != arch_set_fs) return -EINVAL;
    switch_tls(static_cast<uintptr_t>(addr));
    return 0;
}

long sys_prlimit64(long pid_arg, long resource, long new_limit, long old_limit, long, long) {
    if (pid_arg != 0 && pid_arg != pid) return -ESRCH;
    rlimit r = {RLIM_INFINITY, RLIM_INFINITY};
    const auto* bi = nabla_boot_info();
    if (resource == RLIMIT_STACK) r.rlim_cur = r.rlim_max = bi->stack_top - bi->stack_low;
    if (resource == RLIMIT_NOFILE) r.rlim_cur = r.rlim_max = fs::max_fds;
    if (resource == RLIMIT_AS || resource == RLIMIT_DATA) r.rlim_cur = r.rlim_max = bi->mem_end - bi->mem_start;
    if (old_limit) *ptr<rlimit>(old_limit) = r;
    // The limits are the tender's, fixed at start: setting them to what they
    // are (rlim_cur = rlim_max, as servers do) succeeds; any change is
    // refused, as for an unprivileged process, rather than pretended.
    if (new_limit) {
        const rlimit& want = *ptr<const rlimit>(new_limit);
        if (want.rlim_cur > want.rlim_max) return -EINVAL;
        if (want.rlim_cur != r.rlim_cur || want.rlim_max != r.rlim_max) return -EPERM;
    }
    return 0;
}

long sys_sysinfo(long out, long, long, long, long, long) {
    struct sysinfo s = {};
    s.uptime = static_cast<long>(nabla_clock_monotonic() / 1000000000ull);
    s.totalram = kernel::pages().total_pages() * kernel::page_size;
    s.freeram = kernel::pages().free_pages() * kernel::page_size;
    s.procs = 1;
    s.mem_unit = 1;
    *ptr<struct sysinfo>(out) = s;
    return 0;
}

long sys_getrandom(long buf, long len, long, long, long, long) {
    if (len < 0) return -EINVAL;
    kernel::random_bytes(ptr<void>(buf), static_cast<size_t>(len));
    return len;
}

long sys_sched_getaffinity(long pid_arg, long size, long mask, long, long, long) {
    if (pid_arg != 0 && pid_arg != pid) return -ESRCH;
    if (size < 8) return -EINVAL;
    memset(ptr<void>(mask), 0, static_cast<size_t>(size));
    *ptr<unsigned char>(mask) = 1; // one CPU
    return 8;
}

long sys_sched_yield(long, long, long, long, long, long) {
    kernel::yield();
    return 0;
}

uint32_t current_umask() { return current_umask_bits; }

long sys_umask(long mask, long, long, long, long, long) {
    mode_t old = current_umask_bits;
    current_umask_bits = static_cast<mode_t>(mask) & 0777;
    return old;
}

} // namespace nabla::posix
