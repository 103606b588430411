// SPDX-License-Identifier: GPL-2.0
/*
 * smcardd configuration parser. libinih splits the file; this file knows
 * the sections and keys. Keys are described by tables (type, range,
 * place in the struct) so that every section reports errors the same way.
 * Line numbers come from our own line reader around the stream, because
 * the handler of the distribution's libinih does not get them.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <ini.h>
#include <linux/meterbus.h>

#include "mbus.h"
#include "config.h"
#include "mbmap.h"
#include "netacl.h"
#include "p1_publish.h"
#include "rules.h"
#include "slave.h"

enum ktype { K_STR, K_INT, K_DOUBLE, K_DURATION, K_BOOL, K_CHOICE, K_CUSTOM };

struct key {
	const char *name;
	enum ktype type;
	size_t off;
	size_t size;
	double min, max;
	const char *const *choices;
	const char *hint;
};

#define STR(s, f, h)	{ #f, K_STR, offsetof(s, f), sizeof(((s *)0)->f), 0, 0, NULL, h }
#define INT(s, f, lo, hi) { #f, K_INT, offsetof(s, f), 0, lo, hi, NULL, NULL }
#define DBL(s, f, lo, hi) { #f, K_DOUBLE, offsetof(s, f), 0, lo, hi, NULL, NULL }
#define DUR(s, f, lo, hi) { #f, K_DURATION, offsetof(s, f), 0, lo, hi, NULL, NULL }
#define BOOL(s, f)	{ #f, K_BOOL, offsetof(s, f), 0, 0, 0, NULL, NULL }
#define CHOICE(s, f, c) { #f, K_CHOICE, offsetof(s, f), sizeof(((s *)0)->f), 0, 0, c, NULL }
#define CUSTOM(n, h)	{ n, K_CUSTOM, 0, 0, 0, 0, NULL, h }
#define KEND		{ NULL, 0, 0, 0, 0, 0, NULL, NULL }

static const char *const log_levels[] = { "error", "warning", "info", "debug", NULL };
static const char *const serial_modes[] = { "rs232", "rs422", "rs485-half", "rs485-full", NULL };
static const char *const biases[] = { "pull-up", "pull-down", "disabled", NULL };
static const char *const on_off[] = { "on", "off", NULL };
static const char *const state_classes[] = { "measurement", "total", "total_increasing", NULL };
static const char *const bin_classes[] = { "door", "window", "moisture", "power", "problem",
					   "running", "safety", "smoke", "opening", "occupancy",
					   "plug", "lock", "heat", "cold", "gas", "vibration", NULL };

static const char *const spool_policies[] = { "drop-oldest", "drop-newest", NULL };

static const struct key general_keys[] = {
	STR(struct sd_general, name, "letters, digits, '-' and '_'"),
	CUSTOM("log_level", "error, warning, info or debug"),
	BOOL(struct sd_general, syslog),
	KEND,
};

static const struct key mqtt_keys[] = {
	CUSTOM("enabled", "yes or no"),
	STR(struct sd_mqtt, host, NULL),
	INT(struct sd_mqtt, port, 1, 65535),
	STR(struct sd_mqtt, client_id, NULL),
	STR(struct sd_mqtt, username, NULL),
	STR(struct sd_mqtt, password, NULL),
	BOOL(struct sd_mqtt, tls),
	STR(struct sd_mqtt, cafile, NULL),
	STR(struct sd_mqtt, capath, NULL),
	STR(struct sd_mqtt, certfile, NULL),
	STR(struct sd_mqtt, keyfile, NULL),
	BOOL(struct sd_mqtt, tls_insecure),
	CUSTOM("topic_prefix", "a topic level without '+', '#' or a trailing '/'"),
	INT(struct sd_mqtt, qos, 0, 1),
	BOOL(struct sd_mqtt, retain),
	INT(struct sd_mqtt, keepalive, 5, 3600),
	BOOL(struct sd_mqtt, discovery),
	CUSTOM("discovery_prefix", "usually 'homeassistant'"),
	INT(struct sd_mqtt, max_inflight, 1, 1000),
	KEND,
};

static const struct key jsonl_keys[] = {
	CUSTOM("enabled", "yes or no"),
	STR(struct sd_jsonl, path, "'-' for stdout or a file path"),
	KEND,
};

static const struct key spool_keys[] = {
	STR(struct sd_spool, path, "an SQLite file, e.g. /var/lib/smcardd/smcardd.db"),
	INT(struct sd_spool, max_rows, 0, 1e9),
	CHOICE(struct sd_spool, full_policy, spool_policies),
	DUR(struct sd_spool, sync_interval, 0.1, 3600),
	KEND,
};

static const struct key p1_keys[] = {
	CUSTOM("enabled", "yes or no"),
	STR(struct sd_p1, device, "the P1 tty, e.g. /dev/ttySIM2"),
	STR(struct sd_p1, gpiochip, "a /dev/gpiochipN path, name or label"),
	STR(struct sd_p1, request_line, "a GPIO line name such as P1_REQ, empty when tied"),
	BOOL(struct sd_p1, dsmr22),
	CUSTOM("key", "32 hex digits (Luxembourg Smarty user key)"),
	DUR(struct sd_p1, interval, 0, 86400),
	DUR(struct sd_p1, timeout, 1, 3600),
	CUSTOM("timezone", "an IANA time zone such as Europe/Amsterdam"),
	CUSTOM("include", "names, keys or OBIS codes to publish, globs allowed"),
	CUSTOM("exclude", "names, keys or OBIS codes not to publish, globs allowed"),
	KEND,
};

static const struct key status_keys[] = {
	CUSTOM("enabled", "yes or no"),
	DUR(struct sd_status, interval, 1, 86400),
	STR(struct sd_status, sysfs, "the card core device directory in /sys"),
	KEND,
};

static const struct key modbus_keys[] = {
	CUSTOM("transport", "tcp or rtu"),
	STR(struct sd_mb_meter, host, NULL),
	INT(struct sd_mb_meter, port, 1, 65535),
	STR(struct sd_mb_meter, device, "the serial tty, e.g. /dev/ttySIM0"),
	CUSTOM("baud", "300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, "
		"230400, 460800, 500000, 576000, 921600, 1000000, 1152000, 1500000, "
		"2500000, 3000000, 3500000 or 4000000"),
	CUSTOM("parity", "none, even or odd"),
	INT(struct sd_mb_meter, data_bits, 7, 8),
	INT(struct sd_mb_meter, stop_bits, 1, 2),
	CHOICE(struct sd_mb_meter, serial_mode, serial_modes),
	CUSTOM("termination", "yes or no"),
	STR(struct sd_mb_meter, knob_dir, "the sysfs directory holding serial_mode"),
	INT(struct sd_mb_meter, slave, 0, 247),
	DUR(struct sd_mb_meter, interval, 0.05, 86400),
	INT(struct sd_mb_meter, timeout_ms, 10, 60000),
	CUSTOM("order", "abcd, cdab, badc or dcba"),
	CUSTOM("register", "NAME FUNCTION ADDRESS TYPE [order=abcd|cdab|badc|dcba] [scale=X] [offset=X] [unit=U] [device_class=C] [state_class=C]"),
	KEND,
};

static const struct key analog_keys[] = {
	STR(struct sd_analog, device, "the IIO device name, e.g. smcard-adc"),
	STR(struct sd_analog, channel, "voltageN, currentN or a channel label"),
	INT(struct sd_analog, pin, 1, 5),
	DUR(struct sd_analog, interval, 0.05, 86400),
	DBL(struct sd_analog, scale, -1e12, 1e12),
	DBL(struct sd_analog, offset, -1e12, 1e12),
	CUSTOM("input", "two numbers: the low and high input, e.g. '4 20' (mA)"),
	CUSTOM("output", "two numbers: the values at those inputs, e.g. '0 10' (bar)"),
	BOOL(struct sd_analog, clamp),
	STR(struct sd_analog, unit, NULL),
	STR(struct sd_analog, device_class, "a Home Assistant sensor device class"),
	CHOICE(struct sd_analog, state_class, state_classes),
	BOOL(struct sd_analog, range_alarm),
	DBL(struct sd_analog, alarm_low, -1e12, 1e12),
	DBL(struct sd_analog, alarm_high, -1e12, 1e12),
	DBL(struct sd_analog, alarm_hysteresis, 0, 1e12),
	KEND,
};

static const struct key counter_keys[] = {
	STR(struct sd_counter, device, "/dev/counterN, counterN or the counter's name"),
	INT(struct sd_counter, count, 0, 64),
	CUSTOM("weight", "units per pulse, e.g. 0.001 for 1000 imp/kWh"),
	CUSTOM("pulses_per_unit", "e.g. 1000 (imp/kWh)"),
	DBL(struct sd_counter, initial, -1e15, 1e15),
	DUR(struct sd_counter, interval, 0.05, 86400),
	STR(struct sd_counter, unit, NULL),
	STR(struct sd_counter, device_class, "energy, gas, water, volume ..."),
	CHOICE(struct sd_counter, state_class, state_classes),
	KEND,
};

static const struct key digital_keys[] = {
	STR(struct sd_digital, gpiochip, "a /dev/gpiochipN path, name or label"),
	STR(struct sd_digital, gpio, "a GPIO line name such as IO3"),
	BOOL(struct sd_digital, active_low),
	INT(struct sd_digital, debounce_ms, 0, 60000),
	CHOICE(struct sd_digital, bias, biases),
	CHOICE(struct sd_digital, device_class, bin_classes),
	DUR(struct sd_digital, interval, 0, 86400),
	CHOICE(struct sd_digital, alarm, on_off),
	KEND,
};

static const struct key output_keys[] = {
	STR(struct sd_output, gpiochip, "a /dev/gpiochipN path, name or label"),
	STR(struct sd_output, gpio, "a GPIO line name such as IO5"),
	BOOL(struct sd_output, active_low),
	BOOL(struct sd_output, open_drain),
	INT(struct sd_output, initial, 0, 1),
	DUR(struct sd_output, interval, 0, 86400),
	KEND,
};

static const struct key mbus_keys[] = {
	CUSTOM("enabled", "yes or no"),
	STR(struct sd_mbus, bus, "the bus name from 'smcardctl mbus list', e.g. mbus0"),
	BOOL(struct sd_mbus, power),
	CUSTOM("baud", "300, 600, 1200, 2400, 4800, 9600, 19200 or 38400"),
	CUSTOM("scan", "none, primary or secondary"),
	DUR(struct sd_mbus, scan_interval, 0, 604800),
	DUR(struct sd_mbus, interval, 1, 86400),
	INT(struct sd_mbus, retries, 0, 10),
	INT(struct sd_mbus, timeout_extra_ms, 0, METERBUS_TIMEOUT_EXTRA_MAX),
	INT(struct sd_mbus, max_telegrams, 1, 64),
	KEND,
};

static const char *const mbus_volume_classes[] = { "water", "gas", "volume", NULL };

static const struct key mbus_meter_keys[] = {
	CUSTOM("address", "a primary address 0..250 or a secondary address of 16 hex digits (F: wildcard)"),
	CUSTOM("key", "32 hex digits: the meter's AES-128 key (OMS security mode 5 or 7)"),
	DUR(struct sd_mbus_meter, interval, 1, 86400),
	CHOICE(struct sd_mbus_meter, device_class, mbus_volume_classes),
	KEND,
};

static const struct key mbus_slave_keys[] = {
	CUSTOM("enabled", "yes or no"),
	STR(struct sd_mbus_slave, bus, "the bus name from 'smcardctl mbus list', e.g. mbus0"),
	INT(struct sd_mbus_slave, primary_address, 0, 250),
	STR(struct sd_mbus_slave, id, "the identification number, 1 to 8 decimal digits"),
	STR(struct sd_mbus_slave, manufacturer, "three letters, e.g. OPT"),
	INT(struct sd_mbus_slave, version, 0, 255),
	STR(struct sd_mbus_slave, medium, "a medium name (electricity, water, ...) or 0..255"),
	CUSTOM("baud", "300, 600, 1200, 2400, 4800, 9600, 19200 or 38400"),
	STR(struct sd_mbus_slave, report, "counter/NAME, analog/NAME, digital/NAME and time, comma separated"),
	KEND,
};

static const struct key mbsrv_keys[] = {
	CUSTOM("enabled", "yes or no"),
	STR(struct sd_mbsrv, listen, "an IP address: 127.0.0.1 (default), ::1, or 0.0.0.0 / :: for every interface"),
	INT(struct sd_mbsrv, port, 1, 65535),
	INT(struct sd_mbsrv, unit_id, 1, 247),
	CUSTOM("type", "float32, int32 or uint32"),
	CUSTOM("order", "abcd, cdab, badc or dcba"),
	DBL(struct sd_mbsrv, scale, -1e9, 1e9),
	BOOL(struct sd_mbsrv, auto_map),
	BOOL(struct sd_mbsrv, allow_write),
	CUSTOM("allow", "client addresses or networks, e.g. 127.0.0.1, 192.168.1.0/24, fd00::/8"),
	CUSTOM("write_allow", "client addresses or networks, e.g. 192.168.1.10"),
	INT(struct sd_mbsrv, max_clients, 1, 64),
	DUR(struct sd_mbsrv, idle_timeout, 1, 86400),
	STR(struct sd_mbsrv, map_file, "a file for the map as 'map' lines, e.g. /var/lib/smcardd/modbus-map.conf"),
	CUSTOM("map", "ADDRESS SUB KEY [type=float32|int32|uint32] [order=abcd|cdab|badc|dcba] [scale=X], e.g. 'map = 1000 analog/pressure value'"),
	KEND,
};

static const struct key rule_keys[] = {
	CUSTOM("when", "analog/NAME under_range|over_range|low|high|alarm, or digital/NAME on|off"),
	CUSTOM("then", "output/NAME on|off"),
	BOOL(struct sd_rule, restore),
	KEND,
};

static const struct key iiodev_keys[] = {
	STR(struct sd_iiodev, device, "the IIO device's name, label, iio:deviceN or its driver's name (e.g. hdc100x)"),
	STR(struct sd_iiodev, channels, "channel ids separated by spaces, e.g. 'temp humidityrelative'"),
	DUR(struct sd_iiodev, interval, 0.05, 86400),
	KEND,
};

static const struct key http_keys[] = {
	CUSTOM("enabled", "yes or no"),
	CUSTOM("listen", "a numeric IPv4 or IPv6 address, e.g. 127.0.0.1 or ::"),
	INT(struct sd_http, port, 1, 65535),
	STR(struct sd_http, certfile, "a PEM certificate file (HTTPS)"),
	STR(struct sd_http, keyfile, "the PEM key file of certfile"),
	CUSTOM("token", "a bearer token of 16 to 127 printable characters"),
	STR(struct sd_http, username, "a basic-auth user name"),
	STR(struct sd_http, password, "the basic-auth password"),
	BOOL(struct sd_http, read_only),
	INT(struct sd_http, max_connections, 1, 1024),
	KEND,
};

enum sect {
	S_NONE, S_GENERAL, S_MQTT, S_JSONL, S_SPOOL, S_P1, S_STATUS, S_MODBUS,
	S_ANALOG, S_COUNTER, S_DIGITAL, S_OUTPUT, S_MBUS, S_MBUS_METER, S_MBUS_SLAVE,
	S_MBSRV, S_RULE, S_IIODEV, S_HTTP, S_SKIP,
};

struct sect_desc {
	const char *name;
	enum sect id;
	bool named;
	const struct key *keys;
};

static const struct sect_desc sects[] = {
	{ "general", S_GENERAL, false, general_keys },
	{ "mqtt", S_MQTT, false, mqtt_keys },
	{ "jsonl", S_JSONL, false, jsonl_keys },
	{ "spool", S_SPOOL, false, spool_keys },
	{ "p1", S_P1, false, p1_keys },
	{ "status", S_STATUS, false, status_keys },
	{ "modbus.meter", S_MODBUS, true, modbus_keys },
	{ "analog", S_ANALOG, true, analog_keys },
	{ "counter", S_COUNTER, true, counter_keys },
	{ "digital", S_DIGITAL, true, digital_keys },
	{ "output", S_OUTPUT, true, output_keys },
	{ "mbus", S_MBUS, false, mbus_keys },
	{ "mbus.meter", S_MBUS_METER, true, mbus_meter_keys },
	{ "mbus.slave", S_MBUS_SLAVE, false, mbus_slave_keys },
	{ "modbus.server", S_MBSRV, false, mbsrv_keys },
	{ "rule", S_RULE, true, rule_keys },
	{ "iio", S_IIODEV, true, iiodev_keys },
	{ "http", S_HTTP, false, http_keys },
	{ NULL, S_NONE, false, NULL },
};

static const struct sect_desc skip_sect = { "", S_SKIP, false, NULL };
static const struct sect_desc none_sect = { "", S_NONE, false, NULL };

#define MAX_KEYS 32

struct parser {
	struct sd_config *cfg;
	FILE *f;
	unsigned int lineno;		/* line of the text inih works on */
	unsigned int next;		/* line the reader returns next */
	bool too_long;
	const struct sect_desc *sect;
	void *base;
	unsigned int sect_line;
	unsigned int seen[MAX_KEYS];	/* line a key was set on, per key */
	bool seen_general, seen_mqtt, seen_jsonl, seen_spool, seen_p1, seen_status;
	bool seen_mbus, seen_mbus_slave, seen_mbsrv, seen_http;
	bool nomem;
};

