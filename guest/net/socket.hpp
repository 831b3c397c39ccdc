// A socket: a stream with the socket calls. The syscall layer
// (posix/sys_socket.cpp) finds the Socket behind a descriptor and calls
// these; each family implements what it supports and answers the rest with
// the errno Linux gives. read/write on a socket are recvmsg/sendmsg with no
// flags.
#pragma once

#include "../fs/stream.hpp"

#include <errno.h>
#include <sys/socket.h>

namespace nabla::net {

class Socket : public fs::Stream {
public:
    Socket() : Stream(Type::socket) {}

    virtual long bind(const sockaddr* addr, socklen_t len);
    virtual long listen(int backlog);
    // A connected socket for the next queued connection (*out), or -errno.
    virtual long accept(Socket** out, sockaddr* addr, socklen_t* len, bool nonblock);
    virtual long connect(const sockaddr* addr, socklen_t len, bool nonblock);
    virtual long sendmsg(const msghdr* m, int flags, bool nonblock) = 0;
    virtual long recvmsg(msghdr* m, int flags, bool nonblock) = 0;
    virtual long shutdown(int how);
    virtual long getsockname(sockaddr* addr, socklen_t* len);
    virtual long getpeername(sockaddr* addr, socklen_t* len);
    virtual long setsockopt(int level, int name, const void* value, socklen_t len);
    virtual long getsockopt(int level, int name, void* value, socklen_t* len);

    long read(const iovec* iov, int count, bool nonblock) override;
    long write(const iovec* iov, int count, bool nonblock) override;
};

// The socket behind a stream, or nullptr.
inline Socket* as_socket(fs::Stream* s) {
    return s && s->type() == fs::Stream::Type::socket ? static_cast<Socket*>(s) : nullptr;
}

// Families. Each returns 0 and the new socket(s), or -errno.
// type is SOCK_STREAM or SOCK_DGRAM, without SOCK_NONBLOCK/SOCK_CLOEXEC.
long make_inet_socket(int family, int type, int protocol, Socket** out); // AF_INET (and AF_INET6)
long make_unix_pair(int type, Socket** a, Socket** b);                  // socketpair(AF_UNIX)

// Copies an address out the way the kernel does: truncated to *len, and
// *len set to the full size.
void copy_sockaddr_out(const void* addr, socklen_t size, sockaddr* out, socklen_t* len);

// msg_iovlen is an int in musl's msghdr.
inline size_t iov_count(const msghdr* m) { return m->msg_iovlen > 0 ? static_cast<size_t>(m->msg_iovlen) : 0; }

// Option values as ints (SOL_SOCKET and IPPROTO_TCP options are ints).
long int_option(const void* value, socklen_t len, int* out);
long put_int_option(int v, void* value, socklen_t* len);

} // namespace nabla::net
