// Ending a thread, for sys_exit (sys_process.cpp) and musl's thread exit
// (sys_thread.cpp).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace nabla::posix {

// Ends the calling thread as SYS_exit does: zeroes its clear-tid word and
// wakes a futex waiter on it, then switches away for good. unmap: memory
// the thread still runs on, freed once it is off it (a detached thread's
// stack). The last thread ends the process with status.
[[noreturn]] void end_thread(int status, uintptr_t unmap_base = 0, size_t unmap_size = 0);

} // namespace nabla::posix