static void err_at(struct parser *p, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void err_at(struct parser *p, unsigned int line, const char *fmt, ...)
{
	struct sd_config *c = p->cfg;
	char msg[512], **n;
	va_list ap;
	int len;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = realloc(c->errors, (c->nerrors + 1) * sizeof(*n));
	if (!n) {
		p->nomem = true;
		return;
	}
	c->errors = n;
	len = snprintf(NULL, 0, "%s:%u: %s", c->file, line, msg);
	n[c->nerrors] = malloc((size_t)len + 1);
	if (!n[c->nerrors]) {
		p->nomem = true;
		return;
	}
	snprintf(n[c->nerrors], (size_t)len + 1, "%s:%u: %s", c->file, line, msg);
	c->nerrors++;
}

/* Levenshtein distance, for "did you mean" hints on short words. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[64], i, j;

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0], tmp;

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = diag + (tolower((unsigned char)a[i - 1]) !=
					      tolower((unsigned char)b[j - 1]));

			tmp = row[j];
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = tmp;
		}
	}
	return row[lb];
}

static void list_keys(const struct key *keys, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = 0;
	for (; keys->name && used < size; keys++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
					 used ? ", " : "", keys->name);
}

int sd_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };

	for (size_t i = 0; yes[i]; i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

static int parse_double(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(*out))
		return -1;
	return 0;
}

static int parse_long(const char *s, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 0);
	if (end == s || *end || errno)
		return -1;
	return 0;
}

int sd_parse_duration(const char *s, double *seconds)
{
	static const struct { const char *sfx; double mul; } units[] = {
		{ "ms", 0.001 }, { "s", 1 }, { "min", 60 }, { "m", 60 },
		{ "h", 3600 }, { "", 1 },
	};
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !isfinite(v) || v < 0)
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(end, units[i].sfx)) {
			*seconds = v * units[i].mul;
			return 0;
		}
	}
	return -1;
}

static bool valid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return false;
	return true;
}

static bool valid_topic_level(const char *s)
{
	size_t n = strlen(s);

	return n && !strpbrk(s, "+#") && s[0] != '/' && s[n - 1] != '/';
}

static const char *choices_text(const char *const *c, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = 0;
	for (; *c && used < size; c++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
					 used ? ", " : "", *c);
	return buf;
}

/* --- typed keys --------------------------------------------------------- */

static void set_typed(struct parser *p, const struct key *k, const char *val)
{
	char *dst = (char *)p->base + k->off;
	char buf[256];
	double d;
	long l;
	bool b;

	switch (k->type) {
	case K_STR:
		if (strlen(val) >= k->size) {
			err_at(p, p->lineno, "'%s' is too long (at most %zu characters)",
			       k->name, k->size - 1);
			return;
		}
		strcpy(dst, val);
		return;
	case K_CHOICE:
		for (const char *const *c = k->choices; *c; c++) {
			if (!strcmp(val, *c)) {
				snprintf(dst, k->size, "%s", val);
				return;
			}
		}
		err_at(p, p->lineno, "bad %s '%s'; one of: %s", k->name, val,
		       choices_text(k->choices, buf, sizeof(buf)));
		return;
	case K_INT:
		if (parse_long(val, &l) || l < k->min || l > k->max) {
			err_at(p, p->lineno, "bad %s '%s'; an integer from %.0f to %.0f",
			       k->name, val, k->min, k->max);
			return;
		}
		if (k->max > 2147483647.0)
			*(long *)dst = l;
		else
			*(int *)dst = (int)l;
		return;
	case K_DOUBLE:
		if (parse_double(val, &d) || d < k->min || d > k->max) {
			err_at(p, p->lineno, "bad %s '%s'; a number from %g to %g",
			       k->name, val, k->min, k->max);
			return;
		}
		*(double *)dst = d;
		return;
	case K_DURATION:
		if (sd_parse_duration(val, &d) || d < k->min || d > k->max) {
			err_at(p, p->lineno, "bad %s '%s'; a duration from %gs to %gs, e.g. 10, 10s, 500ms, 5min",
			       k->name, val, k->min, k->max);
			return;
		}
		*(double *)dst = d;
		return;
	case K_BOOL:
		if (sd_parse_bool(val, &b)) {
			err_at(p, p->lineno, "bad %s '%s'; yes or no", k->name, val);
			return;
		}
		*(bool *)dst = b;
		return;
	case K_CUSTOM:
		return;
	}
}

/* --- custom keys -------------------------------------------------------- */

static int parse_order(const char *s, enum mbreg_order *o)
{
	static const char *const names[] = { "abcd", "cdab", "badc", "dcba" };

	for (int i = 0; i < 4; i++) {
		if (!strcasecmp(s, names[i])) {
			*o = (enum mbreg_order)i;
			return 0;
		}
	}
	return -1;
}

static const char *const fn_names[] = { "holding", "input", "coil", "discrete" };
static const char *const type_names[] = {
	"int16", "uint16", "int32", "uint32", "float32", "bool",
};

const char *sd_mbus_scan_name(enum sd_mbus_scan s)
{
	static const char *const names[] = { "none", "primary", "secondary" };

	return names[s];
}

const char *sd_mb_type_name(enum mbreg_type t)
{
	return type_names[t];
}

const char *sd_mb_fn_name(enum sd_mb_fn f)
{
	return fn_names[f];
}

static int grow(void **arr, size_t *n, size_t size)
{
	void *a = realloc(*arr, (*n + 1) * size);

	if (!a)
		return -ENOMEM;
	memset((char *)a + *n * size, 0, size);
	*arr = a;
	(*n)++;
	return 0;
}

/* "NAME FUNCTION ADDRESS TYPE [k=v ...]" */
static void add_register(struct parser *p, struct sd_mb_meter *m, const char *val)
{
	char copy[512], *tok[16], *save = NULL, *t;
	struct sd_mb_register r = { .scale = 1, .order = m->order };
	int n = 0, i;
	long addr;

	if (strlen(val) >= sizeof(copy)) {
		err_at(p, p->lineno, "register line too long");
		return;
	}
	strcpy(copy, val);
	for (t = strtok_r(copy, " \t", &save); t && n < 16; t = strtok_r(NULL, " \t", &save))
		tok[n++] = t;
	if (n < 4) {
		err_at(p, p->lineno, "register needs at least NAME FUNCTION ADDRESS TYPE, e.g. 'register = energy input 0x0048 float32 unit=kWh'");
		return;
	}
	if (!valid_name(tok[0]) || strlen(tok[0]) >= sizeof(r.name)) {
		err_at(p, p->lineno, "bad register name '%s'; letters, digits, '-' and '_'", tok[0]);
		return;
	}
	strcpy(r.name, tok[0]);
	for (i = 0; i < 4 && strcasecmp(tok[1], fn_names[i]); i++)
		;
	if (i == 4) {
		err_at(p, p->lineno, "register %s: bad function '%s'; holding, input, coil or discrete",
		       r.name, tok[1]);
		return;
	}
	r.fn = (enum sd_mb_fn)i;
	if (parse_long(tok[2], &addr) || addr < 0 || addr > 65535) {
		err_at(p, p->lineno, "register %s: bad address '%s'; 0 .. 65535 (0x prefix for hex)",
		       r.name, tok[2]);
		return;
	}
	r.address = (uint16_t)addr;
	for (i = 0; i < 6 && strcasecmp(tok[3], type_names[i]); i++)
		;
	if (i == 6) {
		err_at(p, p->lineno, "register %s: bad type '%s'; int16, uint16, int32, uint32, float32 or bool",
		       r.name, tok[3]);
		return;
	}
	r.type = (enum mbreg_type)i;
	if ((r.fn == SD_MB_COIL || r.fn == SD_MB_DISCRETE) != (r.type == MBREG_BOOL)) {
		err_at(p, p->lineno, "register %s: type bool goes with coil/discrete and only with them",
		       r.name);
		return;
	}
	for (i = 4; i < n; i++) {
		char *eq = strchr(tok[i], '=');
		const char *v;

		if (!eq) {
			err_at(p, p->lineno, "register %s: '%s' is not KEY=VALUE; keys: order, scale, offset, unit, device_class, state_class",
			       r.name, tok[i]);
			return;
		}
		*eq = 0;
		v = eq + 1;
		if (!strcmp(tok[i], "order")) {
			if (parse_order(v, &r.order)) {
				err_at(p, p->lineno, "register %s: bad order '%s'; abcd, cdab, badc or dcba",
				       r.name, v);
				return;
			}
		} else if (!strcmp(tok[i], "scale") || !strcmp(tok[i], "offset")) {
			double d;

			if (parse_double(v, &d)) {
				err_at(p, p->lineno, "register %s: bad %s '%s'; a number",
				       r.name, tok[i], v);
				return;
			}
			*(tok[i][0] == 's' ? &r.scale : &r.offset) = d;
		} else if (!strcmp(tok[i], "unit") || !strcmp(tok[i], "device_class") ||
			   !strcmp(tok[i], "state_class")) {
			char *dst = tok[i][0] == 'u' ? r.unit :
				    tok[i][0] == 'd' ? r.device_class : r.state_class;
			size_t size = tok[i][0] == 'u' ? sizeof(r.unit) : sizeof(r.device_class);

			if (strlen(v) >= size) {
				err_at(p, p->lineno, "register %s: %s '%s' too long", r.name, tok[i], v);
				return;
			}
			if (tok[i][0] == 's') {
				bool ok = false;

				for (const char *const *c = state_classes; *c; c++)
					ok |= !strcmp(*c, v);
				if (!ok) {
					err_at(p, p->lineno, "register %s: bad state_class '%s'; measurement, total or total_increasing",
					       r.name, v);
					return;
				}
			}
			strcpy(dst, v);
		} else {
			err_at(p, p->lineno, "register %s: unknown key '%s'; order, scale, offset, unit, device_class or state_class",
			       r.name, tok[i]);
			return;
		}
	}
	for (size_t j = 0; j < m->nregs; j++) {
		if (!strcmp(m->regs[j].name, r.name)) {
			err_at(p, p->lineno, "register '%s' already defined at line %u",
			       r.name, m->regs[j].line);
			return;
		}
	}
	r.line = p->lineno;
	if (grow((void **)&m->regs, &m->nregs, sizeof(r))) {
		p->nomem = true;
		return;
	}
	m->regs[m->nregs - 1] = r;
}

/* "ADDRESS SUB KEY [type=T] [order=O] [scale=X]" in [modbus.server] */
static void add_map(struct parser *p, struct sd_mbsrv *m, const char *val)
{
	char copy[512], *tok[8], *save = NULL, *t;
	struct sd_mbsrv_map e = { 0 };
	int n = 0, i;
	long addr;

	if (strlen(val) >= sizeof(copy)) {
		err_at(p, p->lineno, "map line too long");
		return;
	}
	strcpy(copy, val);
	for (t = strtok_r(copy, " \t", &save); t && n < 8; t = strtok_r(NULL, " \t", &save))
		tok[n++] = t;
	if (n < 3) {
		err_at(p, p->lineno, "map needs ADDRESS SUB KEY, e.g. 'map = 1000 analog/pressure value'");
		return;
	}
	if (parse_long(tok[0], &addr) || addr < SD_MBMAP_VALUES || addr >= SD_MBMAP_VALUES_END ||
	    (addr - SD_MBMAP_VALUES) % 2) {
		err_at(p, p->lineno, "map: bad address '%s'; an even offset from %d, below %d (two registers per value)",
		       tok[0], SD_MBMAP_VALUES, SD_MBMAP_VALUES_END);
		return;
	}
	e.address = (uint16_t)addr;
	if (strlen(tok[1]) >= sizeof(e.sub) || !valid_topic_level(tok[1]) ||
	    strlen(tok[2]) >= sizeof(e.key)) {
		err_at(p, p->lineno, "map: bad reading '%s %s'; a topic below the device (e.g. analog/pressure) and a member (e.g. value)",
		       tok[1], tok[2]);
		return;
	}
	strcpy(e.sub, tok[1]);
	strcpy(e.key, tok[2]);
	for (i = 3; i < n; i++) {
		char *eq = strchr(tok[i], '=');

		if (eq)
			*eq++ = 0;
		if (eq && !strcmp(tok[i], "type") && !sd_mbsrv_type_parse(eq, &e.type)) {
			e.has_type = true;
			continue;
		}
		if (eq && !strcmp(tok[i], "order") && !parse_order(eq, &e.order)) {
			e.has_order = true;
			continue;
		}
		if (eq && !strcmp(tok[i], "scale") && !parse_double(eq, &e.scale) && e.scale != 0) {
			e.has_scale = true;
			continue;
		}
		err_at(p, p->lineno, "map: bad '%s%s%s'; type=float32|int32|uint32, order=abcd|cdab|badc|dcba or scale=X (not 0)",
		       tok[i], eq ? "=" : "", eq ? eq : "");
		return;
	}
	for (size_t j = 0; j < m->nmap; j++) {
		if (m->map[j].address == e.address) {
			err_at(p, p->lineno, "map: address %ld is already used at line %u", addr,
			       m->map[j].line);
			return;
		}
		if (!strcmp(m->map[j].sub, e.sub) && !strcmp(m->map[j].key, e.key)) {
			err_at(p, p->lineno, "map: %s %s is already mapped at line %u", e.sub, e.key,
			       m->map[j].line);
			return;
		}
	}
	e.line = p->lineno;
	if (grow((void **)&m->map, &m->nmap, sizeof(e))) {
		p->nomem = true;
		return;
	}
	m->map[m->nmap - 1] = e;
}

static void mbsrv_custom(struct parser *p, const struct key *k, const char *val)
{
	struct sd_mbsrv *m = p->base;
	char msg[160];

	if (!strcmp(k->name, "type")) {
		if (sd_mbsrv_type_parse(val, &m->type))
			err_at(p, p->lineno, "bad type '%s'; %s", val, k->hint);
	} else if (!strcmp(k->name, "order")) {
		if (parse_order(val, &m->order))
			err_at(p, p->lineno, "bad order '%s'; %s", val, k->hint);
	} else if (!strcmp(k->name, "map")) {
		add_map(p, m, val);
	} else {
		char *dst = !strcmp(k->name, "allow") ? m->allow : m->write_allow;

		if (strlen(val) >= sizeof(m->allow) ||
		    sd_netacl_check(val, msg, sizeof(msg)))
			err_at(p, p->lineno, "bad %s '%s': %s; %s", k->name, val,
			       strlen(val) >= sizeof(m->allow) ? "too long" : msg, k->hint);
		else
			strcpy(dst, val);
	}
}

static int two_numbers(const char *s, double out[2])
{
	char *end;

	errno = 0;
	out[0] = strtod(s, &end);
	if (end == s || errno)
		return -1;
	s = end;
	out[1] = strtod(s, &end);
	if (end == s || errno)
		return -1;
	while (isspace((unsigned char)*end))
		end++;
	return *end || !isfinite(out[0]) || !isfinite(out[1]) ? -1 : 0;
}

/* [http] listen (a numeric address, so nothing is resolved) and token. */
static void set_http(struct parser *p, const struct key *k, const char *val)
{
	struct sd_http *h = p->base;
	unsigned char addr[sizeof(struct in6_addr)];
	size_t n = strlen(val);

	if (!strcmp(k->name, "listen")) {
		if (n >= sizeof(h->listen) || (inet_pton(AF_INET, val, addr) != 1 &&
					      inet_pton(AF_INET6, val, addr) != 1)) {
			err_at(p, p->lineno, "bad listen '%s'; %s", val, k->hint);
			return;
		}
		memcpy(h->listen, val, n + 1);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!isgraph((unsigned char)val[i])) {
			n = 0;
			break;
		}
	}
	if (n < 16 || n >= sizeof(h->token)) {
		err_at(p, p->lineno, "bad token; %s", k->hint);
		return;
	}
	memcpy(h->token, val, n + 1);
}

