/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Joining strings without printf, private to the P1 library: names are
 * built for every object of every telegram, and parsing a format string
 * each time costs more than the rest of the decoding.
 */
#ifndef SMCARD_P1_STR_H
#define SMCARD_P1_STR_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

/* @dst (@size bytes) = the strings up to NULL, cut to fit. */
static inline void p1_join(char *dst, size_t size, ...)
{
	size_t len = 0;
	const char *s;
	va_list ap;

	va_start(ap, size);
	while ((s = va_arg(ap, const char *))) {
		size_t n = strlen(s);

		if (n > size - 1 - len)
			n = size - 1 - len;
		memcpy(dst + len, s, n);
		len += n;
	}
	va_end(ap);
	dst[len] = '\0';
}

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
