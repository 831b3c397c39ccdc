// The root image: a tar archive (ustar, GNU long names, pax path/size) on
// a block device, read once at mount into the in-memory tree. File bytes
// stay on the device; each file records where its data starts.
//
// Why tar: any host makes one from a directory without root (tar, or
// nabla-mkroot), deterministically; data is 512-byte aligned, so reading a
// file is reading consecutive blocks; and the format is small enough to
// parse defensively in a few hundred lines.
#pragma once

#include <stdint.h>

namespace nabla::fs {

// 0, or -errno with one line on the console naming what is wrong.
long mount_tar_root(uint32_t device);

} // namespace nabla::fs