static void set_custom(struct parser *p, const struct key *k, const char *val)
{
	bool b;

	if (!strcmp(k->name, "enabled")) {
		if (sd_parse_bool(val, &b)) {
			err_at(p, p->lineno, "bad enabled '%s'; yes or no", val);
			return;
		}
		*(bool *)p->base = b;	/* 'enabled' is the first member */
		return;
	}
	switch (p->sect->id) {
	case S_GENERAL:
		for (int i = 0; log_levels[i]; i++) {
			if (!strcmp(val, log_levels[i])) {
				p->cfg->general.log_level = (enum sd_log_level)i;
				return;
			}
		}
		err_at(p, p->lineno, "bad log_level '%s'; %s", val, k->hint);
		return;
	case S_MQTT: {
		char *dst = !strcmp(k->name, "topic_prefix") ? p->cfg->mqtt.topic_prefix :
			    p->cfg->mqtt.discovery_prefix;

		if (!valid_topic_level(val) || strlen(val) >= sizeof(p->cfg->mqtt.topic_prefix)) {
			err_at(p, p->lineno, "bad %s '%s'; %s", k->name, val, k->hint);
			return;
		}
		strcpy(dst, val);
		return;
	}
	case S_P1: {
		uint8_t *key = p->cfg->p1.key;
		char msg[256];
		size_t i;

		if (strcmp(k->name, "key")) {
			if (sd_p1_config_set(&p->cfg->p1, k->name, val, msg, sizeof(msg)))
				err_at(p, p->lineno, "%s", msg);
			return;
		}

		for (i = 0; i < 32 && isxdigit((unsigned char)val[i]); i++)
			;
		if (i != 32 || val[32]) {
			err_at(p, p->lineno, "bad key; %s", k->hint);
			return;
		}
		for (i = 0; i < 16; i++) {
			unsigned int x;

			sscanf(val + 2 * i, "%2x", &x);
			key[i] = (uint8_t)x;
		}
		p->cfg->p1.has_key = true;
		return;
	}
	case S_MODBUS: {
		struct sd_mb_meter *m = p->base;
		long l;

		if (!strcmp(k->name, "transport")) {
			if (!strcmp(val, "tcp") || !strcmp(val, "rtu")) {
				m->transport = val[0] == 't' ? SD_MB_TCP : SD_MB_RTU;
				m->has_transport = true;
			} else {
				err_at(p, p->lineno, "bad transport '%s'; tcp or rtu", val);
			}
		} else if (!strcmp(k->name, "baud")) {
			/*
			 * The standard Linux rates from 300 that libmodbus
			 * sets; for any other it quietly falls back to 9600
			 * (1800 and 2000000 among them).
			 */
			static const long rates[] = { 300, 600, 1200, 2400, 4800, 9600, 19200,
						      38400, 57600, 115200, 230400, 460800,
						      500000, 576000, 921600, 1000000, 1152000,
						      1500000, 2500000, 3000000, 3500000,
						      4000000, 0 };
			int i;

			for (i = 0; rates[i] && (parse_long(val, &l) || l != rates[i]); i++)
				;
			if (!rates[i])
				err_at(p, p->lineno, "bad baud '%s'; %s", val, k->hint);
			else
				m->baud = (int)l;
		} else if (!strcmp(k->name, "parity")) {
			if (!strcasecmp(val, "none") || !strcasecmp(val, "n"))
				m->parity = 'N';
			else if (!strcasecmp(val, "even") || !strcasecmp(val, "e"))
				m->parity = 'E';
			else if (!strcasecmp(val, "odd") || !strcasecmp(val, "o"))
				m->parity = 'O';
			else
				err_at(p, p->lineno, "bad parity '%s'; none, even or odd", val);
		} else if (!strcmp(k->name, "termination")) {
			if (sd_parse_bool(val, &b))
				err_at(p, p->lineno, "bad termination '%s'; yes or no", val);
			else
				m->termination = b;
		} else if (!strcmp(k->name, "order")) {
			if (parse_order(val, &m->order))
				err_at(p, p->lineno, "bad order '%s'; %s", val, k->hint);
		} else {
			add_register(p, m, val);
		}
		return;
	}
	case S_ANALOG: {
		struct sd_analog *a = p->base;
		double two[2];

		if (two_numbers(val, two)) {
			err_at(p, p->lineno, "bad %s '%s'; %s", k->name, val, k->hint);
			return;
		}
		if (!strcmp(k->name, "input")) {
			if (two[0] == two[1]) {
				err_at(p, p->lineno, "input: the two points must differ");
				return;
			}
			a->map[0] = two[0];
			a->map[2] = two[1];
		} else {
			a->map[1] = two[0];
			a->map[3] = two[1];
		}
		return;
	}
	case S_MBUS: {
		static const long rates[] = { 300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 0 };
		struct sd_mbus *m = p->base;
		long l = 0;
		int i;

		if (!strcmp(k->name, "baud")) {
			for (i = 0; rates[i] && (parse_long(val, &l) || l != rates[i]); i++)
				;
			if (!rates[i])
				err_at(p, p->lineno, "bad baud '%s'; %s", val, k->hint);
			else
				m->baud = (int)l;
			return;
		}
		for (i = 0; i < 3; i++) {
			if (!strcmp(val, sd_mbus_scan_name((enum sd_mbus_scan)i))) {
				m->scan = (enum sd_mbus_scan)i;
				return;
			}
		}
		err_at(p, p->lineno, "bad scan '%s'; %s", val, k->hint);
		return;
	}
	case S_MBUS_SLAVE: {
		static const long rates[] = { 300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 0 };
		long l = 0;
		int i;

		for (i = 0; rates[i] && (parse_long(val, &l) || l != rates[i]); i++)
			;
		if (!rates[i])
			err_at(p, p->lineno, "bad baud '%s'; %s", val, k->hint);
		else
			((struct sd_mbus_slave *)p->base)->baud = (int)l;
		return;
	}
	case S_HTTP:
		set_http(p, k, val);
		return;
	case S_MBUS_METER: {
		struct sd_mbus_meter *m = p->base;
		struct mbus_target t;

		if (!strcmp(k->name, "key")) {
			if (mbus_key_parse(val, m->key))
				err_at(p, p->lineno, "bad key; %s", k->hint);
			else
				m->has_key = true;
			return;
		}
		if (strlen(val) >= sizeof(m->address) || mbus_target_parse(val, &t)) {
			err_at(p, p->lineno, "bad address '%s'; %s", val, k->hint);
			return;
		}
		snprintf(m->address, sizeof(m->address), "%s", val);
		return;
	}
	case S_MBSRV:
		mbsrv_custom(p, k, val);
		return;
	case S_RULE: {
		char msg[256];

		if (sd_rule_parse(p->base, k->name, val, msg, sizeof(msg)))
			err_at(p, p->lineno, "bad %s '%s': %s; %s", k->name, val, msg, k->hint);
		return;
	}
	case S_COUNTER: {
		struct sd_counter *c = p->base;
		double d;

		if (parse_double(val, &d) || d <= 0) {
			err_at(p, p->lineno, "bad %s '%s'; a positive number, %s", k->name, val, k->hint);
			return;
		}
		c->weight = !strcmp(k->name, "weight") ? d : 1 / d;
		if (c->has_weight)
			err_at(p, p->lineno, "give either weight or pulses_per_unit, not both");
		c->has_weight = true;
		return;
	}
	default:
		return;
	}
}

