// Clocks from the platform (the host's vDSO), and sleeping: the calling
// thread blocks until a deadline while the others run (kernel/scheduler).
// Process and thread CPU clocks read the monotonic clock: one process, one
// CPU, always running.
#include "syscall.hpp"
#include "timespec.hpp"

#include "nabla/platform.h"

#include "../kernel/scheduler.hpp"

#include <sys/time.h>
#include <time.h>

namespace nabla::posix {
namespace {

long read_clock(long clock, uint64_t* ns) {
    switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_TAI:
        *ns = nabla_clock_wall();
        return 0;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_BOOTTIME:
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
        *ns = nabla_clock_monotonic();
        return 0;
    default:
        return -EINVAL;
    }
}

long sleep_until(uint64_t deadline) {
    kernel::sleep_until(deadline);
    return 0;
}

} // namespace

long sys_clock_gettime(long clock, long out, long, long, long, long) {
    uint64_t ns;
    if (long rc = read_clock(clock, &ns)) return rc;
    *ptr<timespec>(out) = {static_cast<time_t>(ns / ns_per_s), static_cast<long>(ns % ns_per_s)};
    return 0;
}

long sys_clock_getres(long clock, long out, long, long, long, long) {
    uint64_t ns;
    if (long rc = read_clock(clock, &ns)) return rc;
    if (out) *ptr<timespec>(out) = {0, 1};
    return 0;
}

long sys_gettimeofday(long tv, long tz, long, long, long, long) {
    (void)tz;
    uint64_t ns = nabla_clock_wall();
    if (tv) *ptr<timeval>(tv) = {static_cast<time_t>(ns / ns_per_s), static_cast<suseconds_t>(ns % ns_per_s / 1000)};
    return 0;
}

long sys_nanosleep(long req, long rem, long, long, long, long) {
    if (!valid(ptr<const timespec>(req))) return -EINVAL;
    uint64_t now = nabla_clock_monotonic(), len = to_ns(ptr<const timespec>(req));
    if (rem) *ptr<timespec>(rem) = {0, 0};
    return sleep_until(len > UINT64_MAX - now ? UINT64_MAX : now + len);
}

long sys_clock_nanosleep(long clock, long flags, long req, long rem, long, long) {
    uint64_t now;
    if (long rc = read_clock(clock, &now)) return rc;
    const auto* ts = ptr<const timespec>(req);
    if (!valid(ts)) return -EINVAL;
    uint64_t want = to_ns(ts);
    uint64_t mono = nabla_clock_monotonic();
    uint64_t delay = flags & TIMER_ABSTIME ? (want > now ? want - now : 0) : want;
    if (rem && !(flags & TIMER_ABSTIME)) *ptr<timespec>(rem) = {0, 0};
    return sleep_until(delay > UINT64_MAX - mono ? UINT64_MAX : mono + delay);
}

} // namespace nabla::posix
