#include "inet_socket.hpp"
#include "stack.hpp"

#include "nabla/platform.h"

#include "lwip/err.h"

#include <string.h>
#include <sys/time.h>

namespace nabla::net {

long to_lwip(const sockaddr* addr, socklen_t len, ip_addr_t* ip, uint16_t* port) {
    if (!addr || len < sizeof(sa_family_t)) return -EINVAL;
    if (addr->sa_family != AF_INET) return -EAFNOSUPPORT;
    if (len < sizeof(sockaddr_in)) return -EINVAL;
    sockaddr_in in;
    memcpy(&in, addr, sizeof in);
    ip_addr_set_ip4_u32(ip, in.sin_addr.s_addr);
    *port = ntohs(in.sin_port);
    return 0;
}

void from_lwip(const ip_addr_t* ip, uint16_t port, sockaddr* out, socklen_t* len) {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_port = htons(port);
    in.sin_addr.s_addr = ip ? ip4_addr_get_u32(ip_2_ip4(ip)) : 0;
    copy_sockaddr_out(&in, sizeof in, out, len);
}

long lwip_errno(int err) {
    switch (err) {
    case ERR_OK: return 0;
    case ERR_MEM: return -ENOMEM;
    case ERR_BUF: return -ENOBUFS;
    case ERR_TIMEOUT: return -ETIMEDOUT;
    case ERR_RTE: return -EHOSTUNREACH;
    case ERR_INPROGRESS: return -EINPROGRESS;
    case ERR_VAL: return -EINVAL;
    case ERR_WOULDBLOCK: return -EAGAIN;
    case ERR_USE: return -EADDRINUSE;
    case ERR_ALREADY: return -EALREADY;
    case ERR_ISCONN: return -EISCONN;
    case ERR_CONN: return -ENOTCONN;
    case ERR_IF: return -ENETUNREACH;
    case ERR_ABRT: return -ECONNABORTED;
    case ERR_RST: return -ECONNRESET;
    case ERR_CLSD: return -ENOTCONN;
    case ERR_ARG: return -EINVAL;
    default: return -EIO;
    }
}

uint64_t InetSocket::deadline_after(uint64_t timeout_ns) {
    return timeout_ns ? nabla_clock_monotonic() + timeout_ns : kernel::forever;
}

namespace {

long timeval_option(const void* value, socklen_t len, uint64_t* out) {
    if (!value || len < sizeof(timeval)) return -EINVAL;
    timeval tv;
    memcpy(&tv, value, sizeof tv);
    if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000) return -EDOM;
    *out = static_cast<uint64_t>(tv.tv_sec) * 1000000000u + static_cast<uint64_t>(tv.tv_usec) * 1000u;
    return 0;
}

long put_timeval(uint64_t ns, void* value, socklen_t* len) {
    if (!value || !len || *len < sizeof(timeval)) return -EINVAL;
    timeval tv{static_cast<time_t>(ns / 1000000000u), static_cast<suseconds_t>(ns % 1000000000u / 1000u)};
    memcpy(value, &tv, sizeof tv);
    *len = sizeof tv;
    return 0;
}

// Linux doubles the value asked for and keeps it within bounds.
int buffer_size(int v) {
    if (v < 2304) v = 2304;
    if (v > 4 * 1024 * 1024) v = 4 * 1024 * 1024;
    return v * 2;
}

} // namespace

long InetSocket::set_common(int name, const void* value, socklen_t len) {
    if (name == SO_RCVTIMEO) return timeval_option(value, len, &rcv_timeout_ns_);
    if (name == SO_SNDTIMEO) return timeval_option(value, len, &snd_timeout_ns_);
    if (name == SO_LINGER) {
        if (!value || len < sizeof(linger)) return -EINVAL;
        linger l;
        memcpy(&l, value, sizeof l);
        linger_on_ = l.l_onoff != 0;
        linger_s_ = l.l_linger;
        return 0;
    }
    int v;
    if (long rc = int_option(value, len, &v)) return rc;
    switch (name) {
    case SO_REUSEADDR: reuse_addr_ = v; return 0;
    case SO_REUSEPORT: reuse_port_ = v; return 0;
    case SO_KEEPALIVE: keepalive_ = v; return 0;
    case SO_BROADCAST: broadcast_ = v; return 0;
    case SO_RCVBUF: rcvbuf_ = buffer_size(v); return 0;
    case SO_SNDBUF: sndbuf_ = buffer_size(v); return 0;
    default: return -ENOPROTOOPT;
    }
}

long InetSocket::get_common(int name, void* value, socklen_t* len) {
    switch (name) {
    case SO_TYPE: return put_int_option(type_, value, len);
    case SO_DOMAIN: return put_int_option(AF_INET, value, len);
    case SO_PROTOCOL: return put_int_option(type_ == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP, value, len);
    case SO_ERROR: return put_int_option(static_cast<int>(-take_error()), value, len);
    case SO_REUSEADDR: return put_int_option(reuse_addr_, value, len);
    case SO_REUSEPORT: return put_int_option(reuse_port_, value, len);
    case SO_KEEPALIVE: return put_int_option(keepalive_, value, len);
    case SO_BROADCAST: return put_int_option(broadcast_, value, len);
    case SO_RCVBUF: return put_int_option(rcvbuf_, value, len);
    case SO_SNDBUF: return put_int_option(sndbuf_, value, len);
    case SO_RCVTIMEO: return put_timeval(rcv_timeout_ns_, value, len);
    case SO_SNDTIMEO: return put_timeval(snd_timeout_ns_, value, len);
    case SO_LINGER: {
        if (!value || !len || *len < sizeof(linger)) return -EINVAL;
        linger l{linger_on_, linger_s_};
        memcpy(value, &l, sizeof l);
        *len = sizeof l;
        return 0;
    }
    default: return -ENOPROTOOPT;
    }
}

long make_inet_socket(int family, int type, int protocol, Socket** out) {
    if (family != AF_INET) return -EAFNOSUPPORT; // IPv4 only (docs/architecture.md)
    ensure_started(); // 127.0.0.1 works without a net device
    switch (type) {
    case SOCK_STREAM:
        if (protocol != 0 && protocol != IPPROTO_TCP) return -EPROTONOSUPPORT;
        return make_tcp_socket(out);
    case SOCK_DGRAM:
        if (protocol != 0 && protocol != IPPROTO_UDP) return -EPROTONOSUPPORT;
        return make_udp_socket(out);
    default: return -ESOCKTNOSUPPORT;
    }
}

} // namespace nabla::net
