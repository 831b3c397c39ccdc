// Parses and validates a unikernel ELF file. Pure: bytes in, a checked
// description out, so that it can be unit-tested and fuzzed. Nothing here
// trusts the file; every number is checked against the file's size.
#pragma once

#include "error.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace nabla {

inline constexpr uint64_t page_size = 4096;

struct LoadSegment {
    uint64_t vaddr;  // link address
    uint64_t memsz;
    uint64_t offset; // in the file
    uint64_t filesz;
    bool read, write, exec;
};

struct ElfImage {
    bool pie = false;       // ET_DYN: loaded at a random base
    uint64_t entry = 0;     // link address
    uint64_t phoff = 0;
    uint16_t phnum = 0;       // 0 when no segment loads the program headers
    uint64_t phdr_vaddr = 0;  // link address of the loaded program headers
    std::vector<LoadSegment> segments; // ascending, page-disjoint
    uint64_t image_start = 0; // first page of the first segment
    uint64_t image_end = 0;   // end of the last segment, page-rounded
    std::span<const std::byte> manifest; // descriptor of the NABLA note
    bool has_interp = false;
};

// The limits the loader holds a file to.
inline constexpr uint16_t max_program_headers = 64;

Result<ElfImage> parse_elf(std::span<const std::byte> file);

} // namespace nabla
