/* SPDX-License-Identifier: GPL-2.0 */
/* Find a GPIO line by name (libgpiod v2), on a given chip or on any. */
#ifndef SMCARDD_GPIO_FIND_H
#define SMCARDD_GPIO_FIND_H

struct gpiod_chip;

/*
 * @chip: "" (search every /dev/gpiochip*), a path, a /dev name or a chip
 * label. On success *@out is an open chip and *@offset the line.
 * Returns 0 or -ENOENT / -errno.
 */
int sd_gpio_find(const char *chip, const char *line, struct gpiod_chip **out,
		 unsigned int *offset);

#endif
