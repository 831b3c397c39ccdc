// TCP sockets on lwIP's raw API. lwIP calls back (from the scheduler's
// device handler or from our own calls into it) when data arrives, when
// sent data is acknowledged, when a connection is accepted or fails; the
// callbacks only queue and notify, and the socket calls block on the
// stream's waiters until what they need is there.
//
// The pcb is lwIP's; once lwIP reports an error it has freed it, so pcb_
// goes null and the socket keeps only the error.
#include "fifo.hpp"
#include "inet_socket.hpp"

#include "../kernel/alloc.hpp"
#include "../kernel/scheduler.hpp"

#include "lwip/tcp.h"

#include <fcntl.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/uio.h>

namespace nabla::net {
namespace {

constexpr size_t max_accept_queue = 4096; // Linux's default somaxconn

// How many connections listen(fd, backlog) lets wait for accept(): as on
// Linux, backlog + 1, with backlog taken within [1, somaxconn]. lwIP's own
// limit on handshakes in progress is separate.
size_t accept_queue_limit(int backlog) {
    size_t b = backlog <= 0 ? 1 : static_cast<size_t>(backlog);
    return (b > max_accept_queue ? max_accept_queue : b) + 1;
}

struct IovCursor;

class TcpSocket final : public InetSocket {
public:
    TcpSocket() : InetSocket(SOCK_STREAM) {}

    bool open() {
        pcb_ = tcp_new_ip_type(IPADDR_TYPE_V4);
        if (!pcb_) return false;
        attach();
        return true;
    }

    long bind(const sockaddr* addr, socklen_t len) override;
    long listen(int backlog) override;
    long accept(Socket** out, sockaddr* addr, socklen_t* len, bool nonblock) override;
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
    enum class State : uint8_t { fresh, listening, connecting, connected };

    // lwIP's callbacks; arg is the socket.
    static err_t on_recv(void* arg, tcp_pcb* pcb, pbuf* p, err_t err);
    static err_t on_sent(void* arg, tcp_pcb* pcb, u16_t len);
    static void on_error(void* arg, err_t err);
    static err_t on_accept(void* arg, tcp_pcb* pcb, err_t err);
    static err_t on_connected(void* arg, tcp_pcb* pcb, err_t err);

    void attach(); // points the pcb's callbacks here
    void detach(); // and away again, before we let go of it
    void apply_options();
    bool can_send() const {
        return pcb_ && tcp_sndbuf(pcb_) > 0 && tcp_sndqueuelen(pcb_) < TCP_SND_QUEUELEN;
    }
    void consumed(size_t n);
    size_t read_into(IovCursor& out, size_t n, bool peek);
    void flush() {
        if (pcb_ && !cork_) tcp_output(pcb_);
    }

