// Anonymous memory over the page allocator. The host mapping is fixed once
// the filter is on, so protections cannot change: mprotect checks its
// arguments and succeeds without changing anything (guard pages that a
// program asks for are not enforced), and file mappings are refused.
#include "syscall.hpp"

#include "../kernel/page_allocator.hpp"

#include <sys/mman.h>

namespace nabla::posix {
namespace {

using kernel::page_size;
using kernel::pages;

size_t page_count(long bytes) { return (static_cast<size_t>(bytes) + page_size - 1) / page_size; }

} // namespace

long sys_brk(long addr, long, long, long, long, long) {
    if (addr == 0) return static_cast<long>(pages().brk());
    return static_cast<long>(pages().set_brk(static_cast<uintptr_t>(addr)));
}

long sys_mmap(long addr, long len, long prot, long flags, long fd, long off) {
    (void)prot;
    (void)off;
    if (len <= 0) return -EINVAL;
    if (!(flags & MAP_ANONYMOUS) || fd != -1) return -ENODEV; // no file mappings
    if ((flags & MAP_TYPE) == MAP_SHARED_VALIDATE) return -EOPNOTSUPP;
    size_t n = page_count(len);
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        auto at = static_cast<uintptr_t>(addr);
        if (at % page_size) return -EINVAL;
        if (flags & MAP_FIXED) pages().unmap(at, n); // replaces what was there, as on Linux
        return pages().map_at(at, n) ? addr : -ENOMEM;
    }
    uintptr_t p = pages().map(n);
    return p ? static_cast<long>(p) : -ENOMEM;
}

long sys_munmap(long addr, long len, long, long, long, long) {
    if (addr % page_size || len <= 0) return -EINVAL;
    pages().unmap(static_cast<uintptr_t>(addr), page_count(len));
    return 0;
}

long sys_mremap(long addr, long old_len, long new_len, long flags, long, long) {
    if (addr % page_size || new_len <= 0) return -EINVAL;
    auto at = static_cast<uintptr_t>(addr);
    size_t old_n = page_count(old_len), new_n = page_count(new_len);
    if (!pages().owns(at, old_n * page_size)) return -EFAULT;
    if (new_n <= old_n) {
        pages().unmap(at + new_n * page_size, old_n - new_n);
        return addr;
    }
    if (pages().grow(at, old_n, new_n)) return addr;
    if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
    uintptr_t to = pages().map(new_n);
    if (!to) return -ENOMEM;
    __builtin_memcpy(reinterpret_cast<void*>(to), reinterpret_cast<void*>(at), old_n * page_size);
    pages().unmap(at, old_n);
    return static_cast<long>(to);
}

long sys_mprotect(long addr, long len, long prot, long, long, long) {
    if (addr % page_size || len < 0) return -EINVAL;
    if (prot & PROT_EXEC) return -EACCES; // W^X holds: no new executable memory
    return 0;
}

long sys_madvise(long addr, long, long advice, long, long, long) {
    if (addr % page_size) return -EINVAL;
    // MADV_DONTNEED promises zero pages on the next touch; we cannot give
    // memory back to the host, so say no rather than leave old contents.
    if (advice == MADV_DONTNEED) return -EINVAL;
    return 0; // the others are hints
}

} // namespace nabla::posix
