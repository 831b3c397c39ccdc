// A netif for each of the guest's net devices, and lwIP driven by the
// scheduler: frames are read when the host says a tap is readable, written
// one per nabla_net_write, and lwIP's timers run when they are due, even
// while every thread sleeps.
#include "stack.hpp"

#include "routes.hpp"

#include "../kernel/scheduler.hpp"

#include "nabla/platform.h"

#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#include <stdio.h>
#include <string.h>

namespace nabla::net {
namespace {

struct Device {
    struct netif netif;
    nabla_handle_t handle;
    uint8_t mac[6];
    uint16_t frame_size;   // the longest frame taken in: the MTU plus the Ethernet header
    struct pbuf* spare;    // a receive buffer that a read found nothing for, kept for the next
};

Device devices[NABLA_MAX_DEVICES];
size_t device_count;
bool started;

// Frames read per device per call: enough to keep up with a fast sender,
// few enough that a flood cannot keep the threads from running.
constexpr int frames_per_call = 256;
// Frames up to this size are copied into a pbuf of their own size, so a
// queue of small segments (requests, ACKs) does not pin an MTU each (64 KiB
// on a jumbo tap).
constexpr size_t small_frame = 2048;
// lwIP's pbufs count bytes in 16 bits, which bounds a frame.
constexpr uint32_t max_mtu = 0xffff - SIZEOF_ETH_HDR;

uint8_t chain_frame[0xffff]; // a pbuf chain made one frame, for one write

void say(const char* what) {
    char line[200];
    int n = snprintf(line, sizeof line, "nabla: net: %s\n", what);
    nabla_console_write_err(line, n < (int)sizeof line ? (size_t)n : sizeof line - 1);
}

err_t link_output(struct netif* netif, struct pbuf* p) {
    auto* d = static_cast<Device*>(netif->state);
    const void* frame = p->payload;
    if (p->next) { // rare: lwIP builds single-pbuf frames (LWIP_NETIF_TX_SINGLE_PBUF)
        pbuf_copy_partial(p, chain_frame, p->tot_len, 0);
        frame = chain_frame;
    }
    return nabla_net_write(d->handle, frame, p->tot_len) == NABLA_OK ? ERR_OK : ERR_IF;
}

err_t init_netif(struct netif* netif) {
    auto* d = static_cast<Device*>(netif->state);
    netif->name[0] = 'e';
    netif->name[1] = 'n';
    netif->output = etharp_output;
    netif->linkoutput = link_output;
    netif->mtu = static_cast<u16_t>(d->frame_size - SIZEOF_ETH_HDR);
    netif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(netif->hwaddr, d->mac, ETH_HWADDR_LEN);
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    return ERR_OK;
}

// As a NIC filters: our MAC, broadcast or multicast (a bridge floods the
// tap with unicast for others).
bool addressed_to(const Device& d, const uint8_t* frame) { return (frame[0] & 1) || memcmp(frame, d.mac, 6) == 0; }

// The n-byte frame in d.spare as a pbuf of its own.
struct pbuf* take_frame(Device& d, size_t n) {
    if (n <= small_frame) {
        struct pbuf* p = pbuf_alloc(PBUF_RAW, static_cast<u16_t>(n), PBUF_RAM);
        if (p) memcpy(p->payload, d.spare->payload, n);
        return p;
    }
    struct pbuf* p = d.spare;
    d.spare = nullptr;
    pbuf_realloc(p, static_cast<u16_t>(n));
    return p;
}

void receive(Device& d) {
    for (int i = 0; i < frames_per_call; i++) {
        // Out of memory: the frames wait in the tap (which drops them when full).
        if (!d.spare && !(d.spare = pbuf_alloc(PBUF_RAW, d.frame_size, PBUF_RAM))) return;
        size_t n = 0;
        nabla_result_t rc = nabla_net_read(d.handle, d.spare->payload, d.frame_size, &n);
        if (rc == NABLA_AGAIN) return;
        // Dropped as a NIC drops them: longer than the MTU (the tap reports
        // the length of what it cut short), shorter than an Ethernet header,
        // or for another MAC.
        if (rc != NABLA_OK || n > d.frame_size || n < SIZEOF_ETH_HDR ||
            !addressed_to(d, static_cast<const uint8_t*>(d.spare->payload)))
            continue;
        struct pbuf* p = take_frame(d, n);
        if (p && d.netif.input(p, &d.netif) != ERR_OK) pbuf_free(p);
    }
}

// The scheduler's device handler: frames from the ready taps, packets sent
// to ourselves, then whichever timers are due.
void on_devices(uint64_t ready_set) {
    for (size_t i = 0; i < device_count; i++)
        if (ready_set & (1ull << devices[i].handle)) receive(devices[i]);
    netif_poll_all();
    sys_check_timeouts();
}

// When on_devices must run even if no frame comes. A fixed point in time,
// on the millisecond grid of sys_now(): "now plus nothing" would move with
// the clock, and a due timer would never be reached.
uint64_t next_deadline() {
    struct netif* netif;
    NETIF_FOREACH(netif) {
        if (netif->loop_first) return 0; // looped packets wait: now
    }
    u32_t ms = sys_timeouts_sleeptime();
    if (ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE) return kernel::forever;
    // Read after sleeptime's own sys_now(): late by a millisecond at worst, never early.
    return (nabla_clock_monotonic() / 1000000 + ms) * 1000000;
}

ip4_addr_t ip4_of(const uint8_t a[4]) {
    ip4_addr_t ip;
    IP4_ADDR(&ip, a[0], a[1], a[2], a[3]);
    return ip;
}

ip4_addr_t mask_of(uint32_t prefix) {
    ip4_addr_t mask;
    ip4_addr_set_u32(&mask, lwip_htonl(prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix)));
    return mask;
}

void add_device(nabla_handle_t h, const nabla_device& info) {
    const auto& net = info.u.net;
    Device& d = devices[device_count];
    d.handle = h;
    memcpy(d.mac, net.mac, sizeof d.mac);
    uint32_t mtu = net.mtu < 68 ? 68 : net.mtu > max_mtu ? max_mtu : net.mtu;
    d.frame_size = static_cast<uint16_t>(mtu + SIZEOF_ETH_HDR);
    // The tender checked these; a prefix past 32 would shift out of range.
    ip4_addr_t addr = ip4_of(net.ip4), gw = ip4_of(net.ip4_gateway);
    ip4_addr_t mask = ip4_addr_isany_val(addr) ? mask_of(0) : mask_of(net.ip4_prefix > 32 ? 32 : net.ip4_prefix);
    if (!netif_add(&d.netif, &addr, &mask, &gw, &d, init_netif, ethernet_input)) {
        say("cannot add a netif for a net device");
        return;
    }
    device_count++;
    for (uint32_t r = 0; r < net.route_count && r < NABLA_NET_MAX_ROUTES; r++)
        if (!add_route(&d.netif, ip4_of(net.routes[r].dest), net.routes[r].prefix, ip4_of(net.routes[r].gateway)))
            say("a route does not fit the route table");
    netif_set_link_up(&d.netif);
    netif_set_up(&d.netif); // announces the address (gratuitous ARP)
}

// Off-link traffic leaves through the first device with a gateway; without
// one, the first with an address (for broadcasts).
void choose_default() {
    for (size_t i = 0; i < device_count; i++)
        if (!ip4_addr_isany_val(*netif_ip4_gw(&devices[i].netif))) return netif_set_default(&devices[i].netif);
    for (size_t i = 0; i < device_count; i++)
        if (!ip4_addr_isany_val(*netif_ip4_addr(&devices[i].netif))) return netif_set_default(&devices[i].netif);
}

bool has_net_devices(const struct nabla_boot_info* bi) {
    auto* devs = reinterpret_cast<const nabla_device*>(bi->devices);
    for (uint32_t h = 0; h < bi->device_count; h++)
        if (devs[h].kind == NABLA_DEVICE_NET) return true;
    return false;
}

} // namespace

void ensure_started() {
    if (started) return;
    started = true;
    lwip_init();
    const struct nabla_boot_info* bi = nabla_boot_info();
    auto* devs = reinterpret_cast<const nabla_device*>(bi->devices);
    for (uint32_t h = 0; h < bi->device_count && h < NABLA_MAX_DEVICES; h++)
        if (devs[h].kind == NABLA_DEVICE_NET) add_device(h, devs[h]);
    choose_default();
    kernel::set_device_handler(on_devices, next_deadline);
}

void start() {
    if (has_net_devices(nabla_boot_info())) ensure_started();
}

} // namespace nabla::net
