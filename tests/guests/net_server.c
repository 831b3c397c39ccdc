/*
 * A small network server for the end-to-end socket tests, written as any
 * Linux program would be (it also runs natively):
 *   TCP 7   echo, one epoll loop, non-blocking: a half-close is answered by
 *           sending what is left and then FIN; a reset closes the connection
 *   UDP 7   echo, same loop
 *   TCP 8   one blocking thread per connection: writes "PEER a.b.c.d:port
 *           LOCAL a.b.c.d:port\n" (getpeername/getsockname) and closes
 *   TCP 9   discard, a blocking thread per connection: reads until the
 *           peer's FIN, then sends the number of bytes it read (decimal and
 *           a newline) and closes (bench/tcp_bulk.c, host to guest)
 *   TCP 19  a blocking thread per connection: reads a decimal count and a
 *           newline, then sends that many bytes of a fixed pattern and closes
 * It prints "ready" once every socket listens, and "served N" at each
 * echo connection's end, so the tests can see it is still alive.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_EVENTS 256
#define BUF_SIZE (256 * 1024)

static void die(const char *what) {
    printf("FAIL %s: %s\n", what, strerror(errno));
    fflush(stdout);
    exit(1);
}

static int listen_on(int type, int port, int nonblock) {
    int fd = socket(AF_INET, type | (nonblock ? SOCK_NONBLOCK : 0) | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one)) die("SO_REUSEADDR");
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (bind(fd, (struct sockaddr *)&a, sizeof a)) die("bind");
    if (type == SOCK_STREAM && listen(fd, 1024)) die("listen");
    return fd;
}

/* An echo connection: what was read and not yet written back. */
struct conn {
    int fd;
    char *buf;
    size_t start, end;
    int peer_done; /* read returned 0 */
    long bytes;
};

static long served;

static void conn_close(int ep, struct conn *c) {
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->buf);
    free(c);
    printf("served %ld\n", ++served);
    fflush(stdout);
}

/* Moves data until the socket would block; 1 when the connection is over. */
static int conn_pump(int ep, struct conn *c) {
    for (;;) {
        if (c->start < c->end) {
            ssize_t n = write(c->fd, c->buf + c->start, c->end - c->start);
            if (n < 0 && errno == EAGAIN) break;
            if (n < 0) return 1; /* reset or broken pipe */
            c->start += (size_t)n;
            continue;
        }
        c->start = c->end = 0;
        if (c->peer_done) {
            shutdown(c->fd, SHUT_WR);
            return 1;
        }
        ssize_t n = read(c->fd, c->buf, BUF_SIZE);
        if (n < 0 && errno == EAGAIN) break;
        if (n < 0) return 1;
        if (n == 0) c->peer_done = 1;
        c->end = (size_t)n;
        c->bytes += n;
    }
    struct epoll_event ev = {.events = EPOLLIN | (c->start < c->end ? EPOLLOUT : 0), .data.ptr = c};
    if (c->peer_done) ev.events = EPOLLOUT;
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
    return 0;
}

static void *peer_info(void *arg) {
    int fd = (int)(long)arg;
    struct sockaddr_in p, l;
    socklen_t pl = sizeof p, ll = sizeof l;
    char ps[32], ls[32], line[128];
    if (getpeername(fd, (struct sockaddr *)&p, &pl) || getsockname(fd, (struct sockaddr *)&l, &ll)) die("name");
    int n = snprintf(line, sizeof line, "PEER %s:%d LOCAL %s:%d\n", inet_ntop(AF_INET, &p.sin_addr, ps, sizeof ps),
                     ntohs(p.sin_port), inet_ntop(AF_INET, &l.sin_addr, ls, sizeof ls), ntohs(l.sin_port));
    write(fd, line, (size_t)n);
    close(fd);
    return NULL;
}

static void *source(void *arg) {
    int fd = (int)(long)arg;
    char line[32];
    size_t got = 0;
    while (got < sizeof line - 1) {
        ssize_t n = read(fd, line + got, 1);
        if (n <= 0) break;
        if (line[got++] == '\n') break;
    }
    line[got] = 0;
    long long count = atoll(line);
    /* Byte k of the stream is 'a' + k % 26: any window of the pattern
     * starting at sent % 26 continues it. */
    static char pattern[65536 + 26];
    for (size_t i = 0; i < sizeof pattern; i++) pattern[i] = (char)('a' + i % 26);
    long long sent = 0;
    while (sent < count) {
        size_t want = count - sent < 65536 ? (size_t)(count - sent) : 65536;
        ssize_t n = write(fd, pattern + sent % 26, want);
        if (n <= 0) break;
        sent += n;
    }
    close(fd);
    return NULL;
}

static void *discard(void *arg) {
    int fd = (int)(long)arg;
    char *buf = malloc(BUF_SIZE);
    long long got = 0;
    ssize_t n;
    while (buf && (n = read(fd, buf, BUF_SIZE)) > 0) got += n;
    free(buf);
    char line[32];
    int len = snprintf(line, sizeof line, "%lld\n", got);
    write(fd, line, (size_t)len);
    close(fd);
    return NULL;
}

static void *acceptor(void *arg) {
    int port = (int)(long)arg;
    int lfd = listen_on(SOCK_STREAM, port, 0);
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) continue;
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        void *(*serve)(void *) = port == 8 ? peer_info : port == 9 ? discard : source;
        if (pthread_create(&t, &attr, serve, (void *)(long)fd)) close(fd);
        pthread_attr_destroy(&attr);
    }
    return NULL;
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    int tcp = listen_on(SOCK_STREAM, 7, 1);
    int udp = listen_on(SOCK_DGRAM, 7, 1);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &tcp};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, tcp, &ev)) die("epoll_ctl tcp");
    ev.data.ptr = &udp;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, udp, &ev)) die("epoll_ctl udp");
    pthread_t t;
    if (pthread_create(&t, NULL, acceptor, (void *)8L) || pthread_create(&t, NULL, acceptor, (void *)9L) ||
        pthread_create(&t, NULL, acceptor, (void *)19L))
        die("pthread_create");
    usleep(100000); /* the acceptors listen before we say so */
    printf("ready\n");

    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(ep, events, MAX_EVENTS, -1);
        if (n < 0) die("epoll_wait");
        for (int i = 0; i < n; i++) {
            if (events[i].data.ptr == &tcp) {
                for (;;) {
                    int fd = accept4(tcp, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (fd < 0) break;
                    int one = 1;
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct conn *c = calloc(1, sizeof *c);
                    c->fd = fd;
                    c->buf = malloc(BUF_SIZE);
                    struct epoll_event cev = {.events = EPOLLIN, .data.ptr = c};
                    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev)) die("epoll_ctl conn");
                }
            } else if (events[i].data.ptr == &udp) {
                char buf[65536];
                struct sockaddr_in from;
                socklen_t fl;
                for (;;) {
                    fl = sizeof from;
                    ssize_t m = recvfrom(udp, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
                    if (m < 0) break;
                    sendto(udp, buf, (size_t)m, 0, (struct sockaddr *)&from, fl);
                }
            } else {
                struct conn *c = events[i].data.ptr;
                if (conn_pump(ep, c)) conn_close(ep, c);
            }
        }
    }
}
