/*
 * nabla's memcpy for x86_64, in place of musl's memcpy.s. musl's version
 * starts every copy with `rep movsq`, whose start-up cost dominates the
 * short copies that interpreters and string code make most (Lua's string
 * benchmark spent 30% of its time there). Short copies here are a few
 * overlapping unaligned loads and stores; long ones use `rep movsb`, which
 * CPUs with ERMS run at full speed.
 */
#include <stddef.h>
#include <stdint.h>

typedef uint64_t __attribute__((may_alias, aligned(1))) u64;
typedef uint32_t __attribute__((may_alias, aligned(1))) u32;
typedef uint16_t __attribute__((may_alias, aligned(1))) u16;

void *memcpy(void *restrict dest, const void *restrict src, size_t n);
void *memcpy(void *restrict dest, const void *restrict src, size_t n)
{
	unsigned char *d = dest;
	const unsigned char *s = src;

	if (n <= 16) {
		if (n >= 8) {
			uint64_t a = *(const u64 *)s, b = *(const u64 *)(s + n - 8);
			*(u64 *)d = a;
			*(u64 *)(d + n - 8) = b;
		} else if (n >= 4) {
			uint32_t a = *(const u32 *)s, b = *(const u32 *)(s + n - 4);
			*(u32 *)d = a;
			*(u32 *)(d + n - 4) = b;
		} else if (n >= 2) {
			uint16_t a = *(const u16 *)s, b = *(const u16 *)(s + n - 2);
			*(u16 *)d = a;
			*(u16 *)(d + n - 2) = b;
		} else if (n) {
			*d = *s;
		}
		return dest;
	}
	if (n >= 2048) {
		__asm__ volatile ("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
		return dest;
	}
	/* 17..2047 bytes: 16 at a time, then the last 16 (overlapping). */
	uint64_t t0 = *(const u64 *)(s + n - 16), t1 = *(const u64 *)(s + n - 8);
	unsigned char *tail = d + n - 16;
	for (; n > 16; n -= 16, d += 16, s += 16) {
		uint64_t a = *(const u64 *)s, b = *(const u64 *)(s + 8);
		*(u64 *)d = a;
		*(u64 *)(d + 8) = b;
	}
	*(u64 *)tail = t0;
	*(u64 *)(tail + 8) = t1;
	return dest;
}

/* musl's memmove.s jumps here when dest < src: the copy above goes front to
 * back (and loads the tail before the loop), so overlap that way is safe. */
extern __typeof(memcpy) __memcpy_fwd __attribute__((alias("memcpy"), visibility("hidden")));
