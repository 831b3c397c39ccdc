#include "rootfs_image.hpp"

#include "container_root.hpp"
#include "elf_image.hpp"
#include "files.hpp"
#include "log.hpp"
#include "nabla/abi.h"
#include "process_util.hpp"

#include <algorithm>
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <linux/openat2.h>
#include <memory>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace nabla::runnc {
namespace {

constexpr std::string_view default_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
constexpr size_t max_unikernel_bytes = size_t{1} << 30;

// "a/./b/../c" → "/a/c": the kernel's place in the container root. Symlinks
// are resolved by openat2 below; this only names the file.
std::string normalize(std::string_view cwd, std::string_view path) {
    std::string joined = path.starts_with('/') ? std::string(path) : std::string(cwd) + "/" + std::string(path);
    std::vector<std::string_view> parts;
    std::string_view rest = joined;
    while (!rest.empty()) {
        auto slash = rest.find('/');
        auto part = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
        if (part.empty() || part == ".") continue;
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();
            continue;
        }
        parts.push_back(part);
    }
    std::string out;
    for (auto p : parts) out += "/" + std::string(p);
    return out.empty() ? "/" : out;
}

// Opens `path` with the rootfs as "/": symlinks and ".." cannot leave it.
UniqueFd open_in_root(int rootfd, const std::string& path) {
    open_how how{};
    how.flags = O_RDONLY | O_CLOEXEC;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    return UniqueFd(static_cast<int>(::syscall(SYS_openat2, rootfd, path.c_str(), &how, sizeof how)));
}

