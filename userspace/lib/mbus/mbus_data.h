/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Data records of the variable data structure (EN 13757-3 clause 6) and
 * whole telegrams: frame + CI + header + records, normalised so that a
 * caller needs no table of its own: quantity, unit, exact scaled value,
 * storage number, tariff, subunit and function.
 *
 * A telegram owns its record array; release it with mbus_telegram_free().
 * Nothing here keeps state between calls, so parsing on several threads
 * is safe as long as each uses its own struct mbus_telegram.
 */
#ifndef SMCARD_MBUS_DATA_H
#define SMCARD_MBUS_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbus_addr.h"
#include "mbus_error.h"
#include "mbus_frame.h"
#include "mbus_header.h"
#include "mbus_value.h"

#define MBUS_MAX_DIFE		10
#define MBUS_MAX_VIFE		10

/* DIF bits and special DIF values. */
#define MBUS_DIF_EXT		0x80
#define MBUS_DIF_STORAGE_LSB	0x40
#define MBUS_DIF_FUNCTION	0x30
#define MBUS_DIF_DATA		0x0F
#define MBUS_DIF_MANUFACTURER	0x0F	/* vendor data up to the end */
#define MBUS_DIF_MORE_RECORDS	0x1F	/* the same, more telegrams follow */
#define MBUS_DIF_IDLE		0x2F	/* filler */
#define MBUS_DIF_GLOBAL_READOUT	0x7F	/* master: read everything */

/* DIFE bits. */
#define MBUS_DIFE_EXT		0x80
#define MBUS_DIFE_SUBUNIT	0x40
#define MBUS_DIFE_TARIFF	0x30
#define MBUS_DIFE_STORAGE	0x0F

/* Data field codes (DIF bits 3..0). */
enum mbus_data_field {
	MBUS_DF_NONE = 0x0,
	MBUS_DF_INT8 = 0x1,
	MBUS_DF_INT16 = 0x2,
	MBUS_DF_INT24 = 0x3,
	MBUS_DF_INT32 = 0x4,
	MBUS_DF_REAL32 = 0x5,
	MBUS_DF_INT48 = 0x6,
	MBUS_DF_INT64 = 0x7,
	MBUS_DF_SELECT = 0x8,	/* selection for readout, no data */
	MBUS_DF_BCD2 = 0x9,
	MBUS_DF_BCD4 = 0xA,
	MBUS_DF_BCD6 = 0xB,
	MBUS_DF_BCD8 = 0xC,
	MBUS_DF_LVAR = 0xD,
	MBUS_DF_BCD12 = 0xE,
	MBUS_DF_SPECIAL = 0xF,
};

/* Length of a fixed-size data field, -1 for LVAR and special. */
int mbus_data_field_len(enum mbus_data_field df);

enum mbus_function {
	MBUS_FUNC_INSTANTANEOUS = 0,
	MBUS_FUNC_MAXIMUM = 1,
	MBUS_FUNC_MINIMUM = 2,
	MBUS_FUNC_ERROR = 3,	/* value during error state */
};

const char *mbus_function_name(enum mbus_function f);

struct mbus_record {
	size_t pos;		/* frame offset of the DIF */
	size_t data_pos;	/* frame offset of the data (after LVAR) */
	size_t data_len;
	uint8_t dif;
	uint8_t dife[MBUS_MAX_DIFE];
	uint8_t n_dife;
	uint8_t vif;		/* 0 for manufacturer data records */
	uint8_t vife[MBUS_MAX_VIFE + 1];	/* incl. the 0xFB/0xFD code */
	uint8_t n_vife;
	uint8_t lvar;		/* LVAR byte of data field 0xD */
	enum mbus_function function;
	uint64_t storage;
	uint32_t tariff;
	uint16_t subunit;
	bool manufacturer_data;	/* DIF 0x0F / 0x1F: value holds the bytes */
	bool global_readout;	/* DIF 0x7F */
	int error;		/* record error code from a VIFE, or -1 */
	char quantity[48];
	char unit[64];
	char description[192];	/* VIFE meanings not folded into the above */
	struct mbus_value value;
};

struct mbus_telegram {
	struct mbus_frame frame;	/* data points into the parsed buffer */
	struct mbus_ci_info ci;
	struct mbus_header header;
	struct mbus_record *records;
	size_t n_records;
	size_t cap_records;
	bool more_records;	/* DIF 0x1F: request the next telegram */
	bool has_app_status;	/* CI 0x70, 0x71, 0x50 with a byte */
	uint8_t app_status;
	struct mbus_secaddr select;	/* CI 0x52 */
	unsigned int baud;		/* CI 0xB8..0xBF */
};

void mbus_telegram_init(struct mbus_telegram *t);
void mbus_telegram_free(struct mbus_telegram *t);

/*
 * Parse exactly one frame filling @buf (bytes after it are an error) and
 * decode its application layer. Returns 0, -ENODATA (truncated),
 * -EBADMSG (malformed), -ENOTSUP (CI not decoded) or -ENOMEM; @err gives
 * the frame offset and a message. @t must be initialised; on error it
 * holds what was decoded before the failure.
 */
int mbus_telegram_parse(const uint8_t *buf, size_t len,
			struct mbus_telegram *t, struct mbus_error *err);

/* Decode the application layer of an already parsed long frame. */
int mbus_app_parse(const struct mbus_frame *f, struct mbus_telegram *t,
		   struct mbus_error *err);

/*
 * Decode variable data records from @data (frame offset @pos) and append
 * them to @t. @from_master selects the SND_UD meaning of VIFE 0x00..0x1F.
 */
int mbus_records_parse(const uint8_t *data, size_t len, size_t pos,
		       bool from_master, bool msb_first,
		       struct mbus_telegram *t, struct mbus_error *err);

#endif
