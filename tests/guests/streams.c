/*
 * Descriptors that are not files: pipes, eventfds, AF_UNIX socket pairs,
 * poll/select and epoll. Built twice: as a unikernel (nabla-cc, musl, the
 * library OS) and natively with gcc against glibc. Linux is the oracle:
 * tests/e2e/streams_test.cpp runs both and wants the same output, so every
 * line printed here is what Linux does, and nothing printed depends on the
 * host (no fd numbers, no buffer sizes, no timings beyond tolerances).
 *
 *   streams [pipe|eventfd|stream|dgram|poll|epoll|many]   one part, or all
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* ---- printing ----------------------------------------------------------- */

/* errno by name: musl and glibc word strerror() differently. */
static const char *errname(int e) {
    switch (e) {
    case EAGAIN: return "EAGAIN";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case EPIPE: return "EPIPE";
    case EEXIST: return "EEXIST";
    case ENOENT: return "ENOENT";
    case EPERM: return "EPERM";
    case ELOOP: return "ELOOP";
    case EISCONN: return "EISCONN";
    case ENOTCONN: return "ENOTCONN";
    case ECONNRESET: return "ECONNRESET";
    case ECONNREFUSED: return "ECONNREFUSED";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ENOTSOCK: return "ENOTSOCK";
    case EFAULT: return "EFAULT";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    default: {
        static char other[32];
        snprintf(other, sizeof other, "errno %d", e);
        return other;
    }
    }
}

/* A call's result as it reads: "5", or "-1 EAGAIN". Rotating buffers, so
 * several fit in one printf. */
static const char *res(long rc) {
    static char bufs[8][48];
    static int next;
    char *b = bufs[next++ % 8];
    if (rc < 0) snprintf(b, 48, "-1 %s", errname(errno));
    else snprintf(b, 48, "%ld", rc);
    return b;
}

/* poll and epoll bits by name. */
static const char *bits(unsigned m) {
    static char bufs[4][128];
    static int next;
    char *b = bufs[next++ % 4];
    static const struct { unsigned bit; const char *name; } names[] = {
        {POLLIN, "IN"},   {POLLPRI, "PRI"}, {POLLOUT, "OUT"},     {POLLERR, "ERR"},       {POLLHUP, "HUP"},
        {POLLNVAL, "NVAL"}, {POLLRDNORM, "RDNORM"}, {POLLWRNORM, "WRNORM"}, {POLLRDHUP, "RDHUP"},
    };
    b[0] = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (m & names[i].bit) {
            if (b[0]) strcat(b, "|");
            strcat(b, names[i].name);
            m &= ~names[i].bit;
        }
    if (m) snprintf(b + strlen(b), 32, "%s0x%x", b[0] ? "|" : "", m);
    if (!b[0]) strcpy(b, "0");
    return b;
}

/* One call and its result: "label 5" or "label -1 EAGAIN". One call per
 * statement, so the output follows the order of the calls (the order in
 * which one printf's arguments are evaluated is unspecified). */
static void show(const char *label, long rc) { printf("%s %s", label, res(rc)); }

/* The same for a read: "label 5 "bytes"". */
static void show_read(const char *label, long rc, const char *buf) {
    printf("%s %s", label, res(rc));
    if (rc > 0) printf(" \"%.*s\"", (int)rc, buf);
}

static unsigned revents(int fd, short events) {
    struct pollfd p = {fd, events, 0};
    int rc = poll(&p, 1, 0);
    return rc < 0 ? 0xffff : (unsigned)p.revents;
}

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A timed wait took about `ms`: not less, and not far more. */
static const char *about(int64_t elapsed, int64_t ms) {
    return elapsed >= ms - 1 && elapsed < ms + 300 ? "in time" : "NOT in time";
}

static void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static pthread_t start(void *(*fn)(void *), void *arg) {
    pthread_t t;
    if (pthread_create(&t, NULL, fn, arg)) {
        printf("FAIL pthread_create\n");
        exit(1);
    }
    return t;
}

static void *join(pthread_t t) {
    void *r;
    pthread_join(t, &r);
    return r;
}

/* ---- pipes -------------------------------------------------------------- */

struct bulk {
    int fd;
    size_t len;
};

/* Writes len bytes (i * 7 mod 256) in one blocking write: more than the
 * pipe holds, so it waits for the reader several times. */
static void *bulk_writer(void *arg) {
    struct bulk *b = arg;
    unsigned char *data = malloc(b->len);
    for (size_t i = 0; i < b->len; i++) data[i] = (unsigned char)(i * 7);
    long n = write(b->fd, data, b->len);
    free(data);
    close(b->fd);
    return (void *)n;
}

