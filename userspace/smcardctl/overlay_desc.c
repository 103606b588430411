// SPDX-License-Identifier: GPL-2.0
/*
 * smcardctl overlay: the description of a card (pin functions, labels,
 * input filters, I2C sensors), parsed and checked so that only overlays the
 * drivers accept are written.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "overlay.h"

const struct ovl_func_info ovl_funcs[OVL_FUNC_COUNT] = {
	[OVL_FUNC_DISABLED] = { "disabled", { "off", "none" },
		"SMCARD_PIN_FUNC_DISABLED", "disabled (high impedance)", false },
	[OVL_FUNC_DIGITAL_IN] = { "digital-in", { "input", "di", "dry-contact" },
		"SMCARD_PIN_FUNC_DIGITAL_IN", "digital input 0-30 V", true },
	[OVL_FUNC_VOLTAGE_IN] = { "voltage", { "0-10v", "analog" },
		"SMCARD_PIN_FUNC_VOLTAGE_IN", "analog input 0-10 V", false },
	[OVL_FUNC_CURRENT_IN] = { "current", { "4-20ma", "current-loop" },
		"SMCARD_PIN_FUNC_CURRENT_IN", "current loop 4-20 mA", false },
	[OVL_FUNC_S0_IN] = { "s0", { "pulse" },
		"SMCARD_PIN_FUNC_S0_IN", "S0 pulse input", true },
	[OVL_FUNC_DIGITAL_OUT] = { "digital-out", { "output", "do", "push-pull" },
		"SMCARD_PIN_FUNC_DIGITAL_OUT", "push-pull output 0/3.3 V", false },
	[OVL_FUNC_OPEN_DRAIN_OUT] = { "open-drain", { "od" },
		"SMCARD_PIN_FUNC_OPEN_DRAIN_OUT", "open-drain output 30 V, 250 mA",
		false },
};

/* Sensors with a mainline driver and binding, at their usual address. */
static const struct {
	const char *name;
	const char *compatible;
	const char *node;
	unsigned int addr;
} sensors[] = {
	{ "hdc1080", "ti,hdc1080", "humidity-sensor", 0x40 },
	{ "hdc2010", "ti,hdc2010", "humidity-sensor", 0x40 },
	{ "si7020", "silabs,si7020", "humidity-sensor", 0x40 },
	{ "sht4x", "sensirion,sht4x", "humidity-sensor", 0x44 },
	{ "bme280", "bosch,bme280", "pressure-sensor", 0x76 },
	{ "bmp280", "bosch,bmp280", "pressure-sensor", 0x76 },
	{ "tmp102", "ti,tmp102", "temperature-sensor", 0x48 },
	{ "lm75", "national,lm75", "temperature-sensor", 0x48 },
};

__attribute__((format(printf, 2, 3)))
static int fail(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, OVL_ERR_MAX, fmt, ap);
	va_end(ap);
	return -1;
}

static void function_list(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < OVL_FUNC_COUNT && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
			      ovl_funcs[i].name);
}

static int find_function(const char *name)
{
	for (int i = 0; i < OVL_FUNC_COUNT; i++) {
		if (!strcasecmp(name, ovl_funcs[i].name))
			return i;
		for (int j = 0; j < 4 && ovl_funcs[i].aliases[j]; j++)
			if (!strcasecmp(name, ovl_funcs[i].aliases[j]))
				return i;
	}
	return -1;
}

/* "30ms", "500us", "1s", "0": microseconds, -1 when not a time. */
static long long parse_time_us(const char *s)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v > 100000000ULL)
		return -1;
	if (!strcmp(end, "us"))
		return (long long)v;
	if (!strcmp(end, "ms"))
		return (long long)v * 1000;
	if (!strcmp(end, "s"))
		return (long long)v * 1000000;
	if (!*end && v == 0)
		return 0;
	return -1;
}

static int check_label(const char *label, const char *who, char *err)
{
	size_t len = strlen(label);

	if (!len)
		return fail(err, "%s: empty label", who);
	if (len > OVL_LABEL_MAX)
		return fail(err, "%s: label '%s' is longer than %d characters",
			    who, label, OVL_LABEL_MAX);
	for (const char *p = label; *p; p++)
		if (*p < 0x20 || *p > 0x7e || *p == '"' || *p == '\\' || *p == '*')
			return fail(err, "%s: label '%s': only printable ASCII without \", \\ and *",
				    who, label);
	if (label[0] == ' ' || label[len - 1] == ' ')
		return fail(err, "%s: label '%s' starts or ends with a space",
			    who, label);
	return 0;
}

