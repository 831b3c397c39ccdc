// epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait,
// epoll_pwait2: the arguments and timeouts; the instances are
// guest/net/epoll.cpp. Signal masks are accepted and ignored.
#include "syscall.hpp"
#include "timespec.hpp"

#include "../net/epoll.hpp"

#include "nabla/platform.h"

#include <limits.h>
#include <time.h>

namespace nabla::posix {
namespace {

constexpr uint64_t forever = UINT64_MAX;
constexpr long kernel_sigset_size = 8;
constexpr long max_events = INT_MAX / sizeof(epoll_event); // Linux's EP_MAX_EVENTS

long wait_common(long epfd, long events, long max, uint64_t deadline) {
    if (max <= 0 || max > max_events) return -EINVAL;
    return net::epoll_wait(epfd, ptr<epoll_event>(events), static_cast<int>(max), deadline);
}

// 0 stays 0: look once, do not wait.
uint64_t deadline_in(uint64_t ns) { return ns == 0 ? 0 : add_saturating(nabla_clock_monotonic(), ns); }

uint64_t deadline_ms(long timeout) {
    int ms = static_cast<int>(timeout);
    return ms < 0 ? forever : deadline_in(static_cast<uint64_t>(ms) * 1000000);
}

} // namespace

long sys_epoll_create1(long flags, long, long, long, long, long) {
    if (flags & ~EPOLL_CLOEXEC) return -EINVAL;
    return net::epoll_create(flags & EPOLL_CLOEXEC);
}

long sys_epoll_create(long size, long, long, long, long, long) {
    if (size <= 0) return -EINVAL; // the size is otherwise ignored, as since Linux 2.6.8
    return net::epoll_create(false);
}

long sys_epoll_ctl(long epfd, long op, long fd, long event, long, long) {
    return net::epoll_ctl(epfd, static_cast<int>(op), fd, ptr<const epoll_event>(event));
}

long sys_epoll_wait(long epfd, long events, long max, long timeout, long, long) {
    return wait_common(epfd, events, max, deadline_ms(timeout));
}

long sys_epoll_pwait(long epfd, long events, long max, long timeout, long sigmask, long sigsetsize) {
    if (sigmask && sigsetsize != kernel_sigset_size) return -EINVAL;
    return wait_common(epfd, events, max, deadline_ms(timeout));
}

long sys_epoll_pwait2(long epfd, long events, long max, long timeout, long sigmask, long sigsetsize) {
    if (sigmask && sigsetsize != kernel_sigset_size) return -EINVAL;
    const auto* ts = ptr<const timespec>(timeout);
    if (ts && !valid(ts)) return -EINVAL;
    return wait_common(epfd, events, max, ts ? deadline_in(to_ns(ts)) : forever);
}

} // namespace nabla::posix
