/*
 * lwIP's view of its platform: musl on x86_64 inside the nabla library OS.
 * The functions declared here are the library OS's (guest/net/lwip_port.cpp).
 */
#ifndef NABLA_LWIP_ARCH_CC_H
#define NABLA_LWIP_ARCH_CC_H

#include <endian.h> /* musl's BYTE_ORDER first, so lwIP does not define its own */
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

uint32_t nabla_lwip_rand(void);
__attribute__((noreturn)) void nabla_lwip_assert(const char *message, const char *file, int line);

#ifdef __cplusplus
}
#endif

/* ChaCha20 from host entropy, not rand(): ports and ISNs must not be guessable. */
#define LWIP_RAND() nabla_lwip_rand()

/* A broken lwIP invariant ends the guest with a message, as nabla_abort does. */
#define LWIP_PLATFORM_ASSERT(message) nabla_lwip_assert(message, __FILE__, __LINE__)

/* Only with LWIP_DEBUG, which is off; stderr when someone turns it on. */
#define LWIP_PLATFORM_DIAG(args) do { printf args; } while (0)

/* The compiler's byte swaps instead of lwIP's C loops. */
#define lwip_htons(x) ((u16_t)__builtin_bswap16((u16_t)(x)))
#define lwip_htonl(x) ((u32_t)__builtin_bswap32((u32_t)(x)))

#endif
