/* Echoes argv[1] Ethernet frames of the local experimental ethertype
 * 0x88b5 on net device "service" back to their sender, then exits: the tap
 * path end to end. Other frames (the host's own chatter) are ignored. */
#include "nabla/manifest.h"
#include "nabla/platform.h"
#include "nabla/rt.h"

NABLA_MANIFEST(1, NABLA_NET("service"));

int main(int argc, char **argv) {
    nabla_handle_t h;
    const struct nabla_device *d;
    uint64_t want = 1;
    if (argc > 1 && nabla_parse_u64(argv[1], &want) != 0) return 2;
    if (nabla_device_find("service", NABLA_DEVICE_NET, &h, &d) != NABLA_OK) return 1;
    const uint8_t *m = d->u.net.mac;
    nabla_printf("mac %02x:%02x:%02x:%02x:%02x:%02x mtu %u\n", m[0], m[1], m[2], m[3], m[4], m[5], d->u.net.mtu);
    nabla_printf("ready\n");
    static uint8_t frame[65536];
    for (uint64_t echoed = 0; echoed < want;) {
        uint64_t ready;
        if (nabla_yield(nabla_clock_monotonic() + 10ull * 1000000000, &ready) != NABLA_OK) {
            nabla_printf("timed out\n");
            return 1;
        }
        size_t n;
        while (nabla_net_read(h, frame, sizeof frame, &n) == NABLA_OK) {
            if (n < 14 || frame[12] != 0x88 || frame[13] != 0xb5) continue;
            memcpy(frame, frame + 6, 6); /* back to the sender */
            memcpy(frame + 6, d->u.net.mac, 6);
            if (nabla_net_write(h, frame, n) != NABLA_OK) return 1;
            echoed++;
        }
    }
    nabla_printf("echoed %lu\n", want);
    return 0;
}
