// Threads for musl's pthread_create: its __clone (guest/libc/overlay/src/
// thread/x86_64/clone.c) calls __nabla_clone, which starts func(arg) as a
// cooperative thread (kernel/scheduler.hpp) on the stack and TLS musl made.
// Only the flags pthread_create passes are accepted; there is one process,
// so anything fork-like answers ENOSYS and says so once.
#include "futex.hpp"
#include "syscall.hpp"
#include "thread.hpp"

#include "nabla/platform.h"

#include "../kernel/scheduler.hpp"

#include <sched.h>
#include <stdio.h>

namespace nabla::posix {
namespace {

constexpr unsigned long thread_flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                                       CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID |
                                       CLONE_DETACHED;

bool refusal_reported;

template <size_t N>
void log_line(const char (&line)[N], int len) {
    if (len > 0) nabla_console_write_err(line, static_cast<size_t>(len) < N ? static_cast<size_t>(len) : N - 1);
}

// The new thread's first C++ frame: func's return value is its exit status,
// as after the clone system call.
void run_child(void* func, void* arg) {
    end_thread(reinterpret_cast<int (*)(void*)>(func)(arg));
}

long clone_thread(int (*func)(void*), void* stack, unsigned long flags, void* arg, int* ptid, void* tls, int* ctid) {
    if (flags != thread_flags) {
        if (!refusal_reported) {
            refusal_reported = true;
            char line[128];
            log_line(line, snprintf(line, sizeof line,
                                    "nabla: clone with flags %#lx is not supported (one process, threads only): ENOSYS\n",
                                    flags));
        }
        return -ENOSYS;
    }
    if (!func || !stack || !tls || !ptid) return -EINVAL;
    kernel::Thread* t = kernel::spawn(run_child, reinterpret_cast<void*>(func), arg, reinterpret_cast<uintptr_t>(stack),
                                      reinterpret_cast<uintptr_t>(tls));
    if (!t) return -ENOMEM;
    t->clear_tid = ctid;
    *ptid = t->tid; // before the child can run, as CLONE_PARENT_SETTID promises
    return t->tid;
}

} // namespace

void end_thread(int status, uintptr_t unmap_base, size_t unmap_size) {
    if (int* word = kernel::current().clear_tid) {
        __atomic_store_n(word, 0, __ATOMIC_SEQ_CST);
        futex_wake(reinterpret_cast<uintptr_t>(word), 1);
    }
    kernel::exit_current(status, unmap_base, unmap_size);
}

} // namespace nabla::posix

using namespace nabla::posix;

// musl's __clone, with its arguments in clone(2)'s library order.
extern "C" long __nabla_clone(int (*func)(void*), void* stack, int flags, void* arg, int* ptid, void* tls, int* ctid) {
    long rc = clone_thread(func, stack, static_cast<unsigned int>(flags), arg, ptid, tls, ctid);
    if (nabla_boot_info()->guest_flags & NABLA_GUEST_TRACE_SYSCALLS) {
        char line[160];
        log_line(line, snprintf(line, sizeof line, "nabla: clone(%#x, %p, %p, %p, %p) = %ld\n",
                                static_cast<unsigned int>(flags), stack, static_cast<void*>(ptid), tls,
                                static_cast<void*>(ctid), rc));
    }
    return rc;
}

// musl's __unmapself: a detached thread's last call, made on its own stack
// (its TLS is in the same mapping), which goes once it is switched off.
extern "C" [[noreturn]] void __nabla_unmapself(void* base, size_t size) {
    end_thread(0, reinterpret_cast<uintptr_t>(base), size);
}
