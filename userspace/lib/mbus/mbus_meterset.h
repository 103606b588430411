/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bus full of emulated meters: each is a struct mbus_meter
 * (mbus_meter.h) that answers per EN 13757-2/-3; every meter sees every
 * request and the answers of all meters that reply are combined as on
 * the wire, a wired-AND (a 0 bit of any sender wins).
 *
 * Aligned: all answers start together, so the AND is byte by byte and a
 * single E5 from several meters is still E5 (the secondary search then
 * has to look at the REQ_UD2 that follows a selection).
 *
 * Realistic (s->realistic): each meter answers after its own delay, 11
 * to 330 bit times after the request (a delay of its own plus jitter that
 * differs per request), as real meters do. The answers are ANDed bit by
 * bit on the time line (11 bits a character: start, 8 data bits, even
 * parity, stop) and the result is read back as a UART receiver would:
 * a collision is then garbage, with no usable AND. The delay of the
 * first answer is left in s->delay_bits for the emulator.
 *
 * Meters are generated (unique secondary addresses, with some that
 * differ only in manufacturer, version or medium) or replay telegrams
 * (RSP_UD frames in hex files, several for a multi-telegram meter) with
 * their A field, secondary address and access number kept up to date.
 *
 * Used by the mbus-meters emulator and, through mbus_meterset_xfer(), as
 * an in-process bus for the unit tests of the master procedures.
 */
#ifndef SMCARD_MBUS_METERSET_H
#define SMCARD_MBUS_METERSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbus_error.h"
#include "mbus_meter.h"
#include "mbus_scan.h"

struct mbus_sim_meter {
	struct mbus_meter m;
	struct mbus_record_spec *recs;	/* m.records */
	size_t n_recs;
	uint8_t **tele;		/* replayed telegrams, or NULL */
	size_t *tele_len;
	size_t n_tele;
	unsigned long replies;
};

struct mbus_meterset {
	struct mbus_sim_meter **meters;
	size_t n, cap;
	bool ignore_fcb;	/* meters ignore FCV/FCB: always a fresh read */
	unsigned int drop_every;	/* lose every Nth RSP_UD on the wire */
	unsigned long rsp_count;
	bool realistic;		/* answers after per-meter delays, see above */
	uint64_t rng;		/* jitter of the realistic delays */
	unsigned int delay_bits;	/* of the last answer's first character */
};

/* Shortest and longest reply delay of EN 13757-2, in bit times. */
#define MBUS_REPLY_MIN_BITS	11
#define MBUS_REPLY_MAX_BITS	330

void mbus_meterset_init(struct mbus_meterset *s);
void mbus_meterset_free(struct mbus_meterset *s);

/*
 * Add @n generated meters from @seed: unique secondary addresses (one in
 * ten shares its ID with another meter and differs only in manufacturer,
 * version or medium, in turn; a few IDs have hex digits A..E), a record
 * set by medium, and with @primary distinct primary addresses 1..250
 * (0 beyond 250 meters). Returns 0 or -ENOMEM.
 */
int mbus_meterset_generate(struct mbus_meterset *s, size_t n, uint64_t seed,
			   bool primary);

/*
 * Add a meter that replays the @n RSP_UD frames @frames (in order, one
 * per REQ_UD2 with toggled FCB; each but the last should end with DIF
 * 0x1F). Its secondary address comes from the first frame's header. The
 * frames are copied. Returns 0, -EINVAL (@err says why) or -ENOMEM.
 */
int mbus_meterset_add_telegrams(struct mbus_meterset *s, uint8_t primary,
				const uint8_t *const *frames,
				const size_t *lens, size_t n,
				struct mbus_error *err);

/*
 * The same from hex files (whitespace-separated bytes, '#' comments, as
 * in tests/data/mbus/), one frame per file. -ENOENT etc. for a file that
 * cannot be read, -EINVAL for bad content; @err says which file and why.
 */
int mbus_meterset_load(struct mbus_meterset *s, uint8_t primary,
		       const char *const *paths, size_t n,
		       struct mbus_error *err);

/*
 * Hand @req (one frame) to every meter. Returns the length of the
 * combined answer in @out (0: silence) or a negative errno;
 * *@answered (may be NULL) gets the number of meters that answered,
 * *@events the OR of their MBUS_METER_EV_* and *@baud the rate a meter
 * asked to switch to.
 */
int mbus_meterset_handle(struct mbus_meterset *s, const uint8_t *req,
			 size_t len, uint8_t *out, size_t size,
			 unsigned int *answered, unsigned int *events,
			 unsigned int *baud);

/*
 * What a UART reads from answers that start @delay[i] bit times after
 * the first one: the bit-level wired-AND of their characters (8E1),
 * decoded byte by byte from each start bit. Returns the length in @out.
 */
size_t mbus_wire_mix(const uint8_t *const *ans, const size_t *len,
		     const unsigned int *delay, size_t n, uint8_t *out,
		     size_t size);

/* AND @b into @acc (length *@acc_len, grows to the longer one). */
void mbus_wire_and(uint8_t *acc, size_t *acc_len, const uint8_t *b,
		   size_t len);

/* How a master's link layer classifies @buf: MBUS_RESULT_* */
uint32_t mbus_wire_result(const uint8_t *buf, size_t len);

/* struct mbus_link transport over a meter set (@ctx), for tests. */
int mbus_meterset_xfer(void *ctx, const uint8_t *req, size_t len,
		       bool no_reply, struct mbus_reply *r);

/* "1234567824400107 primary 5" style line for listings. */
void mbus_sim_meter_format(const struct mbus_sim_meter *m, char *out,
			   size_t size);

#endif
