/*
 * nabla's replacement for musl's __unmapself: a detached thread's last act
 * frees the mapping it runs on (stack and TLS) and exits. The generic C
 * version switches to a 256-byte static stack for the munmap and exit
 * calls, too small for the library OS behind them; here the library OS
 * ends the thread and frees the mapping once it has switched away from it.
 */
#include "pthread_impl.h"

_Noreturn void __nabla_unmapself(void *base, size_t size);

void __unmapself(void *base, size_t size)
{
	__nabla_unmapself(base, size);
}
