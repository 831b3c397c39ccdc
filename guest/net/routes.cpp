#include "routes.hpp"

#include "lwip/netif.h"

#include "nabla/abi.h"
#include "nabla_lwip_hooks.h"

namespace nabla::net {
namespace {

struct Route {
    struct netif* netif;
    ip4_addr_t dest, mask, gateway;
    uint32_t prefix;
};

Route routes[NABLA_MAX_DEVICES * NABLA_NET_MAX_ROUTES];
size_t route_count;

// The most specific route to dest (only netif's, unless null), or null.
const Route* best_route(const ip4_addr_t* dest, const struct netif* netif) {
    const Route* best = nullptr;
    for (size_t i = 0; i < route_count; i++) {
        const Route& r = routes[i];
        if (netif && r.netif != netif) continue;
        if (ip4_addr_netcmp(dest, &r.dest, &r.mask) && (!best || r.prefix > best->prefix)) best = &r;
    }
    return best;
}

} // namespace

bool add_route(struct netif* netif, const ip4_addr_t& dest, uint32_t prefix, const ip4_addr_t& gateway) {
    if (route_count == sizeof routes / sizeof routes[0] || prefix > 32) return false;
    Route& r = routes[route_count++];
    r.netif = netif;
    r.prefix = prefix;
    ip4_addr_set_u32(&r.mask, lwip_htonl(prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix)));
    ip4_addr_set_u32(&r.dest, ip4_addr_get_u32(&dest) & ip4_addr_get_u32(&r.mask));
    r.gateway = gateway;
    return true;
}

} // namespace nabla::net

using nabla::net::best_route;

// Which netif reaches dest when no on-link subnet does. lwIP asks first with
// the source address (before its own on-link check), then without: only the
// second question is answered, so on-link subnets always win.
extern "C" struct netif* nabla_lwip_route(const ip4_addr_t* src, const ip4_addr_t* dest) {
    if (src) return nullptr;
    const auto* r = best_route(dest, nullptr);
    return r && netif_is_up(r->netif) && netif_is_link_up(r->netif) ? r->netif : nullptr;
}

// Whose MAC a packet to off-link dest on netif goes to: the gateway of the
// most specific route, else (null) the netif's own gateway.
extern "C" const ip4_addr_t* nabla_lwip_gateway(struct netif* netif, const ip4_addr_t* dest) {
    const auto* r = best_route(dest, netif);
    return r ? &r->gateway : nullptr;
}
