// Builds the guest's file tree at start: the root image (if any), the block
// devices mounted as files, /dev, /tmp, /proc/self, and descriptors 0-2.
#pragma once

struct nabla_boot_info;

namespace nabla::fs {

// 0, or -errno after one line on the console saying what failed.
long init(const struct nabla_boot_info* bi);

} // namespace nabla::fs
