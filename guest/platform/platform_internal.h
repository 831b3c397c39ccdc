/* Shared state of guest/platform, private to it. */
#ifndef NABLA_PLATFORM_INTERNAL_H
#define NABLA_PLATFORM_INTERNAL_H

#include "host_call.h"
#include "nabla/platform.h"

extern const struct nabla_boot_info *platform_bi;

void platform_heap_init(const struct nabla_boot_info *bi);
void platform_tls_init(const struct nabla_boot_info *bi);
/* Takes bytes from the start of the heap, before the guest's allocator. */
void *platform_early_alloc(size_t size, size_t align);

const struct nabla_device *platform_device(nabla_handle_t h, uint32_t kind);

#endif
