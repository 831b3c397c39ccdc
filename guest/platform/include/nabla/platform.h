/*
 * The guest platform API: the only way guest code reaches the host.
 *
 * Every function here is implemented in guest/platform/ and nowhere else.
 * Only that folder knows that a block read is a pread64 or that a clock may
 * be read from the vDSO; a different tender can reimplement this header and
 * reuse every other guest layer unchanged.
 */
#ifndef NABLA_PLATFORM_H
#define NABLA_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include "nabla/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    NABLA_OK = 0,
    NABLA_AGAIN = 1,   /* nothing to read now */
    NABLA_EINVAL = 2,  /* bad handle, size, alignment or range: nothing was done */
    NABLA_EROFS = 3,   /* write to a read-only block device */
    NABLA_EUNSPEC = 4, /* the host call failed */
    NABLA_ENOENT = 5,  /* no device of that name and kind */
} nabla_result_t;

typedef uint32_t nabla_handle_t;

/* Boot: set by the start code before nabla_start() is called. */
const struct nabla_boot_info *nabla_boot_info(void);

/* Provided by the layer above (the freestanding runtime or the library OS). */
void nabla_start(const struct nabla_boot_info *bi);

/* Free memory for the guest's allocator (after the start code's own use). */
void nabla_heap(uintptr_t *start, uintptr_t *end);

/* Console: fd 1 is stdout, fd 2 stderr; partial writes are retried. */
nabla_result_t nabla_console_write(const char *buf, size_t len);
nabla_result_t nabla_console_write_err(const char *buf, size_t len);

/* Clocks, in nanoseconds. */
uint64_t nabla_clock_monotonic(void);
uint64_t nabla_clock_wall(void); /* since the Unix epoch */

/*
 * Sleeps until the monotonic clock reaches deadline or a net device becomes
 * readable. *ready_set gets bit h set for each readable net handle h (< 64).
 * Returns NABLA_OK on a ready device, NABLA_AGAIN at the deadline.
 */
nabla_result_t nabla_yield(uint64_t deadline_ns, uint64_t *ready_set);

/* Devices: look up by the name in the manifest. */
nabla_result_t nabla_device_find(const char *name, uint32_t kind, nabla_handle_t *handle,
                                 const struct nabla_device **info);

/*
 * Block I/O. offset and len must be multiples of the block size and inside
 * the device; any number of blocks per call (split into host calls here).
 */
nabla_result_t nabla_block_read(nabla_handle_t h, uint64_t offset, void *buf, size_t len);
nabla_result_t nabla_block_write(nabla_handle_t h, uint64_t offset, const void *buf, size_t len);

/* Net I/O, non-blocking: one frame per call. */
nabla_result_t nabla_net_read(nabla_handle_t h, void *buf, size_t size, size_t *read_size);
nabla_result_t nabla_net_write(nabla_handle_t h, const void *buf, size_t len);

/* TLS: %fs base (wrfsbase, or arch_prctl where the host lacks FSGSBASE). */
void nabla_set_tls_base(uintptr_t base);

__attribute__((noreturn)) void nabla_exit(int status);
__attribute__((noreturn)) void nabla_abort(const char *why);

#ifdef __cplusplus
}
#endif

#endif