static void pipes(void) {
    int p[2];
    static char buf[100000];
    struct stat st;

    show("pipe2(O_NONBLOCK|O_CLOEXEC):", pipe2(p, O_NONBLOCK | O_CLOEXEC));
    printf("\nends: %s %s, nonblock %d, cloexec %d, fifo %d\n",
           (fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY ? "O_RDONLY" : "?",
           (fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY ? "O_WRONLY" : "?",
           !!(fcntl(p[0], F_GETFL) & O_NONBLOCK), !!(fcntl(p[1], F_GETFD) & FD_CLOEXEC),
           fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode));
    show("read empty:", read(p[0], buf, 10));
    show("; read 0 bytes:", read(p[0], buf, 0));
    printf("; poll reader %s, writer %s\n", bits(revents(p[0], POLLIN | POLLOUT)), bits(revents(p[1], POLLIN | POLLOUT)));
    show("write hello:", write(p[1], "hello", 5));
    int avail = -1;
    ioctl(p[0], FIONREAD, &avail);
    printf("; FIONREAD %d, poll reader %s\n", avail, bits(revents(p[0], POLLIN)));
    show_read("read:", read(p[0], buf, sizeof buf), buf);
    show("; write on the read end:", write(p[0], "x", 1));
    show("; read on the write end:", read(p[1], buf, 1));
    printf("\n");

    memset(buf, 'x', sizeof buf);
    show("fill: write 100000:", write(p[1], buf, 100000));
    show(", write 1:", write(p[1], buf, 1));
    printf(", poll writer %s\n", bits(revents(p[1], POLLOUT)));
    show("read 4096:", read(p[0], buf, 4096));
    printf(", poll writer %s", bits(revents(p[1], POLLOUT)));
    show("; drain:", read(p[0], buf, sizeof buf));
    printf("\n");

    /* PIPE_BUF: a short write goes in whole or not at all. */
    show("atomic: write 64536:", write(p[1], buf, 64536));
    show(", 2000:", write(p[1], buf, 2000));
    show(", 500:", write(p[1], buf, 500));
    show(", 600:", write(p[1], buf, 600));
    show(", 500:", write(p[1], buf, 500));
    show(", 1:", write(p[1], buf, 1));
    show("; drain:", read(p[0], buf, sizeof buf));
    printf("\n");

    write(p[1], "bye", 3);
    close(p[1]);
    printf("writer closed: poll reader %s", bits(revents(p[0], POLLIN)));
    show_read("; read:", read(p[0], buf, sizeof buf), buf);
    show(", then", read(p[0], buf, sizeof buf));
    printf(" (EOF), poll reader %s\n", bits(revents(p[0], POLLIN)));
    close(p[0]);

    pipe(p);
    close(p[0]);
    show("reader closed: write", write(p[1], "x", 1));
    show(", write 0 bytes", write(p[1], "x", 0));
    printf(", poll writer %s\n", bits(revents(p[1], POLLOUT)));
    close(p[1]);

    show("pipe2(bad flags):", pipe2(p, 0x40000000));
    printf("\n");

    /* Blocking both ways: a writer thread and a reader, 300000 bytes
     * through a 64 KiB pipe in reads of 7000. */
    pipe(p);
    struct bulk b = {p[1], 300000};
    pthread_t t = start(bulk_writer, &b);
    size_t total = 0, bad = 0;
    long n;
    while ((n = read(p[0], buf, 7000)) > 0) {
        for (long i = 0; i < n; i++)
            if ((unsigned char)buf[i] != (unsigned char)((total + (size_t)i) * 7)) bad++;
        total += (size_t)n;
    }
    show("bulk: reader ends with", n);
    printf(" after %zu bytes, %zu wrong; writer wrote %ld\n", total, bad, (long)join(t));
    close(p[0]);
}

/* ---- eventfd ------------------------------------------------------------ */

static void *eventfd_poster(void *arg) {
    sleep_ms(30);
    uint64_t v = 5;
    write(*(int *)arg, &v, sizeof v);
    return NULL;
}

static void eventfds(void) {
    uint64_t v = 0;
    char small[4], big[16] = {0};
    int e = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    printf("eventfd: %s, cloexec %d\n", e >= 0 ? "ok" : res(e), !!(fcntl(e, F_GETFD) & FD_CLOEXEC));
    show("read empty:", read(e, &v, 8));
    printf(", poll %s\n", bits(revents(e, POLLIN | POLLOUT)));
    v = 3;
    write(e, &v, 8);
    v = 4;
    write(e, &v, 8);
    printf("wrote 3 and 4: poll %s", bits(revents(e, POLLIN | POLLOUT)));
    show("; read:", read(e, &v, 8));
    printf(" value %llu", (unsigned long long)v);
    show(", then", read(e, &v, 8));
    printf("\n");
    show("4-byte read", read(e, small, 4));
    show(", 4-byte write", write(e, small, 4));
    show(", 16-byte read of empty", read(e, big, 16));
    v = UINT64_MAX;
    show("; write 2^64-1:", write(e, &v, 8));
    printf("\n");
    v = UINT64_MAX - 1;
    show("write 2^64-2:", write(e, &v, 8));
    printf(", poll %s", bits(revents(e, POLLIN | POLLOUT)));
    v = 1;
    show("; write 1 more:", write(e, &v, 8));
    show("; read:", read(e, &v, 8));
    printf(" value %llu, poll %s\n", (unsigned long long)v, bits(revents(e, POLLIN | POLLOUT)));
    close(e);

    e = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    printf("semaphore of 3: read");
    for (int i = 0; i < 4; i++) {
        v = 0;
        long n = read(e, &v, 8);
        printf(" %s", n == 8 ? (v == 1 ? "1" : "?") : res(n));
    }
    printf("\n");
    close(e);

    show("eventfd(bad flags):", eventfd(0, 0x40000000 | EFD_NONBLOCK));
    printf("\n");

    e = eventfd(0, 0);
    pthread_t t = start(eventfd_poster, &e);
    int64_t t0 = now_ms();
    show("blocking read:", read(e, &v, 8));
    printf(" value %llu after another thread's write, %s\n", (unsigned long long)v,
           now_ms() - t0 >= 20 ? "waited" : "did not wait");
    join(t);
    close(e);
}

/* ---- socket pairs: streams ---------------------------------------------- */

static void *slow_sender(void *arg) {
    int fd = *(int *)arg;
    sleep_ms(20);
    send(fd, "12345", 5, 0);
    sleep_ms(20);
    send(fd, "67890", 5, 0);
    return NULL;
}

static const char *both(int s[2]) {
    static char b[160];
    snprintf(b, sizeof b, "a %s, b %s", bits(revents(s[0], POLLIN | POLLOUT | POLLRDHUP)),
             bits(revents(s[1], POLLIN | POLLOUT | POLLRDHUP)));
    return b;
}

static void stream_pairs(void) {
    int s[2], v;
    static char buf[300000];
    struct stat st;
    socklen_t vlen = sizeof v;

    show("socketpair(STREAM|NONBLOCK):", socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s));
    printf(", fstat socket %d, poll %s\n", fstat(s[0], &st) == 0 && S_ISSOCK(st.st_mode), both(s));
    show("recv empty:", recv(s[0], buf, 10, 0));
    show("; a->b ping", send(s[0], "ping", 4, 0));
    show(", b->a pong", send(s[1], "pong", 4, 0));
    int avail = -1;
    ioctl(s[1], FIONREAD, &avail);
    printf("; b FIONREAD %d", avail);
    show_read(", recv", recv(s[1], buf, 100, 0), buf);
    show_read("; a read", read(s[0], buf, 100), buf);
    printf("\n");

    send(s[0], "abc", 3, 0);
    send(s[0], "def", 3, 0);
    show_read("peek 2:", recv(s[1], buf, 2, MSG_PEEK), buf);
    show_read("; recv:", recv(s[1], buf, 100, 0), buf);
    printf(" (a stream joins sends)\n");

    struct iovec out[3] = {{"one ", 4}, {"two ", 4}, {"three", 5}};
    show("writev:", writev(s[0], out, 3));
    char x[5], y[20];
    struct iovec in[2] = {{x, 5}, {y, 20}};
    long n = readv(s[1], in, 2);
    show("; readv:", n);
    printf(" \"%.5s\" + \"%.*s\"\n", x, (int)(n > 5 ? n - 5 : 0), y);

    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    socklen_t alen = sizeof addr;
    show("sendto with an address:", sendto(s[0], "x", 1, 0, (struct sockaddr *)&addr, sizeof addr));
    send(s[0], "from", 4, 0);
    show("; recvfrom:", recvfrom(s[1], buf, 100, 0, (struct sockaddr *)&addr, &alen));
    printf(", address length %u\n", (unsigned)alen);
    alen = sizeof addr;
    memset(&addr, 0x55, sizeof addr);
    show("getsockname:", getsockname(s[0], (struct sockaddr *)&addr, &alen));
    printf(" family %d length %u", addr.sun_family, (unsigned)alen);
    alen = sizeof addr;
    memset(&addr, 0x55, sizeof addr);
    show("; getpeername:", getpeername(s[0], (struct sockaddr *)&addr, &alen));
    printf(" family %d length %u\n", addr.sun_family, (unsigned)alen);

    getsockopt(s[0], SOL_SOCKET, SO_TYPE, &v, &vlen);
    printf("SO_TYPE %s", v == SOCK_STREAM ? "SOCK_STREAM" : "?");
    getsockopt(s[0], SOL_SOCKET, SO_DOMAIN, &v, &vlen);
    printf(", SO_DOMAIN %s", v == AF_UNIX ? "AF_UNIX" : "?");
    getsockopt(s[0], SOL_SOCKET, SO_ERROR, &v, &vlen);
    printf(", SO_ERROR %d", v);
    getsockopt(s[0], SOL_SOCKET, SO_SNDBUF, &v, &vlen);
    printf(", SO_SNDBUF > 0: %d", v > 0);
    getsockopt(s[0], SOL_SOCKET, SO_RCVBUF, &v, &vlen);
    printf(", SO_RCVBUF > 0: %d", v > 0);
    v = 10000;
    setsockopt(s[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof v);
    getsockopt(s[0], SOL_SOCKET, SO_SNDBUF, &v, &vlen);
    printf(", SO_SNDBUF set to 10000 reads %d\n", v);
    show("getsockopt at level IPPROTO_TCP:", getsockopt(s[0], IPPROTO_TCP, 1, &v, &vlen));
    printf("\n");

    /* Fill until the peer's queue is full: writable again once drained. */
    memset(buf, 'z', sizeof buf);
    long filled = 0;
    while ((n = send(s[0], buf, 1000, 0)) > 0) filled += n;
    show("fill: stopped with", n);
    printf(" after > 0 bytes: %d, poll writer %s", filled > 0, bits(revents(s[0], POLLOUT)));
    long drained = 0;
    while ((n = recv(s[1], buf, sizeof buf, 0)) > 0) drained += n;
    printf("; drained all: %d, poll writer %s\n", drained == filled, bits(revents(s[0], POLLOUT)));
    close(s[0]);
    close(s[1]);

    /* Blocking: MSG_DONTWAIT for one call, MSG_WAITALL across two sends. */
    socketpair(AF_UNIX, SOCK_STREAM, 0, s);
    show("blocking pair: recv MSG_DONTWAIT", recv(s[1], buf, 10, MSG_DONTWAIT));
    pthread_t t = start(slow_sender, &s[0]);
    show_read("; MSG_WAITALL 10 across two sends:", recv(s[1], buf, 10, MSG_WAITALL), buf);
    printf("\n");
    join(t);
    close(s[0]);
    close(s[1]);

    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s);
    send(s[0], "last", 4, 0);
    show("shutdown(a, SHUT_WR):", shutdown(s[0], SHUT_WR));
    printf("; poll %s\n", both(s));
    show_read("  b recv", recv(s[1], buf, 100, 0), buf);
    show(", then", recv(s[1], buf, 100, 0));
    show(" (EOF); a send", send(s[0], "x", 1, MSG_NOSIGNAL));
    show("; b send", send(s[1], "late", 4, 0));
    show_read(", a recv", recv(s[0], buf, 100, 0), buf);
    printf("\n");
    show("shutdown(b, SHUT_WR) too:", shutdown(s[1], SHUT_WR));
    printf("; poll %s\n", both(s));
    close(s[0]);
    close(s[1]);

    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s);
    send(s[1], "queued", 6, 0);
    show("shutdown(a, SHUT_RD):", shutdown(s[0], SHUT_RD));
    show("; b send", send(s[1], "x", 1, 0));
    show_read("; a recv", recv(s[0], buf, 100, 0), buf);
    show(" then", recv(s[0], buf, 100, 0));
    show("; a send", send(s[0], "y", 1, 0));
    printf("; poll %s\n", both(s));
    show("shutdown(a, SHUT_RDWR):", shutdown(s[0], SHUT_RDWR));
    printf("; poll %s", both(s));
    show("; shutdown(a, 7):", shutdown(s[0], 7));
    printf("\n");
    close(s[0]);
    close(s[1]);

    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s);
    send(s[1], "tail", 4, 0);
    close(s[1]);
    printf("peer closed: poll %s", bits(revents(s[0], POLLIN | POLLOUT | POLLRDHUP)));
    show_read("; recv", recv(s[0], buf, 100, 0), buf);
    show(", then", recv(s[0], buf, 100, 0));
    show("; send", send(s[0], "x", 1, 0));
    printf("\n");
    close(s[0]);

    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s);
    send(s[0], "never read", 10, 0);
    send(s[1], "mine", 4, 0);
    close(s[1]);
    printf("peer closed with data unread: poll %s", bits(revents(s[0], POLLIN | POLLOUT | POLLRDHUP)));
    show_read("; recv", recv(s[0], buf, 100, 0), buf);
    show(", then", recv(s[0], buf, 100, 0));
    show(", then", recv(s[0], buf, 100, 0));
    printf("\n");
    close(s[0]);

    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s);
    send(s[0], "never read", 10, 0);
    close(s[1]);
    vlen = sizeof v;
    getsockopt(s[0], SOL_SOCKET, SO_ERROR, &v, &vlen);
    printf("the same: SO_ERROR %s, then", errname(v));
    getsockopt(s[0], SOL_SOCKET, SO_ERROR, &v, &vlen);
    printf(" %d", v);
    show("; recv", recv(s[0], buf, 100, 0));
    printf("\n");
    close(s[0]);
}

