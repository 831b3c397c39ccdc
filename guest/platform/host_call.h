/*
 * Raw host system calls. Private to guest/platform: the tender's filter
 * allows only seven of them, each pinned to its fds, so nothing else in the
 * guest may make one.
 */
#ifndef NABLA_HOST_CALL_H
#define NABLA_HOST_CALL_H

static inline long host_call6(long nr, long a, long b, long c, long d, long e, long f) {
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

#define HOST_READ 0
#define HOST_WRITE 1
#define HOST_PREAD64 17
#define HOST_PWRITE64 18
#define HOST_ARCH_PRCTL 158
#define HOST_CLOCK_GETTIME 228
#define HOST_EXIT_GROUP 231
#define HOST_PPOLL 271

#define HOST_EINTR 4
#define HOST_EAGAIN 11

#endif
