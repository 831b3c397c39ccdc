#include "guest_memory.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <fmt/format.h>
#include <utility>

namespace nabla {
namespace {

uint64_t page_up(uint64_t v) { return (v + page_size - 1) & ~(page_size - 1); }
uint64_t page_down(uint64_t v) { return v & ~(page_size - 1); }

int prot_of(const LoadSegment& s) {
    return (s.read ? PROT_READ : 0) | (s.write ? PROT_WRITE : 0) | (s.exec ? PROT_EXEC : 0);
}

} // namespace

uint64_t stack_size_for(uint64_t mem_bytes) {
    return std::clamp<uint64_t>(mem_bytes / 8, 256 * 1024, 8 * 1024 * 1024);
}

Result<GuestLayout> plan_layout(const ElfImage& image, uint64_t mem_start, uint64_t mem_bytes, uint64_t boot_bytes) {
    GuestLayout l{};
    // Link addresses are < 2^47 (checked by parse_elf), so none of this wraps.
    l.bias = mem_start - image.image_start;
    l.mem_start = mem_start;
    l.mem_end = mem_start + mem_bytes;
    l.boot_start = image.image_end + l.bias;
    l.heap_start = page_up(l.boot_start + boot_bytes);
    l.stack_top = l.mem_end;
    l.stack_low = l.mem_end - stack_size_for(mem_bytes);
    l.heap_end = l.stack_low - stack_guard_gap;
    uint64_t image_bytes = image.image_end - image.image_start;
    if (l.heap_start > l.heap_end || l.heap_end - l.heap_start < min_heap) {
        // The stack grows with --mem, so search for the first size that fits.
        uint64_t fixed = image_bytes + page_up(boot_bytes) + min_heap + stack_guard_gap;
        uint64_t mib = (fixed + (1 << 20) - 1) >> 20;
        while (fixed + stack_size_for(mib << 20) > mib << 20) mib++;
        return fail(Exit::usage, fmt::format("--mem={} MiB is too small for this unikernel: its image ({} KiB), "
                                             "boot data, 1 MiB of heap and the stack need {} MiB",
                                             mem_bytes >> 20, image_bytes >> 10, mib));
    }
    return l;
}

Result<GuestMemory> GuestMemory::reserve(const ElfImage& image, uint64_t mem_bytes) {
    uint64_t total = mem_bytes + page_size;
    void* hint = nullptr;
    int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
    if (!image.pie) {
        // A fixed-address image may not sit on the tender, nor below mmap_min_addr.
        if (image.image_start < 0x10000 + page_size)
            return fail(Exit::bad_kernel, fmt::format("ET_EXEC image starts at {:#x}, below the lowest mappable "
                                                      "address plus a guard page", image.image_start));
        if (image.image_end - image.image_start > mem_bytes)
            return fail(Exit::usage, fmt::format("--mem={} MiB is smaller than the image", mem_bytes >> 20));
        hint = reinterpret_cast<void*>(image.image_start - page_size);
        flags |= MAP_FIXED_NOREPLACE;
    }
    void* p = ::mmap(hint, total, PROT_NONE, flags, -1, 0);
    if (p == MAP_FAILED) {
        if (!image.pie && errno == EEXIST)
            return fail(Exit::os_error, fmt::format("ET_EXEC image at {:#x} with --mem={} MiB collides with the tender's "
                                                    "own mappings; rebuild it as static-PIE or lower --mem",
                                                    image.image_start, mem_bytes >> 20));
        return fail_errno(Exit::os_error, fmt::format("cannot reserve {} MiB of guest memory", mem_bytes >> 20));
    }
    return GuestMemory(reinterpret_cast<uint64_t>(p), total);
}

GuestMemory::GuestMemory(GuestMemory&& other) noexcept
    : map_start_(std::exchange(other.map_start_, 0)), map_bytes_(std::exchange(other.map_bytes_, 0)) {}

GuestMemory::~GuestMemory() {
    if (map_bytes_) ::munmap(reinterpret_cast<void*>(map_start_), map_bytes_);
}

std::span<std::byte> GuestMemory::bytes(uint64_t addr, uint64_t size) const {
    uint64_t lo = mem_start(), hi = map_start_ + map_bytes_;
    if (addr < lo || addr > hi || size > hi - addr) return {};
    return {reinterpret_cast<std::byte*>(addr), size};
}

Result<void> GuestMemory::load(const ElfImage& image, std::span<const std::byte> file, const GuestLayout& l) {
    auto protect = [](uint64_t lo, uint64_t hi, int prot, std::string_view what) -> Result<void> {
        if (hi > lo && ::mprotect(reinterpret_cast<void*>(lo), hi - lo, prot) != 0)
            return fail_errno(Exit::os_error, fmt::format("mprotect of {}", what));
        return {};
    };
    for (const auto& s : image.segments) {
        uint64_t lo = page_down(s.vaddr + l.bias), hi = page_up(s.vaddr + s.memsz + l.bias);
        if (auto ok = protect(lo, hi, PROT_READ | PROT_WRITE, "a segment"); !ok) return ok;
        auto dst = bytes(s.vaddr + l.bias, s.filesz);
        if (dst.size() != s.filesz) return fail(Exit::bad_kernel, "segment outside guest memory");
        std::copy_n(file.begin() + static_cast<long>(s.offset), s.filesz, dst.begin());
        // The rest up to memsz (.bss) is zero: the mapping is fresh and anonymous.
        if (auto ok = protect(lo, hi, prot_of(s), "a segment"); !ok) return ok;
    }
    // Boot data and heap, then the stack; the guard page, the gaps between
    // segments and the gap below the stack stay PROT_NONE.
    if (auto ok = protect(page_down(l.boot_start), l.heap_end, PROT_READ | PROT_WRITE, "the heap"); !ok) return ok;
    return protect(l.stack_low, l.stack_top, PROT_READ | PROT_WRITE, "the stack");
}

} // namespace nabla
