/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DSMR / P1 telegram library: framing from a byte stream, CRC-16/ARC,
 * line parsing for DSMR 2.2, 3, 4.x, 5.0.2, Belgian e-MUCS, the Swedish
 * companion standard, Luxembourg Smarty (AES-128-GCM), EasyMeter Q3D and
 * the Hungarian specification; names and units of every object they
 * define, local times read in the meter's time zone, and a normalised
 * summary. No global state and no I/O but reading a time zone file in
 * p1_tz_load(): every call works on caller-owned structures and reports
 * failures in a struct p1_error.
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

/* --- time zones --------------------------------------------------------- */

/*
 * A P1 timestamp is the local time of the meter's country. struct p1_tz
 * holds the UTC offsets of one zone, read once from the system's tz
 * database (TZif files, RFC 8536). It is immutable once loaded, so threads
 * may share it. Functions taking a zone accept NULL for Central European
 * Time by the EU rule (CET-1CEST,M3.5.0,M10.5.0/3), built in, which is
 * what NL, BE, LU and SE meters keep.
 */
struct p1_tz;

#define P1_DEFAULT_TZ	"Europe/Amsterdam"

/*
 * Load @name: an IANA zone ("Europe/Dublin") from $TZDIR or
 * /usr/share/zoneinfo, or a POSIX TZ string ("CET-1CEST,M3.5.0,M10.5.0/3").
 * Returns 0, -ENOENT (no such zone), -EINVAL (bad name or file), -ENOMEM.
 */
int p1_tz_load(const char *name, struct p1_tz **tz, struct p1_error *err);

/* The same from the bytes of a TZif file (tests, fuzzing). */
int p1_tz_from_tzif(const char *name, const void *data, size_t len,
		    struct p1_tz **tz, struct p1_error *err);

void p1_tz_free(struct p1_tz *tz);
const char *p1_tz_name(const struct p1_tz *tz);

/* Seconds east of UTC that clocks in @tz show at @utc. */
int32_t p1_tz_offset(const struct p1_tz *tz, int64_t utc);

/* --- time --------------------------------------------------------------- */

enum p1_time_state {
	P1_TIME_ABSENT,		/* no timestamp */
	P1_TIME_OK,
	P1_TIME_NONE,		/* a timestamp that is not a time: see remarks */
};

/* What a decoded timestamp had to be forgiven, bits of p1_time.remarks. */
#define P1_TIME_NO_VALUE	0x01	/* the meter's "no time" (000101..., 700101..., zeros) */
#define P1_TIME_INVALID		0x02	/* digits that are no date (632525252525W) */
#define P1_TIME_CONTRADICTS	0x04	/* S/W flag disagrees with the date: ignored */
#define P1_TIME_AMBIGUOUS	0x08	/* repeated autumn hour, no flag: the later taken */
#define P1_TIME_GAP		0x10	/* skipped spring hour: read on the clock before */

struct p1_time {
	enum p1_time_state state;
	unsigned int remarks;
	int64_t utc;		/* seconds since the epoch */
	int32_t offset;		/* seconds east of UTC the meter's clock showed */
};

/*
 * Decode "YYMMDDhhmmss" with an optional flag X ('S' summer, 'W' winter)
 * as local time in @tz. The flag only picks one of the two instants of the
 * repeated autumn hour; a flag the date contradicts is remarked, not
 * applied. Returns -1 if @s is not shaped like a timestamp, else 0 with
 * @tm->state P1_TIME_OK or P1_TIME_NONE.
 */
int p1_time_decode(const struct p1_tz *tz, const char *s, size_t len,
		   struct p1_time *tm);

/* One line about the most important remark, or NULL when there is none. */
const char *p1_time_remark(unsigned int remarks);

/* Whether @utc falls in summer time in @tz (the larger of its offsets). */
bool p1_time_is_summer(const struct p1_tz *tz, int64_t utc);

/* Format @utc as the meter would, "YYMMDDhhmmssX"; @buf needs 14 bytes. */
void p1_time_format(const struct p1_tz *tz, int64_t utc, char buf[14]);

/* Format @utc as ISO 8601 "YYYY-MM-DDThh:mm:ssZ"; @buf needs 21 bytes. */
void p1_time_iso(int64_t utc, char buf[21]);

