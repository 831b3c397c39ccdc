#include "devices.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <fmt/format.h>

namespace nabla {

Result<BlockDevice> open_block(const BlockOption& opt) {
    auto where = fmt::format("--block{}:{}={}", opt.read_only ? "-ro" : "", opt.name, opt.path);
    UniqueFd fd(::open(opt.path.c_str(), (opt.read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC));
    if (!fd.valid()) return fail_errno(Exit::no_input, fmt::format("{}: cannot open", where));
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) return fail_errno(Exit::os_error, fmt::format("{}: fstat", where));
    uint64_t size = 0;
    if (S_ISREG(st.st_mode)) {
        size = static_cast<uint64_t>(st.st_size);
    } else if (S_ISBLK(st.st_mode)) {
        if (::ioctl(fd.get(), BLKGETSIZE64, &size) != 0)
            return fail_errno(Exit::os_error, fmt::format("{}: BLKGETSIZE64", where));
    } else {
        return fail(Exit::no_input, fmt::format("{}: not a regular file or block device", where));
    }
    if (size == 0) return fail(Exit::no_input, fmt::format("{}: file is empty", where));
    if (size % opt.block_size != 0)
        return fail(Exit::no_input, fmt::format("{}: size {} is not a multiple of the block size {}", where, size,
                                                opt.block_size));
    return BlockDevice{opt.name, opt.path, std::move(fd), size, opt.block_size, opt.read_only};
}

} // namespace nabla
