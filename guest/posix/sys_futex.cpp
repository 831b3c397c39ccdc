// futex(2) over the kernel's wait queues: a 32-bit word whose waiters are
// found by its address (one process, so private and shared futexes are the
// same). WAIT, WAKE, REQUEUE, CMP_REQUEUE and the BITSET pair, with the
// kernel's errors; the PI and WAKE_OP operations answer ENOSYS (musl uses
// neither; a PI mutex attribute then fails with ENOTSUP). No signal ever
// interrupts a wait, so EINTR does not happen.
#include "futex.hpp"
#include "syscall.hpp"
#include "timespec.hpp"

#include "nabla/platform.h"

#include "../kernel/wait_queue.hpp"

namespace nabla::posix {
namespace {

// From linux/futex.h, which musl does not install.
constexpr int FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4;
constexpr int FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10;
constexpr int FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;
constexpr uint32_t FUTEX_BITSET_MATCH_ANY = ~0u;

using kernel::Waiter;
using kernel::WaitQueue;

// Waiters hashed by address; each Waiter's key says which word it is on.
WaitQueue buckets[64];

WaitQueue& bucket(uintptr_t addr) {
    constexpr uint64_t golden = 0x9e3779b97f4a7c15ull; // Fibonacci hashing: high bits
    return buckets[(addr * golden) >> 58];
}

bool aligned(uintptr_t addr) { return addr % sizeof(uint32_t) == 0; }

uint32_t load(uintptr_t addr) { return __atomic_load_n(reinterpret_cast<const uint32_t*>(addr), __ATOMIC_SEQ_CST); }

// The monotonic deadline of a timeout: relative (FUTEX_WAIT), or absolute
// on the monotonic clock or, with FUTEX_CLOCK_REALTIME, the wall clock
// (converted once, so a later wall clock step does not move it).
long deadline_of(long timeout, bool absolute, bool realtime, uint64_t* deadline) {
    *deadline = kernel::forever;
    if (!timeout) return 0;
    const auto* ts = ptr<const timespec>(timeout);
    if (!valid(ts)) return -EINVAL;
    uint64_t ns = to_ns(ts), now = nabla_clock_monotonic();
    if (!absolute) {
        *deadline = add_saturating(now, ns);
    } else if (realtime) {
        uint64_t wall = nabla_clock_wall();
        *deadline = ns > wall ? add_saturating(now, ns - wall) : now;
    } else {
        *deadline = ns;
    }
    return 0;
}

long futex_wait(uintptr_t addr, uint32_t val, uint64_t deadline, uint32_t bits) {
    if (!aligned(addr)) return -EINVAL;
    if (load(addr) != val) return -EAGAIN;
    Waiter w;
    w.key = addr;
    w.bits = bits;
    bucket(addr).add(w);
    kernel::block_current_until(deadline);
    if (!w.queued()) return 0; // woken, even if the deadline passed meanwhile (as Linux)
    w.queue->remove(w);        // perhaps requeued to another word's bucket
    return -ETIMEDOUT;
}

// Wakes up to nr_wake waiters of addr, then moves up to nr_requeue more to
// addr2; returns both together, as Linux does.
long futex_requeue(uintptr_t addr, int nr_wake, int nr_requeue, uintptr_t addr2, const uint32_t* expected) {
    if (nr_wake < 0 || nr_requeue < 0) return -EINVAL;
    if (!aligned(addr) || !aligned(addr2)) return -EINVAL;
    if (expected && load(addr) != *expected) return -EAGAIN;
    WaitQueue& from = bucket(addr);
    int woken = 0, moved = 0;
    for (Waiter* w = from.first(); w && (woken < nr_wake || moved < nr_requeue);) {
        Waiter* next = w->next;
        if (w->key == addr) {
            if (woken < nr_wake) {
                from.wake(*w);
                woken++;
            } else if (moved < nr_requeue) {
                w->key = addr2;
                if (&bucket(addr2) != &from) from.move(*w, bucket(addr2));
                moved++;
            }
        }
        w = next;
    }
    return woken + moved;
}

} // namespace

long futex_wake(uintptr_t addr, int n, uint32_t bits) {
    if (!aligned(addr)) return -EINVAL;
    WaitQueue& q = bucket(addr);
    int woken = 0;
    for (Waiter* w = q.first(); w;) {
        Waiter* next = w->next;
        if (w->key == addr && (w->bits & bits)) {
            q.wake(*w);
            if (++woken >= n) break; // n <= 0 still wakes one, as Linux does
        }
        w = next;
    }
    return woken;
}

long sys_futex(long uaddr, long op, long val, long timeout, long uaddr2, long val3) {
    auto addr = static_cast<uintptr_t>(uaddr);
    int cmd = static_cast<int>(op) & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    bool realtime = op & FUTEX_CLOCK_REALTIME;
    if (realtime && cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET) return -ENOSYS;
    auto bits = static_cast<uint32_t>(val3);
    uint64_t deadline;
    switch (cmd) {
    case FUTEX_WAIT:
        bits = FUTEX_BITSET_MATCH_ANY;
        [[fallthrough]];
    case FUTEX_WAIT_BITSET:
        if (!bits) return -EINVAL;
        if (long rc = deadline_of(timeout, cmd == FUTEX_WAIT_BITSET, realtime, &deadline)) return rc;
        return futex_wait(addr, static_cast<uint32_t>(val), deadline, bits);
    case FUTEX_WAKE:
        bits = FUTEX_BITSET_MATCH_ANY;
        [[fallthrough]];
    case FUTEX_WAKE_BITSET:
        if (!bits) return -EINVAL;
        return futex_wake(addr, static_cast<int>(val), bits);
    case FUTEX_REQUEUE:
        return futex_requeue(addr, static_cast<int>(val), static_cast<int>(timeout), static_cast<uintptr_t>(uaddr2),
                             nullptr);
    case FUTEX_CMP_REQUEUE: {
        auto expected = static_cast<uint32_t>(val3);
        return futex_requeue(addr, static_cast<int>(val), static_cast<int>(timeout), static_cast<uintptr_t>(uaddr2),
                             &expected);
    }
    default:
        return -ENOSYS;
    }
}

} // namespace nabla::posix
