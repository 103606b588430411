/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Application layer header (EN 13757-3 clause 5 and 6): the CI field and
 * what follows it. Supported CI fields:
 *
 *   0x72  variable data, long header (ID, manufacturer, version, medium,
 *         access number, status, signature), multi-byte fields LSB first
 *   0x76  the same, multi-byte fields MSB first (EN 1434-3 mode 2)
 *   0x7A  variable data, short header (access number, status, signature)
 *   0x78  variable data, no header
 *   0x73  fixed data structure, LSB first (EN 1434-3)
 *   0x77  fixed data structure, MSB first (EN 1434-3)
 *   0x70  application error from the slave (one status byte)
 *   0x71  alarm from the slave (one status byte)
 *   0x51  data send from the master (records, no header)
 *   0x5A  data send from the master, short header
 *   0x5B  data send from the master, long header
 *   0x52  secondary address selection (8 address bytes)
 *   0x50  application reset (optional subcode)
 *   0xB8..0xBF  set baud rate 300..38400 (no data)
 *
 * 0x73 is also assigned to compact frames by EN 13757-3:2013; a compact
 * frame cannot be decoded without its format frame, while wired meters
 * built to EN 1434-3 still answer with the fixed structure, so the fixed
 * meaning is used here.
 */
#ifndef SMCARD_MBUS_HEADER_H
#define SMCARD_MBUS_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbus_error.h"

#define MBUS_CI_APP_RESET	0x50
#define MBUS_CI_DATA_SEND	0x51
#define MBUS_CI_SELECTION	0x52
#define MBUS_CI_DATA_SEND_SHORT	0x5A
#define MBUS_CI_DATA_SEND_LONG	0x5B
#define MBUS_CI_APP_ERROR	0x70
#define MBUS_CI_ALARM		0x71
#define MBUS_CI_RSP_LONG	0x72
#define MBUS_CI_RSP_FIXED	0x73
#define MBUS_CI_RSP_LONG_MSB	0x76
#define MBUS_CI_RSP_FIXED_MSB	0x77
#define MBUS_CI_RSP_NONE	0x78
#define MBUS_CI_RSP_SHORT	0x7A
#define MBUS_CI_BAUD_300	0xB8
#define MBUS_CI_BAUD_38400	0xBF

/* Status byte bits (EN 13757-3 table 5). */
#define MBUS_STATUS_APP_MASK	0x03	/* 1 busy, 2 error, 3 alarm */
#define MBUS_STATUS_POWER_LOW	0x04
#define MBUS_STATUS_PERMANENT	0x08
#define MBUS_STATUS_TEMPORARY	0x10

enum mbus_header_type {
	MBUS_HEADER_NONE,
	MBUS_HEADER_SHORT,
	MBUS_HEADER_LONG,
	MBUS_HEADER_FIXED,
};

#define MBUS_LONG_HEADER_LEN	12
#define MBUS_SHORT_HEADER_LEN	4

struct mbus_header {
	uint8_t ci;
	enum mbus_header_type type;
	bool msb_first;		/* CI 0x76 / 0x77 */
	uint32_t id;		/* BCD nibbles, 0x12345678 = "12345678" */
	uint16_t manufacturer;
	uint8_t version;
	uint8_t medium;
	uint8_t access_number;
	uint8_t status;
	uint16_t signature;
};

/* What a CI field announces. */
enum mbus_ci_kind {
	MBUS_CI_KIND_UNKNOWN,
	MBUS_CI_KIND_VARIABLE,	/* records follow the header */
	MBUS_CI_KIND_FIXED,
	MBUS_CI_KIND_APP_ERROR,
	MBUS_CI_KIND_ALARM,
	MBUS_CI_KIND_SELECT,
	MBUS_CI_KIND_APP_RESET,
	MBUS_CI_KIND_BAUD,
};

struct mbus_ci_info {
	enum mbus_ci_kind kind;
	enum mbus_header_type header;
	bool msb_first;
	bool from_master;
	const char *name;
};

/* Returns -ENOTSUP for a CI field this library does not decode. */
int mbus_ci_lookup(uint8_t ci, struct mbus_ci_info *info);

/*
 * Parse the header announced by @ci from @data. @pos is the frame offset
 * of data[0], for error messages. Returns the header length or -ENODATA.
 */
int mbus_header_parse(uint8_t ci, const uint8_t *data, size_t len, size_t pos,
		      struct mbus_header *h, struct mbus_error *err);

/* Encode a short or long header (h->type); returns its length or -ENOSPC. */
int mbus_header_build(const struct mbus_header *h, uint8_t *out, size_t size);

/*
 * Texts of the status byte's bits (EN 13757-3 table 5): "application
 * busy", "any application error", "abnormal condition / alarm", "power
 * low", "permanent error", "temporary error", "manufacturer specific bit
 * 5".. 7. Fills @out with up to 8 texts; returns their number.
 */
size_t mbus_status_texts(uint8_t status, const char *out[8]);

/*
 * Text of an application error code (CI 70h, EN 13757-3 table 20; a
 * CI 70h frame without the byte means code 0, "unspecified error").
 */
const char *mbus_app_error_text(uint8_t code);

/* Device type / medium name ("water", "heat_outlet", ...); never NULL. */
const char *mbus_medium_name(uint8_t medium);

/* Baud rate for CI 0xB8..0xBF, or 0; and back (0 if not a bus rate). */
unsigned int mbus_ci_baud(uint8_t ci);
uint8_t mbus_baud_ci(unsigned int baud);

#endif
