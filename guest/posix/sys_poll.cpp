// poll, ppoll, select, pselect6: the arguments and timeouts; the waiting is
// guest/net/poll.cpp. Timeouts run on the monotonic clock; the remaining
// time is written back as Linux does (ppoll, select, pselect6). Signal
// masks are accepted and ignored: no signal is ever delivered here.
#include "syscall.hpp"
#include "timespec.hpp"

#include "../fs/file.hpp"
#include "../net/poll.hpp"

#include "nabla/platform.h"

#include <signal.h>
#include <sys/time.h>

namespace nabla::posix {
namespace {

constexpr uint64_t forever = UINT64_MAX;
constexpr long kernel_sigset_size = 8; // what rt_sigprocmask and friends take

// A relative timeout to a deadline; 0 stays 0: look once, do not wait.
uint64_t deadline_in(uint64_t ns) { return ns == 0 ? 0 : add_saturating(nabla_clock_monotonic(), ns); }

uint64_t remaining(uint64_t deadline) {
    uint64_t now = nabla_clock_monotonic();
    return deadline > now ? deadline - now : 0;
}

// A timespec argument: null waits for ever; -EINVAL when malformed.
long deadline_from(const timespec* ts, uint64_t* deadline) {
    if (!ts) {
        *deadline = forever;
        return 0;
    }
    if (!valid(ts)) return -EINVAL;
    *deadline = deadline_in(to_ns(ts));
    return 0;
}

void write_back(timespec* ts, uint64_t deadline) {
    if (!ts || deadline == forever) return;
    uint64_t left = remaining(deadline);
    *ts = {static_cast<time_t>(left / ns_per_s), static_cast<long>(left % ns_per_s)};
}

long poll_common(long fds, long count, uint64_t deadline) {
    if (count < 0 || count > fs::max_fds) return -EINVAL; // RLIMIT_NOFILE, as Linux
    return net::poll_files(ptr<pollfd>(fds), static_cast<size_t>(count), deadline);
}

} // namespace

long sys_poll(long fds, long count, long timeout_ms, long, long, long) {
    int ms = static_cast<int>(timeout_ms);
    uint64_t deadline = ms < 0 ? forever : deadline_in(static_cast<uint64_t>(ms) * 1000000);
    return poll_common(fds, count, deadline);
}

long sys_ppoll(long fds, long count, long timeout, long sigmask, long sigsetsize, long) {
    if (sigmask && sigsetsize != kernel_sigset_size) return -EINVAL;
    uint64_t deadline;
    if (long rc = deadline_from(ptr<const timespec>(timeout), &deadline)) return rc;
    long rc = poll_common(fds, count, deadline);
    write_back(ptr<timespec>(timeout), deadline);
    return rc;
}

long sys_select(long n, long read, long write, long except, long timeout, long) {
    auto* tv = ptr<timeval>(timeout);
    uint64_t deadline = forever;
    if (tv) {
        if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000) return -EINVAL;
        timespec ts{tv->tv_sec, tv->tv_usec * 1000};
        deadline = deadline_in(to_ns(&ts));
    }
    long rc = net::select_files(static_cast<int>(n), ptr<fd_set>(read), ptr<fd_set>(write), ptr<fd_set>(except),
                                deadline);
    if (tv && deadline != forever) {
        uint64_t left = remaining(deadline);
        *tv = {static_cast<time_t>(left / ns_per_s), static_cast<suseconds_t>(left % ns_per_s / 1000)};
    }
    return rc;
}

long sys_pselect6(long n, long read, long write, long except, long timeout, long sigdata) {
    // sigdata points at {const sigset_t* mask; size_t size}.
    if (const long* d = ptr<const long>(sigdata); d && d[0] && d[1] != kernel_sigset_size) return -EINVAL;
    uint64_t deadline;
    if (long rc = deadline_from(ptr<const timespec>(timeout), &deadline)) return rc;
    long rc = net::select_files(static_cast<int>(n), ptr<fd_set>(read), ptr<fd_set>(write), ptr<fd_set>(except),
                                deadline);
    write_back(ptr<timespec>(timeout), deadline);
    return rc;
}

} // namespace nabla::posix
