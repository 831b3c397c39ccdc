// poll and select: look at every descriptor; if none is ready, put a
// Waiter on every watched stream's queue, block once until the first
// notify() or the deadline, and look again. Files, directories and devices
// never block, so they are always ready, as on Linux.
#include "poll.hpp"

#include "../fs/stream.hpp"
#include "../kernel/wait_queue.hpp"

#include "nabla/platform.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

namespace nabla::net {
namespace {

// What select counts as readable, writable and exceptional (Linux's sets).
constexpr uint32_t select_in = EPOLLIN | EPOLLRDNORM | EPOLLRDBAND | EPOLLHUP | EPOLLERR;
constexpr uint32_t select_out = EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND | EPOLLERR;
constexpr uint32_t select_ex = EPOLLPRI;

// One Waiter per watched stream, all blocked on at once. Each watched
// description is held (a reference) while the thread sleeps, so another
// thread's close cannot free a queue one of our Waiters is on.
class WaitSet {
public:
    explicit WaitSet(size_t capacity) {
        if (capacity > inline_slots)
            slots_ = static_cast<Slot*>(calloc(capacity, sizeof(Slot)));
    }
    ~WaitSet() {
        for (size_t i = 0; i < used_; i++) {
            Slot& s = slots_[i];
            fs::stream_of(s.file->node)->waiters.remove(s.waiter);
            fs::put(s.file);
        }
        if (slots_ != inline_) free(slots_);
    }
    WaitSet(const WaitSet&) = delete;
    WaitSet& operator=(const WaitSet&) = delete;

    bool ok() const { return slots_ != nullptr; }

    void watch(fs::OpenFile* f) {
        fs::Stream* s = fs::stream_of(f->node);
        if (!s) return; // always ready: nothing to wait for
        Slot& slot = slots_[used_++];
        slot.waiter = kernel::Waiter{};
        slot.file = f;
        f->refs++;
        s->waiters.add(slot.waiter);
    }

    void block(uint64_t deadline) { kernel::block_current_until(deadline); }

private:
    struct Slot {
        kernel::Waiter waiter;
        fs::OpenFile* file;
    };
    static constexpr size_t inline_slots = 8;
    Slot inline_[inline_slots];
    Slot* slots_ = inline_;
    size_t used_ = 0;
};

} // namespace

void before_looking() { kernel::yield(); }

uint32_t readiness(fs::Stream* s) {
    uint32_t m = s->poll();
    if (m & EPOLLIN) m |= EPOLLRDNORM;
    if (m & EPOLLOUT) m |= EPOLLWRNORM;
    return m;
}

uint32_t readiness(const fs::OpenFile* f) {
    if (fs::Stream* s = fs::stream_of(f->node)) return readiness(s);
    return EPOLLIN | EPOLLRDNORM | EPOLLOUT | EPOLLWRNORM;
}

long poll_files(pollfd* fds, size_t count, uint64_t deadline) {
    before_looking();
    bool looked = false;
    for (;;) {
        long ready = 0;
        for (size_t i = 0; i < count; i++) {
            pollfd& p = fds[i];
            p.revents = 0;
            if (p.fd < 0) continue; // ignored, as poll(2) says
            const fs::OpenFile* f = fs::fd_get(p.fd);
            uint32_t want = static_cast<uint16_t>(p.events) | POLLERR | POLLHUP;
            uint32_t got = f ? readiness(f) & want : POLLNVAL;
            p.revents = static_cast<short>(got);
            if (got) ready++;
        }
        if (ready) return ready;
        if (nabla_clock_monotonic() >= deadline) {
            if (looked) return 0;
            kernel::poll_devices(); // once, before saying "nothing"
            looked = true;
            continue;
        }
        WaitSet waits(count);
        if (!waits.ok()) return -ENOMEM;
        for (size_t i = 0; i < count; i++)
            if (fs::OpenFile* f = fds[i].fd >= 0 ? fs::fd_get(fds[i].fd) : nullptr) waits.watch(f);
        waits.block(deadline);
    }
}

long select_files(int n, fd_set* read, fd_set* write, fd_set* except, uint64_t deadline) {
    if (n < 0) return -EINVAL;
    if (n > fs::max_fds) n = fs::max_fds; // as Linux: past the table, nothing is open
    // Only the words holding n bits are the caller's: read and write those.
    size_t bytes = (static_cast<size_t>(n) + 63) / 64 * 8;
    fd_set want[3] = {}, got[3];
    fd_set* sets[3] = {read, write, except};
    for (int k = 0; k < 3; k++)
        if (sets[k]) memcpy(&want[k], sets[k], bytes);
    const uint32_t bits[3] = {select_in, select_out, select_ex};
    before_looking();
    bool looked = false;
    for (;;) {
        long count = 0, watched = 0;
        memset(got, 0, sizeof got);
        for (int fd = 0; fd < n; fd++) {
            bool asked = FD_ISSET(fd, &want[0]) || FD_ISSET(fd, &want[1]) || FD_ISSET(fd, &want[2]);
            if (!asked) continue;
            const fs::OpenFile* f = fs::fd_get(fd);
            if (!f) return -EBADF;
            watched++;
            uint32_t m = readiness(f);
            for (int k = 0; k < 3; k++)
                if (FD_ISSET(fd, &want[k]) && (m & bits[k])) {
                    FD_SET(fd, &got[k]);
                    count++;
                }
        }
        bool timed_out = !count && nabla_clock_monotonic() >= deadline;
        if (timed_out && !looked) {
            kernel::poll_devices(); // once, before saying "nothing"
            looked = true;
            continue;
        }
        if (count || timed_out) {
            for (int k = 0; k < 3; k++)
                if (sets[k]) memcpy(sets[k], &got[k], bytes);
            return count;
        }
        WaitSet waits(static_cast<size_t>(watched));
        if (!waits.ok()) return -ENOMEM;
        for (int fd = 0; fd < n; fd++)
            if (FD_ISSET(fd, &want[0]) || FD_ISSET(fd, &want[1]) || FD_ISSET(fd, &want[2]))
                waits.watch(fs::fd_get(fd));
        waits.block(deadline);
    }
}

} // namespace nabla::net
