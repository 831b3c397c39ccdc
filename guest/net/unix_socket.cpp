// socketpair(AF_UNIX): two connected sockets inside the guest. Each one
// queues what its peer sent in a ring of its own (rx_); a send appends to
// the peer's ring and wakes the peer, a receive takes from its own ring and
// wakes the peer, whose sends may have been waiting for room.
//
// SOCK_STREAM is a byte stream; SOCK_DGRAM and SOCK_SEQPACKET keep message
// boundaries (each message is [4-byte length][bytes] in the ring). The
// rules are Linux's, see unix(7):
// - room: a socket's sends may have SO_SNDBUF bytes queued at the peer
//   (212992 unless set); it polls writable while at most a quarter is;
// - shutdown(SHUT_WR) ends the peer's reading (EOF, EPOLLRDHUP) and makes
//   our sends fail with EPIPE, SHUT_RD the other way round (stream and
//   seqpacket; a datagram socket's shutdown stays its own);
// - close: the peer sees EOF and EPOLLHUP, and ECONNRESET first if we
//   left data unread; a datagram peer gets ECONNREFUSED from its next send,
//   then ENOTCONN.
// No names (bind, connect) and no ancillary data (SCM_RIGHTS): EOPNOTSUPP.
#include "socket.hpp"

#include "byte_ring.hpp"

#include "../kernel/alloc.hpp"

#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/un.h>

namespace nabla::net {
namespace {

constexpr int default_buf = 212992; // Linux's net.core.wmem_default and rmem_default
constexpr int max_buf = 212992;     // net.core.wmem_max and rmem_max: setsockopt's cap
constexpr int min_sndbuf = 4608, min_rcvbuf = 2304;
using MessageLength = uint32_t;

class UnixSocket final : public Socket {
public:
    explicit UnixSocket(int type) : type_(type) {}

    long sendmsg(const msghdr* m, int flags, bool nonblock) override;
    long recvmsg(msghdr* m, int flags, bool nonblock) override;
    long shutdown(int how) override;
    long getsockname(sockaddr* addr, socklen_t* len) override;
    long getpeername(sockaddr* addr, socklen_t* len) override;
    long setsockopt(int level, int name, const void* value, socklen_t len) override;
    long getsockopt(int level, int name, void* value, socklen_t* len) override;
    uint32_t poll() override;
    long ioctl(unsigned long request, long arg) override;
    void release() override;

    UnixSocket* peer_ = nullptr; // null once the peer's last descriptor is closed

private:
    bool messages() const { return type_ != SOCK_STREAM; }
    // Bytes our sends have queued at the peer, and the room left for more.
    size_t queued_at_peer() const { return peer_ ? peer_->rx_.size() : 0; }
    size_t room() const {
        size_t q = queued_at_peer(), cap = static_cast<size_t>(sndbuf_);
        return q < cap ? cap - q : 0;
    }
    bool send_closed() const { return wr_shut_ || !peer_ || peer_->rd_shut_; }
    long send_stream(IovCursor& from, size_t want, bool nonblock);
    long send_message(IovCursor& from, size_t len, bool nonblock);
    long recv_stream(IovCursor& to, size_t want, int flags, bool nonblock);
    long recv_message(msghdr* m, IovCursor& to, size_t want, int flags, bool nonblock);
    long take_error() {
        int e = error_;
        error_ = 0;
        return -e;
    }