/* ---- socket pairs: messages --------------------------------------------- */

static void message_pairs(void) {
    int s[2], v;
    char buf[100];
    socklen_t vlen = sizeof v;

    show("socketpair(DGRAM|NONBLOCK):", socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, s));
    send(s[0], "one", 3, 0);
    send(s[0], "two!", 4, 0);
    send(s[0], "three", 5, 0);
    int avail = -1;
    ioctl(s[1], FIONREAD, &avail);
    printf("; three sends: FIONREAD %d (the first message)", avail);
    show(", peek", recv(s[1], buf, sizeof buf, MSG_PEEK));
    for (int i = 0; i < 4; i++) show(", recv", recv(s[1], buf, sizeof buf, 0));
    printf("\n");
    send(s[0], "truncated", 9, 0);
    send(s[0], "truncated", 9, 0);
    show_read("recv 4 of 9:", recv(s[1], buf, 4, 0), buf);
    show(", with MSG_TRUNC:", recv(s[1], buf, 4, MSG_TRUNC));
    show(", then", recv(s[1], buf, 4, 0));
    send(s[0], "truncated", 9, 0);
    struct iovec iov = {buf, 4};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    show("; recvmsg 4 of 9:", recvmsg(s[1], &m, 0));
    printf(", msg_flags MSG_TRUNC %d\n", !!(m.msg_flags & MSG_TRUNC));
    show("empty datagram: send", send(s[0], "", 0, 0));
    show(", recv", recv(s[1], buf, 10, 0));
    show(", then", recv(s[1], buf, 10, 0));
    getsockopt(s[0], SOL_SOCKET, SO_TYPE, &v, &vlen);
    printf("; SO_TYPE %s, poll %s\n", v == SOCK_DGRAM ? "SOCK_DGRAM" : "?", bits(revents(s[0], POLLIN | POLLOUT)));
    close(s[1]);
    printf("peer closed: poll %s", bits(revents(s[0], POLLIN | POLLOUT | POLLRDHUP)));
    show(", send", send(s[0], "x", 1, 0));
    show(", send", send(s[0], "x", 1, 0));
    show(", recv", recv(s[0], buf, 10, 0));
    printf("\n");
    close(s[0]);

    show("socketpair(SEQPACKET|NONBLOCK):", socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, s));
    send(s[0], "alpha", 5, 0);
    send(s[0], "be", 2, 0);
    show_read("; recv", recv(s[1], buf, sizeof buf, 0), buf);
    show_read(", recv", recv(s[1], buf, sizeof buf, 0), buf);
    show(", then", recv(s[1], buf, sizeof buf, 0));
    vlen = sizeof v;
    getsockopt(s[0], SOL_SOCKET, SO_TYPE, &v, &vlen);
    printf("; SO_TYPE %s\n", v == SOCK_SEQPACKET ? "SOCK_SEQPACKET" : "?");
    send(s[1], "bye", 3, 0);
    close(s[1]);
    printf("peer closed: poll %s", bits(revents(s[0], POLLIN | POLLOUT | POLLRDHUP)));
    show_read("; recv", recv(s[0], buf, sizeof buf, 0), buf);
    show(", then", recv(s[0], buf, sizeof buf, 0));
    show("; send", send(s[0], "x", 1, MSG_NOSIGNAL));
    printf("\n");
    close(s[0]);

    show("socketpair(SOCK_RAW):", socketpair(AF_UNIX, SOCK_RAW, 0, s));
    vlen = sizeof v;
    getsockopt(s[0], SOL_SOCKET, SO_TYPE, &v, &vlen);
    printf(", SO_TYPE %s", v == SOCK_DGRAM ? "SOCK_DGRAM" : "?");
    close(s[0]);
    close(s[1]);
    show("; socketpair(protocol 2):", socketpair(AF_UNIX, SOCK_STREAM, 2, s));
    printf("\n");
}

