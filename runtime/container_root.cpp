#include "container_root.hpp"

#include "files.hpp"
#include "unique_fd.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace nabla::runnc {

Result<void> check_kernel_path(std::string_view in_root) {
    if (in_root == "/" || in_root == "/.runnc" || in_root.starts_with("/.runnc/"))
        return fail(Exit::config, fmt::format("process.args[0]: {} is where runnc puts its own files", in_root));
    return {};
}

Result<UniqueFd> detached_bind(int fd, std::string_view what) {
    UniqueFd tree(::open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH));
    if (!tree.valid()) return fail_os(fmt::format("cannot make a bind mount of {}", what));
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
    if (::mount_setattr(tree.get(), "", AT_EMPTY_PATH, &attr, sizeof attr) != 0)
        return fail_os(fmt::format("cannot make the bind mount of {} read-only", what));
    return tree;
}

Result<void> build_container_root(const std::string& mount_point, const std::vector<RootFile>& files) {
    // Nothing mounted from here on reaches the host's namespace.
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return fail_os("making / private");
    if (::mount("tmpfs", mount_point.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=64k,mode=0755") != 0)
        return fail_os(fmt::format("mounting the container root on {}", mount_point));
    for (const auto& f : files) {
        auto target = mount_point + f.in_root;
        if (auto dirs = make_dirs(target.substr(0, target.rfind('/')), 0755); !dirs) return std::unexpected(dirs.error());
        UniqueFd placeholder(::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
        if (!placeholder.valid()) return fail_os(fmt::format("creating {} in the container root", f.in_root));
        if (::move_mount(f.tree, "", AT_FDCWD, target.c_str(), MOVE_MOUNT_F_EMPTY_PATH) != 0)
            return fail_os(fmt::format("mounting {} in the container root", f.in_root));
    }
    if (::mount(nullptr, mount_point.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                nullptr) != 0)
        return fail_os("making the container root read-only");
    return {};
}

Result<void> enter_container_root(const std::string& mount_point) {
    if (::chdir(mount_point.c_str()) != 0) return fail_os(fmt::format("chdir {}", mount_point));
    // pivot_root(".", "."): the old root ends up mounted over the new one,
    // and is then detached; no directory for it is needed in a read-only root.
    if (::syscall(SYS_pivot_root, ".", ".") != 0) return fail_os("pivot_root");
    if (::umount2(".", MNT_DETACH) != 0) return fail_os("detaching the old root");
    if (::chdir("/") != 0) return fail_os("chdir /");
    return {};
}

} // namespace nabla::runnc
