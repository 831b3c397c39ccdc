// epoll instances. Each watched (fd, open file) pair is an Entry, which
// is a PollHook on the watched stream: whenever that stream notifies, the
// hook looks whether the entry is now ready and if so puts it on the
// instance's ready list and wakes the instance's waiters. epoll_wait then
// only walks the ready list, so a server watching thousands of connections
// pays for the few that have something to say.
//
// Modes, as Linux:
// - level-triggered (default): an entry reported stays on the list and is
//   looked at again next time; it leaves the list when it is no longer
//   ready;
// - EPOLLET: reported once, back on the list with the stream's next notify
//   (new data, new room), drained or not;
// - EPOLLONESHOT: reported once, then disabled until EPOLL_CTL_MOD.
// EPOLLERR and EPOLLHUP are always reported; EPOLLRDHUP when asked for.
//
// An entry lives as long as the open file it watches, not the descriptor
// number: closing one of two dups keeps it; closing the last one runs the
// hook's gone() and the entry disappears.
//
// An epoll instance is itself a stream (nested epoll, or poll on an epfd):
// readable while an entry on its ready list is ready.
#include "epoll.hpp"

#include "../kernel/scheduler.hpp"

#include "poll.hpp"

#include "../fs/file.hpp"
#include "../fs/stream.hpp"
#include "../kernel/alloc.hpp"

#include "nabla/platform.h"

#include <errno.h>
#include <fcntl.h>

namespace nabla::net {
namespace {

class Epoll;

// What a caller asks for that is not an event.
constexpr uint32_t mode_bits = EPOLLET | EPOLLONESHOT | EPOLLEXCLUSIVE | EPOLLWAKEUP;
// What EPOLLEXCLUSIVE may be combined with.
constexpr uint32_t exclusive_ok = EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM | EPOLLRDBAND | EPOLLWRBAND |
                                  EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE;
// epoll inside epoll inside ...: how deep, as Linux's EP_MAX_NESTS.
constexpr int max_nesting = 4;

// One watched (fd, stream) pair: Linux's epitem.
struct Entry : fs::PollHook {
    Epoll* owner = nullptr;
    int fd = -1;
    uint32_t events = 0; // as the caller gave them, mode bits included
    uint64_t data = 0;
    bool disabled = false; // EPOLLONESHOT fired: silent until EPOLL_CTL_MOD
    bool queued = false;   // on the owner's ready list
    Entry* ready_prev = nullptr;
    Entry* ready_next = nullptr;
    Entry* all_prev = nullptr; // every entry of the owner
    Entry* all_next = nullptr;

    uint32_t interest() const { return (events & ~mode_bits) | EPOLLERR | EPOLLHUP; }
    uint32_t ready_events() const { return disabled ? 0 : readiness(stream) & interest(); }
};

void on_changed(fs::PollHook* h);
void on_gone(fs::PollHook* h);

class Epoll final : public fs::Stream {
public:
    Epoll();

    Entry* find(int fd, fs::Stream* target) const;
    long add(int fd, fs::Stream* target, const epoll_event& ev);
    long modify(Entry* e, const epoll_event& ev);
    void remove(Entry* e);
    int harvest(epoll_event* out, int max);
    // Whether this instance watches `other`, directly or through nested
    // instances, or nests deeper than Linux allows.
    bool reaches(const Epoll* other, int depth) const;

    // The watched stream notified: is the entry ready now?
    void check(Entry* e);
    // The watched stream is being released: the entry goes with it.
    void forget(Entry* e);

    uint32_t poll() override;
    void release() override;

    Epoll* next_instance = nullptr; // every instance: to tell an epoll among streams
    Epoll* prev_instance = nullptr;

private:
    void enqueue(Entry* e);
    void dequeue(Entry* e);