static int parse_pin(struct ovl_desc *d, unsigned int n, const char *value,
		     char *err)
{
	struct ovl_pin *pin = &d->pins[n - 1];
	char who[8], fn[32], list[160];
	const char *p = value, *comma;
	size_t len;
	int f;

	snprintf(who, sizeof(who), "io%u", n);
	if (pin->set)
		return fail(err, "%s is described twice", who);

	comma = strchr(p, ',');
	len = comma ? (size_t)(comma - p) : strlen(p);
	if (!len || len >= sizeof(fn)) {
		function_list(list, sizeof(list));
		return fail(err, "%s: a function is needed, one of: %s", who, list);
	}
	memcpy(fn, p, len);
	fn[len] = '\0';
	f = find_function(fn);
	if (f < 0) {
		function_list(list, sizeof(list));
		return fail(err, "%s: '%s' is not a function of the card's pins; a pin is one of: %s",
			    who, fn, list);
	}
	pin->set = true;
	pin->func = f;

	/* Options; label= takes the rest, so a label may contain commas. */
	while (comma) {
		p = comma + 1;
		if (!strncmp(p, "label=", 6)) {
			if (check_label(p + 6, who, err))
				return -1;
			strcpy(pin->label, p + 6);
			break;
		}
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		if (!strncmp(p, "debounce=", 9)) {
			char t[32];
			long long us;

			if (len - 9 >= sizeof(t))
				return fail(err, "%s: bad debounce time", who);
			memcpy(t, p + 9, len - 9);
			t[len - 9] = '\0';
			us = parse_time_us(t);
			if (us < 0)
				return fail(err, "%s: debounce '%s' is not a time such as 30ms or 500us",
					    who, t);
			if (us > OVL_DEBOUNCE_MAX_US)
				return fail(err, "%s: debounce %s exceeds the controller's %u ms",
					    who, t, OVL_DEBOUNCE_MAX_US / 1000);
			if (us % OVL_DEBOUNCE_STEP_US)
				return fail(err, "%s: debounce %s: the controller filters in steps of %u us",
					    who, t, OVL_DEBOUNCE_STEP_US);
			pin->has_debounce = true;
			pin->debounce_us = us;
			continue;
		}
		return fail(err, "%s: unknown option '%.*s' (options: debounce=TIME, label=TEXT)",
			    who, (int)len, p);
	}

	if (pin->has_debounce && !ovl_funcs[f].filter)
		return fail(err, "%s: a %s pin has no input filter; debounce applies to s0 and digital-in pins",
			    who, ovl_funcs[f].name);
	if (pin->label[0] && f == OVL_FUNC_DISABLED)
		return fail(err, "%s: a disabled pin has nothing connected to label", who);
	return 0;
}

static int parse_sensor(struct ovl_desc *d, const char *value, char *err)
{
	struct ovl_sensor *s;
	const char *at = strchr(value, '@');
	size_t len = at ? (size_t)(at - value) : strlen(value);
	char *end;
	size_t i;

	if (d->nsensors == OVL_SENSORS_MAX)
		return fail(err, "i2c: at most %d sensors", OVL_SENSORS_MAX);
	s = &d->sensors[d->nsensors];
	memset(s, 0, sizeof(*s));
	if (!len)
		return fail(err, "i2c: a sensor is needed, e.g. i2c=hdc1080@0x40");
	if (len >= sizeof(s->name))
		return fail(err, "i2c: '%.*s...' is too long for a sensor name", 20, value);
	memcpy(s->name, value, len);

	for (i = 0; i < sizeof(sensors) / sizeof(sensors[0]); i++)
		if (!strcasecmp(s->name, sensors[i].name))
			break;
	if (i < sizeof(sensors) / sizeof(sensors[0])) {
		s->compatible = sensors[i].compatible;
		s->node = sensors[i].node;
		s->addr = sensors[i].addr;
	} else if (strchr(s->name, ',') && len < sizeof(s->custom)) {
		/* Any device given by its compatible, "vendor,device" */
		for (const char *p = s->name; *p; p++)
			if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
			    !strchr(",-._+", *p))
				return fail(err, "i2c: '%s' is not a compatible string", s->name);
		strcpy(s->custom, s->name);
		s->compatible = s->custom;
		s->node = "sensor";
		if (!at)
			return fail(err, "i2c: %s needs an address, e.g. i2c=%s@0x50",
				    s->name, s->name);
	} else {
		char names[160];
		size_t n = 0;

		for (i = 0; i < sizeof(sensors) / sizeof(sensors[0]); i++)
			n += snprintf(names + n, sizeof(names) - n, "%s%s",
				      i ? ", " : "", sensors[i].name);
		return fail(err, "i2c: unknown sensor '%s'; known: %s, or a compatible such as vendor,device@ADDRESS",
			    s->name, names);
	}
	if (at) {
		unsigned long a;

		errno = 0;
		a = strtoul(at + 1, &end, 0);
		if (errno || end == at + 1 || *end)
			return fail(err, "i2c: bad address '%s' (e.g. 0x40)", at + 1);
		if (a < 0x03 || a > 0x77)
			return fail(err, "i2c: address 0x%lx is outside 0x03..0x77", a);
		s->addr = a;
	}
	if (s->addr == OVL_IOC_ADDR)
		return fail(err, "i2c: %s at 0x%02x: that is the card's IO controller",
			    s->name, s->addr);
	d->nsensors++;
	return 0;
}

