/*
 * Block I/O. The filter allows pread64/pwrite64 only for lengths of a power
 * of two number of blocks up to max_request, each with its own bound on the
 * offset, so a request is split into such pieces here.
 */
#include "platform_internal.h"

static nabla_result_t block_io(nabla_handle_t h, uint64_t offset, void *buf, size_t len, int write) {
    const struct nabla_device *d = platform_device(h, NABLA_DEVICE_BLOCK);
    if (!d) return NABLA_EINVAL;
    uint64_t bs = d->u.block.block_size, cap = d->u.block.capacity;
    if (write && d->u.block.read_only) return NABLA_EROFS;
    if (len == 0 || len % bs || offset % bs || offset > cap || len > cap - offset) return NABLA_EINVAL;
    char *p = buf;
    while (len > 0) {
        uint64_t chunk = bs;
        while (chunk * 2 <= len && chunk * 2 <= d->u.block.max_request) chunk *= 2;
        long n = host_call6(write ? HOST_PWRITE64 : HOST_PREAD64, d->host_fd, (long)p, (long)chunk, (long)offset, 0, 0);
        if (n == -HOST_EINTR) continue;
        if (n != (long)chunk) return NABLA_EUNSPEC;
        p += chunk;
        offset += chunk;
        len -= chunk;
    }
    return NABLA_OK;
}

nabla_result_t nabla_block_read(nabla_handle_t h, uint64_t offset, void *buf, size_t len) {
    return block_io(h, offset, buf, len, 0);
}

nabla_result_t nabla_block_write(nabla_handle_t h, uint64_t offset, const void *buf, size_t len) {
    return block_io(h, offset, (void *)buf, len, 1);
}
