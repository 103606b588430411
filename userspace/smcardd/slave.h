/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The card as an M-Bus slave (smcardd [mbus.slave]): which of the daemon's
 * readings go into the RSP_UD and how they are encoded, on top of the
 * meter model of mbus_meter.h (addressing, FCB, multi-telegram). No I/O,
 * no global state: the daemon feeds readings in and frames through.
 *
 * Records, in this order:
 *   - each reported [counter]: the total (initial + pulses x weight) as an
 *     integer with the energy / volume / mass VIF whose decimal exponent
 *     keeps the pulse weight exact; subunit = its index among the counters
 *   - each reported [analog]: the engineering value in its unit, resolution
 *     a thousandth of that unit where the VIF allows; subunit = index
 *   - the reported [digital] inputs: one record, VIF FD 1B (digital input),
 *     bit N = the Nth input (1 = active)
 *   - time: the gateway's local time, type F (VIF 6D)
 * Units without an M-Bus VIF go out as a 32-bit real with a plain-text
 * VIF. A value not read yet, or an analog loop outside NAMUR NE 43, is
 * sent with the function "value during error state" and sets the status
 * byte's temporary-error bit.
 */
#ifndef SMCARDD_SLAVE_H
#define SMCARDD_SLAVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "mbus.h"
#include "config.h"

/* Status byte bit of EN 13757-3 table 5: temporary error. */
#define SD_SLAVE_STATUS_TEMP_ERROR	0x10

enum sd_slave_kind {
	SD_SLAVE_COUNTER,
	SD_SLAVE_ANALOG,
	SD_SLAVE_DIGITAL,
	SD_SLAVE_TIME,
};

struct sd_slave_item {
	enum sd_slave_kind kind;
	char key[SD_NAME_MAX + 16];	/* "counter/NAME": the reading's topic */
	uint16_t subunit;
	/* encoding: raw = value x factor / 10^exp, or a real */
	char unit[SD_UNIT_MAX];		/* as configured; "" until known */
	double resolution;		/* counters: weight; 0 otherwise */
	double initial;			/* counters: initial reading */
	bool real;			/* plain-text unit: REAL32 */
	double factor;			/* configured unit -> VIF unit */
	int exp;
	uint8_t vif[2];
	uint8_t vif_len;
	/* latest reading */
	bool valid;
	bool fault;
	double value;
};

struct sd_slave {
	struct mbus_meter meter;
	struct sd_slave_item *items;
	size_t n_items;
	struct mbus_record_spec *recs;
	size_t n_recs;
};

/*
 * Encoding of a value in @unit. @resolution > 0 (counters: the pulse
 * weight, @initial the starting reading) asks for an exponent that keeps
 * multiples of it exact; 0 asks for a thousandth of the unit. Fills
 * it->real/factor/exp/vif. Returns 0, or -ENOENT when @unit has no
 * M-Bus VIF (it->real is then set: plain text and REAL32).
 */
int sd_slave_encoding(const char *unit, double resolution, double initial,
		      struct sd_slave_item *it);

/* "electricity", "water", ... (mbus_medium_name) or 0..255; 0 or -EINVAL. */
int sd_slave_medium(const char *s, uint8_t *medium);

/*
 * Check [mbus.slave] of @c (id, manufacturer, medium, report list).
 * Returns 0, or -EINVAL with the first problem in @err.
 */
int sd_slave_check(const struct sd_config *c, char *err, size_t size);

/*
 * Set up from the configuration (sd_slave_check() must have passed).
 * @primary is the address to answer at (the configured one, or one a
 * master set earlier). Returns 0, -EINVAL or -ENOMEM.
 */
int sd_slave_init(struct sd_slave *s, const struct sd_config *c,
		  uint8_t primary);
void sd_slave_free(struct sd_slave *s);

/*
 * A reading of the source @key ("counter/NAME", "analog/NAME",
 * "digital/NAME"): @value in @unit (may be NULL), @fault for a loop out
 * of range. Returns true if the telegram reports it.
 */
bool sd_slave_update(struct sd_slave *s, const char *key, double value,
		     const char *unit, bool fault);

/* Rebuild the records from the readings and @now. 0 or -ERANGE. */
int sd_slave_refresh(struct sd_slave *s, time_t now);

/*
 * One request of the master: refresh, then mbus_meter_handle(). Returns
 * the reply length (0: stay silent) or a negative errno.
 */
int sd_slave_handle(struct sd_slave *s, const uint8_t *req, size_t len,
		    time_t now, uint8_t *reply, size_t size,
		    unsigned int *events);

#endif
