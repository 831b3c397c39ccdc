// The guest's memory: one lazily backed mapping holding the ELF image, the
// boot data, the heap and the stack, with guard pages the guest cannot touch.
//
//   guard page | image segments | boot data | heap ... | guard gap | stack
//   ^map_start   ^mem_start                                           mem_end^
#pragma once

#include "elf_image.hpp"
#include "error.hpp"

#include <cstdint>
#include <span>

namespace nabla {

inline constexpr uint64_t stack_guard_gap = 64 * 1024;
inline constexpr uint64_t min_heap = 1024 * 1024;

struct GuestLayout {
    uint64_t bias;        // runtime address = link address + bias
    uint64_t mem_start;
    uint64_t mem_end;
    uint64_t boot_start;  // boot info, devices, argv
    uint64_t heap_start;
    uint64_t heap_end;    // the guard gap starts here
    uint64_t stack_low;
    uint64_t stack_top;
};

// Pure arithmetic, checked: where everything goes for a region at mem_start.
Result<GuestLayout> plan_layout(const ElfImage& image, uint64_t mem_start, uint64_t mem_bytes,
                                uint64_t boot_bytes);

uint64_t stack_size_for(uint64_t mem_bytes);

class GuestMemory {
public:
    // Reserves guard page + mem_bytes: at the image's link address for
    // ET_EXEC, anywhere the kernel's ASLR picks for static-PIE.
    static Result<GuestMemory> reserve(const ElfImage& image, uint64_t mem_bytes);
    GuestMemory(GuestMemory&& other) noexcept;
    GuestMemory& operator=(GuestMemory&&) = delete;
    ~GuestMemory();

    uint64_t mem_start() const { return map_start_ + page_size; }
    uint64_t mem_bytes() const { return map_bytes_ - page_size; }

    // Copies the segments in and sets every page's protection.
    Result<void> load(const ElfImage& image, std::span<const std::byte> file, const GuestLayout& layout);

    // A checked view of guest memory for writing boot data.
    std::span<std::byte> bytes(uint64_t addr, uint64_t size) const;

private:
    GuestMemory(uint64_t start, uint64_t bytes) : map_start_(start), map_bytes_(bytes) {}
    uint64_t map_start_ = 0;
    uint64_t map_bytes_ = 0;
};

} // namespace nabla