/* --- sections ----------------------------------------------------------- */

static void defaults(struct sd_config *c)
{
	c->general.log_level = SD_LOG_INFO;
	snprintf(c->mqtt.host, sizeof(c->mqtt.host), "localhost");
	c->mqtt.port = 0;
	c->mqtt.qos = 1;
	c->mqtt.retain = true;
	c->mqtt.keepalive = 30;
	c->mqtt.discovery = true;
	c->mqtt.max_inflight = 20;
	c->mbus.power = true;
	c->mbus.interval = 60;
	c->mbus.retries = 2;
	c->mbus.max_telegrams = 16;
	snprintf(c->mbus_slave.manufacturer, sizeof(c->mbus_slave.manufacturer), "OPT");
	snprintf(c->mbus_slave.medium, sizeof(c->mbus_slave.medium), "other");
	c->mbus_slave.version = 1;
	c->mbus_slave.baud = 2400;
	snprintf(c->mqtt.topic_prefix, sizeof(c->mqtt.topic_prefix), "smcard");
	snprintf(c->mqtt.discovery_prefix, sizeof(c->mqtt.discovery_prefix), "homeassistant");
	snprintf(c->jsonl.path, sizeof(c->jsonl.path), "-");
	snprintf(c->spool.path, sizeof(c->spool.path), "/var/lib/smcardd/smcardd.db");
	c->spool.max_rows = 1000000;
	snprintf(c->spool.full_policy, sizeof(c->spool.full_policy), "drop-oldest");
	c->spool.sync_interval = 1;
	snprintf(c->p1.request_line, sizeof(c->p1.request_line), "P1_REQ");
	c->p1.timeout = 30;
	sd_p1_config_defaults(&c->p1);
	c->status.interval = 60;
	snprintf(c->mbsrv.listen, sizeof(c->mbsrv.listen), "127.0.0.1");
	c->mbsrv.port = 502;
	c->mbsrv.unit_id = 1;
	c->mbsrv.type = MBREG_FLOAT32;
	c->mbsrv.order = MBREG_ABCD;
	c->mbsrv.scale = 1;
	c->mbsrv.auto_map = true;
	c->mbsrv.max_clients = 8;
	c->mbsrv.idle_timeout = 300;
	snprintf(c->http.listen, sizeof(c->http.listen), "127.0.0.1");
	c->http.port = 8080;
	c->http.read_only = true;
	c->http.max_connections = 16;
}

