// Open file descriptions and the descriptor table. Several descriptors
// (dup) share one description: its offset and status flags.
#pragma once

#include "node.hpp"

#include <stddef.h>
#include <stdint.h>

namespace nabla::fs {

struct OpenFile {
    Node* node;
    uint64_t offset = 0;
    int flags = 0;       // O_ACCMODE, O_APPEND, O_NONBLOCK ...
    uint32_t refs = 1;
    uint64_t dir_cursor = 0; // getdents64: entries already returned
};

// RLIMIT_NOFILE. Servers keep a descriptor per client: redis-benchmark -c
// 1000 needs more than Linux's default 1024.
inline constexpr int max_fds = 65536;

// Bytes moved, or -errno. Offsets are explicit: callers own the cursor.
long node_read(Node* n, uint64_t offset, void* buf, size_t len);
long node_write(Node* n, uint64_t offset, const void* buf, size_t len);
long node_truncate(Node* n, uint64_t size);

OpenFile* open_node(Node* n, int flags); // nullptr: out of memory
void put(OpenFile* f);                   // drops one reference

// The descriptor table.
long fd_install(OpenFile* f, int lowest, bool cloexec); // the new fd, or -EMFILE
OpenFile* fd_get(long fd);                              // nullptr: EBADF
long fd_close(long fd);
long fd_dup_to(long fd, long target, bool cloexec);     // dup2/dup3
bool fd_cloexec(long fd);
void fd_set_cloexec(long fd, bool on);

// A descriptor's open file held for the length of a call that may block, so
// that another thread's close() cannot free it underneath.
class FileRef {
public:
    explicit FileRef(long fd) : f_(fd_get(fd)) {
        if (f_) f_->refs++;
    }
    ~FileRef() {
        if (f_) put(f_);
    }
    FileRef(const FileRef&) = delete;
    FileRef& operator=(const FileRef&) = delete;
    OpenFile* get() const { return f_; }
    OpenFile* operator->() const { return f_; }
    explicit operator bool() const { return f_ != nullptr; }

private:
    OpenFile* f_;
};

} // namespace nabla::fs
