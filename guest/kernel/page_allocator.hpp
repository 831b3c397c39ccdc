// Guest memory above the image: brk grows up from the bottom, mmap takes
// runs of pages from the top down. One bit per page says "in use", another
// "has been written", so that fresh pages (zero from the host) are handed
// out without clearing them. The host mapping never changes after the
// filter is on: this only hands out addresses.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace nabla::kernel {

inline constexpr uintptr_t page_size = 4096;

class PageAllocator {
public:
    // [start, end) page-aligned; the bitmaps are carved from its bottom.
    void init(uintptr_t start, uintptr_t end);

    // Anonymous zeroed pages, or 0 when no run of n pages is free.
    uintptr_t map(size_t pages);
    // Claims exactly [addr, addr + pages) if it is free (MAP_FIXED_NOREPLACE).
    bool map_at(uintptr_t addr, size_t pages);
    // Returns pages; addresses outside the managed range are ignored.
    void unmap(uintptr_t addr, size_t pages);
    // Grows a mapping in place if the pages above it are free.
    bool grow(uintptr_t addr, size_t old_pages, size_t new_pages);
    bool owns(uintptr_t addr, size_t bytes) const;

    // brk: the break moves inside [brk_base, ...) as long as pages are free.
    uintptr_t brk_base() const { return brk_base_; }
    uintptr_t brk() const { return brk_; }
    uintptr_t set_brk(uintptr_t want); // returns the new (or unchanged) break

    size_t free_pages() const { return free_; }
    size_t total_pages() const { return pages_; }

private:
    bool used(size_t i) const { return used_[i / 64] >> (i % 64) & 1; }
    void mark(size_t first, size_t n, bool in_use);
    bool run_free(size_t first, size_t n) const;
    void zero_dirty(size_t first, size_t n);
    size_t index(uintptr_t addr) const { return (addr - base_) / page_size; }

    uintptr_t base_ = 0;
    size_t pages_ = 0, free_ = 0;
    size_t free_top_ = 0; // no page at or above this index is free
    uint64_t *used_ = nullptr, *dirty_ = nullptr;
    uintptr_t brk_base_ = 0, brk_ = 0;
};

PageAllocator& pages();

} // namespace nabla::kernel
