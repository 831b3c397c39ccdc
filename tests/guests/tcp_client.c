/*
 * The client side of TCP, run under nabla-run and natively (Linux is the
 * oracle: the test compares the two outputs line for line). The host side
 * runs an echo server on SERVER:9000 and nothing on SERVER:9001.
 *
 *   tcp_client SERVER
 *
 * Each line is a check's result, with errno names, never numbers that
 * differ between runs.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_in server;

static const char *err(int e) {
    switch (e) {
    case 0: return "ok";
    case EAGAIN: return "EAGAIN";
    case EINPROGRESS: return "EINPROGRESS";
    case ECONNREFUSED: return "ECONNREFUSED";
    case EISCONN: return "EISCONN";
    case ENOTCONN: return "ENOTCONN";
    case EPIPE: return "EPIPE";
    case EINVAL: return "EINVAL";
    case EADDRINUSE: return "EADDRINUSE";
    case EALREADY: return "EALREADY";
    default: return strerror(e);
    }
}

static struct sockaddr_in at(int port) {
    struct sockaddr_in a = server;
    a.sin_port = htons(port);
    return a;
}

static int tcp(void) { return socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0); }

static void blocking_connect(void) {
    int fd = tcp();
    struct sockaddr_in a = at(9000);
    int rc = connect(fd, (struct sockaddr *)&a, sizeof a);
    printf("blocking connect: %s\n", err(rc ? errno : 0));
    rc = connect(fd, (struct sockaddr *)&a, sizeof a);
    printf("connect again: %s\n", err(rc ? errno : 0));
    const char msg[] = "hello over tcp";
    printf("send: %zd\n", send(fd, msg, sizeof msg, 0));
    char buf[64] = {0};
    ssize_t n = recv(fd, buf, sizeof msg, MSG_WAITALL);
    printf("recv waitall: %zd %s\n", n, n > 0 ? buf : "");
    shutdown(fd, SHUT_WR);
    printf("send after SHUT_WR: %s\n", err(send(fd, "x", 1, MSG_NOSIGNAL) < 0 ? errno : 0));
    printf("recv after peer FIN: %zd\n", recv(fd, buf, sizeof buf, 0));
    close(fd);
}

static void refused(void) {
    int fd = tcp();
    struct sockaddr_in a = at(9001);
    int rc = connect(fd, (struct sockaddr *)&a, sizeof a);
    printf("connect to a closed port: %s\n", err(rc ? errno : 0));
    close(fd);

    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    rc = connect(fd, (struct sockaddr *)&a, sizeof a);
    printf("non-blocking connect to a closed port: %s\n", err(rc ? errno : 0));
    struct pollfd p = {fd, POLLOUT, 0};
    poll(&p, 1, 5000);
    int so = 0;
    socklen_t len = sizeof so;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &len);
    printf("  then poll says %s%s, SO_ERROR %s\n", p.revents & POLLOUT ? "out" : "",
           p.revents & POLLERR ? " err" : "", err(so));
    close(fd);
}

static void nonblocking(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = at(9000);
    int rc = connect(fd, (struct sockaddr *)&a, sizeof a);
    printf("non-blocking connect: %s\n", err(rc ? errno : 0));
    struct pollfd p = {fd, POLLOUT, 0};
    poll(&p, 1, 5000);
    int so = -1;
    socklen_t len = sizeof so;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &len);
    printf("  then poll says %s, SO_ERROR %s\n", p.revents & POLLOUT ? "out" : "not out", err(so));
    char buf[16];
    printf("recv with nothing there: %s\n", err(recv(fd, buf, sizeof buf, 0) < 0 ? errno : 0));
    send(fd, "peekaboo", 8, 0);
    p.events = POLLIN;
    poll(&p, 1, 5000);
    int avail = 0;
    ioctl(fd, FIONREAD, &avail);
    printf("FIONREAD: %d\n", avail);
    ssize_t n = recv(fd, buf, 4, MSG_PEEK);
    printf("peek: %.*s\n", (int)n, buf);
    n = recv(fd, buf, sizeof buf, 0);
    printf("read after peek: %.*s\n", (int)n, buf);
    close(fd);
}

static void timeouts_and_names(void) {
    int fd = tcp();
    struct sockaddr_in a = at(9000);
    connect(fd, (struct sockaddr *)&a, sizeof a);
    struct timeval tv = {0, 200000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char buf[8];
    int rc = (int)recv(fd, buf, sizeof buf, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    printf("SO_RCVTIMEO 200 ms: %s after %s\n", err(rc < 0 ? errno : 0), ms >= 190 && ms < 1000 ? "about 200 ms" : "the wrong time");
    struct sockaddr_in peer, me;
    socklen_t pl = sizeof peer, ml = sizeof me;
    getpeername(fd, (struct sockaddr *)&peer, &pl);
    getsockname(fd, (struct sockaddr *)&me, &ml);
    printf("peer is the server: %s, port %d; local port ephemeral: %s\n",
           peer.sin_addr.s_addr == server.sin_addr.s_addr ? "yes" : "no", ntohs(peer.sin_port),
           ntohs(me.sin_port) >= 1024 ? "yes" : "no");
    int one = 1, v = 0;
    socklen_t vl = sizeof v;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &vl);
    printf("TCP_NODELAY: %d\n", v != 0);
    vl = sizeof v;
    getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &vl);
    printf("SO_TYPE stream: %s\n", v == SOCK_STREAM ? "yes" : "no");
    close(fd);
}

static void loopback(void) {
    int l = tcp();
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bind(l, (struct sockaddr *)&a, sizeof a);
    listen(l, 4);
    socklen_t len = sizeof a;
    getsockname(l, (struct sockaddr *)&a, &len);
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int rc = connect(c, (struct sockaddr *)&a, sizeof a);
    printf("loopback connect: %s\n", err(rc ? errno : 0));
    int s = accept(l, NULL, NULL);
    printf("loopback accept: %s\n", s >= 0 ? "ok" : err(errno));
    struct pollfd p = {c, POLLOUT, 0};
    poll(&p, 1, 5000);
    write(c, "ping", 4);
    char buf[8] = {0};
    read(s, buf, sizeof buf);
    printf("loopback data: %s\n", buf);
    int l2 = tcp();
    rc = bind(l2, (struct sockaddr *)&a, sizeof a);
    printf("bind to a port in use: %s\n", err(rc ? errno : 0));
    close(l2);
    close(c);
    close(s);
    close(l);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    server.sin_family = AF_INET;
    inet_pton(AF_INET, argc > 1 ? argv[1] : "127.0.0.1", &server.sin_addr);
    blocking_connect();
    refused();
    nonblocking();
    timeouts_and_names();
    loopback();
    return 0;
}
