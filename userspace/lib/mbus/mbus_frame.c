// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "mbus_frame.h"

uint8_t mbus_checksum(const uint8_t *p, size_t len)
{
	uint8_t cs = 0;

	while (len--)
		cs = (uint8_t)(cs + *p++);
	return cs;
}

static int need(size_t have, size_t want, struct mbus_error *err)
{
	if (have >= want)
		return 0;
	return mbus_fail(err, -ENODATA, have,
			 "truncated frame: %zu bytes expected, %zu present",
			 want, have);
}

static int check_tail(const uint8_t *buf, size_t cs_pos, size_t sum_from,
		      struct mbus_error *err)
{
	uint8_t cs = mbus_checksum(buf + sum_from, cs_pos - sum_from);

	if (buf[cs_pos] != cs)
		return mbus_fail(err, -EBADMSG, cs_pos,
				 "checksum 0x%02X, computed 0x%02X",
				 buf[cs_pos], cs);
	if (buf[cs_pos + 1] != MBUS_STOP)
		return mbus_fail(err, -EBADMSG, cs_pos + 1,
				 "stop byte 0x%02X, expected 0x16",
				 buf[cs_pos + 1]);
	return 0;
}

static int parse_short(const uint8_t *buf, size_t len, struct mbus_frame *f,
		       struct mbus_error *err)
{
	int ret = need(len, 5, err);

	if (ret)
		return ret;
	ret = check_tail(buf, 3, 1, err);
	if (ret)
		return ret;
	f->type = MBUS_FRAME_SHORT;
	f->c = buf[1];
	f->a = buf[2];
	return 5;
}

static int parse_long(const uint8_t *buf, size_t len, struct mbus_frame *f,
		      struct mbus_error *err)
{
	size_t l, total;
	int ret = need(len, 4, err);

	if (ret)
		return ret;
	if (buf[1] != buf[2])
		return mbus_fail(err, -EBADMSG, 2,
				 "length bytes differ: 0x%02X and 0x%02X",
				 buf[1], buf[2]);
	if (buf[3] != MBUS_START_LONG)
		return mbus_fail(err, -EBADMSG, 3,
				 "second start byte 0x%02X, expected 0x68",
				 buf[3]);
	l = buf[1];
	if (l < 3)
		return mbus_fail(err, -EBADMSG, 1,
				 "length %zu too small (C, A and CI need 3)", l);
	total = l + 6;
	ret = need(len, total, err);
	if (ret)
		return ret;
	ret = check_tail(buf, 4 + l, 4, err);
	if (ret)
		return ret;
	f->type = l == 3 ? MBUS_FRAME_CONTROL : MBUS_FRAME_LONG;
	f->c = buf[4];
	f->a = buf[5];
	f->ci = buf[6];
	f->data = buf + 7;
	f->data_len = l - 3;
	f->data_pos = 7;
	return (int)total;
}

int mbus_frame_parse(const uint8_t *buf, size_t len, struct mbus_frame *f,
		     struct mbus_error *err)
{
	int ret = need(len, 1, err);

	if (ret)
		return ret;
	memset(f, 0, sizeof(*f));
	switch (buf[0]) {
	case MBUS_ACK:
		f->type = MBUS_FRAME_ACK;
		return 1;
	case MBUS_START_SHORT:
		return parse_short(buf, len, f, err);
	case MBUS_START_LONG:
		return parse_long(buf, len, f, err);
	default:
		return mbus_fail(err, -EBADMSG, 0,
				 "start byte 0x%02X is not E5, 10 or 68",
				 buf[0]);
	}
}

int mbus_frame_build(uint8_t *out, size_t size, const struct mbus_frame *f)
{
	size_t l;

	switch (f->type) {
	case MBUS_FRAME_ACK:
		if (size < 1)
			return -ENOSPC;
		out[0] = MBUS_ACK;
		return 1;
	case MBUS_FRAME_SHORT:
		if (size < 5)
			return -ENOSPC;
		out[0] = MBUS_START_SHORT;
		out[1] = f->c;
		out[2] = f->a;
		out[3] = mbus_checksum(out + 1, 2);
		out[4] = MBUS_STOP;
		return 5;
	case MBUS_FRAME_CONTROL:
		if (f->data_len)
			return -EINVAL;
		break;
	case MBUS_FRAME_LONG:
		if (f->data_len > MBUS_MAX_DATA)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	l = f->data_len + 3;
	if (size < l + 6)
		return -ENOSPC;
	out[0] = MBUS_START_LONG;
	out[1] = (uint8_t)l;
	out[2] = (uint8_t)l;
	out[3] = MBUS_START_LONG;
	out[4] = f->c;
	out[5] = f->a;
	out[6] = f->ci;
	if (f->data_len)
		memmove(out + 7, f->data, f->data_len);
	out[4 + l] = mbus_checksum(out + 4, l);
	out[5 + l] = MBUS_STOP;
	return (int)(l + 6);
}

int mbus_frame_build_ack(uint8_t *out, size_t size)
{
	struct mbus_frame f = { .type = MBUS_FRAME_ACK };

	return mbus_frame_build(out, size, &f);
}

int mbus_frame_build_short(uint8_t *out, size_t size, uint8_t c, uint8_t a)
{
	struct mbus_frame f = { .type = MBUS_FRAME_SHORT, .c = c, .a = a };

	return mbus_frame_build(out, size, &f);
}

int mbus_frame_build_long(uint8_t *out, size_t size, uint8_t c, uint8_t a,
			  uint8_t ci, const uint8_t *data, size_t len)
{
	struct mbus_frame f = {
		.type = len ? MBUS_FRAME_LONG : MBUS_FRAME_CONTROL,
		.c = c, .a = a, .ci = ci, .data = data, .data_len = len,
	};

	return mbus_frame_build(out, size, &f);
}

const char *mbus_c_name(uint8_t c)
{
	if (c & MBUS_C_PRM) {
		switch (c & ~(MBUS_C_FCB | MBUS_C_FCV)) {
		case MBUS_C_SND_NKE:
			return "SND_NKE";
		case MBUS_C_SND_UD & ~(MBUS_C_FCB | MBUS_C_FCV):
			return "SND_UD";
		case MBUS_C_REQ_UD1 & ~(MBUS_C_FCB | MBUS_C_FCV):
			return "REQ_UD1";
		case MBUS_C_REQ_UD2 & ~(MBUS_C_FCB | MBUS_C_FCV):
			return "REQ_UD2";
		}
		return NULL;
	}
	if ((c & ~(MBUS_C_ACD | MBUS_C_DFC)) == MBUS_C_RSP_UD)
		return "RSP_UD";
	return NULL;
}
