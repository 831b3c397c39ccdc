// The container's root: a small read-only tmpfs that holds only what the
// tender needs, each a read-only bind mount of a file runnc opened and
// checked (cloned from that fd with open_tree in runnc's namespace, so a
// rootfs symlink swapped since cannot change what is mounted, and attached
// with move_mount in the container's):
//   /.runnc/nabla-run      the tender
//   /.runnc/rootfs.img     the guest's root image, when it declares one
//   ARGS0                  the unikernel, at its path in the rootfs
// Built in the container's own mount namespace (private, so the host never
// sees it), entered with pivot_root; the old root is detached.
#pragma once

#include "error.hpp"
#include "unique_fd.hpp"

#include <string>
#include <vector>

namespace nabla::runnc {

inline constexpr std::string_view root_tender_path = "/.runnc/nabla-run";
inline constexpr std::string_view root_image_path = "/.runnc/rootfs.img";

struct RootFile {
    int tree;            // a detached bind mount (detached_bind)
    std::string in_root; // absolute path in the container's root
};

// A detached, read-only, nosuid, nodev bind mount of the file `fd` is open
// on; it vanishes with the fd unless attached. `what` names it in errors.
Result<UniqueFd> detached_bind(int fd, std::string_view what);

// The mount point is an empty directory of the state dir.
Result<void> build_container_root(const std::string& mount_point, const std::vector<RootFile>& files);
Result<void> enter_container_root(const std::string& mount_point);

// args[0]'s place in the container root must not be taken by runnc's own files.
Result<void> check_kernel_path(std::string_view in_root);

} // namespace nabla::runnc
