#include "stream.hpp"

#include "file.hpp"
#include "node.hpp"

#include "../kernel/alloc.hpp"

#include <errno.h>
#include <fcntl.h>

namespace nabla::fs {

long Stream::read(const iovec*, int, bool) { return -EINVAL; }
long Stream::write(const iovec*, int, bool) { return -EINVAL; }
long Stream::ioctl(unsigned long, long) { return -ENOTTY; }

void Stream::notify() {
    waiters.wake_all();
    // A hook's callback never removes hooks from this stream, but read next
    // first anyway: it is cheap and keeps a future one honest.
    for (PollHook *h = hooks_, *next; h; h = next) {
        next = h->next;
        h->changed(h);
    }
}

long install_stream(Stream* s, int flags, bool cloexec) {
    Node* n = make_stream_node(s);
    if (!n) {
        s->release();
        return -ENOMEM;
    }
    OpenFile* f = open_node(n, flags);
    if (!f) {
        kernel::destroy(n);
        s->release();
        return -ENOMEM;
    }
    long fd = fd_install(f, 0, cloexec);
    if (fd < 0) put(f); // frees the node and releases the stream
    return fd;
}

Stream* stream_of(const Node* n) { return n->kind == Kind::special ? n->stream : nullptr; }

} // namespace nabla::fs
