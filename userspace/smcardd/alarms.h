/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Alarm conditions of an analog input and the thresholds that watch them.
 *
 * Each condition (NAMUR NE43 under-/over-range, the section's low and
 * high alarm) trips when the input passes its trip point and clears only
 * when it is back beyond its clear point (the hysteresis). The driver
 * has one rising and one falling threshold event per channel, so they
 * are programmed as a window around the present state: the rising
 * threshold is the nearest point above at which some condition changes,
 * the falling threshold the nearest one below. An event moves the state
 * across that point and the window is programmed anew. Everything is in
 * the channel's raw ADC codes, the unit of the IIO event ABI. Pure, no
 * I/O: alarm_iio.c does the sysfs and the event chardev.
 */
#ifndef SMCARDD_ALARMS_H
#define SMCARDD_ALARMS_H

#include <stdbool.h>

#include "config.h"

enum sd_alarm {
	SD_ALARM_UNDER_RANGE,	/* NE43: loop below 3.6 mA (wire break) */
	SD_ALARM_LOW,		/* below the section's alarm_low */
	SD_ALARM_HIGH,		/* above the section's alarm_high */
	SD_ALARM_OVER_RANGE,	/* NE43: above 21 mA (short); > 10 V */
	SD_ALARM_N,
};

/* "under_range", "low", "high", "over_range" */
const char *sd_alarm_name(enum sd_alarm a);
/* The alarm called @name, or -1. */
int sd_alarm_parse(const char *name);

struct sd_alarm_cond {
	enum sd_alarm alarm;
	bool above;		/* trips upwards (code > trip) */
	double trip, clear;	/* raw codes */
	bool active;
};

struct sd_alarm_set {
	struct sd_alarm_cond c[SD_ALARM_N];
	int n;
};

/*
 * Conditions of analog section @a on a channel whose input is
 * (raw + @offset) * @scale in mA (@current) or mV. Returns 0, or -1 with
 * the reason in @err (a mapping that cannot be inverted).
 */
int sd_alarm_setup(struct sd_alarm_set *s, const struct sd_analog *a,
		   bool current, double scale, double offset, char *err,
		   size_t err_size);

/* Judge every condition from a reading; returns the mask of changes. */
unsigned int sd_alarm_eval(struct sd_alarm_set *s, double code);

/*
 * The window to program: the rising event should fire when code > *rise,
 * the falling one when code < *fall; *has_* false: nothing to watch that
 * way.
 */
void sd_alarm_window(const struct sd_alarm_set *s, bool *has_rise, long *rise,
		     bool *has_fall, long *fall);

/*
 * The input passed the programmed rising (or falling) threshold: the
 * conditions that change there change. Returns the mask of changes.
 */
unsigned int sd_alarm_event(struct sd_alarm_set *s, bool rising);

/*
 * After an event: the input is at @code now, beyond the point the event
 * was for. Apply the further changes a move in that direction brings
 * (a jump over several points), none the other way. Returns the mask.
 */
unsigned int sd_alarm_follow(struct sd_alarm_set *s, double code, bool rising);

/* Mask (1 << enum sd_alarm) of the active conditions. */
unsigned int sd_alarm_active(const struct sd_alarm_set *s);

#endif