static bool name_taken(struct parser *p, const char *name)
{
	struct sd_config *c = p->cfg;
	size_t i;

	switch (p->sect->id) {
	case S_MODBUS:
		for (i = 0; i < c->nmodbus; i++)
			if (!strcmp(c->modbus[i].name, name))
				return true;
		return false;
	case S_ANALOG:
		for (i = 0; i < c->nanalog; i++)
			if (!strcmp(c->analog[i].name, name))
				return true;
		return false;
	case S_COUNTER:
		for (i = 0; i < c->ncounter; i++)
			if (!strcmp(c->counter[i].name, name))
				return true;
		return false;
	case S_DIGITAL:
		for (i = 0; i < c->ndigital; i++)
			if (!strcmp(c->digital[i].name, name))
				return true;
		return false;
	case S_OUTPUT:
		for (i = 0; i < c->noutput; i++)
			if (!strcmp(c->output[i].name, name))
				return true;
		return false;
	case S_MBUS_METER:
		for (i = 0; i < c->nmbus_meter; i++)
			if (!strcmp(c->mbus_meter[i].name, name))
				return true;
		return false;
	case S_RULE:
		for (i = 0; i < c->nrule; i++)
			if (!strcmp(c->rule[i].name, name))
				return true;
		return false;
	case S_IIODEV:
		for (i = 0; i < c->niiodev; i++)
			if (!strcmp(c->iiodev[i].name, name))
				return true;
		return false;
	default:
		return false;
	}
}