    Entry* ready_head_ = nullptr;
    Entry* ready_tail_ = nullptr;
    size_t ready_count_ = 0;
    Entry* all_ = nullptr;
};

Epoll* instances = nullptr;

// The epoll behind a stream, or nullptr. Instances are few (one per event
// loop), and only anonymous streams need the walk.
Epoll* as_epoll(fs::Stream* s) {
    if (!s || s->type() != fs::Stream::Type::anon) return nullptr;
    for (Epoll* e = instances; e; e = e->next_instance)
        if (e == s) return e;
    return nullptr;
}

Epoll::Epoll() : Stream(Type::anon) {
    next_instance = instances;
    if (instances) instances->prev_instance = this;
    instances = this;
}

void on_changed(fs::PollHook* h) {
    auto* e = static_cast<Entry*>(h);
    e->owner->check(e);
}

void on_gone(fs::PollHook* h) {
    auto* e = static_cast<Entry*>(h);
    e->owner->forget(e);
}

Entry* Epoll::find(int fd, fs::Stream* target) const {
    for (fs::PollHook* h = target->hooks(); h; h = h->next) {
        if (h->changed != on_changed) continue; // some other kind of watcher
        auto* e = static_cast<Entry*>(h);
        if (e->owner == this && e->fd == fd) return e;
    }
    return nullptr;
}

void Epoll::enqueue(Entry* e) {
    if (e->queued) return;
    e->queued = true;
    e->ready_prev = ready_tail_;
    e->ready_next = nullptr;
    if (ready_tail_) ready_tail_->ready_next = e;
    else ready_head_ = e;
    ready_tail_ = e;
    ready_count_++;
}

void Epoll::dequeue(Entry* e) {
    if (!e->queued) return;
    if (e->ready_prev) e->ready_prev->ready_next = e->ready_next;
    else ready_head_ = e->ready_next;
    if (e->ready_next) e->ready_next->ready_prev = e->ready_prev;
    else ready_tail_ = e->ready_prev;
    e->queued = false;
    e->ready_prev = e->ready_next = nullptr;
    ready_count_--;
}

void Epoll::check(Entry* e) {
    if (!e->ready_events()) return;
    enqueue(e);
    notify(); // threads in epoll_wait, and instances watching this one
}

long Epoll::add(int fd, fs::Stream* target, const epoll_event& ev) {
    if (const Epoll* inner = as_epoll(target); inner && inner->reaches(this, 1)) return -ELOOP;
    Entry* e = kernel::make<Entry>();
    if (!e) return -ENOMEM;
    e->changed = on_changed;
    e->gone = on_gone;
    e->owner = this;
    e->fd = fd;
    e->events = ev.events;
    e->data = ev.data.u64;
    e->all_next = all_;
    if (all_) all_->all_prev = e;
    all_ = e;
    target->add_hook(*e);
    check(e); // already ready: reported by the next wait
    return 0;
}

long Epoll::modify(Entry* e, const epoll_event& ev) {
    if (e->events & EPOLLEXCLUSIVE) return -EINVAL;
    e->events = ev.events;
    e->data = ev.data.u64;
    e->disabled = false; // re-arms a one-shot entry
    check(e);
    return 0;
}

void Epoll::remove(Entry* e) {
    e->stream->remove_hook(*e);
    forget(e);
}

void Epoll::forget(Entry* e) {
    dequeue(e);
    if (e->all_prev) e->all_prev->all_next = e->all_next;
    else all_ = e->all_next;
    if (e->all_next) e->all_next->all_prev = e->all_prev;
    kernel::destroy(e);
}

bool Epoll::reaches(const Epoll* other, int depth) const {
    if (this == other || depth > max_nesting) return true;
    for (const Entry* e = all_; e; e = e->all_next)
        if (const Epoll* inner = as_epoll(e->stream); inner && inner->reaches(other, depth + 1)) return true;
    return false;
}

// Takes ready events off the list, looking at each entry at most once: an
// entry that is no longer ready just leaves; a level-triggered one that was
// reported goes to the tail, behind those not yet looked at (which stay at
// the head when max runs out), so every ready entry gets its turn.
int Epoll::harvest(epoll_event* out, int max) {
    int n = 0;
    for (size_t todo = ready_count_; todo > 0 && n < max; todo--) {
        Entry* e = ready_head_;
        dequeue(e);
        uint32_t got = e->ready_events();
        if (!got) continue;
        out[n].events = got;
        out[n].data.u64 = e->data;
        n++;
        if (e->events & EPOLLONESHOT) e->disabled = true;
        else if (!(e->events & EPOLLET)) enqueue(e);
    }
    return n;
}

uint32_t Epoll::poll() {
    for (const Entry* e = ready_head_; e; e = e->ready_next)
        if (e->ready_events()) return EPOLLIN;
    return 0;
}

void Epoll::release() {
    while (Entry* e = all_) remove(e);
    if (prev_instance) prev_instance->next_instance = next_instance;
    else instances = next_instance;
    if (next_instance) next_instance->prev_instance = prev_instance;
    kernel::destroy(this);
}

} // namespace

long epoll_create(bool cloexec) {
    Epoll* ep = kernel::make<Epoll>();
    if (!ep) return -ENOMEM;
    return fs::install_stream(ep, O_RDWR, cloexec);
}

// The checks in Linux's order, so a call with several faults gets the same errno.
long epoll_ctl(long epfd, int op, long fd, const epoll_event* ev) {
    epoll_event want{};
    if (op != EPOLL_CTL_DEL) {
        if (!ev) return -EFAULT;
        want = *ev;
    }
    fs::OpenFile* ef = fs::fd_get(epfd);
    fs::OpenFile* tf = fs::fd_get(fd);
    if (!ef || !tf) return -EBADF;
    fs::Stream* target = fs::stream_of(tf->node);
    if (!target) return -EPERM; // files and devices are always ready: Linux refuses them
    Epoll* ep = as_epoll(fs::stream_of(ef->node));
    if (!ep || target == ep) return -EINVAL;
    if (want.events & EPOLLEXCLUSIVE) {
        if (op == EPOLL_CTL_MOD) return -EINVAL;
        if (op == EPOLL_CTL_ADD && ((want.events & ~exclusive_ok) || as_epoll(target))) return -EINVAL;
    }
    Entry* e = ep->find(static_cast<int>(fd), target);
    switch (op) {
    case EPOLL_CTL_ADD: return e ? -EEXIST : ep->add(static_cast<int>(fd), target, want);
    case EPOLL_CTL_MOD: return e ? ep->modify(e, want) : -ENOENT;
    case EPOLL_CTL_DEL:
        if (!e) return -ENOENT;
        ep->remove(e);
        return 0;
    default: return -EINVAL;
    }
}

long epoll_wait(long epfd, epoll_event* out, int max, uint64_t deadline) {
    fs::OpenFile* f = fs::fd_get(epfd);
    if (!f) return -EBADF;
    Epoll* ep = as_epoll(fs::stream_of(f->node));
    if (!ep) return -EINVAL;
    f->refs++; // another thread's close must not free the instance under us
    before_looking(); // may switch threads: hence after taking the reference
    long n;
    bool looked = false; // at the devices, once, before saying "nothing"
    for (;;) {
        n = ep->harvest(out, max);
        if (n) break;
        if (nabla_clock_monotonic() >= deadline) {
            if (looked) break;
            kernel::poll_devices();
            looked = true;
            continue;
        }
        ep->waiters.wait(deadline);
    }
    fs::put(f);
    return n;
}

} // namespace nabla::net
