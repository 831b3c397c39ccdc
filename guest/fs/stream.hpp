// Descriptors that are not files in the tree: sockets, pipe ends, eventfds,
// epoll instances. Each has an anonymous Node of its own (Special::stream),
// so the descriptor table, dup, close and fstat treat it like any file; the
// Node points here. A stream says what it is ready for (poll) and tells its
// watchers when that may have changed (notify): threads blocked on it wait
// on `waiters`, epoll entries hang on it as PollHooks.
#pragma once

#include "../kernel/wait_queue.hpp"

#include <stddef.h>
#include <stdint.h>

struct iovec;

namespace nabla::fs {

struct Node;
class Stream;

// Something that watches a stream without blocking on it: an epoll entry.
struct PollHook {
    void (*changed)(PollHook*) = nullptr; // the stream's readiness may have changed
    void (*gone)(PollHook*) = nullptr;    // the stream is being released: forget it
    Stream* stream = nullptr;
    PollHook* prev = nullptr;
    PollHook* next = nullptr;
};

class Stream {
public:
    enum class Type : uint8_t { socket, fifo, anon }; // what fstat says: S_IFSOCK, S_IFIFO, 0

    explicit Stream(Type type) : type_(type) {}

    // Bytes moved or -errno. nonblock: -EAGAIN where the call would wait.
    virtual long read(const iovec* iov, int count, bool nonblock);
    virtual long write(const iovec* iov, int count, bool nonblock);
    // EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDHUP as of now.
    virtual uint32_t poll() = 0;
    // FIONREAD and friends; FIONBIO is the descriptor's and handled above.
    virtual long ioctl(unsigned long request, long arg);
    // The last descriptor is gone (the hooks already are): free everything.
    virtual void release() = 0;

    Type type() const { return type_; }

    // Call after anything that may change poll(): wakes every blocked
    // thread and runs every hook.
    void notify();

    void add_hook(PollHook& h) {
        h.stream = this;
        h.prev = nullptr;
        h.next = hooks_;
        if (hooks_) hooks_->prev = &h;
        hooks_ = &h;
    }
    void remove_hook(PollHook& h) {
        if (h.stream != this) return;
        if (h.prev) h.prev->next = h.next;
        else hooks_ = h.next;
        if (h.next) h.next->prev = h.prev;
        h.stream = nullptr;
        h.prev = h.next = nullptr;
    }
    // The first hook, then h->next: how epoll finds its entry for a stream
    // without a table of its own.
    PollHook* hooks() const { return hooks_; }
    void drop_hooks() { // tells each hook it is gone
        while (PollHook* h = hooks_) {
            remove_hook(*h);
            h->gone(h);
        }
    }

    // Blocks until ready() holds, the deadline passes (false) or ... nothing
    // else: signals do not exist. ready() is checked before each wait.
    template <typename Ready>
    bool wait_until(Ready ready, uint64_t deadline = kernel::forever) {
        while (!ready())
            if (!waiters.wait(deadline)) return ready();
        return true;
    }

    kernel::WaitQueue waiters; // threads blocked in read, write, accept, poll ...

protected:
    ~Stream() = default; // release() frees: streams are never deleted through this type

private:
    PollHook* hooks_ = nullptr;
    Type type_;
};

// A descriptor for a new stream; flags: O_NONBLOCK (and O_RDONLY/O_WRONLY
// for pipe ends). The fd, or -errno after calling s->release().
long install_stream(Stream* s, int flags, bool cloexec);

// The stream behind a node, or nullptr for files.
Stream* stream_of(const Node* n);

} // namespace nabla::fs
