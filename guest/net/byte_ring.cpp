#include "byte_ring.hpp"

#include <stdlib.h>
#include <string.h>

namespace nabla::net {
namespace {

constexpr size_t first_capacity = 4096;
// A drained ring keeps storage up to this size: a busy pair of threads does
// not go back to malloc for every message.
constexpr size_t kept_when_empty = 4096;

} // namespace

ByteRing::~ByteRing() { free(data_); }

template <typename Fn>
void ByteRing::span(size_t at, size_t n, Fn fn) const {
    size_t start = (head_ + at) & (capacity_ - 1);
    size_t first = capacity_ - start < n ? capacity_ - start : n;
    fn(data_ + start, first);
    if (n > first) fn(data_, n - first);
}

bool ByteRing::reserve(size_t total) {
    if (total <= capacity_) return true;
    size_t cap = capacity_ ? capacity_ : first_capacity;
    while (cap < total) cap *= 2;
    char* bigger = static_cast<char*>(malloc(cap));
    if (!bigger) return false;
    // Unwrap into the new storage: the bytes start at 0 again.
    size_t done = 0;
    if (size_)
        span(0, size_, [&](const char* chunk, size_t len) {
            memcpy(bigger + done, chunk, len);
            done += len;
        });
    free(data_);
    data_ = bigger;
    capacity_ = cap;
    head_ = 0;
    return true;
}

size_t ByteRing::push(IovCursor& from, size_t n) {
    if (n == 0) return 0;
    if (!reserve(size_ + n)) return 0;
    size_t done = 0;
    span(size_, n, [&](char* chunk, size_t len) { done += from.read_into(chunk, len); });
    size_ += done;
    return done;
}

size_t ByteRing::push(const void* src, size_t n) {
    if (n == 0) return 0;
    if (!reserve(size_ + n)) return 0;
    size_t done = 0;
    span(size_, n, [&](char* chunk, size_t len) {
        memcpy(chunk, static_cast<const char*>(src) + done, len);
        done += len;
    });
    size_ += n;
    return n;
}

size_t ByteRing::peek(IovCursor& to, size_t n, size_t skip) const {
    if (skip >= size_) return 0;
    if (n > size_ - skip) n = size_ - skip;
    size_t done = 0;
    if (n) span(skip, n, [&](const char* chunk, size_t len) { done += to.write_from(chunk, len); });
    return done;
}

size_t ByteRing::peek(void* dst, size_t n, size_t skip) const {
    if (skip >= size_) return 0;
    if (n > size_ - skip) n = size_ - skip;
    size_t done = 0;
    if (n)
        span(skip, n, [&](const char* chunk, size_t len) {
            memcpy(static_cast<char*>(dst) + done, chunk, len);
            done += len;
        });
    return n;
}

void ByteRing::drop(size_t n) {
    if (n >= size_) {
        size_ = 0;
        head_ = 0;
        if (capacity_ > kept_when_empty) {
            free(data_);
            data_ = nullptr;
            capacity_ = 0;
        }
        return;
    }
    head_ = (head_ + n) & (capacity_ - 1);
    size_ -= n;
}

} // namespace nabla::net