/* Format an offset as "+02:00"; @buf needs 7 bytes. */
void p1_time_offset(int32_t offset, char buf[7]);

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
	P1_VARIANT_UNKNOWN,	/* decoded generically */
	P1_VARIANT_DSMR22,	/* DSMR 2.2: no CRC, 9600 7E1 */
	P1_VARIANT_DSMR3,	/* DSMR 3.0: no CRC, 9600 7E1 */
	P1_VARIANT_DSMR4,
	P1_VARIANT_DSMR5,
	P1_VARIANT_EMUCS,	/* Belgium */
	P1_VARIANT_SWEDISH,	/* Swedish companion standard */
	P1_VARIANT_SMARTY,	/* Luxembourg */
	P1_VARIANT_EASYMETER,	/* EasyMeter Q3D (Germany), no CRC */
	P1_VARIANT_HUNGARIAN,	/* Hungarian P1 specification */
};

const char *p1_variant_name(enum p1_variant v);

enum p1_kind {
	P1_KIND_EMPTY,		/* () */
	P1_KIND_NUMBER,		/* number, maybe with unit */
	P1_KIND_TEXT,		/* identifiers, hex text, anything else */
	P1_KIND_PROFILE,	/* buffer: entries with times and values */
};

struct p1_obis {
	uint8_t a, b, c, d, e;
	uint8_t f;		/* 255 when absent */
};

/* What a quantity is, for units and for consumers such as Home Assistant. */
enum p1_quantity {
	P1_Q_NONE,		/* text, identifiers, states */
	P1_Q_ENERGY,		/* kWh */
	P1_Q_REACTIVE_ENERGY,	/* kvarh */
	P1_Q_APPARENT_ENERGY,	/* kVAh */
	P1_Q_POWER,		/* W */
	P1_Q_REACTIVE_POWER,	/* var */
	P1_Q_APPARENT_POWER,	/* VA */
	P1_Q_VOLTAGE,		/* V */
	P1_Q_CURRENT,		/* A */
	P1_Q_POWER_FACTOR,	/* no unit, -1 .. 1 */
	P1_Q_FREQUENCY,		/* Hz */
	P1_Q_DURATION,		/* s */
	P1_Q_COUNT,		/* events counted */
	P1_Q_TIMESTAMP,
	P1_Q_MBUS,		/* M-Bus sub-device reading, unit by medium */
	P1_Q_THRESHOLD,		/* kW, kVA or A, as the meter says */
};

/* p1_obis_info.flags */
#define P1_INFO_NUMBER		0x01	/* a unitless value is a number */
#define P1_INFO_TOTAL		0x02	/* a register that only grows */
#define P1_INFO_DIAGNOSTIC	0x04	/* about the meter, not the energy */
#define P1_INFO_HEXTEXT		0x08	/* text sent as hex octets */
#define P1_INFO_MBUS		0x10	/* B is the M-Bus channel 1..4 */
#define P1_INFO_PROFILE		0x20	/* a buffer of entries */
#define P1_INFO_STATE		0x40	/* a small number naming a state */

/*
 * Name, unit and meaning of an object. @name is unit-free and stable
 * ("energy_import_tariff1"); @key is the member of the normalised JSON
 * that smcardd publishes, with @unit ("import_t1_kwh"); @label is for
 * people ("Energy import tariff 1").
 */
struct p1_obis_info {
	char code[24];		/* catalogue: "1-0:1.8.T", "0-n:24.2.1" */
	char name[48];
	char key[48];
	char label[64];
	const char *unit;	/* of @key's value; NULL for none */
	enum p1_quantity quantity;
	unsigned int flags;
	const char *source;	/* the standards that define it */
};

/* Look @id up. Returns false for objects no supported standard defines. */
bool p1_obis_lookup(const struct p1_obis *id, struct p1_obis_info *info);

/*
 * Entry @i of the catalogue of supported objects, in the order of the
 * documentation; tariff registers appear once with 'T' in @code and
 * @name, M-Bus objects with 'n' for the channel. False past the end.
 */
bool p1_obis_catalogue(size_t i, struct p1_obis_info *info);

/* Known OBIS names; NULL for objects the library does not know. */
const char *p1_obis_name(const struct p1_obis *id, char buf[48]);

/* One parenthesised group: "(text*unit)". */
struct p1_group {
	const char *text;	/* NUL-terminated, unit cut off */
	const char *unit;	/* NULL when there is no '*' */
	size_t pos;		/* offset of '(' in the telegram */
};

/* One entry of a profile buffer (power failures, monthly peaks, gas). */
struct p1_entry {
	struct p1_time start;	/* e-MUCS peaks: the month's start */
	struct p1_time time;	/* event end, peak or capture time */
	bool has_value;
	double value;
	const char *text;	/* the value as sent */
	const char *unit;	/* canonical spelling when known */
};

