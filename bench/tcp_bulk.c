/*
 * bench-tcp's client (native): TCP bulk throughput against net_server.c
 * (tests/guests), the unikernel or its native build.
 *   tcp_bulk HOST send BYTES   to the discard service (TCP 9): writes BYTES,
 *                              half-closes, and checks the count it answers
 *   tcp_bulk HOST recv BYTES   from the source service (TCP 19): asks for
 *                              BYTES and reads them to the server's FIN
 * Prints "result send_GBps X" (or recv_GBps) on stderr: 10^9 bytes per
 * second from connect to the last byte (send: to the server's count, which
 * it writes after it has read everything).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (256 * 1024)

static void die(const char *what) {
    fprintf(stderr, "tcp_bulk: %s: %s\n", what, errno ? strerror(errno) : "unexpected reply");
    exit(1);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int connect_to(const char *host, int port) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) die("bad IPv4 address");
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    if (connect(fd, (struct sockaddr *)&a, sizeof a)) die("connect");
    return fd;
}

/* Reads to EOF; the number of bytes read. */
static long long drain(int fd, char *buf, size_t size) {
    long long got = 0;
    for (;;) {
        ssize_t n = read(fd, buf, size);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) die("read");
        if (n == 0) return got;
        got += n;
    }
}

int main(int argc, char **argv) {
    if (argc != 4 || (strcmp(argv[2], "send") && strcmp(argv[2], "recv"))) {
        fprintf(stderr, "usage: tcp_bulk HOST send|recv BYTES\n");
        return 2;
    }
    int sending = !strcmp(argv[2], "send");
    long long bytes = atoll(argv[3]);
    char *buf = malloc(CHUNK);
    if (!buf || bytes <= 0) die("bad byte count");
    memset(buf, 'x', CHUNK);

    double t0 = now();
    int fd = connect_to(argv[1], sending ? 9 : 19);
    if (sending) {
        for (long long sent = 0; sent < bytes;) {
            size_t want = bytes - sent < CHUNK ? (size_t)(bytes - sent) : CHUNK;
            ssize_t n = write(fd, buf, want);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) die("write");
            sent += n;
        }
        if (shutdown(fd, SHUT_WR)) die("shutdown");
        char reply[32];
        size_t got = 0;
        for (ssize_t n; got < sizeof reply - 1 && (n = read(fd, reply + got, sizeof reply - 1 - got)) != 0;) {
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) die("read");
            got += (size_t)n;
        }
        reply[got] = 0;
        errno = 0;
        if (atoll(reply) != bytes) die("the server counted another number of bytes");
    } else {
        char line[32];
        int len = snprintf(line, sizeof line, "%lld\n", bytes);
        if (write(fd, line, (size_t)len) != len) die("write");
        errno = 0;
        if (drain(fd, buf, CHUNK) != bytes) die("the server sent another number of bytes");
    }
    double t = now() - t0;
    close(fd);
    fprintf(stderr, "result %s_GBps %.4f\n", argv[2], (double)bytes / t / 1e9);
    return 0;
}
