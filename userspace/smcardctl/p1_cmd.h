/* SPDX-License-Identifier: GPL-2.0 */
/* Pieces of 'smcardctl p1' shared between its files. */
#ifndef SMCARDCTL_P1_CMD_H
#define SMCARDCTL_P1_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "p1.h"

struct gpiod_chip;
struct gpiod_line_request;

/* P1_REQ held asserted for as long as the request lives. */
struct p1_req {
	struct gpiod_chip *chip;
	struct gpiod_line_request *request;
	unsigned int offset;
	char path[288];
};

int p1_decode(int argc, char **argv);
int p1_read(int argc, char **argv);
int p1_objects(int argc, char **argv);

/* Load the time zone @name for @cmd, or say why not on stderr; 0 or -1. */
int p1_load_tz(const char *cmd, const char *name, struct p1_tz **tz);

/* Parse 32 hex digits into a 16-byte key; 0 or -1. */
int p1_parse_key(const char *hex, uint8_t key[16]);

/*
 * Turn one framed unit (text telegram, or Smarty frame when @key is set)
 * into a parsed telegram. Returns 0 or a negative errno with @err set.
 */
int p1_decode_frame(const uint8_t *frame, size_t len, const uint8_t *key,
		    const uint8_t *ak, unsigned int flags, const struct p1_tz *tz,
		    struct p1_telegram *t, struct p1_error *err);

void p1_print_human(FILE *f, const struct p1_telegram *t);

/*
 * Find line @line (name, or offset when @chip is given and @line is a
 * number) and drive it active. @chip is a path, a /dev name or a chip
 * label; NULL scans every /dev/gpiochip*.
 */
int p1_req_assert(struct p1_req *r, const char *chip, const char *line);
void p1_req_release(struct p1_req *r);

#endif
