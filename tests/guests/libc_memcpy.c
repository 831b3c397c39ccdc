/* memcpy (nabla's own, guest/libc/overlay) and memmove against a byte loop:
 * every length up to 300 at every alignment pair, a few long ones, and
 * overlapping moves both ways. */
#include <stdio.h>
#include <string.h>

static unsigned char src[10000], dst[10000], want[10000];

static int check(size_t n, size_t so, size_t doff) {
    for (size_t i = 0; i < sizeof dst; i++) dst[i] = want[i] = (unsigned char)(i * 13 + 5);
    for (size_t i = 0; i < n; i++) want[doff + i] = src[so + i];
    if (memcpy(dst + doff, src + so, n) != dst + doff) return 0;
    return memcmp(dst, want, sizeof dst) == 0;
}

static int check_move(size_t n, size_t from, size_t to) {
    unsigned char buf[10000], ref[10000];
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = ref[i] = (unsigned char)(i * 7 + 1);
    unsigned char tmp[10000];
    for (size_t i = 0; i < n; i++) tmp[i] = ref[from + i];
    for (size_t i = 0; i < n; i++) ref[to + i] = tmp[i];
    memmove(buf + to, buf + from, n);
    return memcmp(buf, ref, sizeof buf) == 0;
}

int main(void) {
    for (size_t i = 0; i < sizeof src; i++) src[i] = (unsigned char)(i * 31 + 7);
    int bad = 0;
    for (size_t n = 0; n <= 300; n++)
        for (size_t so = 0; so < 16; so++)
            for (size_t d = 0; d < 16; d++) bad += !check(n, so, d);
    size_t longs[] = {2047, 2048, 2049, 4096, 8191, 9000};
    for (size_t i = 0; i < sizeof longs / sizeof *longs; i++)
        for (size_t off = 0; off < 8; off++) bad += !check(longs[i], off, 7 - off);
    size_t moves[] = {1, 15, 16, 17, 31, 100, 2047, 3000, 5000};
    for (size_t i = 0; i < sizeof moves / sizeof *moves; i++)
        for (size_t shift = 1; shift < 40; shift += 3)
            bad += !check_move(moves[i], 100, 100 + shift) + !check_move(moves[i], 100 + shift, 100);
    printf("memcpy/memmove mismatches: %d\n", bad);
    return bad != 0;
}
