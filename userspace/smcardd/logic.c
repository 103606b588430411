// SPDX-License-Identifier: GPL-2.0
/* Scaling, counter totals and Modbus decoding for smcardd. */
#include <math.h>
#include <string.h>

#include "smcardd_logic.h"

double sd_analog_apply(const struct sd_analog *a, double in)
{
	double out, lo, hi;

	if (!a->has_map)
		return in * a->scale + a->offset;
	out = a->map[1] + (in - a->map[0]) * (a->map[3] - a->map[1]) /
	      (a->map[2] - a->map[0]);
	if (a->clamp) {
		lo = fmin(a->map[1], a->map[3]);
		hi = fmax(a->map[1], a->map[3]);
		out = fmin(fmax(out, lo), hi);
	}
	return out;
}

const char *sd_namur_fault(double ma)
{
	if (ma < 3.6)
		return "below 3.6 mA (open loop or sensor fault)";
	if (ma > 21.0)
		return "above 21 mA (short circuit or sensor fault)";
	return NULL;
}

enum sd_count_step sd_count_update(struct sd_count_state *s, uint64_t raw,
				   uint64_t ceiling, bool rebooted)
{
	uint64_t window = ceiling / 16;
	enum sd_count_step step;

	if (!s->has_raw) {
		step = SD_COUNT_FIRST;
	} else if (rebooted) {
		s->pulses += raw;
		step = SD_COUNT_RESET;
	} else if (raw >= s->last_raw) {
		s->pulses += raw - s->last_raw;
		step = SD_COUNT_NORMAL;
	} else if (s->last_raw >= ceiling - window && raw <= window) {
		s->pulses += ceiling - s->last_raw + 1 + raw;
		step = SD_COUNT_WRAP;
	} else {
		s->pulses += raw;
		step = SD_COUNT_RESET;
	}
	s->last_raw = raw;
	s->has_raw = true;
	return step;
}

const char *sd_count_step_name(enum sd_count_step step)
{
	static const char *const names[] = { "first", "normal", "wrap", "reset" };

	return names[step];
}

unsigned int sd_mb_width(enum sd_mb_type t)
{
	return t == SD_MB_INT32 || t == SD_MB_UINT32 || t == SD_MB_FLOAT32 ? 2 : 1;
}

/* The 32-bit value ABCD out of two registers in order @o. */
static uint32_t join(const uint16_t *r, enum sd_mb_order o)
{
	uint8_t b[4] = { r[0] >> 8, r[0] & 0xff, r[1] >> 8, r[1] & 0xff };
	static const int idx[4][4] = {
		[SD_MB_ABCD] = { 0, 1, 2, 3 },	/* wire bytes for A, B, C, D */
		[SD_MB_CDAB] = { 2, 3, 0, 1 },
		[SD_MB_BADC] = { 1, 0, 3, 2 },
		[SD_MB_DCBA] = { 3, 2, 1, 0 },
	};
	const int *i = idx[o];

	return (uint32_t)b[i[0]] << 24 | (uint32_t)b[i[1]] << 16 |
	       (uint32_t)b[i[2]] << 8 | b[i[3]];
}

int sd_mb_decode(const uint16_t *regs, enum sd_mb_type t, enum sd_mb_order o,
		 double *out)
{
	uint32_t u;
	float f;

	switch (t) {
	case SD_MB_BOOL:
		*out = regs[0] ? 1 : 0;
		return 0;
	case SD_MB_INT16:
		*out = (int16_t)regs[0];
		return 0;
	case SD_MB_UINT16:
		*out = regs[0];
		return 0;
	case SD_MB_INT32:
		*out = (int32_t)join(regs, o);
		return 0;
	case SD_MB_UINT32:
		*out = join(regs, o);
		return 0;
	case SD_MB_FLOAT32:
		u = join(regs, o);
		memcpy(&f, &u, sizeof(f));
		*out = f;
		return isfinite(f) ? 0 : -1;
	}
	return -1;
}

void sd_mb_encode(double v, enum sd_mb_type t, enum sd_mb_order o,
		  uint16_t *regs)
{
	uint32_t u;
	uint8_t b[4], w[4];
	float f;

	switch (t) {
	case SD_MB_BOOL:
		regs[0] = v != 0;
		return;
	case SD_MB_INT16:
		regs[0] = (uint16_t)(int16_t)v;
		return;
	case SD_MB_UINT16:
		regs[0] = (uint16_t)v;
		return;
	case SD_MB_INT32:
		u = (uint32_t)(int32_t)v;
		break;
	case SD_MB_UINT32:
		u = (uint32_t)v;
		break;
	case SD_MB_FLOAT32:
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
	case SD_MB_ABCD: memcpy(w, b, 4); break;
	case SD_MB_CDAB: w[0] = b[2]; w[1] = b[3]; w[2] = b[0]; w[3] = b[1]; break;
	case SD_MB_BADC: w[0] = b[1]; w[1] = b[0]; w[2] = b[3]; w[3] = b[2]; break;
	case SD_MB_DCBA: w[0] = b[3]; w[1] = b[2]; w[2] = b[1]; w[3] = b[0]; break;
	}
	regs[0] = (uint16_t)(w[0] << 8 | w[1]);
	regs[1] = (uint16_t)(w[2] << 8 | w[3]);
}