int ovl_parse_setting(struct ovl_desc *d, const char *setting, char *err)
{
	const char *eq = strchr(setting, '=');
	char key[16];
	size_t len;
	unsigned int n;

	if (!eq)
		return fail(err, "'%s': a setting is KEY=VALUE, e.g. io1=s0", setting);
	len = eq - setting;
	if (len >= sizeof(key))
		return fail(err, "'%.*s': unknown setting (ioN=, i2c=)", (int)len, setting);
	memcpy(key, setting, len);
	key[len] = '\0';
	if (!strcasecmp(key, "i2c"))
		return parse_sensor(d, eq + 1, err);
	if (!strncasecmp(key, "io", 2) && isdigit((unsigned char)key[2])) {
		char *end;

		n = strtoul(key + 2, &end, 10);
		if (*end || n < 1 || n > OVL_PINS)
			return fail(err, "%s: the card has pins io1..io%d", key, OVL_PINS);
		return parse_pin(d, n, eq + 1, err);
	}
	return fail(err, "'%s': unknown setting (ioN=FUNCTION, i2c=SENSOR@ADDRESS)", key);
}

static void pin_label(const struct ovl_desc *d, int i, char *buf, size_t len)
{
	if (d->pins[i].label[0])
		snprintf(buf, len, "%s", d->pins[i].label);
	else
		snprintf(buf, len, "IO%d", i + 1);
}

int ovl_check(const struct ovl_desc *d, char *err)
{
	char a[OVL_LABEL_MAX + 1], b[OVL_LABEL_MAX + 1];

	/* Userspace finds channels and counts by label: they must differ. */
	for (int i = 0; i < OVL_PINS; i++) {
		if (!d->pins[i].set || d->pins[i].func == OVL_FUNC_DISABLED)
			continue;
		pin_label(d, i, a, sizeof(a));
		for (int j = 0; j < i; j++) {
			if (!d->pins[j].set || d->pins[j].func == OVL_FUNC_DISABLED)
				continue;
			pin_label(d, j, b, sizeof(b));
			if (!strcasecmp(a, b))
				return fail(err, "io%d and io%d have the same label '%s'",
					    j + 1, i + 1, a);
		}
	}
	for (size_t i = 0; i < d->nsensors; i++)
		for (size_t j = 0; j < i; j++)
			if (d->sensors[i].addr == d->sensors[j].addr)
				return fail(err, "i2c: %s and %s both at address 0x%02x",
					    d->sensors[j].name, d->sensors[i].name,
					    d->sensors[i].addr);
	return 0;
}

void ovl_print_desc(const struct ovl_desc *d, FILE *f, const char *prefix)
{
	for (int i = 0; i < OVL_PINS; i++) {
		const struct ovl_pin *p = &d->pins[i];

		if (!p->set)
			continue;
		fprintf(f, "%sio%d=%s", prefix, i + 1, ovl_funcs[p->func].name);
		if (p->has_debounce) {
			if (p->debounce_us % 1000)
				fprintf(f, ",debounce=%uus", p->debounce_us);
			else
				fprintf(f, ",debounce=%ums", p->debounce_us / 1000);
		}
		if (p->label[0])
			fprintf(f, ",label=%s", p->label);
		fputc('\n', f);
	}
	for (size_t i = 0; i < d->nsensors; i++)
		fprintf(f, "%si2c=%s@0x%02x\n", prefix, d->sensors[i].name,
			d->sensors[i].addr);
}

void ovl_print_sensors(FILE *f)
{
	for (size_t i = 0; i < sizeof(sensors) / sizeof(sensors[0]); i++)
		fprintf(f, "  %-8s %-18s default address 0x%02x\n", sensors[i].name,
			sensors[i].compatible, sensors[i].addr);
}