    int type_;
    ByteRing rx_;          // what the peer sent and we have not read
    size_t payload_ = 0;   // bytes of data in rx_ (message headers not counted)
    bool rd_shut_ = false; // no more data will come in (Linux's RCV_SHUTDOWN)
    bool wr_shut_ = false; // we may send no more (SEND_SHUTDOWN)
    int error_ = 0;        // pending error (ECONNRESET): SO_ERROR or the next receive
    bool refused_ = false; // datagram: the peer is gone, the next send is refused
    bool connected_ = true;
    int sndbuf_ = default_buf, rcvbuf_ = default_buf;
};

long UnixSocket::sendmsg(const msghdr* m, int flags, bool nonblock) {
    if (flags & MSG_OOB) return -EOPNOTSUPP;
    if (m->msg_controllen) return -EOPNOTSUPP; // SCM_RIGHTS, SCM_CREDENTIALS
    if (m->msg_namelen && type_ == SOCK_STREAM) return -EISCONN;
    if (m->msg_namelen && type_ == SOCK_DGRAM) {
        const auto* un = static_cast<const sockaddr_un*>(m->msg_name);
        if (m->msg_namelen <= offsetof(sockaddr_un, sun_path) || m->msg_namelen > sizeof(sockaddr_un) ||
            un->sun_family != AF_UNIX)
            return -EINVAL;
        return un->sun_path[0] ? -ENOENT : -ECONNREFUSED; // nothing in the guest has a name
    }
    long total = iov_total(m->msg_iov, static_cast<int>(m->msg_iovlen));
    if (total < 0) return total;
    IovCursor from(m->msg_iov, static_cast<int>(m->msg_iovlen));
    return messages() ? send_message(from, static_cast<size_t>(total), nonblock)
                      : send_stream(from, static_cast<size_t>(total), nonblock);
}

long UnixSocket::send_stream(IovCursor& from, size_t want, bool nonblock) {
    size_t done = 0;
    for (;;) {
        if (send_closed()) return done ? static_cast<long>(done) : -EPIPE;
        if (done == want) return static_cast<long>(done);
        if (size_t space = room()) {
            size_t n = peer_->rx_.push(from, space < want - done ? space : want - done);
            if (n == 0) return done ? static_cast<long>(done) : -ENOBUFS;
            done += n;
            peer_->payload_ += n;
            peer_->notify();
            continue;
        }
        if (nonblock) return done ? static_cast<long>(done) : -EAGAIN;
        wait_until([&] { return send_closed() || room() > 0; });
    }
}

long UnixSocket::send_message(IovCursor& from, size_t len, bool nonblock) {
    size_t need = sizeof(MessageLength) + len;
    if (need > static_cast<size_t>(sndbuf_)) return -EMSGSIZE;
    for (;;) {
        if (refused_) { // once; after that the socket is simply unconnected
            refused_ = false;
            connected_ = false;
            return -ECONNREFUSED;
        }
        if (!connected_) return -ENOTCONN;
        if (send_closed()) return -EPIPE;
        if (room() >= need) {
            if (!peer_->rx_.reserve_more(need)) return -ENOBUFS;
            MessageLength header = static_cast<MessageLength>(len);
            peer_->rx_.push(&header, sizeof header);
            peer_->rx_.push(from, len);
            peer_->payload_ += len;
            peer_->notify();
            return static_cast<long>(len);
        }
        if (nonblock) return -EAGAIN;
        wait_until([&] { return refused_ || send_closed() || room() >= need; });
    }
}

long UnixSocket::recvmsg(msghdr* m, int flags, bool nonblock) {
    if (flags & MSG_OOB) return -EOPNOTSUPP;
    long total = iov_total(m->msg_iov, static_cast<int>(m->msg_iovlen));
    if (total < 0) return total;
    // The peer has no name, and nothing comes as ancillary data.
    m->msg_namelen = 0;
    m->msg_controllen = 0;
    m->msg_flags = 0;
    IovCursor to(m->msg_iov, static_cast<int>(m->msg_iovlen));
    return messages() ? recv_message(m, to, static_cast<size_t>(total), flags, nonblock)
                      : recv_stream(to, static_cast<size_t>(total), flags, nonblock);
}

long UnixSocket::recv_stream(IovCursor& to, size_t want, int flags, bool nonblock) {
    bool peek = flags & MSG_PEEK;
    size_t target = (flags & MSG_WAITALL) && !peek ? want : 1; // bytes that end the wait
    size_t done = 0;
    for (;;) {
        if (!rx_.empty()) {
            size_t n = rx_.peek(to, want - done);
            if (peek) return static_cast<long>(n);
            rx_.drop(n);
            payload_ -= n;
            done += n;
            if (n && peer_) peer_->notify(); // room for its sends
            if (done >= target || done == want) return static_cast<long>(done);
        }
        // Queued data comes before a pending error, and the error before EOF.
        if (error_) return done ? static_cast<long>(done) : take_error();
        if (rd_shut_) return static_cast<long>(done);
        if (nonblock) return done ? static_cast<long>(done) : -EAGAIN;
        wait_until([&] { return !rx_.empty() || error_ || rd_shut_; });
    }
}

long UnixSocket::recv_message(msghdr* m, IovCursor& to, size_t want, int flags, bool nonblock) {
    for (;;) {
        if (error_) return take_error(); // datagram sockets report it before their queue
        if (!rx_.empty()) {
            MessageLength len;
            rx_.peek(&len, sizeof len);
            size_t n = rx_.peek(to, len < want ? len : want, sizeof len);
            if (!(flags & MSG_PEEK)) {
                rx_.drop(sizeof len + len);
                payload_ -= len;
                if (peer_) peer_->notify();
            }
            if (len > want) m->msg_flags |= MSG_TRUNC; // the rest of the message is gone
            return static_cast<long>(flags & MSG_TRUNC ? len : n);
        }
        if (rd_shut_) return 0;
        if (nonblock) return -EAGAIN;
        wait_until([&] { return !rx_.empty() || error_ || rd_shut_; });
    }
}

long UnixSocket::shutdown(int how) {
    bool rd = how != SHUT_WR, wr = how != SHUT_RD;
    rd_shut_ |= rd;
    wr_shut_ |= wr;
    if (peer_ && type_ != SOCK_DGRAM) {
        peer_->wr_shut_ |= rd;
        peer_->rd_shut_ |= wr;
        peer_->notify();
    }
    notify();
    return 0;
}

// An unnamed AF_UNIX socket: the family alone, as Linux answers.
long unnamed(sockaddr* addr, socklen_t* len) {
    sockaddr_un un{};
    un.sun_family = AF_UNIX;
    copy_sockaddr_out(&un, offsetof(sockaddr_un, sun_path), addr, len);
    return 0;
}

long UnixSocket::getsockname(sockaddr* addr, socklen_t* len) { return unnamed(addr, len); }

long UnixSocket::getpeername(sockaddr* addr, socklen_t* len) {
    return connected_ ? unnamed(addr, len) : -ENOTCONN;
}

long UnixSocket::setsockopt(int level, int name, const void* value, socklen_t len) {
    if (level != SOL_SOCKET) return -EOPNOTSUPP;
    int v;
    if (long rc = int_option(value, len, &v)) return rc;
    unsigned capped = static_cast<unsigned>(v) < unsigned{max_buf} ? static_cast<unsigned>(v) : unsigned{max_buf};
    switch (name) {
    case SO_SNDBUF: // doubled for bookkeeping, as Linux does (and getsockopt shows)
        sndbuf_ = 2 * static_cast<int>(capped) > min_sndbuf ? 2 * static_cast<int>(capped) : min_sndbuf;
        notify(); // writable may have changed
        return 0;
    case SO_RCVBUF: rcvbuf_ = 2 * static_cast<int>(capped) > min_rcvbuf ? 2 * static_cast<int>(capped) : min_rcvbuf; return 0;
    // Accepted, and meaningless for a pair inside one process.
    case SO_REUSEADDR:
    case SO_REUSEPORT:
    case SO_KEEPALIVE:
    case SO_PASSCRED:
    case SO_LINGER:
    case SO_BROADCAST: return 0;
    default: return -ENOPROTOOPT;
    }
}

long UnixSocket::getsockopt(int level, int name, void* value, socklen_t* len) {
    if (level != SOL_SOCKET) return -EOPNOTSUPP;
    switch (name) {
    case SO_TYPE: return put_int_option(type_, value, len);
    case SO_DOMAIN: return put_int_option(AF_UNIX, value, len);
    case SO_PROTOCOL: return put_int_option(0, value, len);
    case SO_ACCEPTCONN: return put_int_option(0, value, len);
    case SO_ERROR: return put_int_option(static_cast<int>(-take_error()), value, len);
    case SO_SNDBUF: return put_int_option(sndbuf_, value, len);
    case SO_RCVBUF: return put_int_option(rcvbuf_, value, len);
    case SO_PEERCRED: { // the one process: pid 1, root
        ucred c{1, 0, 0};
        if (!value || !len) return -EINVAL;
        copy_sockaddr_out(&c, sizeof c, static_cast<sockaddr*>(value), len);
        return 0;
    }
    default: return -ENOPROTOOPT;
    }
}

uint32_t UnixSocket::poll() {
    uint32_t mask = 0;
    if (error_) mask |= EPOLLERR;
    if (rd_shut_ && wr_shut_) mask |= EPOLLHUP;
    if (rd_shut_) mask |= EPOLLIN | EPOLLRDHUP;
    if (!rx_.empty()) mask |= EPOLLIN;
    if (queued_at_peer() * 4 <= static_cast<size_t>(sndbuf_)) mask |= EPOLLOUT;
    return mask;
}

long UnixSocket::ioctl(unsigned long request, long arg) {
    int* out = reinterpret_cast<int*>(arg);
    switch (request) {
    case FIONREAD: // a datagram socket: the next message; the others: everything queued
        if (type_ == SOCK_DGRAM) {
            MessageLength len = 0;
            rx_.peek(&len, sizeof len);
            *out = static_cast<int>(len);
        } else {
            *out = static_cast<int>(payload_);
        }
        return 0;
    case TIOCOUTQ: *out = static_cast<int>(peer_ ? peer_->payload_ : 0); return 0; // SIOCOUTQ
    default: return -ENOTTY;
    }
}

void UnixSocket::release() {
    if (UnixSocket* p = peer_) {
        p->peer_ = nullptr;
        if (type_ == SOCK_DGRAM) {
            p->refused_ = true;
        } else {
            p->rd_shut_ = p->wr_shut_ = true;
            if (!rx_.empty()) p->error_ = ECONNRESET; // it sent what we never read
        }
        p->notify();
    }
    kernel::destroy(this);
}

} // namespace

long make_unix_pair(int type, Socket** a, Socket** b) {
    if (type == SOCK_RAW) type = SOCK_DGRAM; // as Linux
    if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET) return -ESOCKTNOSUPPORT;
    auto* x = kernel::make<UnixSocket>(type);
    auto* y = x ? kernel::make<UnixSocket>(type) : nullptr;
    if (!y) {
        kernel::destroy(x);
        return -ENOMEM;
    }
    x->peer_ = y;
    y->peer_ = x;
    *a = x;
    *b = y;
    return 0;
}

} // namespace nabla::net
