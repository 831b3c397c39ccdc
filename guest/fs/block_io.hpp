// Byte-granular reads and writes on a block device, through whole blocks:
// the platform takes only block-aligned requests.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace nabla::fs {

// 0, or -errno. Reads stop at the device's capacity (-EIO past it).
long block_read_bytes(uint32_t handle, uint64_t offset, void* buf, size_t len);
long block_write_bytes(uint32_t handle, uint64_t offset, const void* buf, size_t len);
uint64_t block_capacity(uint32_t handle);

} // namespace nabla::fs
