#include "wait_queue.hpp"

#include "nabla/platform.h"

namespace nabla::kernel {

void WaitQueue::link(Waiter& w) {
    if (w.queue) nabla_abort("wait queue: a waiter is on two queues");
    w.queue = this;
    w.prev = tail_;
    w.next = nullptr;
    if (tail_) tail_->next = &w;
    else head_ = &w;
    tail_ = &w;
}

void WaitQueue::unlink(Waiter& w) {
    if (w.queue != this) nabla_abort("wait queue: a waiter taken off a queue it is not on");
    if (w.prev) w.prev->next = w.next;
    else head_ = w.next;
    if (w.next) w.next->prev = w.prev;
    else tail_ = w.prev;
    w.queue = nullptr;
    w.prev = w.next = nullptr;
}

void WaitQueue::add(Waiter& w) {
    w.thread = &current();
    link(w);
}

void WaitQueue::remove(Waiter& w) {
    if (w.queue == this) unlink(w);
}

bool WaitQueue::wait(uint64_t deadline) {
    Waiter w;
    add(w);
    block_current_until(deadline);
    bool woken = !w.queued();
    if (!woken) unlink(w);
    return woken;
}

void WaitQueue::wake(Waiter& w) {
    unlink(w);
    kernel::wake(*w.thread);
}

int WaitQueue::wake(int n) {
    int woken = 0;
    while (head_ && woken < n) {
        wake(*head_);
        woken++;
    }
    return woken;
}

void WaitQueue::move(Waiter& w, WaitQueue& to) {
    unlink(w);
    to.link(w);
}

} // namespace nabla::kernel
