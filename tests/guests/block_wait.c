/* Declares a block device and sleeps argv[1] ms: a guest to inspect from
 * the host while it runs. */
#include "nabla/manifest.h"
#include "nabla/platform.h"
#include "nabla/rt.h"

NABLA_MANIFEST(1, NABLA_BLOCK("storage"));

int main(int argc, char **argv) {
    uint64_t ms = 1000, ready;
    if (argc > 1) nabla_parse_u64(argv[1], &ms);
    nabla_yield(nabla_clock_monotonic() + ms * 1000000, &ready);
    return 0;
}
