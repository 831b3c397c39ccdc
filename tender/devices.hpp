// Host devices handed to the guest: block files and tap interfaces. Each
// owns its fd until launch, so an error path closes everything it opened.
#pragma once

#include "cli.hpp"
#include "error.hpp"
#include "manifest.hpp"
#include "unique_fd.hpp"

#include <string>
#include <vector>

namespace nabla {

struct BlockDevice {
    std::string name;
    std::string path;
    UniqueFd fd;
    uint64_t capacity;
    uint32_t block_size;
    bool read_only;
};

struct TapDevice {
    std::string name;
    std::string iface;
    UniqueFd fd;
    Mac mac;
    uint32_t mtu;
    Ip4Config ip4 = {};
};

struct Devices {
    std::vector<BlockDevice> blocks;
    std::vector<TapDevice> taps;
};

Result<BlockDevice> open_block(const BlockOption& opt);
Result<TapDevice> open_tap(const NetOption& opt);

// Every manifest entry attached with the right kind, and nothing else.
Result<void> check_against_manifest(const Manifest& manifest, const Options& opts);

Result<Devices> attach_devices(const Options& opts);

// A stable, locally administered unicast MAC for a device without --net-mac.
Mac derive_mac(std::string_view device, std::string_view iface);

} // namespace nabla
