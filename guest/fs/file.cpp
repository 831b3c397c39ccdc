#include "file.hpp"

#include "block_io.hpp"
#include "stream.hpp"

#include "nabla/platform.h"

#include "../kernel/alloc.hpp"
#include "../kernel/random.hpp"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/uio.h>

namespace nabla::fs {
namespace {

OpenFile* table[max_fds];
bool cloexec[max_fds];
int first_free = 0; // no free descriptor below this: accept() stays O(1)

long special_read(Node* n, uint64_t offset, void* buf, size_t len) {
    switch (n->special) {
    case Special::null:
    case Special::console_in: return 0;
    case Special::zero: memset(buf, 0, len); return static_cast<long>(len);
    case Special::random: kernel::random_bytes(buf, len); return static_cast<long>(len);
    case Special::text: {
        uint64_t size = n->target ? n->size : 0; // the text may hold NULs (cmdline)
        if (offset >= size) return 0;
        size_t count = size - offset < len ? size - offset : len;
        memcpy(buf, n->target + offset, count);
        return static_cast<long>(count);
    }
    case Special::console_out:
    case Special::console_err: return -EINVAL;
    case Special::stream: {
        iovec v{buf, len};
        return n->stream->read(&v, 1, false);
    }
    }
    return -EINVAL;
}

long special_write(Node* n, const void* buf, size_t len) {
    switch (n->special) {
    case Special::null:
    case Special::zero:
    case Special::random: return static_cast<long>(len);
    case Special::console_out:
    case Special::console_err: {
        auto* p = static_cast<const char*>(buf);
        nabla_result_t rc = n->special == Special::console_err ? nabla_console_write_err(p, len)
                                                               : nabla_console_write(p, len);
        return rc == NABLA_OK ? static_cast<long>(len) : -EIO;
    }
    case Special::console_in:
    case Special::text: return -EBADF;
    case Special::stream: {
        iovec v{const_cast<void*>(buf), len};
        return n->stream->write(&v, 1, false);
    }
    }
    return -EINVAL;
}

// Writes zeros over [from, to) of a block device.
long zero_block_range(uint32_t device, uint64_t from, uint64_t to) {
    static const char zeros[64 * 1024] = {};
    while (from < to) {
        size_t n = to - from < sizeof zeros ? static_cast<size_t>(to - from) : sizeof zeros;
        if (long rc = block_write_bytes(device, from, zeros, n)) return rc;
        from += n;
    }
    return 0;
}

} // namespace

long node_read(Node* n, uint64_t offset, void* buf, size_t len) {
    if (n->kind == Kind::dir) return -EISDIR;
    if (n->kind == Kind::special) return special_read(n, offset, buf, len);
    if (offset >= n->size) return 0;
    size_t count = n->size - offset < len ? static_cast<size_t>(n->size - offset) : len;
    switch (n->storage) {
    case Storage::memory: memcpy(buf, n->data + offset, count); break;
    case Storage::image:
        if (block_read_bytes(n->device, n->offset + offset, buf, count) != 0) return -EIO;
        break;
    case Storage::block:
        if (block_read_bytes(n->device, offset, buf, count) != 0) return -EIO;
        break;
    }
    return static_cast<long>(count);
}

long node_write(Node* n, uint64_t offset, const void* buf, size_t len) {
    if (n->kind == Kind::dir) return -EISDIR;
    if (n->kind == Kind::special) return special_write(n, buf, len);
    if (offset > UINT64_MAX - len) return -EFBIG;
    if (len == 0) return 0;
    if (n->storage == Storage::block) {
        // The file ends where the device does: past that, as on a full disk.
        if (n->read_only) return -EROFS;
        uint64_t capacity = block_capacity(n->device);
        if (offset >= capacity) return -ENOSPC;
        size_t count = capacity - offset < len ? static_cast<size_t>(capacity - offset) : len;
        if (offset > n->size)
            if (long rc = zero_block_range(n->device, n->size, offset)) return rc;
        if (long rc = block_write_bytes(n->device, offset, buf, count)) return rc;
        if (offset + count > n->size) n->size = offset + count;
        return static_cast<long>(count);
    }
    if (long rc = copy_up(n)) return rc;
    if (long rc = reserve_memory(n, offset + len)) return rc;
    if (offset > n->size) memset(n->data + n->size, 0, offset - n->size);
    memcpy(n->data + offset, buf, len);
    if (offset + len > n->size) n->size = offset + len;
    n->mtime_ns = now_ns();
    return static_cast<long>(len);
}

long node_truncate(Node* n, uint64_t size) {
    if (n->kind == Kind::dir) return -EISDIR;
    if (n->kind != Kind::file) return -EINVAL;
    if (n->storage == Storage::block) {
        // Shrinks and grows within the device (SQLite's VACUUM shrinks its
        // file); bytes that come back into the file read as zero, as on Linux.
        if (n->read_only) return -EROFS;
        if (size > block_capacity(n->device)) return -EFBIG;
        if (size > n->size)
            if (long rc = zero_block_range(n->device, n->size, size)) return rc;
        n->size = size;
        return 0;
    }
    if (long rc = copy_up(n)) return rc;
    if (long rc = reserve_memory(n, size)) return rc;
    if (size > n->size) memset(n->data + n->size, 0, size - n->size);
    n->size = size;
    n->mtime_ns = now_ns();
    return 0;
}

OpenFile* open_node(Node* n, int flags) {
    OpenFile* f = kernel::make<OpenFile>();
    if (!f) return nullptr;
    f->node = n;
    f->flags = flags;
    n->opens++;
    return f;
}

void put(OpenFile* f) {
    if (--f->refs) return;
    Node* n = f->node;
    n->opens--;
    kernel::destroy(f);
    release_if_unused(n);
}

long fd_install(OpenFile* f, int lowest, bool close_on_exec) {
    int from = lowest < first_free ? first_free : lowest;
    for (int fd = from < 0 ? 0 : from; fd < max_fds; fd++) {
        if (!table[fd]) {
            table[fd] = f;
            cloexec[fd] = close_on_exec;
            if (fd == first_free) first_free = fd + 1;
            return fd;
        }
    }
    return -EMFILE;
}

OpenFile* fd_get(long fd) { return fd >= 0 && fd < max_fds ? table[fd] : nullptr; }

long fd_close(long fd) {
    OpenFile* f = fd_get(fd);
    if (!f) return -EBADF;
    table[fd] = nullptr;
    if (fd < first_free) first_free = static_cast<int>(fd);
    put(f);
    return 0;
}

long fd_dup_to(long fd, long target, bool close_on_exec) {
    OpenFile* f = fd_get(fd);
    if (!f || target < 0 || target >= max_fds) return -EBADF;
    if (fd == target) return target;
    f->refs++;
    if (table[target]) put(table[target]);
    table[target] = f;
    cloexec[target] = close_on_exec;
    return target;
}

bool fd_cloexec(long fd) { return fd >= 0 && fd < max_fds && cloexec[fd]; }
void fd_set_cloexec(long fd, bool on) {
    if (fd >= 0 && fd < max_fds) cloexec[fd] = on;
}

} // namespace nabla::fs
