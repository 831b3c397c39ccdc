/*
 * bench-rootfs: sequential reads of one file, whole, with read() in chunks
 * of 4 KiB and of 64 KiB. Built as bench-rootfs.nabla (the file comes from
 * the root image on a block device) and as bench-rootfs-native (the same
 * file in the host directory the image was made from). Same code on both
 * sides.
 *
 * usage: bench-rootfs FILE
 * Prints "result read_<chunk> MB/s" on stderr.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static char buf[64 * 1024];

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    size_t chunks[] = {4096, 65536};
    for (int c = 0; c < 2; c++) {
        int fd = open(argv[1], O_RDONLY);
        if (fd < 0) return perror(argv[1]), 1;
        uint64_t total = 0, start = now_ns();
        for (ssize_t n; (n = read(fd, buf, chunks[c])) > 0;) total += (uint64_t)n;
        uint64_t took = now_ns() - start;
        close(fd);
        fprintf(stderr, "result read_%zuk %.1f\n", chunks[c] / 1024, total * 1e3 / (double)took);
    }
    return 0;
}
