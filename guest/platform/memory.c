#include "platform_internal.h"

static uintptr_t heap_next, heap_end;

void platform_heap_init(const struct nabla_boot_info *bi) {
    heap_next = bi->heap_start;
    heap_end = bi->heap_end;
}

void *platform_early_alloc(size_t size, size_t align) {
    uintptr_t at = (heap_next + align - 1) & ~(uintptr_t)(align - 1);
    if (at < heap_next || at > heap_end || size > heap_end - at) nabla_abort("out of memory at start-up");
    heap_next = at + size;
    return (void *)at;
}

void nabla_heap(uintptr_t *start, uintptr_t *end) {
    *start = heap_next;
    *end = heap_end;
}
