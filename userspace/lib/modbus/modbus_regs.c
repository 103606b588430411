// SPDX-License-Identifier: GPL-2.0
/* Modbus register values: width, decoding and encoding. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "modbus_regs.h"

unsigned int mbreg_width(enum mbreg_type t)
{
	return t == MBREG_INT32 || t == MBREG_UINT32 || t == MBREG_FLOAT32 ? 2 : 1;
}

/* The 32-bit value ABCD out of two registers in order @o. */
static uint32_t join(const uint16_t *r, enum mbreg_order o)
{
	uint8_t b[4] = { r[0] >> 8, r[0] & 0xff, r[1] >> 8, r[1] & 0xff };
	static const int idx[4][4] = {
		[MBREG_ABCD] = { 0, 1, 2, 3 },	/* wire bytes for A, B, C, D */
		[MBREG_CDAB] = { 2, 3, 0, 1 },
		[MBREG_BADC] = { 1, 0, 3, 2 },
		[MBREG_DCBA] = { 3, 2, 1, 0 },
	};
	const int *i = idx[o];

	return (uint32_t)b[i[0]] << 24 | (uint32_t)b[i[1]] << 16 |
	       (uint32_t)b[i[2]] << 8 | b[i[3]];
}

int mbreg_decode(const uint16_t *regs, enum mbreg_type t, enum mbreg_order o,
		 double *out)
{
	uint32_t u;
	float f;

	switch (t) {
	case MBREG_BOOL:
		*out = regs[0] ? 1 : 0;
		return 0;
	case MBREG_INT16:
		*out = (int16_t)regs[0];
		return 0;
	case MBREG_UINT16:
		*out = regs[0];
		return 0;
	case MBREG_INT32:
		*out = (int32_t)join(regs, o);
		return 0;
	case MBREG_UINT32:
		*out = join(regs, o);
		return 0;
	case MBREG_FLOAT32:
		u = join(regs, o);
		memcpy(&f, &u, sizeof(f));
		*out = f;
		return isfinite(f) ? 0 : -1;
	}
	return -1;
}

void mbreg_encode(double v, enum mbreg_type t, enum mbreg_order o,
		  uint16_t *regs)
{
	uint32_t u;
	uint8_t b[4], w[4];
	float f;

	switch (t) {
	case MBREG_BOOL:
		regs[0] = v != 0;
		return;
	case MBREG_INT16:
		regs[0] = (uint16_t)(int16_t)v;
		return;
	case MBREG_UINT16:
		regs[0] = (uint16_t)v;
		return;
	case MBREG_INT32:
		u = (uint32_t)(int32_t)v;
		break;
	case MBREG_UINT32:
		u = (uint32_t)v;
		break;
	case MBREG_FLOAT32:
		f = (float)v;
		memcpy(&u, &f, sizeof(u));
		break;
	default:
		return;
	}
	b[0] = u >> 24;
	b[1] = u >> 16;
	b[2] = u >> 8;
	b[3] = u;
	switch (o) {
	case MBREG_ABCD: memcpy(w, b, 4); break;
	case MBREG_CDAB: w[0] = b[2]; w[1] = b[3]; w[2] = b[0]; w[3] = b[1]; break;
	case MBREG_BADC: w[0] = b[1]; w[1] = b[0]; w[2] = b[3]; w[3] = b[2]; break;
	case MBREG_DCBA: w[0] = b[3]; w[1] = b[2]; w[2] = b[1]; w[3] = b[0]; break;
	}
	regs[0] = (uint16_t)(w[0] << 8 | w[1]);
	regs[1] = (uint16_t)(w[2] << 8 | w[3]);
}

int mbreg_encode_sat(double v, enum mbreg_type t, enum mbreg_order o,
		     uint16_t *regs)
{
	static const double lim[][2] = {
		[MBREG_INT16] = { INT16_MIN, INT16_MAX },
		[MBREG_UINT16] = { 0, UINT16_MAX },
		[MBREG_INT32] = { INT32_MIN, INT32_MAX },
		[MBREG_UINT32] = { 0, UINT32_MAX },
		[MBREG_BOOL] = { 0, 1 },
	};
	double r;
	int clipped = 0;

	if (t == MBREG_FLOAT32) {
		mbreg_encode(v, t, o, regs);
		return isfinite((float)v) || !isfinite(v) ? 0 : 1;
	}
	if (t == MBREG_BOOL) {
		mbreg_encode(v, t, o, regs);
		return isnan(v);
	}
	r = isnan(v) ? 0 : round(v);
	if (isnan(v) || r < lim[t][0] || r > lim[t][1])
		clipped = 1;
	r = r < lim[t][0] ? lim[t][0] : r > lim[t][1] ? lim[t][1] : r;
	mbreg_encode(r, t, o, regs);
	return clipped;
}