    tcp_pcb* pcb_ = nullptr;
    State state_ = State::fresh;
    Fifo<pbuf*> rx_;        // received, not yet read; each a chain
    size_t rx_offset_ = 0;  // bytes of rx_.front() already read
    size_t rx_bytes_ = 0;
    bool rx_fin_ = false;   // the peer sent FIN
    bool shut_rd_ = false;
    bool shut_wr_ = false;
    bool nodelay_ = false;
    bool cork_ = false;
    int keep_idle_s_ = 7200, keep_intvl_s_ = 75, keep_cnt_ = 9;
    Fifo<TcpSocket*> accept_queue_; // listening: connected, not yet accepted
    size_t backlog_ = 0;
};

void TcpSocket::attach() {
    tcp_arg(pcb_, this);
    tcp_err(pcb_, on_error);
    tcp_recv(pcb_, on_recv);
    tcp_sent(pcb_, on_sent);
}

void TcpSocket::detach() {
    tcp_arg(pcb_, nullptr);
    if (state_ == State::listening) { // a listening pcb has no error callback
        tcp_accept(pcb_, nullptr);
    } else {
        tcp_err(pcb_, nullptr);
        tcp_recv(pcb_, nullptr); // lwIP's default then drops data and answers FIN
        tcp_sent(pcb_, nullptr);
    }
}

void TcpSocket::apply_options() {
    if (!pcb_) return;
    if (nodelay_) tcp_nagle_disable(pcb_);
    else tcp_nagle_enable(pcb_);
    if (reuse_addr_ || reuse_port_) ip_set_option(pcb_, SOF_REUSEADDR);
    else ip_reset_option(pcb_, SOF_REUSEADDR);
    if (keepalive_) ip_set_option(pcb_, SOF_KEEPALIVE);
    else ip_reset_option(pcb_, SOF_KEEPALIVE);
    pcb_->keep_idle = static_cast<u32_t>(keep_idle_s_) * 1000;
    pcb_->keep_intvl = static_cast<u32_t>(keep_intvl_s_) * 1000;
    pcb_->keep_cnt = static_cast<u32_t>(keep_cnt_);
}

err_t TcpSocket::on_recv(void* arg, tcp_pcb* pcb, pbuf* p, err_t) {
    auto* s = static_cast<TcpSocket*>(arg);
    if (!p) {
        s->rx_fin_ = true;
    } else if (s->shut_rd_) {
        // Linux discards what arrives after SHUT_RD; keep the window open.
        tcp_recved(pcb, p->tot_len);
        pbuf_free(p);
        return ERR_OK;
    } else {
        if (!s->rx_.push(p)) return ERR_MEM; // lwIP keeps it and offers it again later
        s->rx_bytes_ += p->tot_len;
    }
    s->notify();
    return ERR_OK;
}

err_t TcpSocket::on_sent(void* arg, tcp_pcb*, u16_t) {
    static_cast<TcpSocket*>(arg)->notify();
    return ERR_OK;
}

void TcpSocket::on_error(void* arg, err_t err) {
    auto* s = static_cast<TcpSocket*>(arg);
    s->pcb_ = nullptr; // lwIP has freed it
    int e = static_cast<int>(-lwip_errno(err));
    if (s->state_ == State::connecting) e = err == ERR_RST ? ECONNREFUSED : ETIMEDOUT;
    else if (err == ERR_ABRT) e = ETIMEDOUT; // lwIP aborts on retransmission or keepalive timeout
    s->error_ = e;
    s->rx_fin_ = true;
    s->notify();
}

err_t TcpSocket::on_accept(void* arg, tcp_pcb* pcb, err_t err) {
    auto* listener = static_cast<TcpSocket*>(arg);
    if (err != ERR_OK || !pcb) return ERR_VAL;
    TcpSocket* s = nullptr;
    if (listener->accept_queue_.size() < listener->backlog_) s = kernel::make<TcpSocket>();
    if (!s || !listener->accept_queue_.push(s)) {
        kernel::destroy(s);
        tcp_abort(pcb); // full or out of memory: the client sees a reset
        return ERR_ABRT;
    }
    s->pcb_ = pcb;
    s->state_ = State::connected;
    // Accepted sockets inherit the listener's options, as on Linux.
    s->nodelay_ = listener->nodelay_;
    s->keepalive_ = listener->keepalive_;
    s->keep_idle_s_ = listener->keep_idle_s_;
    s->keep_intvl_s_ = listener->keep_intvl_s_;
    s->keep_cnt_ = listener->keep_cnt_;
    s->rcvbuf_ = listener->rcvbuf_;
    s->sndbuf_ = listener->sndbuf_;
    s->attach();
    s->apply_options();
    listener->notify();
    return ERR_OK;
}

err_t TcpSocket::on_connected(void* arg, tcp_pcb*, err_t) {
    auto* s = static_cast<TcpSocket*>(arg);
    s->state_ = State::connected;
    s->notify();
    return ERR_OK;
}

long TcpSocket::bind(const sockaddr* addr, socklen_t len) {
    ip_addr_t ip;
    uint16_t port;
    if (long rc = to_lwip(addr, len, &ip, &port)) return rc;
    if (!pcb_ || state_ != State::fresh || pcb_->local_port != 0) return -EINVAL;
    apply_options();
    return lwip_errno(tcp_bind(pcb_, &ip, port));
}

long TcpSocket::listen(int backlog) {
    if (!pcb_) return -EINVAL;
    if (state_ == State::listening) { // Linux lets a second listen() change the backlog
        backlog_ = accept_queue_limit(backlog);
        return 0;
    }
    if (state_ != State::fresh) return -EINVAL;
    apply_options();
    if (pcb_->local_port == 0) { // Linux binds an ephemeral port
        if (long rc = lwip_errno(tcp_bind(pcb_, IP4_ADDR_ANY, 0))) return rc;
    }
    err_t err = ERR_OK;
    tcp_pcb* lpcb = tcp_listen_with_backlog_and_err(pcb_, 255, &err);
    if (!lpcb) return lwip_errno(err);
    pcb_ = lpcb; // lwIP freed the old pcb
    state_ = State::listening;
    backlog_ = accept_queue_limit(backlog);
    tcp_arg(pcb_, this);
    tcp_accept(pcb_, on_accept);
    return 0;
}

long TcpSocket::accept(Socket** out, sockaddr* addr, socklen_t* len, bool nonblock) {
    if (state_ != State::listening) return -EINVAL;
    if (accept_queue_.empty()) {
        if (nonblock) kernel::poll_devices();
        if (nonblock && accept_queue_.empty()) return -EAGAIN;
        if (!wait_until([&] { return !accept_queue_.empty(); }, deadline_after(rcv_timeout_ns_))) return -EAGAIN;
    }
    TcpSocket* s = accept_queue_.pop();
    if (addr && len) {
        if (s->pcb_) from_lwip(&s->pcb_->remote_ip, s->pcb_->remote_port, addr, len);
        else from_lwip(nullptr, 0, addr, len); // reset before it was accepted: Linux returns it anyway
    }
    *out = s;
    return 0;
}

long TcpSocket::connect(const sockaddr* addr, socklen_t len, bool nonblock) {
    switch (state_) {
    case State::connecting: return -EALREADY;
    case State::connected: return -EISCONN;
    case State::listening: return -EISCONN;
    case State::fresh: break;
    }
    if (!pcb_) return error_ ? take_error() : -EINVAL;
    ip_addr_t ip;
    uint16_t port;
    if (long rc = to_lwip(addr, len, &ip, &port)) return rc;
    apply_options();
    state_ = State::connecting;
    if (long rc = lwip_errno(tcp_connect(pcb_, &ip, port, on_connected))) {
        state_ = State::fresh;
        return rc;
    }
    if (nonblock) return -EINPROGRESS;
    wait_until([&] { return state_ != State::connecting || !pcb_; }, deadline_after(snd_timeout_ns_));
    if (state_ == State::connected && pcb_) return 0;
    if (error_) {
        state_ = State::fresh;
        return take_error();
    }
    return -EINPROGRESS; // SO_SNDTIMEO passed: Linux says EINPROGRESS
}

long TcpSocket::sendmsg(const msghdr* m, int flags, bool nonblock) {
    if (state_ != State::connected) return state_ == State::connecting && nonblock ? -EAGAIN : -ENOTCONN;
    if (error_) return take_error();
    if (shut_wr_ || !pcb_) return -EPIPE; // no signals: the caller sees EPIPE, as with MSG_NOSIGNAL
    bool dontwait = nonblock || (flags & MSG_DONTWAIT);
    uint64_t deadline = deadline_after(snd_timeout_ns_);
    long total = 0;
    for (size_t i = 0; i < iov_count(m); i++) {
        auto* p = static_cast<const char*>(m->msg_iov[i].iov_base);
        size_t left = m->msg_iov[i].iov_len;
        while (left) {
            if (!can_send()) {
                flush();
                if (dontwait) {
                    if (!total) kernel::poll_devices(); // ACKs may be waiting
                } else if (!wait_until([&] { return can_send() || !pcb_ || error_; }, deadline)) {
                    return total ? total : -EAGAIN;
                }
                if (!pcb_ || error_) return total ? total : error_ ? take_error() : -EPIPE;
                if (!can_send()) return total ? total : -EAGAIN;
            }
            size_t n = left;
            if (n > tcp_sndbuf(pcb_)) n = tcp_sndbuf(pcb_);
            if (n > 0xffff) n = 0xffff;
            bool more = n < left || i + 1 < iov_count(m) || (flags & MSG_MORE);
            err_t err = tcp_write(pcb_, p, static_cast<u16_t>(n), TCP_WRITE_FLAG_COPY | (more ? TCP_WRITE_FLAG_MORE : 0));
            if (err == ERR_MEM) { // segment queue full: send what is queued and wait
                flush();
                if (dontwait) return total ? total : -EAGAIN;
                if (!wait_until([&] { return !pcb_ || tcp_sndqueuelen(pcb_) < TCP_SND_QUEUELEN / 2; }, deadline))
                    return total ? total : -EAGAIN;
                if (!pcb_) return total ? total : -EPIPE;
                continue;
            }
            if (err != ERR_OK) return total ? total : lwip_errno(err);
            p += n;
            left -= n;
            total += static_cast<long>(n);
        }
    }
    if (!(flags & MSG_MORE)) flush();
    return total;
}

void TcpSocket::consumed(size_t n) {
    rx_bytes_ -= n;
    if (!pcb_) return;
    while (n) { // tcp_recved takes 16 bits at a time
        u16_t chunk = n > 0xffff ? 0xffff : static_cast<u16_t>(n);
        tcp_recved(pcb_, chunk);
        n -= chunk;
    }
}

// Where the next received byte goes in the caller's vector.
struct IovCursor {
    const iovec* iov;
    size_t count;
    size_t i = 0, off = 0;