/* ---- poll and select ---------------------------------------------------- */

static void *late_writer(void *arg) {
    sleep_ms(50);
    write(*(int *)arg, "!", 1);
    return NULL;
}

static void polling(void) {
    int p[2];
    char path[64], buf[16];
    snprintf(path, sizeof path, "/tmp/streams-%d", (int)getpid());
    int file = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
    int null = open("/dev/null", O_RDWR);
    int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    pipe(p);
    int closed = dup(p[0]);
    close(closed);

    struct pollfd fds[6] = {
        {file, POLLIN | POLLOUT, 0}, {null, POLLIN | POLLOUT, 0}, {dir, POLLIN, 0},
        {p[0], POLLIN, 0},           {closed, POLLIN, 0},         {-1, POLLIN, 0},
    };
    show("poll:", poll(fds, 6, 0));
    printf("\n");
    const char *names[] = {"regular file", "/dev/null", "directory", "empty pipe", "closed fd", "fd -1"};
    for (int i = 0; i < 6; i++) printf("  %s: %s\n", names[i], bits((unsigned)fds[i].revents));

    int64_t t0 = now_ms();
    show("poll 100 ms on an empty pipe:", poll(&fds[3], 1, 100));
    printf(", %s\n", about(now_ms() - t0, 100));
    struct timespec ts = {0, 60 * 1000000};
    sigset_t mask;
    sigemptyset(&mask);
    t0 = now_ms();
    show("ppoll 60 ms with a signal mask:", ppoll(&fds[3], 1, &ts, &mask));
    printf(", %s\n", about(now_ms() - t0, 60));
    struct pollfd *lots = calloc(1000000, sizeof *lots);
    show("poll(nfds 1000000):", poll(lots, 1000000, 0));
    printf("\n");
    free(lots);

    pthread_t t = start(late_writer, &p[1]);
    t0 = now_ms();
    show("poll for ever, another thread writes after 50 ms:", poll(&fds[3], 1, -1));
    printf(" %s, %s\n", bits((unsigned)fds[3].revents), about(now_ms() - t0, 50));
    join(t);
    read(p[0], buf, sizeof buf);

    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(p[0], &r);
    FD_SET(p[1], &w);
    FD_SET(file, &r);
    struct timeval tv = {0, 0};
    int top = p[0] > p[1] ? p[0] : p[1];
    show("select:", select((top > file ? top : file) + 1, &r, &w, NULL, &tv));
    printf("; empty pipe readable %d, pipe writable %d, file readable %d\n", FD_ISSET(p[0], &r), FD_ISSET(p[1], &w),
           FD_ISSET(file, &r));
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    tv.tv_usec = 80 * 1000;
    t0 = now_ms();
    show("select 80 ms:", select(p[0] + 1, &r, NULL, NULL, &tv));
    printf(", %s, set bit left %d\n", about(now_ms() - t0, 80), FD_ISSET(p[0], &r));
    write(p[1], "x", 1);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    ts.tv_nsec = 0;
    show("pselect with a signal mask on a readable pipe:", pselect(p[0] + 1, &r, NULL, NULL, &ts, &mask));
    printf(", bit %d\n", FD_ISSET(p[0], &r));
    FD_ZERO(&r);
    FD_SET(closed, &r);
    show("select on a closed fd:", select(closed + 1, &r, NULL, NULL, &tv));
    tv.tv_usec = -1;
    show("; with a bad timeout:", select(1, NULL, NULL, NULL, &tv));
    printf("\n");

    close(p[1]);
    struct pollfd hup = {p[0], 0, 0};
    show("writer closed, events 0: poll", poll(&hup, 1, 0));
    printf(" revents %s\n", bits((unsigned)hup.revents));
    close(p[0]);
    close(dir);
    close(null);
    close(file);
    unlink(path);
}

