// What lwIP needs from the system (NO_SYS): a millisecond clock, random
// numbers, somewhere to report a broken invariant, and TCP initial
// sequence numbers (nabla_lwip_hooks.h).
#include "lwip/arch.h"
#include "lwip/ip_addr.h"
#include "lwip/sys.h"

#include "nabla/platform.h"

#include "../kernel/random.hpp"

#include <stdio.h>

extern "C" {

// lwIP compares times by difference, so the 32-bit wrap after 49 days is fine.
u32_t sys_now(void) { return static_cast<u32_t>(nabla_clock_monotonic() / 1000000); }

uint32_t nabla_lwip_rand(void) {
    uint32_t r;
    nabla::kernel::random_bytes(&r, sizeof r);
    return r;
}

void nabla_lwip_assert(const char* message, const char* file, int line) {
    char text[256];
    snprintf(text, sizeof text, "lwIP: %s (%s:%d)", message, file, line);
    nabla_abort(text);
}

// Random, not lwIP's counter: an off-path attacker cannot guess the
// sequence numbers of a connection to inject into it (RFC 6528's aim).
u32_t nabla_lwip_tcp_isn(const ip_addr_t*, u16_t, const ip_addr_t*, u16_t) { return nabla_lwip_rand(); }

} // extern "C"