/* Append an element with its defaults; its address becomes the base. */
static void *new_named(struct parser *p, const char *name)
{
	struct sd_config *c = p->cfg;
	int r = 0;

	switch (p->sect->id) {
	case S_MODBUS: {
		struct sd_mb_meter *m;

		r = grow((void **)&c->modbus, &c->nmodbus, sizeof(*m));
		if (r)
			break;
		m = &c->modbus[c->nmodbus - 1];
		m->port = 502;
		m->baud = 9600;
		m->parity = 'E';
		m->data_bits = 8;
		m->stop_bits = 1;
		m->termination = -1;
		m->slave = 1;
		m->interval = 10;
		m->timeout_ms = 1000;
		snprintf(m->name, sizeof(m->name), "%s", name);
		m->line = p->lineno;
		return m;
	}
	case S_ANALOG: {
		struct sd_analog *a;

		r = grow((void **)&c->analog, &c->nanalog, sizeof(*a));
		if (r)
			break;
		a = &c->analog[c->nanalog - 1];
		snprintf(a->device, sizeof(a->device), "smcard-adc");
		a->interval = 10;
		a->scale = 1;
		a->map[0] = a->map[1] = a->map[2] = a->map[3] = NAN;
		a->range_alarm = true;
		snprintf(a->name, sizeof(a->name), "%s", name);
		a->line = p->lineno;
		return a;
	}
	case S_COUNTER: {
		struct sd_counter *k;

		r = grow((void **)&c->counter, &c->ncounter, sizeof(*k));
		if (r)
			break;
		k = &c->counter[c->ncounter - 1];
		snprintf(k->device, sizeof(k->device), "/dev/counter0");
		k->interval = 10;
		snprintf(k->name, sizeof(k->name), "%s", name);
		k->line = p->lineno;
		return k;
	}
	case S_DIGITAL: {
		struct sd_digital *d;

		r = grow((void **)&c->digital, &c->ndigital, sizeof(*d));
		if (r)
			break;
		d = &c->digital[c->ndigital - 1];
		d->interval = 0;
		snprintf(d->name, sizeof(d->name), "%s", name);
		d->line = p->lineno;
		return d;
	}
	case S_OUTPUT: {
		struct sd_output *o;

		r = grow((void **)&c->output, &c->noutput, sizeof(*o));
		if (r)
			break;
		o = &c->output[c->noutput - 1];
		snprintf(o->name, sizeof(o->name), "%s", name);
		o->line = p->lineno;
		return o;
	}
	case S_MBUS_METER: {
		struct sd_mbus_meter *m;

		r = grow((void **)&c->mbus_meter, &c->nmbus_meter, sizeof(*m));
		if (r)
			break;
		m = &c->mbus_meter[c->nmbus_meter - 1];
		snprintf(m->name, sizeof(m->name), "%s", name);
		m->line = p->lineno;
		return m;
	}
	case S_RULE: {
		struct sd_rule *u;

		r = grow((void **)&c->rule, &c->nrule, sizeof(*u));
		if (r)
			break;
		u = &c->rule[c->nrule - 1];
		snprintf(u->name, sizeof(u->name), "%s", name);
		u->line = p->lineno;
		return u;
	}
	case S_IIODEV: {
		struct sd_iiodev *v;

		r = grow((void **)&c->iiodev, &c->niiodev, sizeof(*v));
		if (r)
			break;
		v = &c->iiodev[c->niiodev - 1];
		v->interval = 60;
		snprintf(v->name, sizeof(v->name), "%s", name);
		v->line = p->lineno;
		return v;
	}
	default:
		break;
	}
	p->nomem = true;
	return NULL;
}

static void hint_section(struct parser *p, const char *kind)
{
	const struct sect_desc *best = NULL;
	size_t bd = 99;

	for (const struct sect_desc *s = sects; s->name; s++) {
		size_t d = distance(kind, s->name);

		if (d < bd) {
			bd = d;
			best = s;
		}
	}
	if (best && bd <= 2)
		err_at(p, p->lineno, "unknown section [%s]; did you mean [%s%s]?", kind,
		       best->name, best->named ? " NAME" : "");
	else
		err_at(p, p->lineno, "unknown section [%s]; sections: general, mqtt, jsonl, spool, p1, status, mbus, mbus.meter NAME, mbus.slave, modbus.meter NAME, modbus.server, analog NAME, counter NAME, digital NAME, output NAME, iio NAME, rule NAME, http",
		       kind);
}

static bool *seen_flag(struct parser *p, enum sect id)
{
	switch (id) {
	case S_GENERAL: return &p->seen_general;
	case S_MQTT: return &p->seen_mqtt;
	case S_JSONL: return &p->seen_jsonl;
	case S_SPOOL: return &p->seen_spool;
	case S_P1: return &p->seen_p1;
	case S_STATUS: return &p->seen_status;
	case S_MBUS: return &p->seen_mbus;
	case S_MBUS_SLAVE: return &p->seen_mbus_slave;
	case S_MBSRV: return &p->seen_mbsrv;
	case S_HTTP: return &p->seen_http;
	default: return NULL;
	}
}

static void *single_base(struct sd_config *c, enum sect id)
{
	switch (id) {
	case S_GENERAL: return &c->general;
	case S_MQTT: return &c->mqtt;
	case S_JSONL: return &c->jsonl;
	case S_SPOOL: return &c->spool;
	case S_P1: return &c->p1;
	case S_STATUS: return &c->status;
	case S_MBUS: return &c->mbus;
	case S_MBUS_SLAVE: return &c->mbus_slave;
	case S_MBSRV: return &c->mbsrv;
	case S_HTTP: return &c->http;
	default: return NULL;
	}
}

static void begin_section(struct parser *p, const char *section)
{
	char kind[256], name[256] = "";
	const char *sp = strpbrk(section, " \t");
	const struct sect_desc *s;

	p->sect = &skip_sect;
	p->base = NULL;
	p->sect_line = p->lineno;
	memset(p->seen, 0, sizeof(p->seen));
	if (sp) {
		snprintf(kind, sizeof(kind), "%.*s", (int)(sp - section), section);
		while (*sp == ' ' || *sp == '\t')
			sp++;
		snprintf(name, sizeof(name), "%s", sp);
	} else {
		snprintf(kind, sizeof(kind), "%s", section);
	}
	if (!strcmp(kind, "modbus.register")) {
		err_at(p, p->lineno, "[%s]: registers are lines in their meter's section: 'register = NAME FUNCTION ADDRESS TYPE ...' in [modbus.meter NAME]",
		       section);
		return;
	}
	for (s = sects; s->name && strcmp(s->name, kind); s++)
		;
	if (!s->name) {
		hint_section(p, kind);
		return;
	}
	if (s->named) {
		if (!*name) {
			err_at(p, p->lineno, "[%s] needs a name: [%s NAME]", kind, kind);
			return;
		}
		if (!valid_name(name) || strlen(name) >= SD_NAME_MAX) {
			err_at(p, p->lineno, "bad name '%s' in [%s]; up to %d letters, digits, '-' and '_' (it becomes an MQTT topic level)",
			       name, section, SD_NAME_MAX - 1);
			return;
		}
		p->sect = s;
		if (name_taken(p, name)) {
			err_at(p, p->lineno, "[%s %s] is defined twice", kind, name);
			p->sect = &skip_sect;
			return;
		}
		p->base = new_named(p, name);
		if (!p->base)
			p->sect = &skip_sect;
		return;
	}
	if (*name) {
		err_at(p, p->lineno, "[%s] takes no name; write [%s]", section, kind);
		return;
	}
	if (*seen_flag(p, s->id)) {
		err_at(p, p->lineno, "[%s] appears twice; merge the two sections", kind);
		return;
	}
	*seen_flag(p, s->id) = true;
	p->sect = s;
	p->base = single_base(p->cfg, s->id);
	if (s->id == S_MQTT || s->id == S_JSONL || s->id == S_P1 || s->id == S_STATUS ||
	    s->id == S_MBUS || s->id == S_MBUS_SLAVE || s->id == S_MBSRV ||
	    s->id == S_HTTP)
		*(bool *)p->base = true;	/* present means enabled */
	if (s->id == S_MBSRV)
		p->cfg->mbsrv.line = p->lineno;
	if (s->id == S_HTTP)
		p->cfg->http.line = p->lineno;
	if (s->id == S_MBUS_SLAVE)
		p->cfg->mbus_slave.line = p->lineno;
	if (s->id == S_MBUS)
		p->cfg->mbus.line = p->lineno;
	if (s->id == S_MQTT)
		p->cfg->mqtt.line = p->lineno;
	if (s->id == S_P1)
		p->cfg->p1.line = p->lineno;
}

