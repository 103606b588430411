// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>

#include "hexdump.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

long smcard_hex_parse(const char *text, uint8_t *out, size_t size,
		      size_t *err_pos)
{
	size_t n = 0;
	const char *p = text;

	while (*p) {
		int hi, lo;

		if (isspace((unsigned char)*p) || *p == ',') {
			p++;
			continue;
		}
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
		    hexval(p[2]) >= 0 && hexval(p[3]) >= 0)
			p += 2;
		hi = hexval(p[0]);
		lo = hi < 0 ? -1 : hexval(p[1]);
		if (hi < 0 || lo < 0 || n == size) {
			*err_pos = (size_t)(p - text);
			return -1;
		}
		out[n++] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	return (long)n;
}
