/*
 * Exercises the block device "storage": patterns written and read back at
 * single- and multi-block sizes (larger than one host request too), and
 * requests the platform must refuse with an error rather than pass on.
 * argv[1] "rw" or "ro" says what the test attached.
 */
#include "nabla/manifest.h"
#include "nabla/platform.h"
#include "nabla/rt.h"

NABLA_MANIFEST(1, NABLA_BLOCK("storage"));

static unsigned char buf[1 << 20], back[1 << 20];
static int failures;

static void check(int ok, const char *what) {
    nabla_printf("%s %s\n", ok ? "ok" : "FAIL", what);
    if (!ok) failures++;
}

static void fill(unsigned char *p, size_t n, uint64_t seed) {
    for (size_t i = 0; i < n; i++) p[i] = (unsigned char)((i * 131 + seed * 7) >> 3);
}

int main(int argc, char **argv) {
    nabla_handle_t h;
    const struct nabla_device *d;
    if (nabla_device_find("storage", NABLA_DEVICE_BLOCK, &h, &d) != NABLA_OK) {
        nabla_printf("no block device 'storage'\n");
        return 1;
    }
    int ro = argc > 1 && strcmp(argv[1], "ro") == 0;
    uint64_t bs = d->u.block.block_size, cap = d->u.block.capacity;
    nabla_printf("capacity %lu block_size %lu read_only %u\n", cap, bs, d->u.block.read_only);

    if (!ro) {
        /* 1, 3 and 17 blocks, and 1 MiB (more than one host request). */
        size_t counts[] = {1, 3, 17, (1 << 20) / bs};
        uint64_t offset = 0;
        for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
            size_t len = counts[i] * bs;
            fill(buf, len, i + 1);
            check(nabla_block_write(h, offset, buf, len) == NABLA_OK, "write pattern");
            memset(back, 0, len);
            check(nabla_block_read(h, offset, back, len) == NABLA_OK, "read pattern");
            check(memcmp(buf, back, len) == 0, "pattern matches");
            offset += len;
        }
        /* The last block of the device is reachable. */
        fill(buf, bs, 99);
        check(nabla_block_write(h, cap - bs, buf, bs) == NABLA_OK, "write last block");
        check(nabla_block_read(h, cap - bs, back, bs) == NABLA_OK && memcmp(buf, back, bs) == 0, "read last block");
    } else {
        check(nabla_block_read(h, 0, back, bs) == NABLA_OK, "read first block");
        check(nabla_block_write(h, 0, buf, bs) == NABLA_EROFS, "write refused: read-only");
    }

    /* Out of range, misaligned or malformed: refused before any host call. */
    check(nabla_block_read(h, cap, back, bs) == NABLA_EINVAL, "refused: offset at capacity");
    check(nabla_block_read(h, cap - bs, back, 2 * bs) == NABLA_EINVAL, "refused: runs past capacity");
    check(nabla_block_read(h, 1, back, bs) == NABLA_EINVAL, "refused: unaligned offset");
    check(nabla_block_read(h, 0, back, bs + 1) == NABLA_EINVAL, "refused: partial block");
    check(nabla_block_read(h, 0, back, 0) == NABLA_EINVAL, "refused: zero length");
    check(nabla_block_read(h, UINT64_MAX - bs + 1, back, bs) == NABLA_EINVAL, "refused: offset overflow");
    check(nabla_block_read(h + 1, 0, back, bs) == NABLA_EINVAL, "refused: bad handle");

    nabla_printf(failures ? "block FAILED\n" : "block ok\n");
    return failures ? 1 : 0;
}
