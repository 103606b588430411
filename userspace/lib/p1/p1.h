/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DSMR / P1 telegram library: framing from a byte stream, CRC-16/ARC,
 * line parsing for DSMR 2.2, 3, 4.x, 5.0.2, Belgian e-MUCS, the Swedish
 * companion standard and Luxembourg Smarty (AES-128-GCM), value
 * interpretation and a normalised summary. No I/O and no global state:
 * every call works on caller-owned structures and reports failures in a
 * struct p1_error.
 */
#ifndef SMCARD_P1_H
#define SMCARD_P1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest telegram accepted by the framer unless told otherwise. */
#define P1_DEFAULT_MAX_TELEGRAM	16384

/* Where and why something failed; @pos is a byte offset in the input. */
struct p1_error {
	size_t pos;
	unsigned int line;	/* 1-based, 0 when not line-related */
	char msg[192];
};

/* --- CRC ---------------------------------------------------------------- */

/* CRC-16/ARC (poly 0x8005 reflected, init 0), as used by DSMR 4 and later. */
uint16_t p1_crc16(uint16_t crc, const void *data, size_t len);

/* --- time --------------------------------------------------------------- */

/*
 * Convert a P1 timestamp "YYMMDDhhmmssX" (X = 'S' summer / 'W' winter) to
 * seconds since the epoch, UTC. Without the flag (12 digits, DSMR 2.2/3)
 * daylight saving is derived from the EU rules. Meters on P1 all keep
 * CET/CEST. Returns 0, or -1 if @s is not a timestamp.
 */
int p1_time_parse(const char *s, size_t len, int64_t *utc);

/* Format @utc as local CET/CEST "YYMMDDhhmmssX"; @buf needs 14 bytes. */
void p1_time_format(int64_t utc, char buf[14]);

/* Format @utc as ISO 8601 "YYYY-MM-DDThh:mm:ssZ"; @buf needs 21 bytes. */
void p1_time_iso(int64_t utc, char buf[21]);

/* True if @utc falls in EU summer time. */
bool p1_time_is_summer(int64_t utc);

/* --- framing ------------------------------------------------------------ */

enum p1_frame_mode {
	P1_FRAME_TEXT,		/* '/' ... '!' [CRC] CR LF */
	P1_FRAME_SMARTY,	/* 0xDB general-glo-ciphering frames */
};

/* Accumulates bytes and cuts complete telegrams out of them. */
struct p1_framer {
	enum p1_frame_mode mode;
	uint8_t *buf;
	size_t len;
	size_t cap;
	size_t max;
	size_t consumed;	/* bytes handed out by the last next() */
	uint64_t offset;	/* stream offset of buf[0] */
	uint64_t skipped;	/* garbage bytes dropped so far */
	uint64_t truncated;	/* telegrams abandoned for a new start */
};

int p1_framer_init(struct p1_framer *f, enum p1_frame_mode mode, size_t max);
void p1_framer_free(struct p1_framer *f);

/* Append @len bytes. Returns 0 or -ENOMEM. */
int p1_framer_push(struct p1_framer *f, const void *data, size_t len);

/*
 * Find the next complete telegram. Returns 1 with *@frame / *@len pointing
 * into the framer (valid until the next push or next call), 0 if more
 * bytes are needed, or a negative errno with @err filled when a started
 * telegram cannot complete (no end marker at end of input, too long).
 * With @eof set, the buffered bytes are all there is: a final telegram
 * without a line end after its CRC is accepted and a telegram still open
 * is reported as truncated.
 */
int p1_framer_next(struct p1_framer *f, bool eof, const uint8_t **frame,
		   size_t *len, struct p1_error *err);

/* --- Smarty ------------------------------------------------------------- */

#define P1_SMARTY_HEADER	18	/* DB 08 title[8] 82 len[2] SC fc[4] */
#define P1_SMARTY_TAG		12
#define P1_SMARTY_SC		0x30

/* The authentication key the Luxembourg P1 specification fixes. */
extern const uint8_t p1_smarty_default_ak[16];

/*
 * Length of the encrypted frame starting at @buf: >0 once the header is
 * complete, 0 if more bytes are needed, -1 if @buf is not a frame start.
 */
long p1_smarty_frame_len(const uint8_t *buf, size_t len, size_t max);

/*
 * Decrypt and authenticate one frame with the 16-byte user key @key and
 * authentication key @ak (NULL: the specification's default). On success
 * *@plain is a malloc'ed NUL-terminated telegram of *@plain_len bytes.
 */
