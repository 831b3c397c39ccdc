// The nabla-run command line: every flag is one row of a table (cli.cpp),
// which drives both parsing and --help.
#pragma once

#include "error.hpp"
#include "ip4.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nabla {

using Mac = std::array<uint8_t, 6>;

struct NetOption {
    std::string name;  // manifest name
    std::string iface; // tap interface, or empty when fd is set
    int fd = -1;       // inherited tap fd (--net:NAME=@FD)
    std::optional<Mac> mac;
    std::optional<uint32_t> mtu = {}; // --net-mtu; else the tap's
    Ip4Config ip4 = {};               // --net-ip, --net-gw, --net-route
};

inline constexpr uint32_t min_net_mtu = 68; // IPv4's minimum
inline constexpr uint32_t max_net_mtu = 65535;

struct BlockOption {
    std::string name;
    std::string path;
    bool read_only = false;
    uint32_t block_size = 512;
};

struct MountOption {
    std::string device;
    std::string path;   // "/" for the root image
    bool root = false;  // a tar image mounted at /
};

inline constexpr uint64_t default_writable_mib = 64;

struct Options {
    uint64_t mem_mib = 512;
    std::vector<NetOption> nets;
    std::vector<BlockOption> blocks;
    bool help = false;
    bool version = false;
    bool print_policy = false;
    bool trace_syscalls = false;
    std::vector<std::string> env; // KEY=VALUE for the guest's environment
    std::vector<MountOption> mounts;
    uint64_t writable_mib = default_writable_mib;
    std::string kernel;
    std::vector<std::string> args; // for the guest, after KERNEL
};

inline constexpr uint64_t min_mem_mib = 4;
inline constexpr uint64_t max_mem_mib = 1024 * 1024; // 1 TiB, lazily backed

Result<Options> parse_cli(const std::vector<std::string>& argv);
std::string usage_text();
Result<Mac> parse_mac(std::string_view text);

} // namespace nabla
