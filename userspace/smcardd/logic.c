// SPDX-License-Identifier: GPL-2.0
/* Scaling, counter totals and Modbus decoding for smcardd. */
#include <math.h>
#include <string.h>

#include "logic.h"

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
