// The library OS's Linux system call layer: musl's every system call lands
// in __nabla_syscall (see guest/libc/overlay/arch/x86_64/syscall_arch.h),
// which looks the number up in one table (syscall_list.hpp). Handlers
// return a result or -errno, as the kernel would.
#pragma once

#include <errno.h>
#include <stdint.h>

namespace nabla::posix {

using Handler = long (*)(long, long, long, long, long, long);

// The handlers, one per line of syscall_list.hpp.
#define NABLA_SYSCALL(name, arity) long sys_##name(long, long, long, long, long, long);
#include "syscall_list.hpp"
#undef NABLA_SYSCALL

template <typename T>
T* ptr(long arg) {
    return reinterpret_cast<T*>(static_cast<uintptr_t>(arg));
}

} // namespace nabla::posix
