#include "tender_command.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace nabla::runnc {

std::vector<std::string> tender_argv(const Config& config, const std::string& tender, const std::string& kernel,
                                     const std::string& image) {
    std::vector<std::string> argv{tender};
    const auto& limit = config.resources.memory_limit;
    if (limit && *limit > 0) argv.push_back(fmt::format("--mem={}", *limit >> 20));
    for (const auto& e : config.process.env) argv.push_back("--env=" + e);
    if (!image.empty()) {
        argv.push_back("--block-ro:rootfs=" + image);
        argv.push_back("--root=rootfs");
    }
    // Every write of a nabla guest lands in one in-memory layer; a tmpfs
    // mount is that layer, at least as large as the tmpfs.
    uint64_t tmpfs_mib = 0;
    for (const auto& t : config.tmpfs)
        tmpfs_mib += t.size_bytes ? (*t.size_bytes + (1 << 20) - 1) >> 20 : default_writable_mib;
    uint64_t writable = config.root_readonly ? tmpfs_mib : std::max(default_writable_mib, tmpfs_mib);
    if (writable != default_writable_mib) argv.push_back(fmt::format("--writable={}", writable));
    argv.push_back(kernel);
    argv.insert(argv.end(), config.process.args.begin() + 1, config.process.args.end());
    return argv;
}

} // namespace nabla::runnc