/* ---- epoll -------------------------------------------------------------- */

/* A wait and what it returned: " 2: IN data 7, OUT data 9". */
static void show_wait(const char *label, int ep, int max, int timeout) {
    struct epoll_event ev[64];
    int n = epoll_wait(ep, ev, max, timeout);
    printf("%s %s", label, res(n));
    for (int i = 0; i < n; i++)
        printf("%s%s data %llu", i ? ", " : ": ", bits(ev[i].events), (unsigned long long)ev[i].data.u64);
}

static int add(int ep, int fd, unsigned events, uint64_t data) {
    struct epoll_event e = {.events = events, .data.u64 = data};
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

static int modify(int ep, int fd, unsigned events, uint64_t data) {
    struct epoll_event e = {.events = events, .data.u64 = data};
    return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
}

static void *eventfd_poster_50(void *arg) {
    sleep_ms(50);
    uint64_t v = 1;
    write(*(int *)arg, &v, sizeof v);
    return NULL;
}

static void epolls(void) {
    struct epoll_event ev[8];
    char buf[64];
    int p[2], s[2];

    show("epoll_create(0):", syscall(SYS_epoll_create, 0)); /* musl 1.2.3 passes no size on */
    show(", epoll_create1(bad):", epoll_create1(1));
    int ep = epoll_create1(EPOLL_CLOEXEC);
    printf("; epoll_create1(EPOLL_CLOEXEC): cloexec %d\n", !!(fcntl(ep, F_GETFD) & FD_CLOEXEC));
    pipe2(p, O_NONBLOCK);
    char path[64];
    snprintf(path, sizeof path, "/tmp/streams-ep-%d", (int)getpid());
    int file = open(path, O_CREAT | O_RDWR, 0600);
    int closed = dup(p[0]);
    close(closed);
    struct epoll_event e = {.events = EPOLLIN, .data.u64 = 1};
    show("ctl ADD: a regular file", epoll_ctl(ep, EPOLL_CTL_ADD, file, &e));
    show(", itself", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &e));
    show(", a closed fd", epoll_ctl(ep, EPOLL_CTL_ADD, closed, &e));
    show(", to a pipe", epoll_ctl(p[1], EPOLL_CTL_ADD, p[0], &e));
    show(", op 99", epoll_ctl(ep, 99, p[0], &e));
    show(", null event", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], NULL));
    printf("\n");
    show("ctl: MOD missing", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e));
    show(", DEL missing", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    show(", ADD", add(ep, p[0], EPOLLIN, 1));
    show(", ADD again", add(ep, p[0], EPOLLIN, 1));
    show("; wait: maxevents 0", epoll_wait(ep, ev, 0, 0));
    show(", on a pipe", epoll_wait(p[0], ev, 1, 0));
    printf("\n");

    /* Level-triggered: reported while readable. */
    show_wait("LT empty:", ep, 8, 0);
    write(p[1], "ab", 2);
    show_wait("; after a write:", ep, 8, 0);
    show_wait("; again:", ep, 8, 0);
    read(p[0], buf, sizeof buf);
    show_wait("; drained:", ep, 8, 0);
    printf("\n");

    /* Edge-triggered: once per write, drained or not. */
    show("MOD to EPOLLET:", modify(ep, p[0], EPOLLIN | EPOLLET, 2));
    write(p[1], "a", 1);
    show_wait("; after a write:", ep, 8, 0);
    show_wait("; again:", ep, 8, 0);
    write(p[1], "b", 1);
    show_wait("; another write, not drained:", ep, 8, 0);
    printf("\n");
    read(p[0], buf, sizeof buf);

    /* One-shot: once, then silent until MOD. */
    modify(ep, p[0], EPOLLIN | EPOLLONESHOT, 3);
    write(p[1], "a", 1);
    show_wait("ONESHOT:", ep, 8, 0);
    write(p[1], "b", 1);
    show_wait("; again, more written:", ep, 8, 0);
    modify(ep, p[0], EPOLLIN | EPOLLONESHOT, 3);
    show_wait("; after MOD:", ep, 8, 0);
    show("; DEL:", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    show_wait(", then", ep, 8, 0);
    printf("\n");
    read(p[0], buf, sizeof buf);

    /* ERR and HUP come unasked. */
    add(ep, p[1], 0, 4);
    close(p[0]);
    show_wait("writer watched for nothing, reader closed:", ep, 8, 0);
    close(p[1]);
    pipe(p);
    add(ep, p[0], 0, 5);
    close(p[1]);
    show_wait("; reader watched for nothing, writer closed:", ep, 8, 0);
    close(p[0]);
    show_wait("; both closed:", ep, 8, 0);
    printf("\n");

    /* EPOLLRDHUP only when asked for; two entries on one file (a dup). */
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s);
    add(ep, s[0], EPOLLIN | EPOLLRDHUP, 6);
    int s0dup = dup(s[0]);
    add(ep, s0dup, EPOLLIN, 7);
    shutdown(s[1], SHUT_WR);
    show_wait("peer SHUT_WR:", ep, 8, 0);
    printf("\n");
    close(s[0]);
    close(s[1]);
    close(s0dup);

    /* Entries belong to the open file, not the number. */
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s);
    add(ep, s[0], EPOLLIN, 8);
    send(s[1], "x", 1, 0);
    int other = dup(s[0]);
    close(s[0]);
    show_wait("watched fd closed, a dup still open:", ep, 8, 0);
    show("; DEL by the dup", epoll_ctl(ep, EPOLL_CTL_DEL, other, NULL));
    show(", by the closed fd", epoll_ctl(ep, EPOLL_CTL_DEL, s[0], NULL));
    close(other);
    show_wait("; last descriptor closed:", ep, 8, 0);
    printf("\n");
    close(s[1]);

    /* maxevents: the rest come next time, and everyone gets a turn. */
    int e3[3];
    for (int i = 0; i < 3; i++) {
        e3[i] = eventfd(1, EFD_NONBLOCK);
        add(ep, e3[i], EPOLLIN, 10 + (uint64_t)i);
    }
    show_wait("3 ready, max 2:", ep, 2, 0);
    show_wait(";", ep, 2, 0);
    show_wait(";", ep, 2, 0);
    printf("\n");
    for (int i = 0; i < 3; i++) close(e3[i]);

    /* Nested: an epoll is readable while it has something ready. */
    int inner = epoll_create1(0);
    pipe2(p, O_NONBLOCK);
    add(inner, p[0], EPOLLIN, 20);
    add(ep, inner, EPOLLIN, 21);
    show_wait("nested, nothing ready:", ep, 8, 0);
    printf(", poll inner %s", bits(revents(inner, POLLIN)));
    write(p[1], "x", 1);
    show_wait("; pipe written:", ep, 8, 0);
    printf(", poll inner %s", bits(revents(inner, POLLIN)));
    show("; inner ADD outer:", add(inner, ep, EPOLLIN, 22));
    printf("\n");
    close(inner);
    close(p[0]);
    close(p[1]);

    /* Timeouts and wakeups. */
    int64_t t0 = now_ms();
    show_wait("wait 100 ms:", ep, 8, 100);
    printf(", %s\n", about(now_ms() - t0, 100));
    int efd = eventfd(0, EFD_NONBLOCK);
    add(ep, efd, EPOLLIN, 30);
    pthread_t t = start(eventfd_poster_50, &efd);
    sigset_t mask;
    sigemptyset(&mask);
    t0 = now_ms();
    int n = epoll_pwait(ep, ev, 8, -1, &mask);
    show("epoll_pwait for ever, another thread posts after 50 ms:", n);
    printf(" data %llu, %s\n", n == 1 ? (unsigned long long)ev[0].data.u64 : 0ull, about(now_ms() - t0, 50));
    join(t);
    uint64_t v;
    read(efd, &v, 8);
    struct timespec ts = {0, 40 * 1000000};
    t0 = now_ms();
    show("epoll_pwait2 40 ms:", syscall(SYS_epoll_pwait2, ep, ev, 8, &ts, NULL, 8));
    printf(", %s\n", about(now_ms() - t0, 40));
    close(efd);
    close(ep);
    close(file);
    unlink(path);
}

