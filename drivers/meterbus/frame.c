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

void meterbus_parser_reset(struct meterbus_parser *p)
{
	p->len = 0;
	p->want = 0;
	p->garbage = false;
	p->done = false;
}
EXPORT_SYMBOL_NS_GPL(meterbus_parser_reset, METERBUS);

static bool meterbus_is_start(u8 b)
{
	return b == METERBUS_ACK || b == METERBUS_START_SHORT || b == METERBUS_START_LONG;
}

/* Verdict on a frame of the expected total length */
static int meterbus_parser_check(const struct meterbus_parser *p)
{
	unsigned int first = p->buf[0] == METERBUS_START_SHORT ? 1 : 4;
	unsigned int i;
	u8 sum = 0;

	for (i = first; i < p->len - 2; i++)
		sum += p->buf[i];
	if (sum != p->buf[p->len - 2])
		return METERBUS_RESULT_BAD_CHECKSUM;
	if (p->buf[p->len - 1] != METERBUS_STOP)
		return METERBUS_RESULT_BAD_STOP;
	return METERBUS_RESULT_OK;
}

/*
 * Header checks of a long or control frame, once its byte at index
 * p->len - 1 arrived: METERBUS_PARSE_MORE or METERBUS_RESULT_BAD_LENGTH.
 */
static int meterbus_parser_header(struct meterbus_parser *p)
{
	u8 b = p->buf[p->len - 1];

	switch (p->len) {
	case 2:
		if (b < METERBUS_L_MIN)
			return METERBUS_RESULT_BAD_LENGTH;
		p->want = b + METERBUS_LONG_OVERHEAD;
		break;
	case 3:
		if (b != p->buf[1])
			return METERBUS_RESULT_BAD_LENGTH;
		break;
	case 4:
		if (b != METERBUS_START_LONG)
			return METERBUS_RESULT_BAD_LENGTH;
		break;
	}
	return METERBUS_PARSE_MORE;
}

/**
 * meterbus_parser_feed() - assemble frames from received bytes
 * @p: parser state
 * @data: received bytes
 * @len: number of bytes
 * @res: set to METERBUS_PARSE_MORE, or to the METERBUS_RESULT_* of the event that
 *	ends with the last consumed byte; p->buf and p->len then hold its bytes
 *
 * Stops after each event, so callers loop until all bytes are consumed.
 * Bytes that cannot start a frame are collected into one garbage event,
 * which ends before the next start byte.
 *
 * Return: number of bytes consumed.
 */
size_t meterbus_parser_feed(struct meterbus_parser *p, const u8 *data, size_t len,
			    int *res)
{
	size_t i;

	if (p->done)
		meterbus_parser_reset(p);
	*res = METERBUS_PARSE_MORE;

	for (i = 0; i < len; i++) {
		u8 b = data[i];

		if (p->garbage) {
			if (meterbus_is_start(b)) {
				*res = METERBUS_RESULT_GARBAGE;
				break;
			}
			p->buf[p->len++] = b;
			if (p->len == METERBUS_FRAME_MAX) {
				*res = METERBUS_RESULT_GARBAGE;
				i++;
				break;
			}
			continue;
		}

		p->buf[p->len++] = b;
		if (p->len == 1) {
			if (b == METERBUS_ACK) {
				*res = METERBUS_RESULT_OK;
				i++;
				break;
			}
			if (b == METERBUS_START_SHORT)
				p->want = METERBUS_SHORT_LEN;
			else if (b != METERBUS_START_LONG)
				p->garbage = true;
			continue;
		}
		if (p->buf[0] == METERBUS_START_LONG && p->len <= 4)
			*res = meterbus_parser_header(p);
		if (*res == METERBUS_PARSE_MORE && p->len == p->want)
			*res = meterbus_parser_check(p);
		if (*res != METERBUS_PARSE_MORE) {
			i++;
			break;
		}
	}
	if (*res != METERBUS_PARSE_MORE)
		p->done = true;
	return i;
}
EXPORT_SYMBOL_NS_GPL(meterbus_parser_feed, METERBUS);

/**
 * meterbus_parser_flush() - end of the byte stream (the line went quiet)
 * @p: parser state
 *
 * Return: METERBUS_PARSE_MORE if no bytes are pending, else METERBUS_RESULT_GARBAGE
 * or METERBUS_RESULT_INCOMPLETE for the pending bytes, which p->buf then holds.
 */
int meterbus_parser_flush(struct meterbus_parser *p)
{
	if (p->done || !p->len) {
		meterbus_parser_reset(p);
		return METERBUS_PARSE_MORE;
	}
	p->done = true;
	return p->garbage ? METERBUS_RESULT_GARBAGE : METERBUS_RESULT_INCOMPLETE;
}
EXPORT_SYMBOL_NS_GPL(meterbus_parser_flush, METERBUS);

/**
 * meterbus_frame_check() - validate one complete frame
 * @frame: the bytes
 * @len: their number
 *
 * Return: METERBUS_RESULT_OK if @frame is exactly one valid frame (or E5h),
 * METERBUS_RESULT_COLLISION if bytes follow a valid frame, else the defect of
 * the first frame (METERBUS_RESULT_INCOMPLETE if it is cut short).
 */
int meterbus_frame_check(const u8 *frame, size_t len)
{
	struct meterbus_parser p;
	size_t n;
	int res;

	meterbus_parser_reset(&p);
	n = meterbus_parser_feed(&p, frame, len, &res);
	if (res == METERBUS_PARSE_MORE)
		return len ? meterbus_parser_flush(&p) : METERBUS_RESULT_INCOMPLETE;
	if (res == METERBUS_RESULT_OK && n != len)
		return METERBUS_RESULT_COLLISION;
	return res;
}
EXPORT_SYMBOL_NS_GPL(meterbus_frame_check, METERBUS);
