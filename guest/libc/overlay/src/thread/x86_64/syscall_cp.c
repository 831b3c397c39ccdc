/*
 * nabla's replacement for musl's syscall_cp.s: a cancellation point checks
 * the thread's cancel flag, then calls into the library OS. Threads are
 * cooperative, so the flag cannot change between the check and the call.
 */
#include "pthread_impl.h"

hidden long __cancel(void);

hidden long __syscall_cp_asm(volatile int *cancel, syscall_arg_t nr, syscall_arg_t u, syscall_arg_t v,
                             syscall_arg_t w, syscall_arg_t x, syscall_arg_t y, syscall_arg_t z)
{
	if (*cancel) return __cancel();
	return __nabla_syscall(nr, u, v, w, x, y, z);
}
