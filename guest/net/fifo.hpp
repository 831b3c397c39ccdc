// A first-in first-out queue of plain values that grows as needed: the
// received segments of a TCP socket, the datagrams of a UDP one, the
// connections waiting for accept().
#pragma once

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

namespace nabla::net {

template <typename T> // trivially copyable
class Fifo {
public:
    Fifo() = default;
    Fifo(const Fifo&) = delete;
    Fifo& operator=(const Fifo&) = delete;
    ~Fifo() { free(items_); }

    bool empty() const { return count_ == 0; }
    size_t size() const { return count_; }
    T& front() { return items_[head_]; }
    T& at(size_t i) { return items_[(head_ + i) % capacity_]; } // 0: the front

    // False when out of memory.
    bool push(const T& v) {
        if (count_ == capacity_ && !grow()) return false;
        items_[(head_ + count_) % capacity_] = v;
        count_++;
        return true;
    }

    T pop() {
        T v = items_[head_];
        head_ = (head_ + 1) % capacity_;
        count_--;
        return v;
    }

private:
    bool grow() {
        size_t cap = capacity_ ? capacity_ * 2 : 16;
        T* p = static_cast<T*>(malloc(cap * sizeof(T)));
        if (!p) return false;
        for (size_t i = 0; i < count_; i++) p[i] = items_[(head_ + i) % capacity_];
        free(items_);
        items_ = p;
        capacity_ = cap;
        head_ = 0;
        return true;
    }

    T* items_ = nullptr;
    size_t capacity_ = 0;
    size_t head_ = 0;
    size_t count_ = 0;
};

} // namespace nabla::net
