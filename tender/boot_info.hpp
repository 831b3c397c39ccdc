// Writes struct nabla_boot_info, the device table and argv into guest memory.
#pragma once

#include "devices.hpp"
#include "elf_image.hpp"
#include "guest_memory.hpp"
#include "manifest.hpp"

#include <string>
#include <vector>

namespace nabla {

struct BootFacts {
    uint32_t host_flags;
    uint32_t guest_flags;
    uint64_t vdso_clock_gettime;
    std::vector<std::string> argv; // argv[0] is the kernel path
    std::vector<std::string> envp;
    std::vector<MountOption> mounts;
    uint32_t writable_mib = 0;
};

// How many bytes write_boot_info needs, to plan the layout with.
uint64_t boot_info_bytes(const Devices& devs, const BootFacts& facts);

// Returns the guest address of the boot info. Devices are listed in the
// manifest's order (check_against_manifest has matched them).
Result<uint64_t> write_boot_info(const GuestMemory& mem, const GuestLayout& layout, const ElfImage& image,
                                 const Manifest& manifest, const Devices& devs, const BootFacts& facts);

} // namespace nabla
