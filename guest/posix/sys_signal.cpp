// Signals: the guest receives none from the host (the filter allows no
// signal calls), so handlers and masks are recorded and reported back,
// which is what programs that install them at start-up need.
#include "syscall.hpp"

#include <signal.h>
#include <string.h>

namespace nabla::posix {
namespace {

// The kernel's struct sigaction, as musl passes it.
struct kernel_sigaction {
    void* handler;
    unsigned long flags;
    void* restorer;
    uint64_t mask;
};

kernel_sigaction actions[65];
uint64_t blocked;

} // namespace

long sys_rt_sigaction(long sig, long act, long old, long setsize, long, long) {
    if (sig < 1 || sig > 64 || setsize != 8) return -EINVAL;
    if (act && (sig == SIGKILL || sig == SIGSTOP)) return -EINVAL;
    if (old) *ptr<kernel_sigaction>(old) = actions[sig];
    if (act) actions[sig] = *ptr<const kernel_sigaction>(act);
    return 0;
}

long sys_rt_sigprocmask(long how, long set, long old, long setsize, long, long) {
    if (setsize != 8) return -EINVAL;
    if (old) *ptr<uint64_t>(old) = blocked;
    if (!set) return 0;
    uint64_t s = *ptr<const uint64_t>(set);
    switch (how) {
    case SIG_BLOCK: blocked |= s; break;
    case SIG_UNBLOCK: blocked &= ~s; break;
    case SIG_SETMASK: blocked = s; break;
    default: return -EINVAL;
    }
    blocked &= ~((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)));
    return 0;
}

} // namespace nabla::posix
