// The socket calls: find the Socket behind the descriptor and let its
// family answer (guest/net/). Blocking follows the descriptor's O_NONBLOCK,
// or MSG_DONTWAIT for one call.
#include "fs_common.hpp"

#include "../net/socket.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/uio.h>

namespace nabla::posix {
namespace {

using net::Socket;

// The socket behind a descriptor, held for the call (which may block), and
// the descriptor's flags.
struct SocketRef {
    explicit SocketRef(long fd) : file(fd) {
        if (!file) error = -EBADF;
        else if (!(socket = net::as_socket(fs::stream_of(file->node)))) error = -ENOTSOCK;
        else flags = file->flags;
    }
    fs::FileRef file;
    Socket* socket = nullptr;
    int flags = 0;
    long error = 0;
};

constexpr int type_flags = SOCK_NONBLOCK | SOCK_CLOEXEC;

long install(Socket* s, long type_and_flags) {
    return fs::install_stream(s, O_RDWR | ((type_and_flags & SOCK_NONBLOCK) ? O_NONBLOCK : 0),
                              type_and_flags & SOCK_CLOEXEC);
}

long send_common(long fd, const msghdr* m, long flags) {
    SocketRef ref(fd);
    if (ref.error) return ref.error;
    Socket* s = ref.socket;
    int fl = ref.flags;
    return s->sendmsg(m, static_cast<int>(flags), (fl & O_NONBLOCK) || (flags & MSG_DONTWAIT));
}

long recv_common(long fd, msghdr* m, long flags) {
    SocketRef ref(fd);
    if (ref.error) return ref.error;
    Socket* s = ref.socket;
    int fl = ref.flags;
    return s->recvmsg(m, static_cast<int>(flags), (fl & O_NONBLOCK) || (flags & MSG_DONTWAIT));
}

long accept_common(long fd, long addr, long len, long flags) {
    if (flags & ~type_flags) return -EINVAL;
    SocketRef ref(fd);
    if (ref.error) return ref.error;
    Socket* s = ref.socket;
    int fl = ref.flags;
    Socket* conn = nullptr;
    if (long rc = s->accept(&conn, ptr<sockaddr>(addr), ptr<socklen_t>(len), fl & O_NONBLOCK)) return rc;
    return install(conn, flags);
}

} // namespace

long sys_socket(long family, long type, long protocol, long, long, long) {
    if (type & ~(type_flags | 0xf)) return -EINVAL;
    Socket* s = nullptr;
    long rc;
    int kind = static_cast<int>(type & 0xf);
    switch (family) {
    case AF_INET:
    case AF_INET6: rc = net::make_inet_socket(static_cast<int>(family), kind, static_cast<int>(protocol), &s); break;
    case AF_UNIX: rc = -EAFNOSUPPORT; break; // named unix sockets: no; socketpair: yes
    default: rc = -EAFNOSUPPORT; break;
    }
    if (rc) return rc;
    return install(s, type);
}

long sys_socketpair(long family, long type, long protocol, long fds, long, long) {
    if (family == AF_INET || family == AF_INET6) return -EOPNOTSUPP; // as Linux
    if (family != AF_UNIX) return -EAFNOSUPPORT;
    if (protocol != 0 && protocol != PF_UNIX) return -EPROTONOSUPPORT;
    if (type & ~(type_flags | 0xf)) return -EINVAL;
    Socket *a, *b;
    if (long rc = net::make_unix_pair(static_cast<int>(type & 0xf), &a, &b)) return rc;
    long fa = install(a, type);
    if (fa < 0) {
        b->release();
        return fa;
    }
    long fb = install(b, type);
    if (fb < 0) {
        fs::fd_close(fa);
        return fb;
    }
    ptr<int>(fds)[0] = static_cast<int>(fa);
    ptr<int>(fds)[1] = static_cast<int>(fb);
    return 0;
}

long sys_bind(long fd, long addr, long len, long, long, long) {
    SocketRef ref(fd);
    if (ref.error) return ref.error;
    Socket* s = ref.socket;
    return s->bind(ptr<const sockaddr>(addr), static_cast<socklen_t>(len));
}

long sys_listen(long fd, long backlog, long, long, long, long) {
    SocketRef ref(fd);
    if (ref.error) return ref.error;
    Socket* s = ref.socket;
    return s->listen(static_cast<int>(backlog));
}

long sys_accept(long fd, long addr, long len, long, long, long) { return accept_common(fd, addr, len, 0); }
long sys_accept4(long fd, long addr, long len, long flags, long, long) { return accept_common(fd, addr, len, flags); }

long sys_connect(long fd, long addr, long len, long, long, long) {
    SocketRef ref(fd);
    if (ref.error) return ref.error;
    Socket* s = ref.socket;
    int fl = ref.flags;
    return s->connect(ptr<const sockaddr>(addr), static_cast<socklen_t>(len), fl & O_NONBLOCK);
}

long sys_sendto(long fd, long buf, long len, long flags, long addr, long alen) {
    iovec v{ptr<void>(buf), static_cast<size_t>(len)};
    msghdr m{};
    m.msg_name = ptr<void>(addr);
    m.msg_namelen = static_cast<socklen_t>(alen);
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    return send_common(fd, &m, flags);
}

long sys_recvfrom(long fd, long buf, long len, long flags, long addr, long alen) {
    iovec v{ptr<void>(buf), static_cast<size_t>(len)};
    msghdr m{};
    m.msg_name = ptr<void>(addr);
    m.msg_namelen = alen ? *ptr<socklen_t>(alen) : 0;
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    long rc = recv_common(fd, &m, flags);
    if (rc >= 0 && alen) *ptr<socklen_t>(alen) = m.msg_namelen;
    return rc;
}

long sys_sendmsg(long fd, long msg, long flags, long, long, long) {
    return send_common(fd, ptr<const msghdr>(msg), flags);
}

long sys_recvmsg(long fd, long msg, long flags, long, long, long) {
    return recv_common(fd, ptr<msghdr>(msg), flags);
}

long sys_sendmmsg(long fd, long vec, long count, long flags, long, long) {
    auto* v = ptr<mmsghdr>(vec);
    long done = 0;
    for (; done < count && done < 1024; done++) {
        long rc = send_common(fd, &v[done].msg_hdr, flags);
        if (rc < 0) return done ? done : rc;
        v[done].msg_len = static_cast<unsigned>(rc);
    }
    return done;
}

long sys_shutdown(long fd, long how, long, long, long, long) {
    if (how < SHUT_RD || how > SHUT_RDWR) return -EINVAL;
    SocketRef ref(fd);
    if (ref.error) return ref.error;
    Socket* s = ref.socket;
    return s->shutdown(static_cast<int>(how));
}

long sys_getsockname(long fd, long addr, long len, long, long, long) {
    SocketRef ref(fd);
    if (ref.error) return ref.error;
    Socket* s = ref.socket;
    return s->getsockname(ptr<sockaddr>(addr), ptr<socklen_t>(len));
}

long sys_getpeername(long fd, long addr, long len, long, long, long) {
    SocketRef ref(fd);
    if (ref.error) return ref.error;
    Socket* s = ref.socket;
    return s->getpeername(ptr<sockaddr>(addr), ptr<socklen_t>(len));
}

long sys_setsockopt(long fd, long level, long name, long value, long len, long) {
    SocketRef ref(fd);
    if (ref.error) return ref.error;
    Socket* s = ref.socket;
    return s->setsockopt(static_cast<int>(level), static_cast<int>(name), ptr<const void>(value),
                         static_cast<socklen_t>(len));
}

long sys_getsockopt(long fd, long level, long name, long value, long len, long) {
    SocketRef ref(fd);
    if (ref.error) return ref.error;
    Socket* s = ref.socket;
    return s->getsockopt(static_cast<int>(level), static_cast<int>(name), ptr<void>(value), ptr<socklen_t>(len));
}

} // namespace nabla::posix
