// SPDX-License-Identifier: GPL-2.0
/* GPIO lines by name through libgpiod v2. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <gpiod.h>

#include "gpio_find.h"

static bool chip_matches(struct gpiod_chip *chip, const char *want)
{
	struct gpiod_chip_info *info;
	bool same;

	if (!*want)
		return true;
	info = gpiod_chip_get_info(chip);
	same = info && (!strcmp(gpiod_chip_info_get_label(info), want) ||
			!strcmp(gpiod_chip_info_get_name(info), want));
	gpiod_chip_info_free(info);
	return same;
}

int sd_gpio_find(const char *chip, const char *line, struct gpiod_chip **out,
		 unsigned int *offset)
{
	struct dirent *de;
	DIR *dir;
	int ret = -ENOENT;

	*out = NULL;
	if (chip[0] == '/') {
		struct gpiod_chip *c = gpiod_chip_open(chip);
		int off;

		if (!c)
			return -errno;
		off = gpiod_chip_get_line_offset_from_name(c, line);
		if (off < 0) {
			gpiod_chip_close(c);
			return -ENOENT;
		}
		*out = c;
		*offset = (unsigned int)off;
		return 0;
	}
	dir = opendir("/dev");
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		char path[288];
		struct gpiod_chip *c;
		int off;

		if (strncmp(de->d_name, "gpiochip", 8))
			continue;
		snprintf(path, sizeof(path), "/dev/%s", de->d_name);
		if (!gpiod_is_gpiochip_device(path))
			continue;
		c = gpiod_chip_open(path);
		if (!c)
			continue;
		if (chip_matches(c, chip)) {
			off = gpiod_chip_get_line_offset_from_name(c, line);
			if (off >= 0) {
				*out = c;
				*offset = (unsigned int)off;
				ret = 0;
				break;
			}
		}
		gpiod_chip_close(c);
	}
	closedir(dir);
	return ret;
}
