/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure pieces of smcardd that deserve unit tests: engineering scaling of
 * analog inputs, pulse counter totals that survive restarts, wrap-around
 * and IO controller resets, and Modbus register decoding.
 */
#ifndef SMCARDD_LOGIC_H
#define SMCARDD_LOGIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* --- analog ------------------------------------------------------------- */

/*
 * Engineering value of input @in (IIO units: mV or mA) under @a's
 * scale/offset (out = in * scale + offset) or two-point map (linear
 * through (in_lo, out_lo) and (in_hi, out_hi), clamped to the output range
 * when @a->clamp).
 */
double sd_analog_apply(const struct sd_analog *a, double in);

/* NAMUR NE 43 for 4-20 mA loops: NULL if fine, else the fault text. */
const char *sd_namur_fault(double ma);

/* --- counters ----------------------------------------------------------- */

/* What the daemon keeps in its store per counter. */
struct sd_count_state {
	uint64_t pulses;	/* counted since the baseline */
	uint64_t last_raw;	/* last raw value read from the device */
	bool has_raw;		/* last_raw is meaningful */
	char boot_id[40];	/* kernel boot id when last_raw was read */
};

enum sd_count_step {
	SD_COUNT_FIRST,		/* first sight: baseline taken */
	SD_COUNT_NORMAL,
	SD_COUNT_WRAP,		/* raw passed the ceiling */
	SD_COUNT_RESET,		/* raw restarted (reboot, controller reset) */
};

/*
 * Account raw value @raw of a counter that wraps after @ceiling (the
 * largest value it holds, e.g. 0xffffffff). A drop is a wrap when the
 * last value was within 1/16 of the ceiling of the top and the new one
 * within 1/16 of zero; any other drop is a restart from zero, whose
 * pulses since the restart are added. @rebooted (the boot id changed
 * since @s was saved) makes it a restart whatever the values. Returns the
 * kind of step.
 */
enum sd_count_step sd_count_update(struct sd_count_state *s, uint64_t raw,
				   uint64_t ceiling, bool rebooted);

const char *sd_count_step_name(enum sd_count_step step);

#endif
