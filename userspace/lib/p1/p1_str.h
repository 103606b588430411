/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Joining strings without printf, private to the P1 library: names are
 * built for every object of every telegram, and parsing a format string
 * each time costs more than the rest of the decoding.
 */
#ifndef SMCARD_P1_STR_H
#define SMCARD_P1_STR_H

#include <stddef.h>
#include <string.h>

/* @dst (@size bytes) = the @n strings of @parts, cut to fit. */
static inline void p1_join_n(char *dst, size_t size,
			     const char *const *parts, size_t n)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		size_t k = strlen(parts[i]);

		if (k > size - 1 - len)
			k = size - 1 - len;
		memcpy(dst + len, parts[i], k);
		len += k;
	}
	dst[len] = '\0';
}

/* p1_join(dst, size, "a", b, "c"): the strings one after the other. */
#define p1_join(dst, size, ...)						\
	p1_join_n(dst, size, (const char *const[]){ __VA_ARGS__ },	\
		  sizeof((const char *const[]){ __VA_ARGS__ }) /	\
		  sizeof(const char *))

/* Decimal @v into @buf (4 bytes: 0..255 and the tariffs). */
static inline const char *p1_utoa(unsigned int v, char buf[4])
{
	char *p = buf + 3;

	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v && p > buf);
	return p;
}

#endif
