/*
 * bench-block: sequential write then read throughput of the block device
 * "storage", one block per call and 64 KiB per call. Built as
 * bench-block.nabla and as bench-block-native (with native_platform.c): the
 * loops below are the same code on both sides.
 *
 * usage: bench-block [MIB_PER_CASE]   (default: the whole device)
 * Prints "result {write,read}-bs<B>-req<R> MB/s" (MB = 10^6 bytes) on stderr.
 */
#include "nabla/manifest.h"
#include "nabla/platform.h"
#include "nabla/rt.h"

NABLA_MANIFEST(1, NABLA_BLOCK("storage"));

#define MULTI_REQUEST (64u * 1024u)

static char buf[MULTI_REQUEST] __attribute__((aligned(4096)));

static void run_case(nabla_handle_t h, int write, uint32_t bs, uint32_t req, uint64_t bytes) {
    uint64_t t0 = nabla_clock_monotonic();
    for (uint64_t off = 0; off < bytes; off += req) {
        nabla_result_t r = write ? nabla_block_write(h, off, buf, req) : nabla_block_read(h, off, buf, req);
        if (r != NABLA_OK) nabla_abort("block I/O failed");
    }
    uint64_t ns = nabla_clock_monotonic() - t0;
    /* bytes/ns * 1000 = MB/s; one decimal, in integers (-mgeneral-regs-only). */
    uint64_t deci = bytes * 10000 / (ns ? ns : 1);
    nabla_eprintf("result %s-bs%u-req%u %lu.%lu\n", write ? "write" : "read", bs, req,
                  (unsigned long)(deci / 10), (unsigned long)(deci % 10));
}

int main(int argc, char **argv) {
    nabla_handle_t h;
    const struct nabla_device *d;
    if (nabla_device_find("storage", NABLA_DEVICE_BLOCK, &h, &d) != NABLA_OK)
        nabla_abort("no block device 'storage'");
    uint64_t bytes = d->u.block.capacity, mib;
    if (argc > 1) {
        if (nabla_parse_u64(argv[1], &mib) || !mib) {
            nabla_eprintf("usage: bench-block [MIB_PER_CASE]\n");
            return 64;
        }
        if (mib < bytes / (1024 * 1024)) bytes = mib * 1024 * 1024;
    }
    bytes -= bytes % MULTI_REQUEST;
    if (!bytes) nabla_abort("block device smaller than one request");
    memset(buf, 0xa5, sizeof buf);

    uint32_t bs = d->u.block.block_size;
    /* Writes first, so the reads see what was just written. */
    for (int write = 1; write >= 0; write--) {
        run_case(h, write, bs, bs, bytes);
        run_case(h, write, bs, MULTI_REQUEST, bytes);
    }
    return 0;
}
