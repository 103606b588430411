/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the M-Bus unit tests. */
#ifndef TEST_MBUS_UTIL_H
#define TEST_MBUS_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hexdump.h"
#include "mbus.h"

/* Hex text to bytes; aborts the test program on bad input. */
static inline size_t hex(const char *s, uint8_t *out, size_t size)
{
	size_t pos;
	long n = smcard_hex_parse(s, out, size, &pos);

	if (n < 0) {
		fprintf(stderr, "bad hex in test at %zu: %s\n", pos, s);
		abort();
	}
	return (size_t)n;
}

/*
 * Wrap @data (hex) into a long frame with C, A and CI, computing L and
 * the checksum, so tests only spell out what they are about.
 */
static inline size_t long_frame(uint8_t c, uint8_t a, uint8_t ci,
				const char *data, uint8_t *out, size_t size)
{
	uint8_t d[MBUS_MAX_DATA];
	size_t n = hex(data, d, sizeof(d));
	int len = mbus_frame_build_long(out, size, c, a, ci, d, n);

	if (len < 0)
		abort();
	return (size_t)len;
}

/*
 * Decode a long frame from a slave built around @data; returns the parse
 * result. The frame lives on this stack: use t->records, not t->frame.data.
 */
static inline int decode_rsp(uint8_t ci, const char *data,
			     struct mbus_telegram *t, struct mbus_error *err)
{
	uint8_t f[MBUS_MAX_FRAME];
	size_t n = long_frame(MBUS_C_RSP_UD, 1, ci, data, f, sizeof(f));

	mbus_telegram_init(t);
	return mbus_telegram_parse(f, n, t, err);
}

/* The exact text of a record's value. */
static inline const char *vstr(const struct mbus_record *r, char *buf,
			       size_t size)
{
	mbus_value_format(&r->value, buf, size);
	return buf;
}

#endif
