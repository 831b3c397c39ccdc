// Process-level calls servers make at start and in their statistics:
// thread names (prctl), resource usage, interval timers, CPU affinity.
// One process on one CPU that is always running (as sys_time's CPU clocks
// say); no signals are delivered, so no timer can be armed.
#include "syscall.hpp"
#include "timespec.hpp"

#include "nabla/platform.h"

#include "../kernel/page_allocator.hpp"
#include "../kernel/scheduler.hpp"

#include <sched.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>

namespace nabla::posix {
namespace {

// When the program started: its CPU time is the time since (it always runs).
const uint64_t started_ns = nabla_clock_monotonic();

// Thread names (PR_SET_NAME): TASK_COMM_LEN bytes, NUL included.
constexpr size_t name_len = 16;

// A thread without a name of its own has the program's: argv[0]'s last
// component, as Linux names a process after the file it executes. (Linux
// gives a new thread its creator's name; here it is always the program's.)
void program_name(char* out) {
    const char* path = *reinterpret_cast<const char* const*>(nabla_boot_info()->argv);
    const char* base = path ? strrchr(path, '/') : nullptr;
    base = base ? base + 1 : (path ? path : "");
    strncpy(out, base, name_len - 1);
    out[name_len - 1] = '\0';
}

// Named threads by id. Thread ids are never reused, so the table only fills
// up with threads that have exited: when it is full, the entry of the
// oldest thread (the lowest id) goes, and that thread, if it still runs,
// has the program's name again.
struct ThreadName {
    int tid = 0; // 0: a free entry
    char name[name_len] = {};
};
ThreadName thread_names[64];

ThreadName* find_name(int tid) {
    for (auto& n : thread_names)
        if (n.tid == tid) return &n;
    return nullptr;
}

ThreadName* new_name(int tid) {
    ThreadName* oldest = &thread_names[0];
    for (auto& n : thread_names) {
        if (n.tid == 0) return &n;
        if (n.tid < oldest->tid) oldest = &n;
    }
    return oldest;
}

bool dumpable = true; // PR_SET_DUMPABLE: recorded; there is no core dump to make

timeval to_timeval(uint64_t ns) {
    return {static_cast<time_t>(ns / ns_per_s), static_cast<suseconds_t>(ns % ns_per_s / 1000)};
}

} // namespace

long sys_prctl(long option, long arg2, long, long, long, long) {
    switch (option) {
    case PR_SET_NAME: {
        int tid = kernel::current_tid();
        ThreadName* n = find_name(tid);
        if (!n) n = new_name(tid);
        n->tid = tid;
        strncpy(n->name, ptr<const char>(arg2), name_len - 1); // as Linux: truncated, not refused
        n->name[name_len - 1] = '\0';
        return 0;
    }
    case PR_GET_NAME: {
        const ThreadName* n = find_name(kernel::current_tid());
        if (n) memcpy(ptr<char>(arg2), n->name, name_len);
        else program_name(ptr<char>(arg2));
        return 0;
    }
    case PR_SET_DUMPABLE:
        if (arg2 != 0 && arg2 != 1) return -EINVAL;
        dumpable = arg2 == 1;
        return 0;
    case PR_GET_DUMPABLE:
        return dumpable ? 1 : 0;
    case PR_GET_NO_NEW_PRIVS:
        return 1; // nabla-run sets it before the guest runs
    case PR_SET_NO_NEW_PRIVS:
        return arg2 == 1 ? 0 : -EINVAL; // already set, and it cannot be cleared
    case PR_SET_KEEPCAPS:
        return arg2 == 0 || arg2 == 1 ? 0 : -EINVAL; // one identity: nothing to keep across a change
    case PR_GET_KEEPCAPS:
        return 0;
    default:
        return -EINVAL; // as Linux answers an option it does not have
    }
}

long sys_getrusage(long who, long out, long, long, long, long) {
    rusage r = {};
    switch (who) {
    case RUSAGE_SELF:
    case RUSAGE_THREAD: {
        // Threads take turns on the one CPU; each is charged the process's
        // time, an upper bound, as CLOCK_THREAD_CPUTIME_ID reads the process's clock.
        r.ru_utime = to_timeval(nabla_clock_monotonic() - started_ns);
        // The memory in use now, in KiB: a lower bound of the peak.
        const auto& p = kernel::pages();
        r.ru_maxrss = static_cast<long>((p.total_pages() - p.free_pages()) * kernel::page_size / 1024);
        break;
    }
    case RUSAGE_CHILDREN:
        break; // there are none
    default:
        return -EINVAL;
    }
    *ptr<rusage>(out) = r;
    return 0;
}

// No timer is ever armed: none could fire, as no signal is delivered.
// Disarming (a zero it_value) succeeds; arming fails with ENOSYS, as
// pthread_kill does, rather than succeed and never fire.
long sys_getitimer(long which, long out, long, long, long, long) {
    if (which != ITIMER_REAL && which != ITIMER_VIRTUAL && which != ITIMER_PROF) return -EINVAL;
    *ptr<itimerval>(out) = {};
    return 0;
}

long sys_setitimer(long which, long value, long old, long, long, long) {
    if (which != ITIMER_REAL && which != ITIMER_VIRTUAL && which != ITIMER_PROF) return -EINVAL;
    const itimerval* v = ptr<const itimerval>(value);
    if (v && (v->it_value.tv_usec < 0 || v->it_value.tv_usec >= 1000000 || v->it_interval.tv_usec < 0 ||
              v->it_interval.tv_usec >= 1000000))
        return -EINVAL;
    if (v && (v->it_value.tv_sec != 0 || v->it_value.tv_usec != 0)) return -ENOSYS;
    if (old) *ptr<itimerval>(old) = {};
    return 0;
}

// One CPU, CPU 0: a mask that includes it is the only mask there is.
long sys_sched_setaffinity(long pid_arg, long size, long mask, long, long, long) {
    if (pid_arg != 0 && pid_arg != 1 && pid_arg != kernel::current_tid()) return -ESRCH;
    if (size < 1) return -EINVAL;
    return (*ptr<const unsigned char>(mask) & 1) ? 0 : -EINVAL;
}

} // namespace nabla::posix
