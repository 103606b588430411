/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the 'smcardctl mbus' commands that talk to a bus share: the
 * common options (--bus, --json, --retries, --timeout-extra), opening the
 * netlink handle and the bus, the link over the kernel's transfers, and
 * printing secondary addresses.
 */
#ifndef SMCARDCTL_MBUS_COMMON_H
#define SMCARDCTL_MBUS_COMMON_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include "mbus.h"

#define MBUS_OPT_BUS		0x100
#define MBUS_OPT_JSON		0x101
#define MBUS_OPT_RETRIES	0x102
#define MBUS_OPT_TIMEOUT_EXTRA	0x103

#define MBUS_COMMON_OPTIONS \
	{ "bus", required_argument, NULL, MBUS_OPT_BUS }, \
	{ "json", no_argument, NULL, MBUS_OPT_JSON }, \
	{ "retries", required_argument, NULL, MBUS_OPT_RETRIES }, \
	{ "timeout-extra", required_argument, NULL, MBUS_OPT_TIMEOUT_EXTRA }, \
	{ "help", no_argument, NULL, 'h' }

#define MBUS_COMMON_USAGE \
	"  --bus NAME           the M-Bus interface (default: the only one)\n" \
	"  --json               JSON output\n" \
	"  --retries N          repeats after a timeout or a damaged reply\n" \
	"  --timeout-extra MS   added to the EN 13757-2 reply window\n"

struct mbus_ctx {
	const char *cmd;	/* "scan", for messages */
	const char *bus_name;
	bool json;
	int retries;		/* -1: the command's default */
	unsigned int timeout_extra;
	struct mbus_nl *nl;
	struct mbus_nl_bus bus;
	struct mbus_link link;
};

void mbus_ctx_init(struct mbus_ctx *c, const char *cmd);

/* A common option of getopt_long(); returns 1 if handled, -1 if bad. */
int mbus_ctx_option(struct mbus_ctx *c, int opt, const char *arg);

/*
 * Open the family and the bus; set up c->link with @retries unless
 * --retries was given. Prints the error and returns non-zero on failure.
 */
int mbus_ctx_open(struct mbus_ctx *c, unsigned int retries);
void mbus_ctx_close(struct mbus_ctx *c);

/* Print "smcardctl mbus CMD: MESSAGE" for a failure @err of the link. */
int mbus_ctx_fail(struct mbus_ctx *c, int err);

__attribute__((format(printf, 2, 3)))
int mbus_ctx_error(const struct mbus_ctx *c, const char *fmt, ...);

/* Print @j (consumed) pretty. */
void mbus_print_json(struct json_object *j);

/* Secondary address as a JSON object / a line fragment. */
struct json_object *mbus_secaddr_json(const struct mbus_secaddr *sa);
void mbus_secaddr_text(const struct mbus_secaddr *sa, char *out, size_t size);

/* Traffic counters of the link, with the bus rate and the elapsed time. */
struct json_object *mbus_traffic_json(const struct mbus_ctx *c, double secs);

double mbus_now(void);

#endif
