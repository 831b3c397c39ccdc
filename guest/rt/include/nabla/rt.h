/*
 * A minimal freestanding runtime for test guests: string functions, a
 * printf, and a start that calls main(argc, argv). Guests built against
 * the full libc (musl, with the library OS) do not link it.
 */
#ifndef NABLA_RT_H
#define NABLA_RT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

/* Formats %d %i %u %x %lu %ld %lx %llu %lld %llx %zu %zd %p %s %c %%,
 * with an optional width, '0' flag and '-' flag. */
int nabla_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int nabla_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int nabla_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int nabla_eprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Decimal to integer; returns 0 on success. */
int nabla_parse_u64(const char *s, uint64_t *out);

#ifdef __cplusplus
}
#endif

#endif
