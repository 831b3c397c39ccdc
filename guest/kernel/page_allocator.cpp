#include "page_allocator.hpp"

#include <string.h>

namespace nabla::kernel {

PageAllocator& pages() {
    static PageAllocator instance;
    return instance;
}

void PageAllocator::init(uintptr_t start, uintptr_t end) {
    size_t total = (end - start) / page_size;
    size_t words = (total + 63) / 64;
    size_t meta_pages = (2 * words * sizeof(uint64_t) + page_size - 1) / page_size;
    used_ = reinterpret_cast<uint64_t*>(start);
    dirty_ = used_ + words;
    base_ = start + meta_pages * page_size;
    pages_ = total - meta_pages;
    free_ = pages_;
    free_top_ = pages_;
    brk_base_ = brk_ = base_;
    // Fresh host memory is zero: both bitmaps start empty.
}

void PageAllocator::mark(size_t first, size_t n, bool in_use) {
    for (size_t i = first; i < first + n; i++) {
        uint64_t bit = uint64_t{1} << (i % 64);
        if (in_use) {
            used_[i / 64] |= bit;
            dirty_[i / 64] |= bit;
        } else {
            used_[i / 64] &= ~bit;
        }
    }
    if (in_use) {
        free_ -= n;
    } else {
        free_ += n;
        if (first + n > free_top_) free_top_ = first + n;
    }
}

bool PageAllocator::run_free(size_t first, size_t n) const {
    if (first > pages_ || n > pages_ - first) return false;
    for (size_t i = first; i < first + n; i++)
        if (used(i)) return false;
    return true;
}

void PageAllocator::zero_dirty(size_t first, size_t n) {
    for (size_t i = first; i < first + n; i++)
        if (dirty_[i / 64] >> (i % 64) & 1) memset(reinterpret_cast<void*>(base_ + i * page_size), 0, page_size);
}

uintptr_t PageAllocator::map(size_t n) {
    if (n == 0 || n > free_) return 0;
    // Top down, so that the break below has room to grow; from the highest
    // page that may be free, a word of 64 used pages at a time, so that
    // malloc's frequent mmap and munmap do not scan the whole memory.
    size_t run = 0, highest_free = 0;
    bool seen_free = false;
    for (size_t i = free_top_; i-- > 0;) {
        if (i % 64 == 63 && used_[i / 64] == ~uint64_t{0}) {
            run = 0;
            i -= 63;
            continue;
        }
        if (used(i)) {
            run = 0;
            continue;
        }
        if (!seen_free) {
            seen_free = true;
            highest_free = i;
        }
        if (++run == n) {
            zero_dirty(i, n);
            mark(i, n, true);
            // Nothing above the run is free now, or nothing above highest_free.
            free_top_ = i + n - 1 == highest_free ? i : highest_free + 1;
            return base_ + i * page_size;
        }
    }
    free_top_ = seen_free ? highest_free + 1 : 0;
    return 0;
}

bool PageAllocator::map_at(uintptr_t addr, size_t n) {
    if (addr < base_ || addr % page_size || !run_free(index(addr), n)) return false;
    zero_dirty(index(addr), n);
    mark(index(addr), n, true);
    return true;
}

void PageAllocator::unmap(uintptr_t addr, size_t n) {
    if (addr < base_ || addr % page_size) return;
    size_t first = index(addr);
    for (size_t i = first; i < first + n && i < pages_; i++)
        if (used(i)) mark(i, 1, false);
}

bool PageAllocator::grow(uintptr_t addr, size_t old_pages, size_t new_pages) {
    if (addr < base_ || new_pages <= old_pages) return new_pages <= old_pages;
    size_t first = index(addr) + old_pages, extra = new_pages - old_pages;
    if (!run_free(first, extra)) return false;
    zero_dirty(first, extra);
    mark(first, extra, true);
    return true;
}

bool PageAllocator::owns(uintptr_t addr, size_t bytes) const {
    return addr >= base_ && bytes <= pages_ * page_size && addr - base_ <= pages_ * page_size - bytes;
}

uintptr_t PageAllocator::set_brk(uintptr_t want) {
    uintptr_t old_end = (brk_ + page_size - 1) & ~(page_size - 1);
    uintptr_t new_end = (want + page_size - 1) & ~(page_size - 1);
    if (want < brk_base_ || !owns(brk_base_, want - brk_base_)) return brk_;
    if (new_end > old_end) {
        size_t first = index(old_end), n = (new_end - old_end) / page_size;
        if (!run_free(first, n)) return brk_;
        zero_dirty(first, n);
        mark(first, n, true);
    } else if (new_end < old_end) {
        mark(index(new_end), (old_end - new_end) / page_size, false);
    }
    brk_ = want;
    return brk_;
}

} // namespace nabla::kernel
