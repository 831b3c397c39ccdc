// Pipes: a 64 KiB ring shared by two streams, the read end and the write
// end. Each end is its own descriptor, so each is a Stream of its own that
// the other one wakes: a write notifies the reader, a read the writer.
//
// As Linux: reads return what is there (0 at EOF, once the writer is gone);
// writes of up to PIPE_BUF bytes are atomic, longer ones may be split; a
// write with no reader left fails with EPIPE (no SIGPIPE: no signals here).
// The write end is ready (EPOLLOUT) while PIPE_BUF bytes fit, so a poller
// can always write that much without blocking.
#include "pipe.hpp"

#include "byte_ring.hpp"

#include "../fs/file.hpp"
#include "../fs/stream.hpp"
#include "../kernel/alloc.hpp"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>

namespace nabla::net {
namespace {

constexpr size_t capacity = 64 * 1024; // Linux's default pipe size

class PipeEnd;

struct Pipe {
    ByteRing ring;
    PipeEnd* reader = nullptr; // null once that end's last descriptor is closed
    PipeEnd* writer = nullptr;
};

class PipeEnd final : public fs::Stream {
public:
    PipeEnd(Pipe* pipe, bool reading) : Stream(Type::fifo), pipe_(pipe), reading_(reading) {}

    long read(const iovec* iov, int count, bool nonblock) override;
    long write(const iovec* iov, int count, bool nonblock) override;
    uint32_t poll() override;
    long ioctl(unsigned long request, long arg) override;
    void release() override;

private:
    Pipe* pipe_;
    bool reading_;
};

long PipeEnd::read(const iovec* iov, int count, bool nonblock) {
    if (!reading_) return -EBADF;
    long total = iov_total(iov, count);
    if (total <= 0) return total;
    Pipe& p = *pipe_;
    auto ready = [&] { return !p.ring.empty() || !p.writer; };
    if (!ready()) {
        if (nonblock) return -EAGAIN;
        wait_until(ready);
    }
    IovCursor to(iov, count);
    size_t n = p.ring.peek(to, static_cast<size_t>(total));
    p.ring.drop(n);
    if (n && p.writer) p.writer->notify();
    return static_cast<long>(n); // 0: end of file
}

long PipeEnd::write(const iovec* iov, int count, bool nonblock) {
    if (reading_) return -EBADF;
    long total = iov_total(iov, count);
    if (total <= 0) return total; // a null write succeeds, reader or not
    Pipe& p = *pipe_;
    size_t want = static_cast<size_t>(total), done = 0;
    size_t need = want <= PIPE_BUF ? want : 1; // room needed before writing at all
    IovCursor from(iov, count);
    for (;;) {
        if (!p.reader) return done ? static_cast<long>(done) : -EPIPE;
        size_t space = capacity - p.ring.size();
        if (space >= need) {
            size_t n = p.ring.push(from, space < want - done ? space : want - done);
            if (n == 0) return done ? static_cast<long>(done) : -ENOMEM;
            done += n;
            p.reader->notify();
            if (done == want) return static_cast<long>(done);
            continue;
        }
        if (nonblock) return done ? static_cast<long>(done) : -EAGAIN;
        wait_until([&] { return !p.reader || capacity - p.ring.size() >= need; });
    }
}

uint32_t PipeEnd::poll() {
    const Pipe& p = *pipe_;
    if (reading_) return (p.ring.empty() ? 0 : EPOLLIN) | (p.writer ? 0 : EPOLLHUP);
    return (capacity - p.ring.size() >= PIPE_BUF ? EPOLLOUT : 0) | (p.reader ? 0 : EPOLLERR);
}

long PipeEnd::ioctl(unsigned long request, long arg) {
    if (request != FIONREAD) return -ENOTTY;
    *reinterpret_cast<int*>(arg) = static_cast<int>(pipe_->ring.size()); // either end, as Linux
    return 0;
}

void PipeEnd::release() {
    Pipe* p = pipe_;
    (reading_ ? p->reader : p->writer) = nullptr;
    // The other end sees EOF (HUP) or EPIPE (ERR) from now on.
    if (PipeEnd* other = reading_ ? p->writer : p->reader) other->notify();
    else kernel::destroy(p);
    kernel::destroy(this);
}

} // namespace

long make_pipe(int fds[2], int flags) {
    Pipe* p = kernel::make<Pipe>();
    PipeEnd* r = p ? kernel::make<PipeEnd>(p, true) : nullptr;
    PipeEnd* w = r ? kernel::make<PipeEnd>(p, false) : nullptr;
    if (!w) {
        kernel::destroy(r);
        kernel::destroy(p);
        return -ENOMEM;
    }
    p->reader = r;
    p->writer = w;
    int nonblock = flags & O_NONBLOCK;
    bool cloexec = flags & O_CLOEXEC;
    long rfd = fs::install_stream(r, O_RDONLY | nonblock, cloexec);
    if (rfd < 0) { // r is released already; w goes too, and the pipe with it
        w->release();
        return rfd;
    }
    long wfd = fs::install_stream(w, O_WRONLY | nonblock, cloexec);
    if (wfd < 0) {
        fs::fd_close(rfd);
        return wfd;
    }
    fds[0] = static_cast<int>(rfd);
    fds[1] = static_cast<int>(wfd);
    return 0;
}

} // namespace nabla::net
