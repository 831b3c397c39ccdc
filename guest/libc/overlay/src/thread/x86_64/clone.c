/*
 * nabla's replacement for musl's clone.s: the library OS makes the thread
 * (guest/posix/sys_thread.cpp). __nabla_clone runs func(arg) on the new
 * stack with the new TLS and ends the thread with its return value, as the
 * child of clone.s does; the caller gets the new tid or -errno. Only the
 * flags pthread_create passes are accepted: anything fork-like is -ENOSYS.
 */
#include <stdarg.h>
#include "pthread_impl.h"

long __nabla_clone(int (*func)(void *), void *stack, int flags, void *arg, pid_t *ptid, void *tls, pid_t *ctid);

int __clone(int (*func)(void *), void *stack, int flags, void *arg, ...)
{
	va_list ap;
	va_start(ap, arg);
	pid_t *ptid = va_arg(ap, pid_t *);
	void *tls = va_arg(ap, void *);
	pid_t *ctid = va_arg(ap, pid_t *);
	va_end(ap);
	return __nabla_clone(func, stack, flags, arg, ptid, tls, ctid);
}
