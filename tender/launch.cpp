#include "launch.hpp"

#include <linux/close_range.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace nabla {
namespace {

[[noreturn]] void jump(uint64_t entry, uint64_t stack_top, uint64_t boot_info) {
    // The guest starts with a fresh stack, its boot info in %rdi, and no
    // tender values left in the registers it is likely to look at.
    register uint64_t target asm("r11") = entry;
    register uint64_t stack asm("r10") = stack_top;
    asm volatile("mov %%r10, %%rsp\n\t"
                 "xor %%ebp, %%ebp\n\t"
                 "xor %%eax, %%eax\n\t"
                 "xor %%ebx, %%ebx\n\t"
                 "xor %%ecx, %%ecx\n\t"
                 "xor %%edx, %%edx\n\t"
                 "xor %%esi, %%esi\n\t"
                 "xor %%r10d, %%r10d\n\t"
                 "jmp *%%r11\n\t"
                 :
                 : "r"(stack), "D"(boot_info), "r"(target)
                 : "memory");
    __builtin_unreachable();
}

} // namespace

Error launch_guest(std::span<const int> keep, std::span<const sock_filter> filter, const Launch& where) {
    // Close the gaps between the kept fds, and everything above the last.
    unsigned next = 0;
    for (int fd : keep) {
        if (static_cast<unsigned>(fd) > next &&
            ::syscall(SYS_close_range, next, static_cast<unsigned>(fd) - 1, 0) != 0)
            return fail_errno(Exit::os_error, "close_range").error();
        next = static_cast<unsigned>(fd) + 1;
    }
    if (::syscall(SYS_close_range, next, ~0u, 0) != 0) return fail_errno(Exit::os_error, "close_range").error();

    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return fail_errno(Exit::os_error, "PR_SET_NO_NEW_PRIVS").error();
    sock_fprog prog{static_cast<unsigned short>(filter.size()), const_cast<sock_filter*>(filter.data())};
    if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
        return fail_errno(Exit::os_error, "installing the seccomp filter").error();
    jump(where.entry, where.stack_top, where.boot_info);
}

} // namespace nabla