static void set_key(struct parser *p, const char *name, const char *value)
{
	const struct key *k, *best = NULL;
	char buf[512];
	size_t bd = 99, idx;

	if (p->sect->id == S_SKIP)
		return;		/* the section header was reported */
	for (k = p->sect->keys; k->name && strcmp(k->name, name); k++)
		;
	if (!k->name) {
		for (k = p->sect->keys; k->name; k++) {
			size_t d = distance(name, k->name);

			if (d < bd) {
				bd = d;
				best = k;
			}
		}
		if (best && bd <= 2)
			err_at(p, p->lineno, "unknown key '%s' in [%s]; did you mean '%s'?",
			       name, p->sect->name, best->name);
		else {
			list_keys(p->sect->keys, buf, sizeof(buf));
			err_at(p, p->lineno, "unknown key '%s' in [%s]; keys: %s",
			       name, p->sect->name, buf);
		}
		return;
	}
	idx = (size_t)(k - p->sect->keys);
	if (strcmp(name, "register") && strcmp(name, "map")) {
		if (p->seen[idx]) {
			err_at(p, p->lineno, "'%s' is already set at line %u", name,
			       p->seen[idx]);
			return;
		}
		p->seen[idx] = p->lineno;
	}
	if (k->type == K_CUSTOM)
		set_custom(p, k, value);
	else
		set_typed(p, k, value);
	if (p->sect->id == S_ANALOG && (!strcmp(name, "scale") || !strcmp(name, "offset")))
		((struct sd_analog *)p->base)->has_scale = true;
	if (p->sect->id == S_ANALOG && !strcmp(name, "alarm_low"))
		((struct sd_analog *)p->base)->has_alarm_low = true;
	if (p->sect->id == S_ANALOG && !strcmp(name, "alarm_high"))
		((struct sd_analog *)p->base)->has_alarm_high = true;
	if (p->sect->id == S_GENERAL && !strcmp(name, "name") && value[0] &&
	    strlen(value) < SD_NAME_MAX && !valid_name(p->cfg->general.name))
		err_at(p, p->lineno, "bad name '%s'; %s", value, k->hint);
}

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL;	/* a separator */
}

/* A new section: its checksum starts (a repeated header is an error anyway). */
static void new_sum(struct parser *p, const char *head)
{
	struct sd_config *c = p->cfg;
	struct sd_section_sum *n = realloc(c->sums, (c->nsums + 1) * sizeof(*n));
	char norm[512];
	const char *sp = strpbrk(head, " \t");

	if (!n) {
		p->nomem = true;
		return;
	}
	c->sums = n;
	/* "kind   name" and "kind name" are the same section */
	if (sp) {
		const char *nm = sp;

		while (*nm == ' ' || *nm == '\t')
			nm++;
		snprintf(norm, sizeof(norm), "%.*s %s", (int)(sp - head), head, nm);
	} else {
		snprintf(norm, sizeof(norm), "%s", head);
	}
	snprintf(n[c->nsums].head, sizeof(n->head), "%.*s", (int)sizeof(n->head) - 1, norm);
	n[c->nsums].sum = 0xcbf29ce484222325ULL;
	c->nsums++;
}

uint64_t sd_config_fingerprint(const struct sd_config *cfg, const char *kind,
			       const char *name)
{
	size_t kl = strlen(kind);
	uint64_t h = 0xcbf29ce484222325ULL;
	char head[SD_NAME_MAX * 2 + 2];

	snprintf(head, sizeof(head), "%s %s", kind, name);
	for (size_t i = 0; i < cfg->nsums; i++)
		if (!strcmp(cfg->sums[i].head, head))
			return fnv(cfg->sums[i].sum, head);
	for (size_t i = 0; i < cfg->nsums; i++) {
		const char *s = cfg->sums[i].head;

		if (!strncmp(s, kind, kl) && (!s[kl] || s[kl] == '.' || s[kl] == ' '))
			h = fnv(h ^ cfg->sums[i].sum, s);
	}
	return h;
}

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct parser *p = user;
	struct sd_config *c = p->cfg;

	if (!name)
		return 1;	/* sections are seen by the reader */
	if (c->nsums) {
		uint64_t *h = &c->sums[c->nsums - 1].sum;

		*h = fnv(fnv(*h, name), value);
	}
	if (p->sect->id == S_NONE) {
		err_at(p, p->lineno, "'%s' outside of any section; put it under a [section]", name);
		return 1;
	}
	set_key(p, name, value);
	return 1;
}

/*
 * A "[...]" line starts a section. Seen here rather than in the handler so
 * that empty sections count and errors point at the header line; inih
 * reports a header without ']' itself.
 */
static void section_line(struct parser *p, const char *line)
{
	char sect[256];
	const char *end;
	size_t n;

	while (*line == ' ' || *line == '\t')
		line++;
	if (*line != '[')
		return;
	end = strchr(line, ']');
	if (!end)
		return;
	line++;
	while (*line == ' ' || *line == '\t')
		line++;
	n = (size_t)(end - line);
	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	snprintf(sect, sizeof(sect), "%.*s", (int)n, line);
	new_sum(p, sect);
	begin_section(p, sect);
}

/*
 * Line reader for inih: hands out one line per call and counts lines, so
 * the handler knows where it is. A line longer than inih's buffer is an
 * error of its own.
 */
static char *reader(char *str, int num, void *stream)
{
	struct parser *p = stream;
	size_t n;

	if (!fgets(str, num, p->f))
		return NULL;
	p->lineno = ++p->next;
	n = strlen(str);
	if (n == (size_t)num - 1 && str[n - 1] != '\n') {
		int ch;

		err_at(p, p->lineno, "line longer than %d characters", num - 2);
		while ((ch = fgetc(p->f)) != EOF && ch != '\n')
			;
		str[0] = '\n';
		str[1] = 0;
	}
	section_line(p, str);
	return str;
}

/* --- after the file ----------------------------------------------------- */

/* [modbus.server], [rule NAME], [iio NAME] and the alarm keys */
static void validate_gateway(struct parser *p)
{
	struct sd_config *c = p->cfg;
	struct sd_mbsrv *m = &c->mbsrv;
	char msg[256];
	size_t i;

	if (m->enabled) {
		bool loopback;

		if (sd_netacl_listen_check(m->listen, &loopback, msg, sizeof(msg)))
			err_at(p, m->line, "[modbus.server]: bad listen '%s': %s", m->listen, msg);
		else if (m->allow_write && !loopback && !m->write_allow[0])
			err_at(p, m->line, "[modbus.server]: allow_write on %s, which is not a loopback address, needs 'write_allow' (the clients that may write); Modbus has no authentication",
			       m->listen);
		if (m->scale == 0)
			err_at(p, m->line, "[modbus.server]: scale must not be 0");
		for (i = 0; i < m->nmap; i++) {
			struct sd_mbsrv_map *e = &m->map[i];

			e->type = e->has_type ? e->type : m->type;
			e->order = e->has_order ? e->order : m->order;
			e->scale = e->has_scale ? e->scale : m->scale;
		}
		if (!m->auto_map && !m->nmap)
			err_at(p, m->line, "[modbus.server]: auto_map is off and there is no 'map = ADDRESS SUB KEY' line");
	}
	for (i = 0; i < c->nanalog; i++) {
		struct sd_analog *a = &c->analog[i];
		double lo = a->alarm_low, hi = a->alarm_high;

		if (a->has_alarm_low && a->has_alarm_high && lo >= hi)
			err_at(p, a->line, "[analog %s]: alarm_low (%g) must be below alarm_high (%g)",
			       a->name, lo, hi);
		else if (a->has_alarm_low && a->has_alarm_high &&
			 lo + a->alarm_hysteresis > hi - a->alarm_hysteresis)
			err_at(p, a->line, "[analog %s]: alarm_hysteresis %g overlaps between alarm_low and alarm_high",
			       a->name, a->alarm_hysteresis);
	}
	for (i = 0; i < c->nrule; i++) {
		if (sd_rule_check(c, &c->rule[i], msg, sizeof(msg)))
			err_at(p, c->rule[i].line, "[rule %s]: %s", c->rule[i].name, msg);
	}
	for (i = 0; i < c->niiodev; i++)
		if (!c->iiodev[i].device[0])
			err_at(p, c->iiodev[i].line, "[iio %s] needs 'device': the IIO device's name, label, iio:deviceN or driver (e.g. hdc100x)",
			       c->iiodev[i].name);
}

