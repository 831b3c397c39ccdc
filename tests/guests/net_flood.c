/* Floods net device "service" with argv[1] frames of garbage: random
 * bytes, random lengths from 0 to 64 KiB (most of them not valid Ethernet,
 * some longer than any MTU), written as fast as the tap takes them. The
 * host may refuse some writes; the guest carries on. It must end with exit
 * status 0: any host call outside the filter would have killed it. */
#include "nabla/manifest.h"
#include "nabla/platform.h"
#include "nabla/rt.h"

NABLA_MANIFEST(1, NABLA_NET("service"));

static uint64_t state = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) { /* xorshift64: garbage needs no better */
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

int main(int argc, char **argv) {
    nabla_handle_t h;
    const struct nabla_device *d;
    uint64_t count = 1000;
    if (argc > 1 && nabla_parse_u64(argv[1], &count) != 0) return 2;
    if (nabla_device_find("service", NABLA_DEVICE_NET, &h, &d) != NABLA_OK) return 1;
    static uint8_t frame[65536];
    uint64_t accepted = 0, refused = 0;
    for (uint64_t i = 0; i < count; i++) {
        size_t len = (size_t)(next() % sizeof frame);
        if (i % 4 == 0) len %= 1600; /* a quarter near a real frame's size */
        for (size_t k = 0; k < len; k += 8) {
            uint64_t r = next();
            memcpy(frame + k, &r, len - k < 8 ? len - k : 8);
        }
        if (nabla_net_write(h, frame, len) == NABLA_OK) accepted++;
        else refused++;
    }
    nabla_printf("flooded %lu accepted %lu refused %lu\n", count, accepted, refused);
    return 0;
}
