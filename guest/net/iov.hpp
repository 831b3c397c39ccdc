// Walking a caller's iovec array as one run of bytes: streams copy in and
// out of it piece by piece (a ring buffer wraps, a message ends) and the
// cursor remembers where they stopped.
#pragma once

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <sys/uio.h>

namespace nabla::net {

// The bytes an iovec array covers, or -EINVAL when they overflow a ssize_t
// (as the kernel checks before any transfer).
inline long iov_total(const iovec* iov, int count) {
    size_t total = 0;
    for (int i = 0; i < count; i++) {
        if (iov[i].iov_len > static_cast<size_t>(LONG_MAX) - total) return -EINVAL;
        total += iov[i].iov_len;
    }
    return static_cast<long>(total);
}

class IovCursor {
public:
    // iov must already have passed iov_total.
    IovCursor(const iovec* iov, int count) : iov_(iov) {
        for (int i = 0; i < count; i++) left_ += iov[i].iov_len;
    }

    size_t left() const { return left_; }

    // Copies up to n bytes from the iovecs to dst; returns how many.
    size_t read_into(void* dst, size_t n) {
        return walk(n, [&](char* seg, size_t len, size_t done) { memcpy(static_cast<char*>(dst) + done, seg, len); });
    }
    // Copies up to n bytes from src into the iovecs; returns how many.
    size_t write_from(const void* src, size_t n) {
        return walk(n, [&](char* seg, size_t len, size_t done) { memcpy(seg, static_cast<const char*>(src) + done, len); });
    }
    // Moves on without copying (the rest of a truncated message).
    size_t skip(size_t n) {
        return walk(n, [](char*, size_t, size_t) {});
    }

private:
    template <typename Copy>
    size_t walk(size_t n, Copy copy) {
        size_t done = 0;
        while (done < n && left_ > 0) {
            const iovec& v = iov_[index_];
            size_t len = v.iov_len - offset_;
            if (len > n - done) len = n - done;
            copy(static_cast<char*>(v.iov_base) + offset_, len, done);
            done += len;
            left_ -= len;
            offset_ += len;
            if (offset_ == v.iov_len) {
                index_++;
                offset_ = 0;
            }
        }
        return done;
    }

    const iovec* iov_;
    int index_ = 0;
    size_t offset_ = 0; // into iov_[index_]
    size_t left_ = 0;
};

} // namespace nabla::net
