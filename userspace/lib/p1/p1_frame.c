// SPDX-License-Identifier: GPL-2.0
/*
 * Cut P1 telegrams out of a byte stream. A text telegram runs from '/' to
 * the line that starts with '!' (followed by 0-4 hex CRC digits). A '/' at
 * the start of a line inside a telegram means the previous one was cut
 * short (meter restarted, cable replugged): it is dropped and framing
 * starts again there. Bytes outside telegrams are counted and skipped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "p1.h"

int p1_framer_init(struct p1_framer *f, enum p1_frame_mode mode, size_t max)
{
	memset(f, 0, sizeof(*f));
	f->mode = mode;
	f->max = max ? max : P1_DEFAULT_MAX_TELEGRAM;
	return 0;
}

void p1_framer_free(struct p1_framer *f)
{
	free(f->buf);
	memset(f, 0, sizeof(*f));
}

static void drop(struct p1_framer *f, size_t n)
{
	memmove(f->buf, f->buf + n, f->len - n);
	f->len -= n;
	f->offset += n;
}

static void compact(struct p1_framer *f)
{
	if (f->consumed) {
		drop(f, f->consumed);
		f->consumed = 0;
	}
}

int p1_framer_push(struct p1_framer *f, const void *data, size_t len)
{
	compact(f);
	if (f->len + len > f->cap) {
		size_t cap = f->cap ? f->cap : 4096;
		uint8_t *p;

		while (cap < f->len + len)
			cap *= 2;
		p = realloc(f->buf, cap);
		if (!p)
			return -ENOMEM;
		f->buf = p;
		f->cap = cap;
	}
	memcpy(f->buf + f->len, data, len);
	f->len += len;
	return 0;
}

static void skip(struct p1_framer *f, size_t n)
{
	f->skipped += n;
	drop(f, n);
}

static int __attribute__((format(printf, 4, 5)))
fail(struct p1_error *err, uint64_t pos, int ret, const char *fmt, ...)
{
	va_list ap;

	err->pos = (size_t)pos;
	err->line = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return ret;
}

static bool is_hex(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/*
 * Look at the end line starting at buf[e] == '!'. Returns the frame length
 * (from 0) when complete, 0 when more bytes are needed, -1 if malformed.
 */
static long end_line(const uint8_t *buf, size_t len, size_t e, bool eof)
{
	size_t i = e + 1;

	while (i < len && i - e <= 4 && is_hex(buf[i]))
		i++;
	if (i == len)
		return eof ? (long)i : 0;
	if (buf[i] == '\n')
		return (long)i + 1;
	if (buf[i] != '\r')
		return -1;
	if (i + 1 == len)
		return eof ? (long)i + 1 : 0;
	return buf[i + 1] == '\n' ? (long)i + 2 : (long)i + 1;
}

static int next_text(struct p1_framer *f, bool eof, const uint8_t **frame,
		     size_t *len, struct p1_error *err)
{
	for (;;) {
		uint8_t *start = memchr(f->buf, '/', f->len);
		size_t i;

		if (!start) {
			skip(f, f->len);
			return 0;
		}
		skip(f, (size_t)(start - f->buf));

		for (i = 1; i < f->len; i++) {
			if (f->buf[i - 1] != '\n')
				continue;
			if (f->buf[i] == '/' || f->buf[i] == '!')
				break;
		}
		if (i < f->len && f->buf[i] == '/') {
			f->truncated++;
			skip(f, i);
			continue;
		}
		if (i >= f->len) {
			if (f->len > f->max) {
				uint64_t pos = f->offset;

				skip(f, 1);
				return fail(err, pos, -EMSGSIZE,
					    "telegram longer than %zu bytes without end marker '!'",
					    f->max);
			}
			if (!eof)
				return 0;
			{
				uint64_t pos = f->offset;
				size_t n = f->len;

				f->truncated++;
				skip(f, n);
				return fail(err, pos, -EPIPE,
					    "truncated telegram: %zu bytes from '/' without end marker '!'",
					    n);
			}
		}

		long end = end_line(f->buf, f->len, i, eof);

		if (end == 0)
			return 0;
		if (end < 0) {
			uint64_t pos = f->offset + i;

			skip(f, i + 1);
			return fail(err, pos, -EBADMSG,
				    "malformed end line: '!' must be followed by at most 4 hex digits and a line end");
		}
		*frame = f->buf;
		*len = (size_t)end;
		f->consumed = (size_t)end;
		return 1;
	}
}

static int next_smarty(struct p1_framer *f, bool eof, const uint8_t **frame,
		       size_t *len, struct p1_error *err)
{
	for (;;) {
		uint8_t *start = memchr(f->buf, 0xdb, f->len);
		long n;

		if (!start) {
			skip(f, f->len);
			return 0;
		}
		skip(f, (size_t)(start - f->buf));
		n = p1_smarty_frame_len(f->buf, f->len, f->max);
		if (n < 0) {
			skip(f, 1);
			continue;
		}
		if (n > 0 && (size_t)n <= f->len) {
			*frame = f->buf;
			*len = (size_t)n;
			f->consumed = (size_t)n;
			return 1;
		}
		if (!eof)
			return 0;
		{
			uint64_t pos = f->offset;
			size_t have = f->len;

			f->truncated++;
			skip(f, have);
			return fail(err, pos, -EPIPE,
				    "truncated encrypted frame: only %zu bytes",
				    have);
		}
	}
}

int p1_framer_next(struct p1_framer *f, bool eof, const uint8_t **frame,
		   size_t *len, struct p1_error *err)
{
	compact(f);
	if (!f->len)
		return 0;
	if (f->mode == P1_FRAME_SMARTY)
		return next_smarty(f, eof, frame, len, err);
	return next_text(f, eof, frame, len, err);
}
