// What TCP and UDP sockets share: addresses in and out of lwIP's form, and
// the SOL_SOCKET options that are bookkeeping rather than protocol.
#pragma once

#include "socket.hpp"

#include "../kernel/alloc.hpp"

#include "lwip/ip_addr.h"

#include <netinet/in.h>

namespace nabla::net {

// sockaddr_in → lwIP address and host-order port; -EINVAL, -EAFNOSUPPORT.
long to_lwip(const sockaddr* addr, socklen_t len, ip_addr_t* ip, uint16_t* port);
// lwIP address → the caller's sockaddr, truncated as the kernel does.
void from_lwip(const ip_addr_t* ip, uint16_t port, sockaddr* out, socklen_t* len);

// lwIP's err_t as a Linux errno (negative).
long lwip_errno(int err);

class InetSocket : public Socket {
protected:
    explicit InetSocket(int type) : type_(type) {}

    // SOL_SOCKET options both protocols keep; -ENOPROTOOPT for the rest.
    long set_common(int name, const void* value, socklen_t len);
    long get_common(int name, void* value, socklen_t* len);

    // A pending error for SO_ERROR and the next call, taken once.
    long take_error() {
        int e = error_;
        error_ = 0;
        return -e;
    }

    int type_;          // SOCK_STREAM or SOCK_DGRAM
    int error_ = 0;     // errno, positive
    bool reuse_addr_ = false;
    bool reuse_port_ = false;
    bool keepalive_ = false;
    bool broadcast_ = false;
    int rcvbuf_ = 256 * 1024;
    int sndbuf_ = 256 * 1024;
    uint64_t rcv_timeout_ns_ = 0; // SO_RCVTIMEO, 0: none
    uint64_t snd_timeout_ns_ = 0;
    bool linger_on_ = false;
    int linger_s_ = 0;

    // The deadline of a blocking call that has a timeout option.
    static uint64_t deadline_after(uint64_t timeout_ns);
};

// A new socket of class T, whose open() makes its lwIP pcb; 0 or -errno.
template <typename T>
long make_opened(Socket** out) {
    T* s = kernel::make<T>();
    if (!s) return -ENOMEM;
    if (!s->open()) {
        kernel::destroy(s);
        return -ENOBUFS; // lwIP is out of memory
    }
    *out = s;
    return 0;
}

long make_tcp_socket(Socket** out);
long make_udp_socket(Socket** out);

} // namespace nabla::net
