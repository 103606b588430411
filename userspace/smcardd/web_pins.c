// SPDX-License-Identifier: GPL-2.0
/*
 * The card's five pins for the web page, from what the kernel publishes:
 * the function and label of each channel@N node of the IO controller
 * (option,pin-function, the binding's SMCARD_PIN_FUNC_* codes), the
 * analog value from the smcard-adc IIO device, and the count and level
 * from the smcard-counter device. Nothing is requested or claimed, so
 * the daemon's own sources keep their lines.
 */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dt-bindings/mfd/smcard.h>

#include "daemon.h"
#include "web.h"

static const char *function_name(unsigned int code)
{
	switch (code) {
	case SMCARD_PIN_FUNC_DIGITAL_IN: return "digital in";
	case SMCARD_PIN_FUNC_VOLTAGE_IN: return "0-10 V";
	case SMCARD_PIN_FUNC_CURRENT_IN: return "4-20 mA";
	case SMCARD_PIN_FUNC_S0_IN: return "S0 counter";
	case SMCARD_PIN_FUNC_DIGITAL_OUT: return "push-pull out";
	case SMCARD_PIN_FUNC_OPEN_DRAIN_OUT: return "open-drain out";
	default: return "unused";
	}
}

/*
 * The first sysfs device directory matching @pattern whose name is @name,
 * or @name and a suffix after a dot (a counter is named after its device,
 * smcard-counter.N.auto).
 */
static int find_named(const char *pattern, const char *name, char *dir,
		      size_t size)
{
	char path[SD_PATH_MAX + 16], buf[64];
	glob_t g;
	int ret = -ENODEV;

	if (glob(pattern, 0, NULL, &g))
		return -ENODEV;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		snprintf(path, sizeof(path), "%s/name", g.gl_pathv[i]);
		if (!sd_read_file(path, buf, sizeof(buf)) &&
		    !strncmp(buf, name, strlen(name)) &&
		    (!buf[strlen(name)] || buf[strlen(name)] == '.')) {
			snprintf(dir, size, "%s", g.gl_pathv[i]);
			ret = 0;
			break;
		}
	}
	globfree(&g);
	return ret;
}

static int read_number(const char *dir, const char *file, double *v)
{
	char path[SD_PATH_MAX + 64], buf[64], *end;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (sd_read_file(path, buf, sizeof(buf)))
		return -1;
	*v = strtod(buf, &end);
	return end == buf ? -1 : 0;
}

static void analog_value(const char *iio, struct web_pin *p, bool current)
{
	const char *kind = current ? "current" : "voltage";
	char file[64];
	double raw, scale;

	snprintf(file, sizeof(file), "in_%s%d_raw", kind, p->pin);
	if (read_number(iio, file, &raw))
		return;
	snprintf(file, sizeof(file), "in_%s%d_scale", kind, p->pin);
	if (read_number(iio, file, &scale))
		return;
	/* IIO units are mV and mA */
	p->value = current ? raw * scale : raw * scale / 1000;
	p->unit = current ? "mA" : "V";
}

/* Count and level of the counter signal named IO<pin>. */
static void counter_value(const char *cnt, struct web_pin *p)
{
	char path[SD_PATH_MAX + 64], buf[32], want[8], sig[32];
	glob_t g;
	double v;

	snprintf(want, sizeof(want), "IO%d", p->pin);
	snprintf(path, sizeof(path), "%s/signal*/name", cnt);
	if (glob(path, 0, NULL, &g))
		return;
	sig[0] = 0;
	for (size_t i = 0; i < g.gl_pathc && !sig[0]; i++) {
		if (!sd_read_file(g.gl_pathv[i], buf, sizeof(buf)) && !strcmp(buf, want)) {
			char *s = strstr(g.gl_pathv[i], "/signal");

			snprintf(sig, sizeof(sig), "%.*s", (int)strcspn(s + 1, "/"), s + 1);
		}
	}
	globfree(&g);
	if (!sig[0])
		return;
	snprintf(path, sizeof(path), "%s/%s/signal", cnt, sig);
	if (!sd_read_file(path, p->state, sizeof(p->state)) && strlen(p->state) > 8)
		p->state[0] = 0;
	/* the count whose synapse reads this signal */
	snprintf(path, sizeof(path), "%s/count*/%s_action", cnt, sig);
	if (glob(path, 0, NULL, &g))
		return;
	snprintf(path, sizeof(path), "%.*s", (int)(strrchr(g.gl_pathv[0], '/') -
						   g.gl_pathv[0]), g.gl_pathv[0]);
	globfree(&g);
	if (!read_number(path, "count", &v)) {
		p->value = v;
		p->unit = "pulses";
	}
}

int web_pins_read(struct web_pin pins[WEB_PINS])
{
	char node[SD_PATH_MAX + 64], iio[SD_PATH_MAX], cnt[SD_PATH_MAX];
	bool has_iio, has_cnt;
	glob_t g;

	if (glob("/sys/bus/i2c/drivers/smcard-core/*-*/of_node", 0, NULL, &g))
		return -ENODEV;
	has_iio = !find_named("/sys/bus/iio/devices/iio:device*", "smcard-adc",
			      iio, sizeof(iio));
	has_cnt = !find_named("/sys/bus/counter/devices/counter*", "smcard-counter",
			      cnt, sizeof(cnt));
	for (int i = 0; i < WEB_PINS; i++) {
		struct web_pin *p = &pins[i];
		unsigned char be[4];
		unsigned int code = 0;
		FILE *f;

		*p = (struct web_pin){ .pin = i + 1, .value = NAN, .unit = "" };
		snprintf(node, sizeof(node), "%s/channel@%d/option,pin-function",
			 g.gl_pathv[0], i + 1);
		f = fopen(node, "re");
		if (f) {
			if (fread(be, 1, 4, f) == 4)
				code = (unsigned int)be[0] << 24 | be[1] << 16 | be[2] << 8 | be[3];
			fclose(f);
		}
		p->function = function_name(code);
		snprintf(node, sizeof(node), "%s/channel@%d/label", g.gl_pathv[0], i + 1);
		sd_read_file(node, p->label, sizeof(p->label));
		if (has_iio && (code == SMCARD_PIN_FUNC_VOLTAGE_IN ||
				code == SMCARD_PIN_FUNC_CURRENT_IN))
			analog_value(iio, p, code == SMCARD_PIN_FUNC_CURRENT_IN);
		if (has_cnt && (code == SMCARD_PIN_FUNC_S0_IN ||
				code == SMCARD_PIN_FUNC_DIGITAL_IN))
			counter_value(cnt, p);
	}
	globfree(&g);
	return 0;
}
