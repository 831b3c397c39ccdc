/*
 * The guest platform API (and the bits of the minimal runtime the benchmarks
 * use) implemented with libc, so a benchmark's source also builds as a
 * native program: the native peer then runs the very same measured loops,
 * and only the platform underneath differs.
 *
 * Block devices come from the environment, mirroring nabla-run's options:
 *   NATIVE_BLOCK_<name>=FILE            like --block:<name>=FILE
 *   NATIVE_BLOCK_SIZE_<name>=512|4096   like --block-size:<name>= (default 512)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nabla/platform.h"
#include "nabla/rt.h"

static nabla_result_t write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return NABLA_EUNSPEC;
        buf += n;
        len -= (size_t)n;
    }
    return NABLA_OK;
}

nabla_result_t nabla_console_write(const char *buf, size_t len) { return write_all(1, buf, len); }
nabla_result_t nabla_console_write_err(const char *buf, size_t len) { return write_all(2, buf, len); }

static uint64_t read_clock(clockid_t clock) {
    struct timespec ts;
    if (clock_gettime(clock, &ts) != 0) nabla_abort("clock_gettime failed");
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t nabla_clock_monotonic(void) { return read_clock(CLOCK_MONOTONIC); }
uint64_t nabla_clock_wall(void) { return read_clock(CLOCK_REALTIME); }

/* Opened on first lookup; the handle is the index here, as in the guest. */
static struct nabla_device devices[4];
static uint32_t device_count;

static nabla_result_t open_block(const char *name, struct nabla_device *d) {
    char var[96];
    snprintf(var, sizeof var, "NATIVE_BLOCK_%s", name);
    const char *path = getenv(var);
    if (!path) return NABLA_ENOENT;
    snprintf(var, sizeof var, "NATIVE_BLOCK_SIZE_%s", name);
    const char *bs = getenv(var);
    uint32_t block_size = bs ? (uint32_t)atoi(bs) : 512;
    int fd = open(path, O_RDWR | O_CLOEXEC); /* as nabla-run opens it */
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || (block_size != 512 && block_size != 4096)) {
        fprintf(stderr, "native: %s: cannot open as a block device\n", path);
        exit(66);
    }
    snprintf(d->name, sizeof d->name, "%s", name);
    d->kind = NABLA_DEVICE_BLOCK;
    d->host_fd = fd;
    d->u.block.capacity = (uint64_t)st.st_size / block_size * block_size;
    d->u.block.block_size = block_size;
    d->u.block.max_request = NABLA_BLOCK_MAX_REQUEST;
    return NABLA_OK;
}

nabla_result_t nabla_device_find(const char *name, uint32_t kind, nabla_handle_t *handle,
                                 const struct nabla_device **info) {
    uint32_t h = 0;
    while (h < device_count && strcmp(devices[h].name, name) != 0) h++;
    if (h == device_count) {
        if (kind != NABLA_DEVICE_BLOCK || device_count == sizeof devices / sizeof devices[0])
            return NABLA_ENOENT;
        nabla_result_t r = open_block(name, &devices[h]);
        if (r != NABLA_OK) return r;
        device_count++;
    }
    if (devices[h].kind != kind) return NABLA_ENOENT;
    if (handle) *handle = h;
    if (info) *info = &devices[h];
    return NABLA_OK;
}

/* One pread/pwrite per call: the benchmarks' requests (<= 64 KiB) are below
 * max_request, so the guest makes one host call per request too. */
static nabla_result_t block_io(nabla_handle_t h, uint64_t offset, void *buf, size_t len, int write) {
    if (h >= device_count || devices[h].kind != NABLA_DEVICE_BLOCK) return NABLA_EINVAL;
    const struct nabla_device *d = &devices[h];
    uint64_t bs = d->u.block.block_size, cap = d->u.block.capacity;
    if (len == 0 || len % bs || offset % bs || offset > cap || len > cap - offset) return NABLA_EINVAL;
    for (;;) {
        ssize_t n = write ? pwrite(d->host_fd, buf, len, (off_t)offset)
                          : pread(d->host_fd, buf, len, (off_t)offset);
        if (n < 0 && errno == EINTR) continue;
        return n == (ssize_t)len ? NABLA_OK : NABLA_EUNSPEC;
    }
}

nabla_result_t nabla_block_read(nabla_handle_t h, uint64_t offset, void *buf, size_t len) {
    return block_io(h, offset, buf, len, 0);
}

nabla_result_t nabla_block_write(nabla_handle_t h, uint64_t offset, const void *buf, size_t len) {
    return block_io(h, offset, (void *)buf, len, 1);
}

void nabla_exit(int status) { exit(status); }

void nabla_abort(const char *why) {
    fprintf(stderr, "native: abort: %s\n", why);
    exit(NABLA_EXIT_ABORT);
}

/* printf through the console functions, as the guest runtime does. */
static int print_to(nabla_result_t (*out)(const char *, size_t), const char *fmt, va_list ap) {
    char buf[1024];
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    if (n > 0) out(buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
    return n;
}

int nabla_printf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = print_to(nabla_console_write, fmt, ap);
    va_end(ap);
    return n;
}

int nabla_eprintf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = print_to(nabla_console_write_err, fmt, ap);
    va_end(ap);
    return n;
}

int nabla_parse_u64(const char *s, uint64_t *out) {
    char *end;
    if (*s < '0' || *s > '9') return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end) return -1;
    *out = v;
    return 0;
}
