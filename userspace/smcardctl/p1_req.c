// SPDX-License-Identifier: GPL-2.0
/*
 * P1_REQ: a P1 meter only talks while its request line is asserted. Find
 * the line by name through libgpiod v2 and hold it active while reading.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gpiod.h>

#include "p1_cmd.h"

static bool is_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Offset of @line on @chip, or -1. */
static int find_line(struct gpiod_chip *chip, const char *line,
		     bool allow_offset)
{
	if (allow_offset && is_number(line)) {
		struct gpiod_chip_info *info = gpiod_chip_get_info(chip);
		long off = strtol(line, NULL, 10);
		size_t n = info ? gpiod_chip_info_get_num_lines(info) : 0;

		gpiod_chip_info_free(info);
		return off < (long)n ? (int)off : -1;
	}
	return gpiod_chip_get_line_offset_from_name(chip, line);
}

static bool label_is(struct gpiod_chip *chip, const char *label)
{
	struct gpiod_chip_info *info = gpiod_chip_get_info(chip);
	bool same = info && !strcmp(gpiod_chip_info_get_label(info), label);

	gpiod_chip_info_free(info);
	return same;
}

/*
 * Walk /dev/gpiochip*; keep the first chip that has @line (when @label is
 * NULL) or whose label is @label.
 */
static int scan(struct p1_req *r, const char *label, const char *line)
{
	struct dirent *de;
	DIR *dir = opendir("/dev");
	int off = -1;

	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		char path[288];
		struct gpiod_chip *chip;

		if (strncmp(de->d_name, "gpiochip", 8))
			continue;
		snprintf(path, sizeof(path), "/dev/%s", de->d_name);
		if (!gpiod_is_gpiochip_device(path))
			continue;
		chip = gpiod_chip_open(path);
		if (!chip)
			continue;
		if (label && !label_is(chip, label)) {
			gpiod_chip_close(chip);
			continue;
		}
		off = find_line(chip, line, label != NULL);
		if (off >= 0) {
			r->chip = chip;
			r->offset = (unsigned int)off;
			snprintf(r->path, sizeof(r->path), "%s", path);
			break;
		}
		gpiod_chip_close(chip);
	}
	closedir(dir);
	return off >= 0 ? 0 : -ENOENT;
}

static int open_chip(struct p1_req *r, const char *chip, const char *line)
{
	char path[288];
	int off;

	if (!chip)
		return scan(r, NULL, line);
	snprintf(path, sizeof(path), "%s%s", strchr(chip, '/') ? "" : "/dev/",
		 chip);
	r->chip = gpiod_chip_open(path);
	if (!r->chip)
		return scan(r, chip, line);	/* maybe a label */
	snprintf(r->path, sizeof(r->path), "%s", path);
	off = find_line(r->chip, line, true);
	if (off < 0)
		return -ENOENT;
	r->offset = (unsigned int)off;
	return 0;
}

int p1_req_assert(struct p1_req *r, const char *chip, const char *line)
{
	struct gpiod_line_settings *ls = NULL;
	struct gpiod_line_config *lc = NULL;
	struct gpiod_request_config *rc = NULL;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = open_chip(r, chip, line);
	if (ret) {
		if (chip)
			fprintf(stderr, "smcardctl p1: no line '%s' on GPIO chip '%s'\n",
				line, chip);
		else
			fprintf(stderr, "smcardctl p1: no GPIO line named '%s' on any /dev/gpiochip*; give --gpiochip, or --no-req if the request pin is tied\n",
				line);
		goto out;
	}
	ls = gpiod_line_settings_new();
	lc = gpiod_line_config_new();
	rc = gpiod_request_config_new();
	if (!ls || !lc || !rc) {
		ret = -ENOMEM;
		goto out;
	}
	gpiod_line_settings_set_direction(ls, GPIOD_LINE_DIRECTION_OUTPUT);
	gpiod_line_settings_set_output_value(ls, GPIOD_LINE_VALUE_ACTIVE);
	gpiod_request_config_set_consumer(rc, "smcardctl-p1");
	if (gpiod_line_config_add_line_settings(lc, &r->offset, 1, ls)) {
		ret = -errno;
		goto out;
	}
	r->request = gpiod_chip_request_lines(r->chip, rc, lc);
	if (!r->request) {
		ret = -errno;
		fprintf(stderr, "smcardctl p1: cannot request %s line %u (%s): %s\n",
			r->path, r->offset, line, strerror(errno));
	}
out:
	gpiod_request_config_free(rc);
	gpiod_line_config_free(lc);
	gpiod_line_settings_free(ls);
	if (ret)
		p1_req_release(r);
	return ret;
}

void p1_req_release(struct p1_req *r)
{
	if (r->request) {
		/* leave the meter quiet rather than whatever the chip defaults to */
		gpiod_line_request_set_value(r->request, r->offset,
					     GPIOD_LINE_VALUE_INACTIVE);
		gpiod_line_request_release(r->request);
	}
	if (r->chip)
		gpiod_chip_close(r->chip);
	memset(r, 0, sizeof(*r));
}
