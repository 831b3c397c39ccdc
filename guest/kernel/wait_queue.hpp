// Threads waiting for something: a futex word, data on a socket, space in a
// pipe. A waiting thread puts a Waiter (on its own stack) on the queue and
// blocks; whoever makes the thing happen wakes the queue. First in, first
// woken.
//
//     kernel::Waiter w;                // or simply: bool woken = q.wait(deadline);
//     q.add(w);                        // nothing that can switch threads in between:
//     kernel::block_current_until(deadline);
//     bool woken = !w.queued();        // wake() took it off the queue
//     if (!woken) q.remove(w);         // still on it: the deadline came first
//
// A thread may put Waiters on several queues before it blocks (poll); the
// first wake makes it runnable, and it removes the others itself.
#pragma once

#include "scheduler.hpp"

#include <limits.h>

namespace nabla::kernel {

class WaitQueue;

struct Waiter {
    Thread* thread = nullptr;
    WaitQueue* queue = nullptr; // the queue it is on; null once woken or removed
    Waiter* prev = nullptr;
    Waiter* next = nullptr;
    uintptr_t key = 0;          // the queue owner's: which futex word
    uint32_t bits = 0;          // the queue owner's: the futex bitset

    bool queued() const { return queue != nullptr; }
};

class WaitQueue {
public:
    // Puts the calling thread's w at the tail.
    void add(Waiter& w);
    // Takes w off if it is still here.
    void remove(Waiter& w);
    // add, block until woken or the deadline, remove: true when woken.
    bool wait(uint64_t deadline = forever);

    // Takes w off and makes its thread runnable.
    void wake(Waiter& w);
    // Wakes the first n waiters (all: INT_MAX); returns how many.
    int wake(int n);
    int wake_all() { return wake(INT_MAX); }
    // Moves w to the tail of another queue, still waiting (futex requeue).
    void move(Waiter& w, WaitQueue& to);

    bool empty() const { return head_ == nullptr; }
    Waiter* first() const { return head_; } // then w->next

private:
    void unlink(Waiter& w);
    void link(Waiter& w);

    Waiter* head_ = nullptr;
    Waiter* tail_ = nullptr;
};

} // namespace nabla::kernel
