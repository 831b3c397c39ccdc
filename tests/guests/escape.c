/*
 * A hostile guest: argv[1] names one way to break out of the seccomp
 * policy, and the guest tries it with raw system calls (bypassing the
 * platform's own checks). Every one must kill the process with SIGSYS; a
 * guest that survives prints "SURVIVED" and exits 0.
 *   syscall N PATH   system call N, with PATH as the file it would create
 *   write-fd0 ...    see the table below
 */
#include "nabla/manifest.h"
#include "nabla/platform.h"
#include "nabla/rt.h"

#include "host_call.h"

#ifdef ESCAPE_WITH_NET
NABLA_MANIFEST(3, NABLA_BLOCK("storage"), NABLA_BLOCK("readonly"), NABLA_NET("service"));
#else
NABLA_MANIFEST(2, NABLA_BLOCK("storage"), NABLA_BLOCK("readonly"));
#endif

/* The platform's own raw call, used here to bypass the platform's checks. */
#define raw host_call6

static int fd_of(const char *name, uint32_t kind) {
    const struct nabla_device *d;
    if (nabla_device_find(name, kind, 0, &d) != NABLA_OK) nabla_abort("missing device");
    return d->host_fd;
}

static uint64_t capacity_of(const char *name) {
    const struct nabla_device *d;
    if (nabla_device_find(name, NABLA_DEVICE_BLOCK, 0, &d) != NABLA_OK) nabla_abort("missing device");
    return d->u.block.capacity;
}

static char buf[1 << 20];
static const char sigmask[16];

enum { SYS_read = 0, SYS_write = 1, SYS_open = 2, SYS_pread64 = 17, SYS_pwrite64 = 18, SYS_creat = 85,
       SYS_mkdir = 83, SYS_arch_prctl = 158, SYS_clock_gettime = 228, SYS_openat = 257, SYS_ppoll = 271,
       SYS_mkdirat = 258 };

