// libFuzzer target for the tender's two parsers of hostile input.
//
// Every input goes through both paths:
//  1. as a unikernel file: parse_elf, then parse_manifest on the note it found
//     (what nabla-run does with a kernel);
//  2. as a bare manifest descriptor: parse_manifest on the raw bytes, so that
//     the manifest checks are explored without first building a valid ELF.
// Besides crashes and sanitizer reports, an accepted image that breaks one of
// parse_elf's promises (the ones the loader relies on) aborts the run.
#include "elf_image.hpp"
#include "manifest.hpp"

#include "nabla/abi.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

namespace {

// A parser accepted an input that breaks one of its promises: a finding.
void require(bool ok, const char* promise) {
    if (ok) return;
    std::fprintf(stderr, "fuzz-unikernel: accepted input breaks the promise: %s\n", promise);
    std::abort();
}

// What GuestMemory::load and the launch code assume of an accepted image.
void check_promises(const nabla::ElfImage& image, std::span<const std::byte> file) {
    using nabla::page_size;
    constexpr uint64_t user_limit = uint64_t{1} << 47;
    require(!image.segments.empty(), "at least one segment");
    require(image.image_start % page_size == 0 && image.image_end % page_size == 0, "page-aligned image");
    require(image.image_start <= image.image_end && image.image_end <= user_limit, "image below 2^47");
    bool entry_ok = false;
    for (size_t i = 0; i < image.segments.size(); i++) {
        const auto& s = image.segments[i];
        require(s.memsz > 0 && s.filesz <= s.memsz, "filesz <= memsz, memsz > 0");
        require(s.offset <= file.size() && s.filesz <= file.size() - s.offset, "segment bytes inside the file");
        require(s.vaddr >= image.image_start && s.vaddr + s.memsz <= image.image_end, "segment inside the image");
        require(!(s.write && s.exec), "W^X");
        if (i > 0) {
            const auto& prev = image.segments[i - 1];
            uint64_t prev_end_page = (prev.vaddr + prev.memsz + page_size - 1) & ~(page_size - 1);
            require(s.vaddr / page_size * page_size >= prev_end_page, "segments ascending and page-disjoint");
        }
        entry_ok |= s.exec && image.entry >= s.vaddr && image.entry - s.vaddr < s.memsz;
    }
    require(entry_ok, "entry inside an executable segment");
    require(!image.manifest.empty(), "a manifest");
    require(image.manifest.data() >= file.data() &&
                image.manifest.data() + image.manifest.size() <= file.data() + file.size(),
            "manifest inside the file");
    require(image.phnum <= nabla::max_program_headers, "phnum <= 64");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::span<const std::byte> input(reinterpret_cast<const std::byte*>(data), size);

    if (auto image = nabla::parse_elf(input)) {
        check_promises(*image, input);
        (void)nabla::parse_manifest(image->manifest);
    }

    if (auto manifest = nabla::parse_manifest(input)) {
        require(manifest->abi_version == NABLA_ABI_VERSION, "manifest ABI version");
        require(manifest->devices.size() <= NABLA_MAX_DEVICES, "manifest device count");
        for (const auto& d : manifest->devices)
            require(nabla::valid_device_name(d.name), "manifest device names valid");
    }
    return 0;
}
