// A FIFO of bytes: the data a pipe or a unix socket holds between a write
// and a read. Its storage grows on demand (powers of two) and is given back
// when it drains, so a thousand idle socket pairs cost next to nothing; how
// much it may hold is the owner's rule, not the ring's.
#pragma once

#include "iov.hpp"

#include <stddef.h>

namespace nabla::net {

class ByteRing {
public:
    ByteRing() = default;
    ~ByteRing();
    ByteRing(const ByteRing&) = delete;
    ByteRing& operator=(const ByteRing&) = delete;

    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }

    // Makes room for n more bytes now, so that the pushes that follow
    // cannot fail (a message's header and payload go in together).
    bool reserve_more(size_t n) { return reserve(size_ + n); }

    // Appends n bytes (from the cursor, advancing it, or from memory).
    // Fewer only when memory runs out.
    size_t push(IovCursor& from, size_t n);
    size_t push(const void* src, size_t n);

    // Copies n bytes that start skip bytes in, without removing them.
    size_t peek(IovCursor& to, size_t n, size_t skip = 0) const;
    size_t peek(void* dst, size_t n, size_t skip = 0) const;

    // Removes the first n bytes.
    void drop(size_t n);

private:
    bool reserve(size_t total);
    // Calls fn(chunk, len) over the stored bytes [at, at + n), in order.
    template <typename Fn>
    void span(size_t at, size_t n, Fn fn) const;

    char* data_ = nullptr;
    size_t capacity_ = 0; // a power of two, or 0
    size_t head_ = 0;     // index of the first byte
    size_t size_ = 0;
};

} // namespace nabla::net
