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

/*
 * musl's SIGCANCEL handler (pthread_cancel.c) moves a thread interrupted
 * between __cp_begin and __cp_end to __cp_cancel. The library OS delivers
 * no signals, so the range is empty and __cp_cancel only acts on the cancel;
 * the labels must still exist for pthread_cancel to link.
 */
__asm__(".text\n"
        ".global __cp_begin\n.hidden __cp_begin\n"
        ".global __cp_end\n.hidden __cp_end\n"
        ".global __cp_cancel\n.hidden __cp_cancel\n"
        "__cp_begin:\n__cp_end:\n__cp_cancel:\n"
        "\tjmp __cancel\n");