int p1_smarty_decrypt(const uint8_t *frame, size_t len, const uint8_t *key,
		      const uint8_t *ak, char **plain, size_t *plain_len,
		      struct p1_error *err);

/*
 * Build an encrypted frame around @plain (for emulators and tests).
 * *@frame is malloc'ed.
 */
int p1_smarty_encrypt(const char *plain, size_t plain_len, const uint8_t *key,
		      const uint8_t *ak, const uint8_t title[8],
		      uint32_t counter, uint8_t **frame, size_t *frame_len,
		      struct p1_error *err);

/* --- telegram ----------------------------------------------------------- */

enum p1_variant {
	P1_VARIANT_UNKNOWN,
	P1_VARIANT_DSMR22,	/* DSMR 2.2 / 3: no CRC, 9600 7E1 */
	P1_VARIANT_DSMR4,
	P1_VARIANT_DSMR5,
	P1_VARIANT_EMUCS,	/* Belgium */
	P1_VARIANT_SWEDISH,	/* Swedish companion standard */
	P1_VARIANT_SMARTY,	/* Luxembourg */
};

const char *p1_variant_name(enum p1_variant v);

enum p1_kind {
	P1_KIND_EMPTY,		/* () */
	P1_KIND_NUMBER,		/* number, maybe with unit */
	P1_KIND_TEXT,		/* identifiers, hex text, anything else */
	P1_KIND_PROFILE,	/* buffer: count, OBIS ids, entries */
};

struct p1_obis {
	uint8_t a, b, c, d, e;
	uint8_t f;		/* 255 when absent */
};

/* One parenthesised group: "(text*unit)". */
struct p1_group {
	const char *text;	/* NUL-terminated, unit cut off */
	const char *unit;	/* NULL when there is no '*' */
	size_t pos;		/* offset of '(' in the telegram */
};

/* One OBIS line with its interpretation. */
struct p1_object {
	struct p1_obis id;
	char code[24];		/* "1-0:1.8.1" */
	unsigned int line;
	size_t pos;
	size_t first_group;	/* index into telegram groups[] */
	size_t ngroups;

	enum p1_kind kind;
	const char *text;	/* value text (number text for numbers) */
	double number;
	const char *unit;	/* canonical spelling when known, else as sent */
	bool has_time;
	int64_t time;		/* UTC seconds */
	const char *time_text;
	/* P1_KIND_PROFILE: entries of @entry_width groups after @nids ids */
	size_t count, nids, entry_width;
};

struct p1_telegram {
	char *buf;		/* private copy, split in place */
	size_t len;
	const char *header;	/* after '/', e.g. "ISk5\2MT382-1000" */
	enum p1_variant variant;
	char version[24];
	bool has_crc;
	bool crc_ok;
	uint16_t crc_read;
	uint16_t crc_calc;
	struct p1_object *objs;
	size_t nobjs;
	size_t objs_cap;
	struct p1_group *groups;
	size_t ngroups;
	size_t groups_cap;
};

/* p1_parse() flags */
#define P1_PARSE_IGNORE_CRC	0x1	/* report crc_ok = false, don't fail */

/*
 * Parse one framed telegram ('/' to the end of the CRC line). Fills @t,
 * which must be released with p1_telegram_free() even on failure.
 * Returns 0, or a negative errno with @err set: -EBADMSG for a CRC
 * mismatch, -EINVAL for malformed lines, -ENOMEM.
 */
int p1_parse(const char *text, size_t len, unsigned int flags,
	     struct p1_telegram *t, struct p1_error *err);
void p1_telegram_free(struct p1_telegram *t);

/* Find an object by code ("1-0:1.8.1"); NULL if absent. */
const struct p1_object *p1_find(const struct p1_telegram *t,
				const char *code);

/* Group @i of @o, or NULL. */
const struct p1_group *p1_object_group(const struct p1_telegram *t,
				       const struct p1_object *o, size_t i);

/* --- values ------------------------------------------------------------- */

/* Parse a decimal "[-]ddd[.ddd]"; returns 0 or -1. */
int p1_number_parse(const char *s, double *out);

/* Canonical spelling of a unit (case-insensitive match), or NULL. */
const char *p1_unit_canonical(const char *unit);

/*
 * Scale @value in @unit to the base @want ("kWh", "W", "V", "A", "m3",
 * "kvarh", "var", "GJ", "s"). Returns 0, or -1 if the units don't match.
 */
