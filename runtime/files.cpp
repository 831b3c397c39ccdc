#include "files.hpp"

#include "unique_fd.hpp"

#include <climits>
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace nabla::runnc {

Result<std::string> read_file(const std::string& path, size_t max_bytes) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return fail_errno(errno == ENOENT ? Exit::no_input : Exit::os_error, fmt::format("cannot open {}", path));
    std::string out;
    char buf[65536];
    for (;;) {
        auto n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail_os(fmt::format("cannot read {}", path));
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
        if (out.size() > max_bytes) return fail(Exit::config, fmt::format("{} is larger than {} bytes", path, max_bytes));
    }
    return out;
}

Result<void> write_file_atomic(const std::string& path, std::string_view content, mode_t mode) {
    auto tmp = fmt::format("{}.tmp.{}", path, ::getpid());
    {
        UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
        if (!fd.valid()) return fail_os(fmt::format("cannot create {}", tmp));
        std::string_view rest = content;
        while (!rest.empty()) {
            auto n = ::write(fd.get(), rest.data(), rest.size());
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                auto e = fail_os(fmt::format("cannot write {}", tmp));
                ::unlink(tmp.c_str());
                return e;
            }
            rest.remove_prefix(static_cast<size_t>(n));
        }
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        auto e = fail_os(fmt::format("cannot rename {} to {}", tmp, path));
        ::unlink(tmp.c_str());
        return e;
    }
    return {};
}

Result<void> write_control(const std::string& path, std::string_view content) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd.valid()) return fail_os(fmt::format("cannot open {}", path));
    auto n = ::write(fd.get(), content.data(), content.size());
    if (n != static_cast<ssize_t>(content.size()))
        return fail_os(fmt::format("cannot write '{}' to {}", content, path));
    return {};
}

Result<std::vector<std::string>> make_dirs(const std::string& path, mode_t mode) {
    std::vector<std::string> created;
    for (size_t pos = 1; pos <= path.size(); pos++) {
        if (pos != path.size() && path[pos] != '/') continue;
        auto prefix = path.substr(0, pos);
        if (::mkdir(prefix.c_str(), mode) == 0) {
            created.push_back(prefix);
        } else if (errno != EEXIST) {
            return fail_os(fmt::format("cannot create directory {}", prefix));
        }
    }
    return created;
}

namespace {
Result<void> remove_at(int dirfd, const char* name, const std::string& shown) {
    if (::unlinkat(dirfd, name, 0) == 0 || errno == ENOENT) return {};
    if (errno != EISDIR) return fail_os(fmt::format("cannot remove {}", shown));
    UniqueFd sub(::openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!sub.valid()) return fail_os(fmt::format("cannot open {}", shown));
    DIR* dir = ::fdopendir(::dup(sub.get()));
    if (!dir) return fail_os(fmt::format("cannot read {}", shown));
    std::vector<std::string> names;
    while (auto* e = ::readdir(dir)) {
        std::string_view n = e->d_name;
        if (n != "." && n != "..") names.emplace_back(n);
    }
    ::closedir(dir);
    for (const auto& n : names)
        if (auto ok = remove_at(sub.get(), n.c_str(), shown + "/" + n); !ok) return ok;
    if (::unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
        return fail_os(fmt::format("cannot remove {}", shown));
    return {};
}
} // namespace

Result<void> remove_tree(const std::string& path) { return remove_at(AT_FDCWD, path.c_str(), path); }

Result<std::string> own_directory() {
    char buf[PATH_MAX];
    auto n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return fail_os("cannot read /proc/self/exe");
    std::string exe(buf, static_cast<size_t>(n));
    return exe.substr(0, exe.rfind('/'));
}

bool path_exists(const std::string& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
}

} // namespace nabla::runnc
