// The net devices' extra IPv4 routes (--net-route), for lwIP's routing
// hooks (nabla_lwip_hooks.h). lwIP itself knows on-link subnets and one
// gateway per netif; these routes come after the on-link subnets and before
// the default netif, most specific first.
#pragma once

#include "lwip/ip4_addr.h"

#include <stdint.h>

struct netif;

namespace nabla::net {

// Destinations in dest/prefix go out on netif, to gateway's MAC. False
// when the table is full.
bool add_route(struct netif* netif, const ip4_addr_t& dest, uint32_t prefix, const ip4_addr_t& gateway);

} // namespace nabla::net
