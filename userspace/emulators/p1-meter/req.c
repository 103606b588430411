// SPDX-License-Identifier: GPL-2.0
/*
 * The request condition: a meter only sends while P1_REQ is asserted.
 * It comes from a GPIO input (real hardware, gpio-sim) or from a file the
 * simulator keeps at "1" / "0".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gpiod.h>

#include "emu.h"

static bool is_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static struct gpiod_chip *open_chip(const char *chip)
{
	char path[288];

	snprintf(path, sizeof(path), "%s%s", strchr(chip, '/') ? "" : "/dev/",
		 chip);
	return gpiod_chip_open(path);
}

static int open_gpio(struct req_source *r, const char *spec)
{
	struct gpiod_line_settings *ls = gpiod_line_settings_new();
	struct gpiod_line_config *lc = gpiod_line_config_new();
	struct gpiod_request_config *rc = gpiod_request_config_new();
	const char *colon = strrchr(spec, ':');
	char chip[256];
	int off, ret = 0;

	if (!ls || !lc || !rc) {
		ret = -ENOMEM;
		goto out;
	}
	if (!colon || colon == spec || (size_t)(colon - spec) >= sizeof(chip)) {
		fprintf(stderr, "p1-meter: --req-gpio wants CHIP:LINE, got '%s'\n", spec);
		ret = -EINVAL;
		goto out;
	}
	memcpy(chip, spec, (size_t)(colon - spec));
	chip[colon - spec] = '\0';
	r->chip = open_chip(chip);
	if (!r->chip) {
		ret = -errno;
		fprintf(stderr, "p1-meter: GPIO chip '%s': %s\n", chip, strerror(errno));
		goto out;
	}
	off = is_number(colon + 1) ? atoi(colon + 1) :
		gpiod_chip_get_line_offset_from_name(r->chip, colon + 1);
	if (off < 0) {
		fprintf(stderr, "p1-meter: no line '%s' on '%s'\n", colon + 1, chip);
		ret = -ENOENT;
		goto out;
	}
	r->offset = (unsigned int)off;
	gpiod_line_settings_set_direction(ls, GPIOD_LINE_DIRECTION_INPUT);
	gpiod_line_settings_set_active_low(ls, r->active_low);
	gpiod_request_config_set_consumer(rc, "p1-meter");
	if (gpiod_line_config_add_line_settings(lc, &r->offset, 1, ls) ||
	    !(r->request = gpiod_chip_request_lines(r->chip, rc, lc))) {
		ret = -errno;
		fprintf(stderr, "p1-meter: cannot request %s line %u: %s\n", chip,
			r->offset, strerror(errno));
	}
out:
	gpiod_request_config_free(rc);
	gpiod_line_config_free(lc);
	gpiod_line_settings_free(ls);
	return ret;
}

int req_open(struct req_source *r, enum req_kind kind, const char *spec,
	     bool active_low)
{
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->path = spec;
	r->active_low = active_low;
	if (kind == REQ_GPIO)
		return open_gpio(r, spec);
	return 0;
}

static int read_file(struct req_source *r)
{
	char c = 0;
	int fd = open(r->path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		if (!r->warned)
			fprintf(stderr, "p1-meter: %s: %s (treated as released)\n",
				r->path, strerror(errno));
		r->warned = true;
		return 0;
	}
	n = read(fd, &c, 1);
	close(fd);
	r->warned = false;
	if (n != 1 || (c != '0' && c != '1'))
		return 0;
	return (c == '1') != r->active_low;
}

int req_asserted(struct req_source *r)
{
	switch (r->kind) {
	case REQ_ALWAYS:
		return 1;
	case REQ_FILE:
		return read_file(r);
	case REQ_GPIO: {
		enum gpiod_line_value v = gpiod_line_request_get_value(r->request,
								       r->offset);

		if (v == GPIOD_LINE_VALUE_ERROR) {
			if (!r->warned)
				fprintf(stderr, "p1-meter: reading P1_REQ: %s\n",
					strerror(errno));
			r->warned = true;
			return 0;
		}
		return v == GPIOD_LINE_VALUE_ACTIVE;
	}
	}
	return 0;
}

void req_close(struct req_source *r)
{
	if (r->request)
		gpiod_line_request_release(r->request);
	if (r->chip)
		gpiod_chip_close(r->chip);
	memset(r, 0, sizeof(*r));
}