/* One OBIS line with its interpretation. */
struct p1_object {
	struct p1_obis id;
	char code[24];		/* "1-0:1.8.1" */
	unsigned int line;
	size_t pos;
	size_t first_group;	/* index into telegram groups[] */
	size_t ngroups;

	bool known;		/* @info is valid */
	struct p1_obis_info info;
	enum p1_kind kind;
	const char *text;	/* value text (number text for numbers) */
	const char *decoded;	/* hex text as text, NULL if not hex text */
	double number;
	const char *unit;	/* canonical spelling when known, else as sent */
	struct p1_time time;	/* the object's own timestamp group */
	const char *time_text;
	/* P1_KIND_PROFILE: the buffer's header and its decoded entries */
	size_t count, nids, entry_width;
	size_t first_entry, nentries;	/* into telegram entries[] */
};

#define P1_NOTE_TELEGRAM	((size_t)-1)	/* p1_note.obj: not about one object */
#define P1_NOTE_OBJECT		((size_t)-1)	/* p1_note.entry: the whole object */

/* Something the decoder noticed and worked around. */
struct p1_note {
	size_t obj;		/* index in objs[] or P1_NOTE_TELEGRAM */
	size_t entry;		/* entry of that object or P1_NOTE_OBJECT */
	bool warning;		/* the meter sent something wrong */
	char msg[128];
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
	const struct p1_tz *tz;	/* the zone times were decoded in */
	struct p1_object *objs;
	size_t nobjs;
	size_t objs_cap;
	struct p1_group *groups;
	size_t ngroups;
	size_t groups_cap;
	struct p1_entry *entries;
	size_t nentries;
	size_t entries_cap;
	struct p1_note *notes;
	size_t nnotes;
	size_t notes_cap;
	char *text;		/* decoded hex text lives here */
	size_t text_len;
};

/* p1_parse() flags */
#define P1_PARSE_IGNORE_CRC	0x1	/* report crc_ok = false, don't fail */

/*
 * Parse one framed telegram ('/' to the end of the CRC line), reading its
 * times as local time in @tz (NULL: the built-in CET rule). Fills @t,
 * which must be released with p1_telegram_free() even on failure; @tz
 * must outlive @t. Returns 0, or a negative errno with @err set: -EBADMSG
 * for a CRC mismatch, -EINVAL for malformed lines, -ENOMEM.
 */
int p1_parse(const char *text, size_t len, unsigned int flags,
	     const struct p1_tz *tz, struct p1_telegram *t,
	     struct p1_error *err);
void p1_telegram_free(struct p1_telegram *t);

/* Find an object by code ("1-0:1.8.1"); NULL if absent. */
const struct p1_object *p1_find(const struct p1_telegram *t,
				const char *code);

/* Group @i of @o, or NULL. */
const struct p1_group *p1_object_group(const struct p1_telegram *t,
				       const struct p1_object *o, size_t i);

/* Entry @i of a profile object, or NULL. */
const struct p1_entry *p1_object_entry(const struct p1_telegram *t,
				       const struct p1_object *o, size_t i);

