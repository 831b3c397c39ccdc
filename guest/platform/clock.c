/*
 * Clocks from the host's vDSO: no system call while the host clocksource
 * allows it (tsc, kvm-clock); the vDSO itself falls back to clock_gettime,
 * which the filter allows for these two clocks only.
 */
#include "platform_internal.h"

struct host_timespec {
    int64_t tv_sec;
    int64_t tv_nsec;
};

typedef int (*vdso_clock_gettime_fn)(int, struct host_timespec *);

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1

static uint64_t read_clock(int clock) {
    struct host_timespec ts = {0, 0};
    uint64_t vdso = platform_bi->vdso_clock_gettime;
    long rc = vdso ? ((vdso_clock_gettime_fn)vdso)(clock, &ts)
                   : host_call6(HOST_CLOCK_GETTIME, clock, (long)&ts, 0, 0, 0, 0);
    if (rc != 0) nabla_abort("clock_gettime failed");
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t nabla_clock_monotonic(void) { return read_clock(CLOCK_MONOTONIC); }
uint64_t nabla_clock_wall(void) { return read_clock(CLOCK_REALTIME); }