static void validate(struct parser *p)
{
	struct sd_config *c = p->cfg;
	size_t i, j;

	if (c->mqtt.enabled) {
		if (!c->mqtt.port)
			c->mqtt.port = c->mqtt.tls ? 8883 : 1883;
		if ((c->mqtt.certfile[0] != 0) != (c->mqtt.keyfile[0] != 0))
			err_at(p, c->mqtt.line, "[mqtt]: certfile and keyfile go together");
		if (!c->mqtt.tls && (c->mqtt.cafile[0] || c->mqtt.capath[0] || c->mqtt.certfile[0]))
			err_at(p, c->mqtt.line, "[mqtt]: cafile/capath/certfile are set but tls is off; add 'tls = yes'");
		if (c->mqtt.tls && !c->mqtt.cafile[0] && !c->mqtt.capath[0])
			snprintf(c->mqtt.capath, sizeof(c->mqtt.capath), "/etc/ssl/certs");
	}
	if (c->http.enabled) {
		bool auth = c->http.token[0] || c->http.username[0];

		if ((c->http.certfile[0] != 0) != (c->http.keyfile[0] != 0))
			err_at(p, c->http.line, "[http]: certfile and keyfile go together");
		if ((c->http.username[0] != 0) != (c->http.password[0] != 0))
			err_at(p, c->http.line, "[http]: username and password go together");
		if (!c->http.read_only && !auth)
			err_at(p, c->http.line, "[http]: read_only = no needs 'token' or 'username'/'password': writes need authentication");
	}
	if (c->p1.enabled && !c->p1.device[0])
		err_at(p, c->p1.line, "[p1] needs 'device', e.g. device = /dev/ttySIM2");
	for (i = 0; i < c->nmodbus; i++) {
		struct sd_mb_meter *m = &c->modbus[i];

		if (!m->has_transport)
			err_at(p, m->line, "[modbus.meter %s] needs 'transport = tcp' or 'transport = rtu'", m->name);
		else if (m->transport == SD_MB_TCP && !m->host[0])
			err_at(p, m->line, "[modbus.meter %s]: transport tcp needs 'host'", m->name);
		else if (m->transport == SD_MB_RTU && !m->device[0])
			err_at(p, m->line, "[modbus.meter %s]: transport rtu needs 'device', e.g. /dev/ttySIM0", m->name);
		if (m->has_transport && m->transport == SD_MB_TCP &&
		    (m->serial_mode[0] || m->termination >= 0))
			err_at(p, m->line, "[modbus.meter %s]: serial_mode/termination apply to transport rtu only", m->name);
		if (m->has_transport && m->transport == SD_MB_RTU && m->slave == 0)
			err_at(p, m->line, "[modbus.meter %s]: slave 0 is the broadcast address; use 1 .. 247", m->name);
		if (!m->nregs)
			err_at(p, m->line, "[modbus.meter %s] has no 'register = NAME FUNCTION ADDRESS TYPE ...' line", m->name);
		for (j = 0; j < i; j++)
			if (c->modbus[j].has_transport && m->has_transport &&
			    m->transport == SD_MB_RTU && c->modbus[j].transport == SD_MB_RTU &&
			    !strcmp(m->device, c->modbus[j].device) &&
			    (m->baud != c->modbus[j].baud || m->parity != c->modbus[j].parity))
				err_at(p, m->line, "[modbus.meter %s]: same bus %s as [modbus.meter %s] but another baud/parity",
				       m->name, m->device, c->modbus[j].name);
	}
	for (i = 0; i < c->nanalog; i++) {
		struct sd_analog *a = &c->analog[i];
		bool in = !isnan(a->map[0]), out = !isnan(a->map[1]);

		if (!a->channel[0] && !a->pin)
			err_at(p, a->line, "[analog %s] needs 'channel' (voltageN, currentN or a label) or 'pin' (1..5)", a->name);
		if (a->channel[0] && a->pin)
			err_at(p, a->line, "[analog %s]: give either channel or pin", a->name);
		if (in != out)
			err_at(p, a->line, "[analog %s]: 'input' and 'output' go together (two-point mapping)", a->name);
		a->has_map = in && out;
		if (a->has_map && a->has_scale)
			err_at(p, a->line, "[analog %s]: use scale/offset or input/output, not both", a->name);
	}
	for (i = 0; i < c->ncounter; i++) {
		struct sd_counter *k = &c->counter[i];

		if (!k->has_weight)
			err_at(p, k->line, "[counter %s] needs 'weight' (units per pulse) or 'pulses_per_unit'", k->name);
		if (!k->unit[0])
			err_at(p, k->line, "[counter %s] needs 'unit', e.g. kWh or m3", k->name);
		else if (!k->device_class[0] &&
			 (!strcmp(k->unit, "m3") || !strcmp(k->unit, "m³") || !strcmp(k->unit, "L")))
			err_at(p, k->line, "[counter %s]: a volume needs 'device_class = water' or 'gas' (the energy dashboard goes by it)",
			       k->name);
	}
	for (i = 0; i < c->ndigital; i++)
		if (!c->digital[i].gpio[0])
			err_at(p, c->digital[i].line, "[digital %s] needs 'gpio', the line name (e.g. IO3)", c->digital[i].name);
	for (i = 0; i < c->noutput; i++)
		if (!c->output[i].gpio[0])
			err_at(p, c->output[i].line, "[output %s] needs 'gpio', the line name (e.g. IO5)", c->output[i].name);
	for (i = 0; i < c->nmbus_meter; i++) {
		struct sd_mbus_meter *m = &c->mbus_meter[i];

		if (!m->address[0])
			err_at(p, m->line, "[mbus.meter %s] needs 'address': a primary address (0..250) or a secondary address (16 hex digits)",
			       m->name);
		if (!c->mbus.enabled && !p->seen_mbus)
			c->mbus.enabled = true;		/* [mbus] defaults */
		if (!m->interval)
			m->interval = c->mbus.interval;
		for (j = 0; j < i && m->address[0]; j++) {
			struct mbus_target a, b;

			if (mbus_target_parse(m->address, &a) ||
			    mbus_target_parse(c->mbus_meter[j].address, &b))
				continue;
			if (a.secondary == b.secondary &&
			    (a.secondary ? !memcmp(&a.sa, &b.sa, sizeof(a.sa)) : a.primary == b.primary))
				err_at(p, m->line, "[mbus.meter %s] has the address of [mbus.meter %s] (%s)",
				       m->name, c->mbus_meter[j].name, m->address);
		}
	}
	if (c->mbus_slave.enabled) {
		char msg[256];

		if (sd_slave_check(c, msg, sizeof(msg)))
			err_at(p, c->mbus_slave.line, "[mbus.slave]: %s", msg);
		if (c->mbus.enabled && !strcmp(c->mbus.bus, c->mbus_slave.bus))
			err_at(p, c->mbus_slave.line, "[mbus.slave]: the M-Bus port is either master ([mbus]) or slave; remove one of the two sections");
	}
	if (c->mbus.enabled && !c->nmbus_meter && c->mbus.scan == SD_MBUS_SCAN_NONE)
		err_at(p, c->mbus.line, "[mbus]: nothing to read; add [mbus.meter NAME] sections or 'scan = primary' / 'scan = secondary'");
	validate_gateway(p);
	for (i = 0; i < c->ndigital; i++)
		for (j = 0; j < c->noutput; j++)
			if (!strcmp(c->digital[i].gpio, c->output[j].gpio) &&
			    !strcmp(c->digital[i].gpiochip, c->output[j].gpiochip))
				err_at(p, c->output[j].line, "[output %s] uses line %s like [digital %s]",
				       c->output[j].name, c->output[j].gpio, c->digital[i].name);
}

int sd_config_parse(struct sd_config *cfg, FILE *f, const char *file)
{
	struct parser p = { .cfg = cfg, .f = f };
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->file, sizeof(cfg->file), "%s", file);
	defaults(cfg);
	p.sect = &none_sect;
	ret = ini_parse_stream(reader, &p, handler, &p);
	if (ret > 0)
		err_at(&p, (unsigned int)ret, "syntax error: expected '[section]', 'key = value' or a comment");
	else if (ret < 0)
		p.nomem = true;
	if (!p.nomem)
		validate(&p);
	if (p.nomem)
		return -ENOMEM;
	return cfg->nerrors ? -EINVAL : 0;
}

int sd_config_load(struct sd_config *cfg, const char *path)
{
	FILE *f = fopen(path, "r");
	int ret;

	if (!f) {
		struct parser p = { .cfg = cfg };

		memset(cfg, 0, sizeof(*cfg));
		snprintf(cfg->file, sizeof(cfg->file), "%s", path);
		err_at(&p, 0, "cannot open: %s", strerror(errno));
		return p.nomem ? -ENOMEM : -ENOENT;
	}
	ret = sd_config_parse(cfg, f, path);
	fclose(f);
	return ret;
}

int sd_config_parse_string(struct sd_config *cfg, const char *text,
			   const char *file)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	if (!f)
		return -ENOMEM;
	ret = sd_config_parse(cfg, f, file);
	fclose(f);
	return ret;
}

void sd_config_free(struct sd_config *cfg)
{
	for (size_t i = 0; i < cfg->nmodbus; i++)
		free(cfg->modbus[i].regs);
	free(cfg->modbus);
	free(cfg->analog);
	free(cfg->counter);
	free(cfg->digital);
	free(cfg->output);
	free(cfg->mbus_meter);
	free(cfg->mbsrv.map);
	free(cfg->rule);
	free(cfg->iiodev);
	for (size_t i = 0; i < cfg->nerrors; i++)
		free(cfg->errors[i]);
	free(cfg->errors);
	free(cfg->sums);
	memset(cfg, 0, sizeof(*cfg));
}

bool sd_config_has_sources(const struct sd_config *cfg)
{
	return cfg->p1.enabled || cfg->status.enabled || cfg->mbus.enabled ||
	       cfg->mbus_slave.enabled || cfg->nmodbus ||
	       cfg->nanalog || cfg->ncounter || cfg->ndigital || cfg->noutput ||
	       cfg->niiodev;
}
