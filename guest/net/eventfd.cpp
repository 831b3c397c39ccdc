// The eventfd counter, with Linux's rules: reads and writes move exactly
// 8 bytes (a shorter buffer is EINVAL, a longer one moves 8). A read takes
// the whole count, or 1 with EFD_SEMAPHORE, and waits while it is 0. A
// write adds its value and waits while the sum would pass 2^64 - 2; the
// value 2^64 - 1 itself is EINVAL. Readable while the count is nonzero,
// writable while 1 more still fits.
#include "eventfd.hpp"

#include "iov.hpp"

#include "../fs/stream.hpp"
#include "../kernel/alloc.hpp"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

namespace nabla::net {
namespace {

constexpr uint64_t max_count = UINT64_MAX - 1;

class EventFd final : public fs::Stream {
public:
    EventFd(uint64_t initial, bool semaphore) : Stream(Type::anon), count_(initial), semaphore_(semaphore) {}

    long read(const iovec* iov, int count, bool nonblock) override;
    long write(const iovec* iov, int count, bool nonblock) override;
    uint32_t poll() override;
    void release() override { kernel::destroy(this); }

private:
    uint64_t count_;
    bool semaphore_;
};

long EventFd::read(const iovec* iov, int count, bool nonblock) {
    long total = iov_total(iov, count);
    if (total < 0) return total;
    if (total < static_cast<long>(sizeof(uint64_t))) return -EINVAL;
    auto ready = [&] { return count_ > 0; };
    if (!ready()) {
        if (nonblock) return -EAGAIN;
        wait_until(ready);
    }
    uint64_t value = semaphore_ ? 1 : count_;
    count_ -= value;
    IovCursor to(iov, count);
    to.write_from(&value, sizeof value);
    notify(); // room for writers again
    return sizeof value;
}

long EventFd::write(const iovec* iov, int count, bool nonblock) {
    long total = iov_total(iov, count);
    if (total < 0) return total;
    if (total < static_cast<long>(sizeof(uint64_t))) return -EINVAL;
    uint64_t value;
    IovCursor from(iov, count);
    from.read_into(&value, sizeof value);
    if (value == UINT64_MAX) return -EINVAL;
    auto ready = [&] { return max_count - count_ >= value; };
    if (!ready()) {
        if (nonblock) return -EAGAIN;
        wait_until(ready);
    }
    count_ += value;
    notify(); // even for 0, as Linux: an edge-triggered watcher sees each write
    return sizeof value;
}

uint32_t EventFd::poll() {
    return (count_ > 0 ? EPOLLIN : 0) | (count_ < max_count ? EPOLLOUT : 0);
}

} // namespace

long make_eventfd(unsigned int initial, int flags) {
    if (flags & ~(EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC)) return -EINVAL;
    EventFd* e = kernel::make<EventFd>(uint64_t{initial}, (flags & EFD_SEMAPHORE) != 0);
    if (!e) return -ENOMEM;
    return fs::install_stream(e, O_RDWR | (flags & EFD_NONBLOCK ? O_NONBLOCK : 0), flags & EFD_CLOEXEC);
}

} // namespace nabla::net
