// From the bundle's rootfs to what the tender needs: the unikernel args[0]
// names (resolved inside the rootfs, never outside it, and checked to be a
// nabla unikernel by its NABLA note), and, when it declares a block device
// `rootfs`, the rootfs as a root image made by nabla-mkroot. Images are
// cached under --root/images by the SHA-256 of the tree's content (paths,
// types, modes, times, link targets, file bytes, and nabla-mkroot itself):
// built once, shared by every container of the same rootfs, and the rootfs is
// only ever read.
#pragma once

#include "error.hpp"
#include "manifest.hpp"
#include "oci_config.hpp"
#include "unique_fd.hpp"

#include <string>

namespace nabla::runnc {

struct Kernel {
    UniqueFd fd;         // the file that was checked
    std::string in_root; // its absolute path in the rootfs (and the container root)
    nabla::Manifest manifest;
    bool wants_root_image = false; // declares block device "rootfs"
};

// The manifest's device that carries the root image.
inline constexpr std::string_view root_device = "rootfs";

// Finds process.args[0] in the rootfs (through PATH from process.env when it
// has no '/') and checks it; refuses devices runnc cannot attach yet.
Result<Kernel> find_kernel(const std::string& rootfs, const Process& process);

// Checks that `file` (its bytes) is a nabla unikernel for this ABI; `shown`
// names it in errors. Pure, for the tests.
Result<nabla::Manifest> check_unikernel(std::span<const std::byte> file, std::string_view shown);

// The content hash of a tree, hex. `salt` is mixed in first (nabla-mkroot's
// own bytes, so a new image format never meets an old cache entry).
Result<std::string> hash_tree(const std::string& dir, std::string_view salt);

// The cached image for `rootfs`, built with `mkroot` when missing.
Result<std::string> cached_root_image(const std::string& images_dir, const std::string& rootfs, const std::string& mkroot);

} // namespace nabla::runnc
