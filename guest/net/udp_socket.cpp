// UDP sockets on lwIP's raw API: lwIP hands each datagram to on_recv, which
// queues it with its sender up to the receive buffer's size (beyond that it
// is dropped, as on Linux); recvmsg takes one datagram per call.
#include "fifo.hpp"
#include "inet_socket.hpp"

#include "../kernel/alloc.hpp"
#include "../kernel/scheduler.hpp"

#include "lwip/udp.h"

#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/uio.h>

namespace nabla::net {
namespace {

constexpr size_t max_datagram = 65507; // IPv4: 65535 - IP and UDP headers

struct Datagram {
    pbuf* p;
    ip_addr_t from;
    uint16_t port;
};

class UdpSocket final : public InetSocket {
public:
    UdpSocket() : InetSocket(SOCK_DGRAM) {}

    bool open() {
        pcb_ = udp_new_ip_type(IPADDR_TYPE_V4);
        if (!pcb_) return false;
        udp_recv(pcb_, on_recv, this);
        return true;
    }

    long bind(const sockaddr* addr, socklen_t len) override;
    long connect(const sockaddr* addr, socklen_t len, bool nonblock) override;
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

private:
    static void on_recv(void* arg, udp_pcb* pcb, pbuf* p, const ip_addr_t* addr, u16_t port);
    long bind_any(); // the implicit bind of a first send

