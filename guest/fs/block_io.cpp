#include "block_io.hpp"

#include "nabla/platform.h"

#include <errno.h>
#include <string.h>

namespace nabla::fs {
namespace {

// Bounce buffer for the unaligned head and tail of a request.
alignas(4096) char bounce[64 * 1024];

const nabla_device* device(uint32_t h) {
    const auto* bi = nabla_boot_info();
    if (h >= bi->device_count) return nullptr;
    const auto* d = &reinterpret_cast<const nabla_device*>(bi->devices)[h];
    return d->kind == NABLA_DEVICE_BLOCK ? d : nullptr;
}

long io(uint32_t h, uint64_t offset, char* buf, size_t len, bool write) {
    const nabla_device* d = device(h);
    if (!d) return -EIO;
    uint64_t bs = d->u.block.block_size, cap = d->u.block.capacity;
    if (offset > cap || len > cap - offset) return -EIO;
    while (len > 0) {
        uint64_t head = offset % bs;
        if (head == 0 && len >= bs) {
            // Whole blocks go straight to or from the caller's buffer.
            uint64_t n = len - len % bs;
            if (n > sizeof bounce * 16) n = sizeof bounce * 16;
            nabla_result_t rc = write ? nabla_block_write(h, offset, buf, n) : nabla_block_read(h, offset, buf, n);
            if (rc != NABLA_OK) return rc == NABLA_EROFS ? -EROFS : -EIO;
            offset += n, buf += n, len -= n;
            continue;
        }
        // A partial block: read it whole, then copy (and write it back).
        uint64_t start = offset - head;
        uint64_t n = bs - head < len ? bs - head : len;
        if (nabla_block_read(h, start, bounce, bs) != NABLA_OK) return -EIO;
        if (write) {
            memcpy(bounce + head, buf, n);
            nabla_result_t rc = nabla_block_write(h, start, bounce, bs);
            if (rc != NABLA_OK) return rc == NABLA_EROFS ? -EROFS : -EIO;
        } else {
            memcpy(buf, bounce + head, n);
        }
        offset += n, buf += n, len -= n;
    }
    return 0;
}

} // namespace

long block_read_bytes(uint32_t h, uint64_t offset, void* buf, size_t len) {
    return io(h, offset, static_cast<char*>(buf), len, false);
}

long block_write_bytes(uint32_t h, uint64_t offset, const void* buf, size_t len) {
    return io(h, offset, static_cast<char*>(const_cast<void*>(buf)), len, true);
}

uint64_t block_capacity(uint32_t h) {
    const nabla_device* d = device(h);
    return d ? d->u.block.capacity : 0;
}

} // namespace nabla::fs
