#include "manifest.hpp"

#include "nabla/abi.h"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>

namespace nabla {

bool valid_device_name(std::string_view name) {
    if (name.empty() || name.size() > NABLA_DEVICE_NAME_MAX) return false;
    return std::ranges::all_of(name, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
}

std::string_view kind_name(DeviceKind kind) { return kind == DeviceKind::net ? "net" : "block"; }

namespace {

// A hostile name must not put control bytes on the user's terminal.
std::string printable(std::string_view name) {
    std::string out;
    for (unsigned char c : name) out += (c >= 0x20 && c < 0x7f) ? std::string(1, char(c)) : fmt::format("\\x{:02x}", c);
    return out;
}

} // namespace

Result<Manifest> parse_manifest(std::span<const std::byte> desc) {
    constexpr size_t header = sizeof(nabla_manifest);
    constexpr size_t entry = sizeof(nabla_manifest_entry);
    if (desc.size() < header)
        return fail(Exit::bad_kernel, fmt::format("manifest is {} bytes, smaller than its {}-byte header",
                                                  desc.size(), header));
    nabla_manifest head;
    std::memcpy(&head, desc.data(), header);
    // The version decides the layout of everything after it: check it first.
    if (head.abi_version != NABLA_ABI_VERSION)
        return fail(Exit::abi_mismatch,
                    fmt::format("unikernel was built for nabla ABI version {}, this nabla-run speaks version {}; "
                                "rebuild it with this nabla's nabla-cc",
                                head.abi_version, NABLA_ABI_VERSION));
    if (head.count > NABLA_MAX_DEVICES)
        return fail(Exit::bad_kernel, fmt::format("manifest declares {} devices, at most {} are allowed",
                                                  head.count, NABLA_MAX_DEVICES));
    if (desc.size() != header + head.count * entry)
        return fail(Exit::bad_kernel, fmt::format("manifest is {} bytes, but {} devices need exactly {}",
                                                  desc.size(), head.count, header + head.count * entry));

    Manifest m{head.abi_version, {}};
    for (uint32_t i = 0; i < head.count; i++) {
        nabla_manifest_entry e;
        std::memcpy(&e, desc.data() + header + i * entry, entry);
        const char* end = static_cast<const char*>(std::memchr(e.name, '\0', sizeof e.name));
        if (!end) return fail(Exit::bad_kernel, fmt::format("manifest device #{}: name is not NUL-terminated", i));
        std::string name(static_cast<const char*>(e.name), end);
        if (!valid_device_name(name))
            return fail(Exit::bad_kernel,
                        fmt::format("manifest device #{}: name '{}' is not [A-Za-z0-9_]{{1,{}}}", i, printable(name),
                                    NABLA_DEVICE_NAME_MAX));
        // Bytes after the NUL must be zero, so two builds of one manifest compare equal.
        if (std::any_of(end, static_cast<const char*>(e.name) + sizeof e.name, [](char c) { return c != 0; }))
            return fail(Exit::bad_kernel, fmt::format("manifest device '{}': bytes after the name are not zero", name));
        if (e.kind != NABLA_DEVICE_NET && e.kind != NABLA_DEVICE_BLOCK)
            return fail(Exit::bad_kernel, fmt::format("manifest device '{}': unknown kind {}", name, e.kind));
        if (std::ranges::any_of(m.devices, [&](const ManifestEntry& d) { return d.name == name; }))
            return fail(Exit::bad_kernel, fmt::format("manifest declares device '{}' twice", name));
        m.devices.push_back({std::move(name), static_cast<DeviceKind>(e.kind)});
    }
    return m;
}

} // namespace nabla
