/*
 * The one blocking point of the guest: ppoll on every net device with a
 * timeout to the deadline. The filter allows ppoll only without a signal
 * mask, which is all this needs.
 */
#include "platform_internal.h"

struct host_pollfd {
    int fd;
    short events, revents;
};

struct host_timespec {
    int64_t tv_sec;
    int64_t tv_nsec;
};

#define POLLIN 1

nabla_result_t nabla_yield(uint64_t deadline_ns, uint64_t *ready_set) {
    struct host_pollfd fds[NABLA_MAX_DEVICES];
    nabla_handle_t handle_of[NABLA_MAX_DEVICES];
    const struct nabla_device *devs = (const struct nabla_device *)platform_bi->devices;
    int n = 0;
    for (nabla_handle_t h = 0; h < platform_bi->device_count && h < NABLA_MAX_DEVICES; h++) {
        if (devs[h].kind != NABLA_DEVICE_NET) continue;
        fds[n] = (struct host_pollfd){devs[h].host_fd, POLLIN, 0};
        handle_of[n++] = h;
    }
    *ready_set = 0;
    for (;;) {
        uint64_t now = nabla_clock_monotonic();
        uint64_t left = deadline_ns > now ? deadline_ns - now : 0;
        struct host_timespec ts = {(int64_t)(left / 1000000000ull), (int64_t)(left % 1000000000ull)};
        long rc = host_call6(HOST_PPOLL, (long)fds, n, (long)&ts, 0, 8, 0);
        if (rc == -HOST_EINTR) continue;
        if (rc < 0) return NABLA_EUNSPEC;
        if (rc == 0) {
            if (nabla_clock_monotonic() < deadline_ns) continue; /* woke early */
            return NABLA_AGAIN;
        }
        for (int i = 0; i < n; i++)
            if (fds[i].revents & POLLIN) *ready_set |= 1ull << handle_of[i];
        return NABLA_OK;
    }
}
