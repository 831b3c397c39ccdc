// Heap objects for the library OS, from musl's malloc (whose own memory
// comes from the page allocator through brk and mmap, which never
// allocate). No exceptions: make<T> returns nullptr when memory is out.
#pragma once

#include <stddef.h>
#include <stdlib.h>

#if __has_include(<new>) // host unit tests: the C++ library has placement new
#include <new>
#else
inline void* operator new(size_t, void* at) noexcept { return at; }
#endif

namespace nabla::kernel {

template <typename T, typename... Args>
T* make(Args... args) {
    void* p = calloc(1, sizeof(T));
    return p ? new (p) T(args...) : nullptr;
}

template <typename T>
void destroy(T* p) {
    if (!p) return;
    p->~T();
    free(p);
}

} // namespace nabla::kernel
