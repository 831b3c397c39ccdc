// config.json → nabla-run's command line. Pure, so the tests can check the
// mapping line by line:
//   linux.resources.memory.limit → --mem=MiB (rounded down; the cgroup holds
//                                  the exact limit, the init's and tender's
//                                  own ~2 MiB included)
//   process.env                  → --env=KEY=VALUE each, verbatim
//   a rootfs device              → --block-ro:rootfs=IMAGE --root=rootfs
//   root.readonly, tmpfs mounts  → --writable=MiB (the in-memory layer: 0
//                                  when read-only without tmpfs mounts; a
//                                  tmpfs's size, or 64 MiB, otherwise)
//   process.args[1..]            → after the kernel, verbatim
#pragma once

#include "oci_config.hpp"

#include <string>
#include <vector>

namespace nabla::runnc {

inline constexpr uint64_t default_writable_mib = 64; // nabla-run's default

// tender, kernel, image: paths in the container root (image empty: none).
std::vector<std::string> tender_argv(const Config& config, const std::string& tender, const std::string& kernel,
                                     const std::string& image);

} // namespace nabla::runnc