int p1_unit_convert(double value, const char *unit, const char *want,
		    double *out);

/* Interpret the groups of @o (called by p1_parse()). */
int p1_object_interpret(struct p1_telegram *t, struct p1_object *o,
			struct p1_error *err);

/* Known OBIS names; NULL for objects the library does not know. */
const char *p1_obis_name(const struct p1_obis *id);

/* Whether a unitless value of @id is a number (tariff, counters). */
bool p1_obis_unitless_number(const struct p1_obis *id);

/* Work out the variant and version of a parsed telegram. */
void p1_detect_variant(struct p1_telegram *t);

/* --- summary ------------------------------------------------------------ */

#define P1_TARIFFS	4
#define P1_MBUS_MAX	4

/* M-Bus sub-device (gas, water, heat) on channel 1..4. */
struct p1_mbus_device {
	unsigned int channel;
	unsigned int type;		/* M-Bus device type, 0 if unknown */
	const char *id;			/* equipment identifier */
	double value;			/* NAN if no reading */
	const char *unit;
	bool has_time;
	int64_t time;
};

/* All fields are NAN (or false / NULL) when the telegram lacks them. */
struct p1_summary {
	bool has_time;
	int64_t time;
	double import_kwh;		/* total */
	double export_kwh;
	double import_tariff_kwh[P1_TARIFFS];
	double export_tariff_kwh[P1_TARIFFS];
	double tariff;			/* active tariff indicator */
	double reactive_import_kvarh;
	double reactive_export_kvarh;
	double power_import_w;
	double power_export_w;
	double reactive_import_var;
	double reactive_export_var;
	double voltage_v[3];
	double current_a[3];
	double phase_import_w[3];
	double phase_export_w[3];
	double demand_w;		/* e-MUCS current average demand */
	double peak_demand_w;		/* e-MUCS peak of the month */
	bool has_peak_time;
	int64_t peak_time;
	double breaker;			/* e-MUCS breaker state */
	double limiter_w;
	size_t nmbus;
	struct p1_mbus_device mbus[P1_MBUS_MAX];
};

void p1_summarize(const struct p1_telegram *t, struct p1_summary *s);

const char *p1_mbus_type_name(unsigned int type);

/* --- JSON --------------------------------------------------------------- */

struct json_object;

/* The whole telegram: header, version, crc_ok, objects, summary. */
struct json_object *p1_to_json(const struct p1_telegram *t);
struct json_object *p1_summary_to_json(const struct p1_summary *s);

/*
 * Set a P1 tty raw at 115200 8N1 (DSMR 4+), or 9600 7E1 with @dsmr22
 * (DSMR 2.2/3). A descriptor that is not a tty is left as it is.
 * Returns 0 or a negative errno.
 */
int p1_tty_setup(int fd, bool dsmr22);

/* --- meter model (emulators, tests) ------------------------------------- */

enum p1_meter_flavour {
	P1_METER_DSMR5,
	P1_METER_SWEDISH,
};

struct p1_meter {
	enum p1_meter_flavour flavour;
	uint64_t rng;
	int64_t now;			/* UTC seconds */
	double frac;			/* sub-second part of now */
	double import_kwh[2];		/* tariff 1, 2 (Swedish: [0] only) */
	double export_kwh[2];
	double reactive_import_kvarh;
	double reactive_export_kvarh;
	double load_w[3];		/* consumption per phase */
	double solar_w;			/* production over all phases */
	double reactive_var[3];		/* + inductive, - capacitive */
	double voltage_v[3];
	double gas_m3;
	double gas_flow_m3h;
	int64_t gas_time;
	double gas_reading;
	unsigned int power_failures;
};

void p1_meter_init(struct p1_meter *m, enum p1_meter_flavour flavour,
		   uint64_t seed, int64_t now);

/* Advance the model by @dt seconds: powers wander, energies integrate. */
void p1_meter_step(struct p1_meter *m, double dt);

/* Instantaneous net active power per phase, W (negative: export). */
double p1_meter_phase_w(const struct p1_meter *m, int phase);
double p1_meter_current_a(const struct p1_meter *m, int phase);

/*
 * Write the current telegram (CR LF line ends, CRC) into @buf.
 * Returns its length, or -ENOSPC if @size is too small.
 */
long p1_meter_telegram(const struct p1_meter *m, char *buf, size_t size);

#endif
