// The guest's TCP/IP stack: lwIP (raw API) with a netif for each net device
// of the boot info, driven from the scheduler's idle path (netif.cpp).
#pragma once

namespace nabla::net {

// At start-up: when the guest has net devices, brings lwIP up with one
// netif each, addressed as nabla-run's --net-ip/--net-gw/--net-route/
// --net-mtu say, so the guest answers ARP and ping before it opens a
// socket. Without net devices it does nothing: a guest that never uses the
// network pays nothing for it.
void start();

// Before the socket layer's first lwIP call: brings lwIP up if start() did
// not (127.0.0.1 needs no device). Cheap after the first time.
void ensure_started();

} // namespace nabla::net
