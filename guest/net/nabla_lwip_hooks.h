/*
 * The functions behind lwIP's hooks (lwipopts.h names them; lwIP's sources
 * include this file as LWIP_HOOK_FILENAME):
 *  - routes: the extra routes of --net-route, consulted after lwIP's
 *    on-link check and before the default netif; each route's gateway is
 *    what ARP resolves (guest/net/routes.cpp);
 *  - TCP initial sequence numbers from the library OS's random bytes, where
 *    lwIP would count up predictably (guest/net/lwip_port.cpp).
 */
#ifndef NABLA_LWIP_HOOKS_H
#define NABLA_LWIP_HOOKS_H

#include "lwip/ip_addr.h"

#ifdef __cplusplus
extern "C" {
#endif

struct netif;

struct netif *nabla_lwip_route(const ip4_addr_t *src, const ip4_addr_t *dest);
const ip4_addr_t *nabla_lwip_gateway(struct netif *netif, const ip4_addr_t *dest);
u32_t nabla_lwip_tcp_isn(const ip_addr_t *local_ip, u16_t local_port, const ip_addr_t *remote_ip,
                         u16_t remote_port);

#ifdef __cplusplus
}
#endif

#endif