    udp_pcb* pcb_ = nullptr;
    Fifo<Datagram> rx_;
    size_t rx_bytes_ = 0;
    bool connected_ = false;
    bool shut_rd_ = false, shut_wr_ = false;
};

void UdpSocket::on_recv(void* arg, udp_pcb*, pbuf* p, const ip_addr_t* addr, u16_t port) {
    auto* s = static_cast<UdpSocket*>(arg);
    if (s->shut_rd_ || s->rx_bytes_ + p->tot_len > static_cast<size_t>(s->rcvbuf_) ||
        !s->rx_.push({p, *addr, port})) {
        pbuf_free(p);
        return;
    }
    s->rx_bytes_ += p->tot_len;
    s->notify();
}

long UdpSocket::bind(const sockaddr* addr, socklen_t len) {
    ip_addr_t ip;
    uint16_t port;
    if (long rc = to_lwip(addr, len, &ip, &port)) return rc;
    if (pcb_->local_port != 0) return -EINVAL;
    if (reuse_addr_ || reuse_port_) ip_set_option(pcb_, SOF_REUSEADDR);
    return lwip_errno(udp_bind(pcb_, &ip, port));
}

long UdpSocket::bind_any() {
    if (pcb_->local_port != 0) return 0;
    return lwip_errno(udp_bind(pcb_, IP4_ADDR_ANY, 0));
}

long UdpSocket::connect(const sockaddr* addr, socklen_t len, bool) {
    if (addr && len >= sizeof(sa_family_t) && addr->sa_family == AF_UNSPEC) { // dissolve the association
        udp_disconnect(pcb_);
        connected_ = false;
        return 0;
    }
    ip_addr_t ip;
    uint16_t port;
    if (long rc = to_lwip(addr, len, &ip, &port)) return rc;
    if (long rc = lwip_errno(udp_connect(pcb_, &ip, port))) return rc;
    connected_ = true;
    return 0;
}

long UdpSocket::sendmsg(const msghdr* m, int, bool) {
    if (shut_wr_) return -EPIPE;
    ip_addr_t ip = {};
    uint16_t port = 0;
    if (m->msg_name && m->msg_namelen) {
        if (long rc = to_lwip(static_cast<const sockaddr*>(m->msg_name), m->msg_namelen, &ip, &port)) return rc;
    } else if (!connected_) {
        return -EDESTADDRREQ;
    }
    size_t len = 0;
    for (size_t i = 0; i < iov_count(m); i++) len += m->msg_iov[i].iov_len;
    if (len > max_datagram) return -EMSGSIZE;
    if (long rc = bind_any()) return rc;
    pbuf* p = pbuf_alloc(PBUF_TRANSPORT, static_cast<u16_t>(len), PBUF_RAM);
    if (!p) return -ENOBUFS;
    size_t at = 0;
    for (size_t i = 0; i < iov_count(m); i++) {
        pbuf_take_at(p, m->msg_iov[i].iov_base, static_cast<u16_t>(m->msg_iov[i].iov_len), static_cast<u16_t>(at));
        at += m->msg_iov[i].iov_len;
    }
    bool to_broadcast = m->msg_name && m->msg_namelen && ip4_addr_get_u32(ip_2_ip4(&ip)) == IPADDR_BROADCAST;
    if (to_broadcast && !broadcast_) {
        pbuf_free(p);
        return -EACCES;
    }
    err_t err = m->msg_name && m->msg_namelen ? udp_sendto(pcb_, p, &ip, port) : udp_send(pcb_, p);
    pbuf_free(p);
    // A datagram lwIP could not route or queue is lost, as on a real link;
    // only the caller's own mistakes are errors.
    if (err == ERR_RTE) return -ENETUNREACH;
    if (err == ERR_VAL || err == ERR_ARG) return -EINVAL;
    return static_cast<long>(len);
}

long UdpSocket::recvmsg(msghdr* m, int flags, bool nonblock) {
    bool dontwait = nonblock || (flags & MSG_DONTWAIT);
    if (rx_.empty() && dontwait) kernel::poll_devices();
    if (rx_.empty()) {
        if (shut_rd_) return 0;
        if (dontwait) return -EAGAIN;
        if (!wait_until([&] { return !rx_.empty() || shut_rd_; }, deadline_after(rcv_timeout_ns_))) return -EAGAIN;
        if (rx_.empty()) return 0;
    }
    Datagram& d = rx_.front();
    size_t size = d.p->tot_len, done = 0;
    for (size_t i = 0; i < iov_count(m) && done < size; i++) {
        size_t k = size - done < m->msg_iov[i].iov_len ? size - done : m->msg_iov[i].iov_len;
        pbuf_copy_partial(d.p, m->msg_iov[i].iov_base, static_cast<u16_t>(k), static_cast<u16_t>(done));
        done += k;
    }
    m->msg_flags = done < size ? MSG_TRUNC : 0;
    m->msg_controllen = 0;
    if (m->msg_name) from_lwip(&d.from, d.port, static_cast<sockaddr*>(m->msg_name), &m->msg_namelen);
    if (!(flags & MSG_PEEK)) {
        rx_bytes_ -= size;
        pbuf_free(rx_.pop().p);
    }
    return static_cast<long>((flags & MSG_TRUNC) ? size : done);
}

long UdpSocket::shutdown(int how) {
    if (!connected_) return -ENOTCONN;
    if (how == SHUT_RD || how == SHUT_RDWR) shut_rd_ = true;
    if (how == SHUT_WR || how == SHUT_RDWR) shut_wr_ = true;
    notify();
    return 0;
}

long UdpSocket::getsockname(sockaddr* addr, socklen_t* len) {
    from_lwip(&pcb_->local_ip, pcb_->local_port, addr, len);
    return 0;
}

long UdpSocket::getpeername(sockaddr* addr, socklen_t* len) {
    if (!connected_) return -ENOTCONN;
    from_lwip(&pcb_->remote_ip, pcb_->remote_port, addr, len);
    return 0;
}

long UdpSocket::setsockopt(int level, int name, const void* value, socklen_t len) {
    if (level == SOL_SOCKET) return set_common(name, value, len);
    if (level == IPPROTO_IP) return 0; // IP_TOS, IP_PKTINFO ...: no QoS or ancillary data here
    return -ENOPROTOOPT;
}

long UdpSocket::getsockopt(int level, int name, void* value, socklen_t* len) {
    if (level == SOL_SOCKET) return get_common(name, value, len);
    return -ENOPROTOOPT;
}

uint32_t UdpSocket::poll() {
    uint32_t ev = EPOLLOUT | EPOLLWRNORM; // lwIP never holds a datagram back
    if (!rx_.empty() || shut_rd_) ev |= EPOLLIN | EPOLLRDNORM;
    if (shut_rd_) ev |= EPOLLRDHUP;
    if (shut_rd_ && shut_wr_) ev |= EPOLLHUP;
    if (error_) ev |= EPOLLERR;
    return ev;
}

long UdpSocket::ioctl(unsigned long request, long arg) {
    switch (request) {
    case FIONREAD: // the size of the next datagram, as Linux
        *reinterpret_cast<int*>(arg) = rx_.empty() ? 0 : rx_.front().p->tot_len;
        return 0;
    case TIOCOUTQ: *reinterpret_cast<int*>(arg) = 0; return 0;
    default: return -ENOTTY;
    }
}

void UdpSocket::release() {
    while (!rx_.empty()) pbuf_free(rx_.pop().p);
    udp_remove(pcb_);
    kernel::destroy(this);
}

} // namespace

long make_udp_socket(Socket** out) { return make_opened<UdpSocket>(out); }

} // namespace nabla::net