/* Record a note (called by the decoder); 0 or -ENOMEM. */
int p1_note_add(struct p1_telegram *t, size_t obj, size_t entry,
		bool warning, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* --- values ------------------------------------------------------------- */

/* Parse a decimal "[-]ddd[.ddd]"; returns 0 or -1. */
int p1_number_parse(const char *s, double *out);

/* Canonical spelling of a unit (case-insensitive match), or NULL. */
const char *p1_unit_canonical(const char *unit);

/*
 * Scale @value in @unit to @want within one dimension ("kWh", "W", "V",
 * "A", "m3", "kvarh", "var", "VA", "kVAh", "GJ", "Hz", "s"). Returns 0,
 * or -1 if the units don't match.
 */
int p1_unit_convert(double value, const char *unit, const char *want,
		    double *out);

/* The base unit of @unit's dimension ("kW" -> "W"), or NULL. */
const char *p1_unit_base(const char *unit);

/* Interpret the groups of @o (called by p1_parse()). */
int p1_object_interpret(struct p1_telegram *t, struct p1_object *o,
			struct p1_error *err);

/*
 * Decode hex octets "48656C6C6F" to text into @out (@size bytes with the
 * NUL). Returns the length, or -1 if @hex is not printable text in hex.
 */
long p1_hex_text(const char *hex, char *out, size_t size);

/* Work out the variant and version of a parsed telegram. */
void p1_detect_variant(struct p1_telegram *t);

/* --- summary ------------------------------------------------------------ */

#define P1_TARIFFS	8
#define P1_MBUS_MAX	4

/* M-Bus sub-device (gas, water, heat) on channel 1..4. */
struct p1_mbus_device {
	unsigned int channel;
	unsigned int type;		/* M-Bus device type, 0 if unknown */
	const char *id;			/* equipment identifier as sent */
	double value;			/* NAN if no reading */
	const char *unit;
	const char *code;		/* OBIS code of the reading */
	struct p1_time time;		/* when the device took it */
	double valve;			/* valve state, NAN if not sent */
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

/* Name of a breaker state (e-MUCS, DSMR, Smarty), NULL if unknown. */
const char *p1_breaker_state_name(double state);

/* --- JSON --------------------------------------------------------------- */

struct json_object;

/*
 * The whole telegram: header, variant, version, crc_ok, time_zone,
 * objects (name, value, unit, timestamp with utc_offset, decoded text,
 * profile entries, notes), notes and summary.
 */
struct json_object *p1_to_json(const struct p1_telegram *t);
struct json_object *p1_summary_to_json(const struct p1_summary *s);

/*
 * Add @key: the ISO 8601 UTC time of @tm, or null when it is no time; with
 * @offset_key also the offset the meter's clock showed ("+02:00").
 */
void p1_json_add_time(struct json_object *obj, const char *key,
		      const char *offset_key, const struct p1_time *tm);

/*
 * Set a P1 tty raw at 115200 8N1 (DSMR 4+), or 9600 7E1 with @dsmr22
 * (DSMR 2.2/3). A descriptor that is not a tty is left as it is.
 * Returns 0 or a negative errno.
 */
int p1_tty_setup(int fd, bool dsmr22);

/* --- meter model (emulators, tests) ------------------------------------- */

enum p1_meter_flavour {
	P1_METER_DSMR5,		/* Dutch DSMR 5.0.2, three phases, gas */
	P1_METER_SWEDISH,	/* the Swedish standard's objects, three phases */
	P1_METER_XS211,		/* Sagemcom XS211: single phase, all it measures */
	P1_METER_XS211_3PH,	/* the same object set on three phases */
};

#define P1_METER_FAILURES	4	/* power failures in the model's log */

struct p1_meter {
	enum p1_meter_flavour flavour;
	const struct p1_tz *tz;		/* the meter's clock; NULL: CET */
	unsigned int phases;
	uint64_t rng;
	int64_t now;			/* UTC seconds */
	double frac;			/* sub-second part of now */
	double import_kwh[P1_TARIFFS];	/* per tariff register */
	double export_kwh[P1_TARIFFS];
	double reactive_kvarh[4];	/* QI .. QIV */
	double apparent_kvah[2];	/* import, export */
	double load_w[3];		/* consumption per phase */
	double solar_w;			/* production over all phases */
	double reactive_var[3];		/* + inductive, - capacitive */
	double voltage_v[3];
	double gas_m3;
	double gas_flow_m3h;
	int64_t gas_time;
	double gas_reading;
	double demand_sum_j;		/* energy in the current demand period */
	int64_t demand_start;
	double demand_w;		/* average of the last full period */
	double peak_w;			/* highest demand this month */
	int64_t peak_time;
	unsigned int power_failures;
	unsigned int long_failures;
	int64_t failure_end[P1_METER_FAILURES];
	uint32_t failure_s[P1_METER_FAILURES];
	unsigned int sags[3], swells[3];
	int breaker;			/* 1 connected */
};

/* @tz (NULL: CET) must outlive @m. */
void p1_meter_init(struct p1_meter *m, enum p1_meter_flavour flavour,
		   uint64_t seed, int64_t now, const struct p1_tz *tz);

/* Advance the model by @dt seconds: powers wander, energies integrate. */
void p1_meter_step(struct p1_meter *m, double dt);

/* Instantaneous net active power per phase, W (negative: export). */
double p1_meter_phase_w(const struct p1_meter *m, int phase);
double p1_meter_current_a(const struct p1_meter *m, int phase);

/* Tariff register 1..8 in use now. */
int p1_meter_tariff(const struct p1_meter *m);

/*
 * Write the current telegram (CR LF line ends, CRC) into @buf.
 * Returns its length, or -ENOSPC if @size is too small.
 */
long p1_meter_telegram(const struct p1_meter *m, char *buf, size_t size);

#endif
