// Validates the device manifest a unikernel declares in its NABLA note.
// The note is hostile input: sizes must match exactly, names are checked
// character by character, unknown kinds and duplicates are refused.
#pragma once

#include "error.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace nabla {

enum class DeviceKind : uint32_t { net = 1, block = 2 };

struct ManifestEntry {
    std::string name;
    DeviceKind kind;
};

struct Manifest {
    uint32_t abi_version;
    std::vector<ManifestEntry> devices;
};

Result<Manifest> parse_manifest(std::span<const std::byte> desc);

// [A-Za-z0-9_]{1,67}: shared with the command-line parser.
bool valid_device_name(std::string_view name);

std::string_view kind_name(DeviceKind kind);

} // namespace nabla