bool is_regular(int fd) {
    struct stat st{};
    return ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

Result<std::vector<std::byte>> read_all(int fd, std::string_view shown) {
    struct stat st{};
    if (::fstat(fd, &st) != 0) return fail_os(fmt::format("cannot stat {}", shown));
    if (static_cast<size_t>(st.st_size) > max_unikernel_bytes)
        return fail(Exit::config, fmt::format("process.args[0]: {} is larger than 1 GiB", shown));
    std::vector<std::byte> bytes(static_cast<size_t>(st.st_size));
    size_t done = 0;
    while (done < bytes.size()) {
        auto n = ::pread(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail_os(fmt::format("cannot read {}", shown));
        if (n == 0) break;
        done += static_cast<size_t>(n);
    }
    bytes.resize(done);
    return bytes;
}

struct DigestDeleter {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

class Sha256 {
public:
    Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr); }
    void add(const void* data, size_t n) { EVP_DigestUpdate(ctx_.get(), data, n); }
    void add(std::string_view s) {
        add(s.data(), s.size());
        add("\0", 1); // fields end with NUL: "ab"+"c" and "a"+"bc" differ
    }
    std::string hex() {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned len = 0;
        EVP_DigestFinal_ex(ctx_.get(), md, &len);
        std::string out;
        for (unsigned i = 0; i < len; i++) out += fmt::format("{:02x}", md[i]);
        return out;
    }

private:
    std::unique_ptr<EVP_MD_CTX, DigestDeleter> ctx_;
};

Result<void> hash_entry(Sha256& h, int dirfd, const std::string& name, const std::string& rel, std::vector<char>& buf) {
    struct stat st{};
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return fail_os(fmt::format("cannot stat {}", rel));
    h.add(rel);
    h.add(fmt::format("{:o} {} {} {}", st.st_mode, st.st_size, st.st_mtim.tv_sec, st.st_rdev));
    if (S_ISLNK(st.st_mode)) {
        std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
        auto n = ::readlinkat(dirfd, name.c_str(), target.data(), target.size());
        if (n < 0) return fail_os(fmt::format("cannot read link {}", rel));
        target.resize(static_cast<size_t>(n));
        h.add(target);
    } else if (S_ISREG(st.st_mode)) {
        UniqueFd fd(::openat(dirfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
        if (!fd.valid()) return fail_os(fmt::format("cannot open {}", rel));
        for (;;) {
            auto n = ::read(fd.get(), buf.data(), buf.size());
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return fail_os(fmt::format("cannot read {}", rel));
            if (n == 0) break;
            h.add(buf.data(), static_cast<size_t>(n));
        }
    } else if (S_ISDIR(st.st_mode)) {
        UniqueFd sub(::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!sub.valid()) return fail_os(fmt::format("cannot open {}", rel));
        DIR* dir = ::fdopendir(::dup(sub.get()));
        if (!dir) return fail_os(fmt::format("cannot read {}", rel));
        std::vector<std::string> names;
        while (auto* e = ::readdir(dir)) {
            std::string_view n = e->d_name;
            if (n != "." && n != "..") names.emplace_back(n);
        }
        ::closedir(dir);
        std::ranges::sort(names);
        for (const auto& n : names)
            if (auto ok = hash_entry(h, sub.get(), n, rel + "/" + n, buf); !ok) return ok;
    }
    return {};
}

} // namespace

Result<nabla::Manifest> check_unikernel(std::span<const std::byte> file, std::string_view shown) {
    auto image = nabla::parse_elf(file);
    if (!image)
        return fail(Exit::config, fmt::format("process.args[0]: {} is not a nabla unikernel: {}", shown, image.error().message));
    auto manifest = nabla::parse_manifest(image->manifest);
    if (!manifest)
        return fail(Exit::config, fmt::format("process.args[0]: {}: {}", shown, manifest.error().message));
    return std::move(*manifest);
}

Result<Kernel> find_kernel(const std::string& rootfs, const Process& process) {
    UniqueFd rootfd(::open(rootfs.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!rootfd.valid()) return fail_errno(Exit::no_input, fmt::format("root.path: cannot open {}", rootfs));
    const auto& arg0 = process.args[0];
    std::vector<std::string> candidates;
    if (arg0.find('/') != std::string::npos) {
        candidates.push_back(normalize(process.cwd, arg0));
    } else {
        std::string_view path = default_path;
        for (const auto& e : process.env)
            if (e.starts_with("PATH=")) path = std::string_view(e).substr(5);
        while (!path.empty()) {
            auto colon = path.find(':');
            auto dir = path.substr(0, colon);
            path = colon == std::string_view::npos ? std::string_view{} : path.substr(colon + 1);
            if (!dir.empty()) candidates.push_back(normalize(process.cwd, std::string(dir) + "/" + arg0));
        }
    }
    for (const auto& in_root : candidates) {
        UniqueFd fd = open_in_root(rootfd.get(), in_root);
        if (!fd.valid() || !is_regular(fd.get())) continue;
        auto shown = fmt::format("{} in the rootfs", in_root);
        auto bytes = read_all(fd.get(), shown);
        if (!bytes) return std::unexpected(bytes.error());
        auto manifest = check_unikernel(*bytes, shown);
        if (!manifest) return std::unexpected(manifest.error());
        if (auto ok = check_kernel_path(in_root); !ok) return std::unexpected(ok.error());
        Kernel k{std::move(fd), in_root, std::move(*manifest), false};
        for (const auto& d : k.manifest.devices) {
            if (d.kind == nabla::DeviceKind::block && d.name == root_device) {
                k.wants_root_image = true;
            } else if (d.kind == nabla::DeviceKind::net) {
                return fail(Exit::unsupported, fmt::format("process.args[0]: {} declares net device '{}': networking "
                                                           "is not supported by runnc yet",
                                                           in_root, d.name));
            } else {
                return fail(Exit::unsupported, fmt::format("process.args[0]: {} declares block device '{}': volumes "
                                                           "are not supported by runnc yet (only '{}', the root image)",
                                                           in_root, d.name, root_device));
            }
        }
        return k;
    }
    if (candidates.size() == 1)
        return fail(Exit::no_input, fmt::format("process.args[0]: {} is not a file in the rootfs {}", candidates[0], rootfs));
    return fail(Exit::no_input, fmt::format("process.args[0]: '{}' is not found in the rootfs {} (PATH searched)", arg0, rootfs));
}

Result<std::string> hash_tree(const std::string& dir, std::string_view salt) {
    Sha256 h;
    h.add(salt);
    std::vector<char> buf(1 << 20);
    auto parent = dir.substr(0, dir.rfind('/'));
    UniqueFd parentfd(::open(parent.empty() ? "/" : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!parentfd.valid()) return fail_os(fmt::format("cannot open {}", parent));
    if (auto ok = hash_entry(h, parentfd.get(), dir.substr(dir.rfind('/') + 1), ".", buf); !ok)
        return std::unexpected(ok.error());
    return h.hex();
}

Result<std::string> cached_root_image(const std::string& images_dir, const std::string& rootfs, const std::string& mkroot) {
    auto salt = read_file(mkroot);
    if (!salt) return std::unexpected(in_context("nabla-mkroot", salt.error()));
    auto hash = hash_tree(rootfs, *salt);
    if (!hash) return std::unexpected(in_context("hashing the rootfs", hash.error()));
    auto image = fmt::format("{}/{}.img", images_dir, *hash);
    if (path_exists(image)) {
        log::debug(fmt::format("root image {} (cached)", image));
        return image;
    }
    if (auto ok = make_dirs(images_dir, 0700); !ok) return std::unexpected(ok.error());
    // nabla-mkroot writes IMAGE.tmp.PID and renames it: a concurrent build
    // of the same tree replaces the file with the same bytes.
    int err[2];
    if (::pipe2(err, O_CLOEXEC) != 0) return fail_os("pipe");
    UniqueFd err_read(err[0]), err_write(err[1]);
    CStrings argv({"python3", mkroot, rootfs, image});
    CStrings envp({"PATH=/usr/local/bin:/usr/bin:/bin"});
    auto child = spawn([&] {
        if (::dup2(err_write.get(), STDERR_FILENO) < 0 || ::dup2(err_write.get(), STDOUT_FILENO) < 0) return errno;
        ::execvpe("python3", argv.get(), envp.get());
        return errno;
    });
    if (!child) return std::unexpected(child.error());
    err_write.reset();
    std::string messages;
    char buf[4096];
    for (ssize_t n; (n = ::read(err_read.get(), buf, sizeof buf)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        if (messages.size() < 4096) messages.append(buf, static_cast<size_t>(n));
    }
    auto status = child->wait();
    if (!status) return std::unexpected(status.error());
    while (!messages.empty() && messages.back() == '\n') messages.pop_back();
    if (status->exec_errno)
        return fail(Exit::os_error, fmt::format("nabla-mkroot: cannot run python3: {}", std::strerror(status->exec_errno)));
    if (!WIFEXITED(status->wait_status) || WEXITSTATUS(status->wait_status) != 0)
        return fail(Exit::os_error, fmt::format("nabla-mkroot {}: {}", rootfs, messages.empty() ? "failed" : messages));
    log::debug(fmt::format("root image {} (built)", image));
    return image;
}

} // namespace nabla::runnc
