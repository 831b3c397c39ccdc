#include "devices.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace nabla {

Result<void> check_against_manifest(const Manifest& manifest, const Options& opts) {
    auto given_kind = [&](const std::string& name) -> std::optional<DeviceKind> {
        if (std::ranges::any_of(opts.nets, [&](auto& n) { return n.name == name; })) return DeviceKind::net;
        if (std::ranges::any_of(opts.blocks, [&](auto& b) { return b.name == name; })) return DeviceKind::block;
        return std::nullopt;
    };
    for (const auto& dev : manifest.devices) {
        auto kind = given_kind(dev.name);
        if (!kind)
            return fail(Exit::config, fmt::format("unikernel needs {} device '{}': attach it with --{}:{}=...",
                                                  kind_name(dev.kind), dev.name, kind_name(dev.kind), dev.name));
        if (*kind != dev.kind)
            return fail(Exit::config, fmt::format("device '{}' is a {} device in the unikernel's manifest, but was "
                                                  "attached as {}", dev.name, kind_name(dev.kind), kind_name(*kind)));
    }
    auto declared = [&](const std::string& name) {
        return std::ranges::any_of(manifest.devices, [&](auto& d) { return d.name == name; });
    };
    for (const auto& n : opts.nets)
        if (!declared(n.name))
            return fail(Exit::config, fmt::format("--net:{}: the unikernel declares no device '{}'", n.name, n.name));
    for (const auto& b : opts.blocks)
        if (!declared(b.name))
            return fail(Exit::config, fmt::format("--block:{}: the unikernel declares no device '{}'", b.name, b.name));
    for (const auto& m : opts.mounts) {
        auto flag = m.root ? fmt::format("--root={}", m.device) : fmt::format("--mount:{}={}", m.device, m.path);
        if (!std::ranges::any_of(opts.blocks, [&](auto& b) { return b.name == m.device; }))
            return fail(Exit::config, fmt::format("{}: no block device '{}' is attached", flag, m.device));
        if (std::ranges::count(opts.mounts, m.device, &MountOption::device) > 1)
            return fail(Exit::config, fmt::format("{}: device '{}' is mounted twice", flag, m.device));
    }
    return {};
}

Result<Devices> attach_devices(const Options& opts) {
    Devices devs;
    for (const auto& b : opts.blocks) {
        auto dev = open_block(b);
        if (!dev) return std::unexpected(dev.error());
        devs.blocks.push_back(std::move(*dev));
    }
    for (const auto& n : opts.nets) {
        auto dev = open_tap(n);
        if (!dev) return std::unexpected(dev.error());
        devs.taps.push_back(std::move(*dev));
    }
    return devs;
}

} // namespace nabla
