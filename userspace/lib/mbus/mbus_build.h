/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building variable data records and RSP_UD telegrams, for slaves (the
 * card's slave responder, meter emulators) and for master requests with
 * data (SND_UD CI 0x51). The encoding is the inverse of mbus_data.h: a
 * record built here and parsed back gives the same value.
 */
#ifndef SMCARD_MBUS_BUILD_H
#define SMCARD_MBUS_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "mbus_data.h"

struct mbus_record_spec {
	enum mbus_function function;
	uint64_t storage;	/* up to 41 bits */
	uint32_t tariff;	/* up to 20 bits */
	uint16_t subunit;	/* up to 10 bits */
	enum mbus_data_field df;
	/* VIF and VIFEs as sent, including the 0xFB/0xFD code byte */
	uint8_t vif[MBUS_MAX_VIFE + 2];
	uint8_t vif_len;
	/* for a plain-text VIF (0x7C/0xFC): the unit, in reading order */
	const char *plain_unit;
	/*
	 * NUMBER: magnitude and sign of the raw value (the VIF gives the
	 * scale; exponent is ignored); REAL: real; DATE, DATETIME, TIME: dt;
	 * TEXT and BINARY: bytes/len.
	 */
	struct mbus_value value;
};

/*
 * Encode one record. Returns its length, -ENOSPC if @size is too small,
 * -ERANGE if the value does not fit the data field, -EINVAL for an
 * inconsistent spec (e.g. a date with a BCD field, too many DIFEs).
 */
int mbus_record_encode(const struct mbus_record_spec *s, uint8_t *out,
		       size_t size);

/*
 * Find the VIF (and 0xFB/0xFD code) for @quantity in @unit with 10^@exp,
 * e.g. ("energy", "Wh", 3) gives 0x06. Returns the number of bytes
 * written to @vif (1 or 2), or -ENOENT.
 */
int mbus_vif_find(const char *quantity, const char *unit, int exp,
		  uint8_t vif[2]);

/*
 * Convenience for the common case: an integer record with the VIF found
 * by mbus_vif_find(); @df must be an integer or BCD data field.
 */
int mbus_record_spec_number(struct mbus_record_spec *s, const char *quantity,
			    const char *unit, int exp,
			    enum mbus_data_field df, int64_t raw);

/*
 * Build one RSP_UD long frame with CI 0x72: @h's long header (type is
 * forced to long) and the records from @recs[*next] on, as many as fit.
 * When records remain, the frame ends with DIF 0x1F (more records follow)
 * and *next is the first one left; otherwise *next becomes @n. Returns
 * the frame length, or -EMSGSIZE if record *next alone does not fit a
 * frame, or an error from mbus_record_encode().
 */
int mbus_build_rsp_ud(uint8_t *out, size_t size, uint8_t c, uint8_t a,
		      const struct mbus_header *h,
		      const struct mbus_record_spec *recs, size_t n,
		      size_t *next);

/* SND_UD (CI 0x51) that sets a slave's primary address to @new_addr. */
int mbus_build_set_primary(uint8_t *out, size_t size, uint8_t c, uint8_t a,
			   uint8_t new_addr);

#endif