/* A thousand watched descriptors (500 socket pairs, both ends), three ready. */
static void many(void) {
    enum { pairs = 500 };
    static int s[pairs][2];
    int ep = epoll_create1(0);
    int ok = 0;
    for (int i = 0; i < pairs; i++) {
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s[i])) break;
        ok += add(ep, s[i][0], EPOLLIN, (uint64_t)i * 2) == 0;
        ok += add(ep, s[i][1], EPOLLIN, (uint64_t)i * 2 + 1) == 0;
    }
    printf("watching %d descriptors\n", ok);
    show_wait("none ready:", ep, 64, 0);
    send(s[7][1], "a", 1, 0);   /* data 14 */
    send(s[250][0], "b", 1, 0); /* data 501 */
    send(s[499][1], "c", 1, 0); /* data 998 */
    show_wait("\nthree written:", ep, 64, 0);
    show_wait("\nlevel-triggered, again:", ep, 64, 0);
    char c;
    recv(s[7][0], &c, 1, 0);
    recv(s[250][1], &c, 1, 0);
    show_wait("\ntwo read:", ep, 64, 0);
    close(s[499][0]);
    show_wait("\nthe third closed unread:", ep, 64, 0);
    for (int i = 0; i < pairs; i++) {
        if (i != 499) close(s[i][0]);
        close(s[i][1]);
    }
    show_wait("\nall closed:", ep, 64, 0);
    printf("\n");
    close(ep);
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN); /* natively; the library OS raises no signals */
    setvbuf(stdout, NULL, _IONBF, 0);
    static const struct {
        const char *name;
        void (*run)(void);
    } parts[] = {{"pipe", pipes},   {"eventfd", eventfds}, {"stream", stream_pairs}, {"dgram", message_pairs},
                 {"poll", polling}, {"epoll", epolls},     {"many", many}};
    int ran = 0;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (argc < 2 || strcmp(argv[1], parts[i].name) == 0) {
            printf("== %s\n", parts[i].name);
            parts[i].run();
            ran++;
        }
    if (!ran) {
        fprintf(stderr, "streams: no part named %s\n", argv[1]);
        return 2;
    }
    return 0;
}
