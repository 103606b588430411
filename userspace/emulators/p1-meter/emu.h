/* SPDX-License-Identifier: GPL-2.0 */
/* p1-meter: pieces shared between the emulator's files. */
#ifndef P1_METER_EMU_H
#define P1_METER_EMU_H

#include <stdbool.h>

struct gpiod_chip;
struct gpiod_line_request;

/* Where the meter learns whether P1_REQ is asserted. */
enum req_kind {
	REQ_ALWAYS,
	REQ_FILE,	/* a file holding "1" or "0" (the simulator's P1_REQ) */
	REQ_GPIO,	/* a GPIO input line, through libgpiod */
};

struct req_source {
	enum req_kind kind;
	const char *path;
	bool active_low;
	bool warned;
	struct gpiod_chip *chip;
	struct gpiod_line_request *request;
	unsigned int offset;
};

/* @spec is "CHIP:LINE" for REQ_GPIO, a path for REQ_FILE. */
int req_open(struct req_source *r, enum req_kind kind, const char *spec,
	     bool active_low);
/* 1 asserted, 0 released. Errors count as released (and are reported once). */
int req_asserted(struct req_source *r);
void req_close(struct req_source *r);

/* Open @path for writing; ttys are set to raw 115200 8N1. "-" is stdout. */
int port_open(const char *path);
int port_write(int fd, const void *buf, size_t len);

#endif
