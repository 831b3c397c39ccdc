#include "socket.hpp"

#include <string.h>
#include <sys/uio.h>

namespace nabla::net {

long Socket::bind(const sockaddr*, socklen_t) { return -EOPNOTSUPP; }
long Socket::listen(int) { return -EOPNOTSUPP; }
long Socket::accept(Socket**, sockaddr*, socklen_t*, bool) { return -EOPNOTSUPP; }
long Socket::connect(const sockaddr*, socklen_t, bool) { return -EOPNOTSUPP; }
long Socket::shutdown(int) { return -ENOTCONN; }
long Socket::getsockname(sockaddr*, socklen_t*) { return -EOPNOTSUPP; }
long Socket::getpeername(sockaddr*, socklen_t*) { return -ENOTCONN; }
long Socket::setsockopt(int, int, const void*, socklen_t) { return -ENOPROTOOPT; }
long Socket::getsockopt(int, int, void*, socklen_t*) { return -ENOPROTOOPT; }

long Socket::read(const iovec* iov, int count, bool nonblock) {
    msghdr m{};
    m.msg_iov = const_cast<iovec*>(iov);
    m.msg_iovlen = count;
    return recvmsg(&m, 0, nonblock);
}

long Socket::write(const iovec* iov, int count, bool nonblock) {
    msghdr m{};
    m.msg_iov = const_cast<iovec*>(iov);
    m.msg_iovlen = count;
    return sendmsg(&m, MSG_NOSIGNAL, nonblock);
}

void copy_sockaddr_out(const void* addr, socklen_t size, sockaddr* out, socklen_t* len) {
    if (!out || !len) return;
    memcpy(out, addr, *len < size ? *len : size);
    *len = size;
}

long int_option(const void* value, socklen_t len, int* out) {
    if (!value || len < sizeof(int)) return -EINVAL;
    memcpy(out, value, sizeof(int));
    return 0;
}

long put_int_option(int v, void* value, socklen_t* len) {
    if (!value || !len || *len < sizeof(int)) return -EINVAL;
    memcpy(value, &v, sizeof v);
    *len = sizeof v;
    return 0;
}

} // namespace nabla::net
