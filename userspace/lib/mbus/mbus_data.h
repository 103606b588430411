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

/*
 * Record-level warnings: what a real meter did that EN 13757-3 does not
 * foresee, and how the record was read anyway (mbus_warning_text()).
 */
#define MBUS_WARN_BCD_DIGIT	0x0001	/* A..F in BCD: read digit by digit */
#define MBUS_WARN_TEXT_FIRST	0x0002	/* plain-text unit before the VIFEs */
#define MBUS_WARN_EXT_NO_BIT	0x0004	/* 7Bh/7Dh, next byte is its code */
#define MBUS_WARN_EXT_ALONE	0x0008	/* 7Bh/7Dh with no code after it */
#define MBUS_WARN_VIFE_CUT	0x0010	/* VIFE chain ran into the data */
#define MBUS_WARN_MANY_DIFE	0x0020	/* more than 10 DIFEs, rest ignored */
#define MBUS_WARN_MANY_VIFE	0x0040	/* more than 10 VIFEs, rest ignored */
#define MBUS_WARN_DATA_TYPE	0x0080	/* data field does not suit the VIF */
#define MBUS_WARN_UNDECODABLE	0x0100	/* record kept as raw bytes */
#define MBUS_WARN_COUNT		9

/* Text of one MBUS_WARN_* bit, NULL for an unknown bit. */
const char *mbus_warning_text(unsigned int bit);

/* Order of a plain-text unit (VIF 7Ch/FCh) and the VIFE chain. */
enum mbus_text_order {
	MBUS_TEXT_NONE,		/* no plain-text VIF */
	MBUS_TEXT_AFTER_VIFE,	/* as EN 13757-3 writes it */
	MBUS_TEXT_BEFORE_VIFE,	/* length and text right after the VIF */
};

struct mbus_record {
	size_t pos;		/* frame offset of the DIF */
	size_t data_pos;	/* frame offset of the data (after LVAR) */
	size_t data_len;
	size_t end;		/* frame offset after the record */
	uint8_t dif;
	uint8_t dife[MBUS_MAX_DIFE];
	uint8_t n_dife;
	uint8_t vif;		/* 0 for manufacturer data records */
	uint8_t vife[MBUS_MAX_VIFE + 1];	/* incl. the 0xFB/0xFD code */
	uint8_t n_vife;
	uint8_t lvar;		/* LVAR byte of data field 0xD */
	enum mbus_text_order text_order;
	enum mbus_function function;
	uint64_t storage;
	uint32_t tariff;
	uint16_t subunit;
	bool manufacturer_data;	/* DIF 0x0F / 0x1F: value holds the bytes */
	bool global_readout;	/* DIF 0x7F */
	bool undecodable;	/* value holds the raw bytes; problem says why */
	int error;		/* record error code from a VIFE, or -1 */
	unsigned int warnings;	/* MBUS_WARN_* */
	const char *quantity;	/* static text, never NULL once parsed */
	char unit[64];
	char description[192];	/* VIFE meanings not folded into the above */
	char problem[112];	/* undecodable: what and where */
	struct mbus_value value;
};

/* Security of the transport layer (EN 13757-7 / OMS), CI 72h/7Ah. */
struct mbus_security {
	uint16_t cf;		/* configuration field (the header's last two bytes) */
	uint8_t mode;		/* 0: none; 5, 7: AES-128-CBC */
	uint8_t cfe;		/* mode 7: configuration field extension */
	uint8_t blocks;		/* encrypted 16-byte blocks */
	bool decrypted;
	bool mac_checked;	/* mode 7 with an AFL MAC: it matched */
	int error;		/* 0, or why the data stay encrypted */
	char msg[256];
	size_t enc_pos;		/* frame offset of the encrypted part */
	size_t enc_len;
};

/* Authentication and fragmentation layer (CI 90h, EN 13757-7). */
struct mbus_afl {
	bool present;
	uint16_t fcl;		/* fragmentation control */
	uint8_t mcl;		/* message control (if present) */
	uint16_t ki;		/* key information (if present) */
	uint32_t mcr;		/* message counter (if present) */
	uint8_t mac[16];
	uint8_t mac_len;
	uint16_t ml;		/* message length (if present) */
	size_t len;		/* bytes from its CI to the next CI */
};

struct mbus_telegram {
	struct mbus_frame frame;	/* data points into the parsed buffer */
	struct mbus_ci_info ci;
	struct mbus_header header;
	struct mbus_afl afl;
	struct mbus_security sec;
	struct mbus_record *records;
	size_t n_records;
	size_t cap_records;
	size_t n_undecodable;
	unsigned int warnings;	/* OR of the records' warnings */
	bool more_records;	/* DIF 0x1F: request the next telegram */
	bool has_app_status;	/* CI 0x70, 0x71, 0x50 with a byte */
	uint8_t app_status;
	struct mbus_secaddr select;	/* CI 0x52 */
	unsigned int baud;		/* CI 0xB8..0xBF */
	uint8_t plain[MBUS_MAX_DATA];	/* decrypted application data */
};

/*
 * Initialise once; a telegram can then be parsed into again and again
 * (each parse starts afresh and keeps the record array, so a reused
 * telegram costs no allocation). mbus_telegram_free() releases it.
 */
void mbus_telegram_init(struct mbus_telegram *t);
void mbus_telegram_free(struct mbus_telegram *t);

/*
 * Parse exactly one frame filling @buf (bytes after it are an error) and
 * decode its application layer. Returns 0, -ENODATA (truncated frame),
 * -EBADMSG (malformed frame), -ENOTSUP (CI not decoded), -ENOMEM, or for
 * an encrypted telegram -ENOKEY (no key given), -EKEYREJECTED (wrong key
 * or altered data) or -EPROTO (cannot be decrypted: truncated ciphertext,
 * unsupported mode); @err gives the frame offset and a message. @t must be
 * initialised; on error it holds what was decoded (for an encrypted
 * telegram: the header, the records outside the encrypted part and
 * t->sec with the encrypted bytes' place, so nothing is lost).
 *
 * Records that bend EN 13757-3 do not fail the telegram: they are read as
 * the meter meant them when the rest of the telegram confirms the
 * reading, with warnings; a record that cannot be read keeps its raw
 * bytes (undecodable, problem) and decoding goes on after it when its
 * length is known.
 */
int mbus_telegram_parse(const uint8_t *buf, size_t len,
			struct mbus_telegram *t, struct mbus_error *err);

/* The same for a meter whose data are encrypted with the AES-128 @key. */
int mbus_telegram_parse_key(const uint8_t *buf, size_t len,
			    const uint8_t key[16], struct mbus_telegram *t,
			    struct mbus_error *err);

/* Decode the application layer of an already parsed long frame. */
int mbus_app_parse(const struct mbus_frame *f, const uint8_t *key,
		   struct mbus_telegram *t, struct mbus_error *err);

/*
 * Decode variable data records from @data (frame offset @pos) and append
 * them to @t. @from_master selects the SND_UD meaning of VIFE 0x00..0x1F.
 * Returns 0 or -ENOMEM: problems of records are reported in the records.
 */
int mbus_records_parse(const uint8_t *data, size_t len, size_t pos,
		       bool from_master, bool msb_first,
		       struct mbus_telegram *t, struct mbus_error *err);

#endif
