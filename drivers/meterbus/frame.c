// SPDX-License-Identifier: GPL-2.0
/*
 * M-Bus frame assembler and validator (EN 13757-2 link layer).
 *
 * serdev hands over bytes without parity or framing flags, so a frame is
 * judged only by its structure: start byte, the two L fields and the second
 * start byte of long/control frames, the checksum and the stop byte.
 */

#include <linux/export.h>
#include <linux/meterbus.h>
#include <linux/string.h>

void mbus_parser_reset(struct mbus_parser *p)
{
	p->len = 0;
	p->want = 0;
	p->garbage = false;
	p->done = false;
}
EXPORT_SYMBOL_NS_GPL(mbus_parser_reset, MBUS);

static bool mbus_is_start(u8 b)
{
	return b == MBUS_ACK || b == MBUS_START_SHORT || b == MBUS_START_LONG;
}

/* Verdict on a frame of the expected total length */
static int mbus_parser_check(const struct mbus_parser *p)
{
	unsigned int first = p->buf[0] == MBUS_START_SHORT ? 1 : 4;
	unsigned int i;
	u8 sum = 0;

	for (i = first; i < p->len - 2; i++)
		sum += p->buf[i];
	if (sum != p->buf[p->len - 2])
		return MBUS_RESULT_BAD_CHECKSUM;
	if (p->buf[p->len - 1] != MBUS_STOP)
		return MBUS_RESULT_BAD_STOP;
	return MBUS_RESULT_OK;
}

/*
 * Header checks of a long or control frame, once its byte at index
 * p->len - 1 arrived: MBUS_PARSE_MORE or MBUS_RESULT_BAD_LENGTH.
 */
static int mbus_parser_header(struct mbus_parser *p)
{
	u8 b = p->buf[p->len - 1];

	switch (p->len) {
	case 2:
		if (b < MBUS_L_MIN)
			return MBUS_RESULT_BAD_LENGTH;
		p->want = b + MBUS_LONG_OVERHEAD;
		break;
	case 3:
		if (b != p->buf[1])
			return MBUS_RESULT_BAD_LENGTH;
		break;
	case 4:
		if (b != MBUS_START_LONG)
			return MBUS_RESULT_BAD_LENGTH;
		break;
	}
	return MBUS_PARSE_MORE;
}

/**
 * mbus_parser_feed() - assemble frames from received bytes
 * @p: parser state
 * @data: received bytes
 * @len: number of bytes
 * @res: set to MBUS_PARSE_MORE, or to the MBUS_RESULT_* of the event that
 *	ends with the last consumed byte; p->buf and p->len then hold its bytes
 *
 * Stops after each event, so callers loop until all bytes are consumed.
 * Bytes that cannot start a frame are collected into one garbage event,
 * which ends before the next start byte.
 *
 * Return: number of bytes consumed.
 */
size_t mbus_parser_feed(struct mbus_parser *p, const u8 *data, size_t len,
			int *res)
{
	size_t i;

	if (p->done)
		mbus_parser_reset(p);
	*res = MBUS_PARSE_MORE;

	for (i = 0; i < len; i++) {
		u8 b = data[i];

		if (p->garbage) {
			if (mbus_is_start(b)) {
				*res = MBUS_RESULT_GARBAGE;
				break;
			}
			p->buf[p->len++] = b;
			if (p->len == MBUS_FRAME_MAX) {
				*res = MBUS_RESULT_GARBAGE;
				i++;
				break;
			}
			continue;
		}

		p->buf[p->len++] = b;
		if (p->len == 1) {
			if (b == MBUS_ACK) {
				*res = MBUS_RESULT_OK;
				i++;
				break;
			}
			if (b == MBUS_START_SHORT)
				p->want = MBUS_SHORT_LEN;
			else if (b != MBUS_START_LONG)
				p->garbage = true;
			continue;
		}
		if (p->buf[0] == MBUS_START_LONG && p->len <= 4)
			*res = mbus_parser_header(p);
		if (*res == MBUS_PARSE_MORE && p->len == p->want)
			*res = mbus_parser_check(p);
		if (*res != MBUS_PARSE_MORE) {
			i++;
			break;
		}
	}
	if (*res != MBUS_PARSE_MORE)
		p->done = true;
	return i;
}
EXPORT_SYMBOL_NS_GPL(mbus_parser_feed, MBUS);

/**
 * mbus_parser_flush() - end of the byte stream (the line went quiet)
 * @p: parser state
 *
 * Return: MBUS_PARSE_MORE if no bytes are pending, else MBUS_RESULT_GARBAGE
 * or MBUS_RESULT_INCOMPLETE for the pending bytes, which p->buf then holds.
 */
int mbus_parser_flush(struct mbus_parser *p)
{
	if (p->done || !p->len) {
		mbus_parser_reset(p);
		return MBUS_PARSE_MORE;
	}
	p->done = true;
	return p->garbage ? MBUS_RESULT_GARBAGE : MBUS_RESULT_INCOMPLETE;
}
EXPORT_SYMBOL_NS_GPL(mbus_parser_flush, MBUS);

/**
 * mbus_frame_check() - validate one complete frame
 * @frame: the bytes
 * @len: their number
 *
 * Return: MBUS_RESULT_OK if @frame is exactly one valid frame (or E5h),
 * MBUS_RESULT_COLLISION if bytes follow a valid frame, else the defect of
 * the first frame (MBUS_RESULT_INCOMPLETE if it is cut short).
 */
int mbus_frame_check(const u8 *frame, size_t len)
{
	struct mbus_parser p;
	size_t n;
	int res;

	mbus_parser_reset(&p);
	n = mbus_parser_feed(&p, frame, len, &res);
	if (res == MBUS_PARSE_MORE)
		return len ? mbus_parser_flush(&p) : MBUS_RESULT_INCOMPLETE;
	if (res == MBUS_RESULT_OK && n != len)
		return MBUS_RESULT_COLLISION;
	return res;
}
EXPORT_SYMBOL_NS_GPL(mbus_frame_check, MBUS);