/* Arguments that would do visible harm if the call went through. */
static long harmful_call(long nr, const char *path) {
    long p = (long)path;
    switch (nr) {
    case SYS_open: return raw(nr, p, 0101 /* O_WRONLY|O_CREAT */, 0644, 0, 0, 0);
    case SYS_creat: return raw(nr, p, 0644, 0, 0, 0, 0);
    case SYS_mkdir: return raw(nr, p, 0755, 0, 0, 0, 0);
    case SYS_openat: return raw(nr, -100 /* AT_FDCWD */, p, 0101, 0644, 0, 0);
    case SYS_mkdirat: return raw(nr, -100, p, 0755, 0, 0, 0);
    default: return raw(nr, p, 0101, 0644, 0, 0, 0);
    }
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    const char *what = argv[1];
    nabla_printf("attempting %s\n", what);
    int block = fd_of("storage", NABLA_DEVICE_BLOCK), ro = fd_of("readonly", NABLA_DEVICE_BLOCK);
    uint64_t cap = capacity_of("storage");
    long rc = 0;

    if (strcmp(what, "syscall") == 0 && argc >= 4) {
        uint64_t nr;
        if (nabla_parse_u64(argv[2], &nr) != 0) return 2;
        rc = harmful_call((long)nr, argv[3]);
    } else if (strcmp(what, "allowed-calls") == 0) {
        /* Within the policy: console write, last block read, both clocks. */
        char ts[16];
        raw(SYS_write, 1, (long)"raw write ok\n", 13, 0, 0, 0);
        raw(SYS_clock_gettime, 0, (long)ts, 0, 0, 0, 0);
        raw(SYS_clock_gettime, 1, (long)ts, 0, 0, 0, 0);
        rc = raw(SYS_pread64, block, (long)buf, 512, (long)(cap - 512), 0, 0);
    } else if (strcmp(what, "write-fd0") == 0) {
        rc = raw(SYS_write, 0, (long)"x", 1, 0, 0, 0);
    } else if (strcmp(what, "write-block-fd") == 0) {
        rc = raw(SYS_write, block, (long)"escaped!", 8, 0, 0, 0);
    } else if (strcmp(what, "write-unopened-fd") == 0) {
        rc = raw(SYS_write, 42, (long)"x", 1, 0, 0, 0);
    } else if (strcmp(what, "read-block-fd") == 0) {
        rc = raw(SYS_read, block, (long)buf, 512, 0, 0, 0);
    } else if (strcmp(what, "read-console") == 0) {
        rc = raw(SYS_read, 1, (long)buf, 1, 0, 0, 0);
    } else if (strcmp(what, "pread-console") == 0) {
        rc = raw(SYS_pread64, 1, (long)buf, 512, 0, 0, 0);
    } else if (strcmp(what, "pread-past-capacity") == 0) {
        rc = raw(SYS_pread64, block, (long)buf, 512, (long)cap, 0, 0);
    } else if (strcmp(what, "pread-straddles-end") == 0) {
        rc = raw(SYS_pread64, block, (long)buf, 1024, (long)(cap - 512), 0, 0);
    } else if (strcmp(what, "pread-negative-offset") == 0) {
        rc = raw(SYS_pread64, block, (long)buf, 512, -512, 0, 0);
    } else if (strcmp(what, "pread-bad-length") == 0) {
        rc = raw(SYS_pread64, block, (long)buf, 100, 0, 0, 0);
    } else if (strcmp(what, "pread-three-blocks") == 0) {
        rc = raw(SYS_pread64, block, (long)buf, 3 * 512, 0, 0, 0);
    } else if (strcmp(what, "pread-too-long") == 0) {
        rc = raw(SYS_pread64, block, (long)buf, 2 * NABLA_BLOCK_MAX_REQUEST, 0, 0, 0);
    } else if (strcmp(what, "pwrite-past-capacity") == 0) {
        rc = raw(SYS_pwrite64, block, (long)"escaped!", 512, (long)cap, 0, 0);
    } else if (strcmp(what, "pwrite-bad-length") == 0) {
        rc = raw(SYS_pwrite64, block, (long)"escaped!", 8, 0, 0, 0);
    } else if (strcmp(what, "pwrite-read-only") == 0) {
        memset(buf, 'E', 512);
        rc = raw(SYS_pwrite64, ro, (long)buf, 512, 0, 0, 0);
    } else if (strcmp(what, "pwrite-console") == 0) {
        rc = raw(SYS_pwrite64, 1, (long)buf, 512, 0, 0, 0);
    } else if (strcmp(what, "clock-other") == 0) {
        char ts[16];
        rc = raw(SYS_clock_gettime, 2 /* CLOCK_PROCESS_CPUTIME_ID */, (long)ts, 0, 0, 0, 0);
    } else if (strcmp(what, "clock-boottime") == 0) {
        char ts[16];
        rc = raw(SYS_clock_gettime, 7 /* CLOCK_BOOTTIME */, (long)ts, 0, 0, 0, 0);
    } else if (strcmp(what, "ppoll-sigmask") == 0) {
        rc = raw(SYS_ppoll, 0, 0, 0, (long)sigmask, 8, 0);
    } else if (strcmp(what, "arch-prctl") == 0) {
        rc = raw(SYS_arch_prctl, 0x1002 /* ARCH_SET_FS */, (long)buf, 0, 0, 0, 0);
    } else if (strcmp(what, "x32-write") == 0) {
        rc = raw(0x40000000 | SYS_write, 1, (long)"SURVIVED x32\n", 13, 0, 0, 0);
    } else if (strcmp(what, "int80-write") == 0) {
        /* The i386 ABI: write is 4, arguments in ebx, ecx, edx. */
        static const char msg[] = "SURVIVED int80\n";
        __asm__ volatile("int $0x80" : "=a"(rc) : "a"(4), "b"(1), "c"(msg), "d"(sizeof msg - 1) : "memory");
#ifdef ESCAPE_WITH_NET
    } else if (strcmp(what, "pread-tap") == 0) {
        rc = raw(SYS_pread64, fd_of("service", NABLA_DEVICE_NET), (long)buf, 512, 0, 0, 0);
    } else if (strcmp(what, "pwrite-tap") == 0) {
        rc = raw(SYS_pwrite64, fd_of("service", NABLA_DEVICE_NET), (long)buf, 512, 0, 0, 0);
#endif
    } else {
        nabla_printf("unknown escape '%s'\n", what);
        return 2;
    }
    nabla_printf("SURVIVED %s rc %ld\n", what, rc);
    return 0;
}