    // Copies up to n bytes of chain p from offset; returns how many.
    size_t fill(pbuf* p, size_t offset, size_t n) {
        size_t done = 0;
        while (done < n && i < count) {
            size_t room = iov[i].iov_len - off;
            size_t k = n - done < room ? n - done : room;
            pbuf_copy_partial(p, static_cast<char*>(iov[i].iov_base) + off, static_cast<u16_t>(k),
                              static_cast<u16_t>(offset + done));
            done += k;
            off += k;
            if (off == iov[i].iov_len) {
                i++;
                off = 0;
            }
        }
        return done;
    }
};

size_t TcpSocket::read_into(IovCursor& out, size_t n, bool peek) {
    size_t total = 0;
    size_t index = 0, offset = rx_offset_;
    while (total < n && index < rx_.size()) {
        pbuf* p = rx_.at(index);
        size_t k = p->tot_len - offset < n - total ? p->tot_len - offset : n - total;
        k = out.fill(p, offset, k);
        total += k;
        offset += k;
        if (offset < p->tot_len) break; // the caller's vector is full
        offset = 0;
        if (peek) index++;
        else pbuf_free(rx_.pop());
    }
    if (!peek) {
        rx_offset_ = offset;
        consumed(total);
    }
    return total;
}

long TcpSocket::recvmsg(msghdr* m, int flags, bool nonblock) {
    if (state_ == State::listening || state_ == State::fresh) return -ENOTCONN;
    if (state_ == State::connecting && !error_) return nonblock ? -EAGAIN : -ENOTCONN;
    bool peek = flags & MSG_PEEK;
    bool waitall = (flags & MSG_WAITALL) && !peek;
    bool dontwait = nonblock || (flags & MSG_DONTWAIT);
    uint64_t deadline = deadline_after(rcv_timeout_ns_);
    size_t want = 0;
    for (size_t i = 0; i < iov_count(m); i++) want += m->msg_iov[i].iov_len;
    m->msg_flags = 0;
    m->msg_controllen = 0;
    if (m->msg_name) from_lwip(pcb_ ? &pcb_->remote_ip : nullptr, pcb_ ? pcb_->remote_port : 0,
                               static_cast<sockaddr*>(m->msg_name), &m->msg_namelen);
    IovCursor out{m->msg_iov, iov_count(m)};
    size_t total = 0;
    bool looked = false; // non-blocking: the devices were looked at once
    while (total < want) {
        if (rx_bytes_ == 0) {
            if ((total && !waitall) || rx_fin_ || shut_rd_) break;
            if (dontwait) {
                if (looked) break;
                kernel::poll_devices();
                looked = true;
                continue;
            }
            if (!wait_until([&] { return rx_bytes_ || rx_fin_ || shut_rd_; }, deadline)) break;
            continue;
        }
        total += read_into(out, want - total, peek);
        if (peek) break;
    }
    if (total) {
        if (!peek) flush(); // window updates go out now, not at the next timer
        return static_cast<long>(total);
    }
    if (want == 0) return 0;
    if (error_) return take_error();
    if (rx_fin_ || shut_rd_) return 0;
    return -EAGAIN;
}

long TcpSocket::shutdown(int how) {
    if (state_ != State::connected) return -ENOTCONN;
    bool rd = how == SHUT_RD || how == SHUT_RDWR;
    bool wr = how == SHUT_WR || how == SHUT_RDWR;
    if (rd && !shut_rd_) {
        shut_rd_ = true;
        while (!rx_.empty()) {
            pbuf* p = rx_.pop();
            size_t n = p->tot_len - rx_offset_;
            rx_offset_ = 0;
            pbuf_free(p);
            consumed(n);
        }
    }
    if (wr && !shut_wr_ && pcb_) {
        shut_wr_ = true;
        if (err_t err = tcp_shutdown(pcb_, 0, 1); err != ERR_OK) return lwip_errno(err);
    }
    shut_wr_ = shut_wr_ || wr;
    notify();
    return 0;
}

long TcpSocket::getsockname(sockaddr* addr, socklen_t* len) {
    if (pcb_) from_lwip(&pcb_->local_ip, pcb_->local_port, addr, len);
    else from_lwip(nullptr, 0, addr, len);
    return 0;
}

long TcpSocket::getpeername(sockaddr* addr, socklen_t* len) {
    if (state_ != State::connected || !pcb_) return -ENOTCONN;
    from_lwip(&pcb_->remote_ip, pcb_->remote_port, addr, len);
    return 0;
}

long TcpSocket::setsockopt(int level, int name, const void* value, socklen_t len) {
    if (level == SOL_SOCKET) {
        long rc = set_common(name, value, len);
        apply_options();
        return rc;
    }
    if (level != IPPROTO_TCP) return level == IPPROTO_IP ? 0 : -ENOPROTOOPT; // IP_TOS and friends: no QoS here
    int v;
    if (long rc = int_option(value, len, &v)) return rc;
    switch (name) {
    case TCP_NODELAY: nodelay_ = v; break;
    case TCP_CORK:
        cork_ = v;
        flush();
        break;
    case TCP_KEEPIDLE:
        if (v < 1 || v > 32767) return -EINVAL;
        keep_idle_s_ = v;
        break;
    case TCP_KEEPINTVL:
        if (v < 1 || v > 32767) return -EINVAL;
        keep_intvl_s_ = v;
        break;
    case TCP_KEEPCNT:
        if (v < 1 || v > 127) return -EINVAL;
        keep_cnt_ = v;
        break;
    // Hints whose absence changes only timing, which lwIP decides itself.
    case TCP_QUICKACK:
    case TCP_DEFER_ACCEPT:
    case TCP_FASTOPEN: return 0;
    default: return -ENOPROTOOPT;
    }
    apply_options();
    return 0;
}

long TcpSocket::getsockopt(int level, int name, void* value, socklen_t* len) {
    if (level == SOL_SOCKET) {
        if (name == SO_ACCEPTCONN) return put_int_option(state_ == State::listening, value, len);
        return get_common(name, value, len);
    }
    if (level != IPPROTO_TCP) return -ENOPROTOOPT;
    switch (name) {
    case TCP_NODELAY: return put_int_option(nodelay_, value, len);
    case TCP_CORK: return put_int_option(cork_, value, len);
    case TCP_KEEPIDLE: return put_int_option(keep_idle_s_, value, len);
    case TCP_KEEPINTVL: return put_int_option(keep_intvl_s_, value, len);
    case TCP_KEEPCNT: return put_int_option(keep_cnt_, value, len);
    case TCP_MAXSEG: return put_int_option(pcb_ ? pcb_->mss : TCP_MSS, value, len);
    default: return -ENOPROTOOPT;
    }
}

uint32_t TcpSocket::poll() {
    uint32_t ev = 0;
    if (error_) ev |= EPOLLERR;
    switch (state_) {
    case State::listening:
        if (!accept_queue_.empty()) ev |= EPOLLIN | EPOLLRDNORM;
        return ev;
    case State::fresh: return ev | EPOLLOUT | EPOLLHUP; // as Linux: an unconnected socket
    case State::connecting:
        if (!pcb_) ev |= EPOLLHUP | EPOLLOUT;
        return ev;
    case State::connected: break;
    }
    if (rx_bytes_ || rx_fin_ || shut_rd_) ev |= EPOLLIN | EPOLLRDNORM;
    if (rx_fin_ || shut_rd_) ev |= EPOLLRDHUP;
    if (!pcb_ || (rx_fin_ && shut_wr_)) ev |= EPOLLHUP;
    // Writable once a useful amount is free, so writers are not woken per ACK.
    if (!pcb_ || shut_wr_ || (can_send() && tcp_sndbuf(pcb_) >= TCP_SNDLOWAT)) ev |= EPOLLOUT | EPOLLWRNORM;
    return ev;
}

long TcpSocket::ioctl(unsigned long request, long arg) {
    switch (request) {
    case FIONREAD: // also SIOCINQ
        *reinterpret_cast<int*>(arg) = state_ == State::listening ? -1 : static_cast<int>(rx_bytes_);
        return state_ == State::listening ? -EINVAL : 0;
    case TIOCOUTQ: // SIOCOUTQ: sent but not acknowledged, and not sent
        *reinterpret_cast<int*>(arg) = pcb_ ? static_cast<int>(TCP_SND_BUF - tcp_sndbuf(pcb_)) : 0;
        return 0;
    default: return -ENOTTY;
    }
}

void TcpSocket::release() {
    while (!accept_queue_.empty()) { // never accepted: their peers see a reset
        TcpSocket* s = accept_queue_.pop();
        if (s->pcb_) {
            s->detach();
            tcp_abort(s->pcb_);
            s->pcb_ = nullptr;
        }
        s->release();
    }
    bool unread = rx_bytes_ > 0;
    while (!rx_.empty()) pbuf_free(rx_.pop());
    if (pcb_) {
        detach();
        // Linux resets instead of closing when data was left unread or
        // SO_LINGER asks for it with a zero timeout.
        if ((linger_on_ && linger_s_ == 0) || unread || tcp_close(pcb_) != ERR_OK) tcp_abort(pcb_);
        pcb_ = nullptr;
    }
    kernel::destroy(this);
}

} // namespace

long make_tcp_socket(Socket** out) { return make_opened<TcpSocket>(out); }

} // namespace nabla::net
