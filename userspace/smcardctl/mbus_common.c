// SPDX-License-Identifier: GPL-2.0
/* Shared by the smcardctl mbus commands that talk to a bus. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mbus_common.h"
#include "mbus.h"

void mbus_ctx_init(struct mbus_ctx *c, const char *cmd)
{
	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	c->retries = -1;
}

int mbus_ctx_error(const struct mbus_ctx *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "smcardctl mbus %s: ", c->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static int number(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || !*s || *end || *v > max ? -1 : 0;
}

int mbus_ctx_option(struct mbus_ctx *c, int opt, const char *arg)
{
	unsigned long v;

	switch (opt) {
	case MBUS_OPT_BUS:
		c->bus_name = arg;
		return 1;
	case MBUS_OPT_JSON:
		c->json = true;
		return 1;
	case MBUS_OPT_RETRIES:
		if (number(arg, 100, &v)) {
			mbus_ctx_error(c, "--retries: 0..100");
			return -1;
		}
		c->retries = (int)v;
		return 1;
	case MBUS_OPT_TIMEOUT_EXTRA:
		if (number(arg, METERBUS_TIMEOUT_EXTRA_MAX, &v)) {
			mbus_ctx_error(c, "--timeout-extra: 0..%d ms",
				       METERBUS_TIMEOUT_EXTRA_MAX);
			return -1;
		}
		c->timeout_extra = (unsigned int)v;
		return 1;
	default:
		return 0;
	}
}

static int link_xfer(void *ctx, const uint8_t *req, size_t len, bool no_reply,
		     struct mbus_reply *r)
{
	struct mbus_ctx *c = ctx;
	struct mbus_nl_xfer x = {
		.frame = req,
		.len = len,
		.timeout_extra_ms = c->timeout_extra,
		.no_reply = no_reply,
	};
	int ret = mbus_nl_xfer(c->nl, c->bus.id, &x);

	if (ret < 0)
		return ret;
	r->result = x.result;
	r->latency_us = x.latency_us;
	if (x.result == METERBUS_RESULT_OK) {
		memcpy(r->buf, x.reply, x.reply_len);
		r->len = x.reply_len;
	} else {
		memcpy(r->buf, x.raw, x.raw_len);
		r->len = x.raw_len;
	}
	return 0;
}

int mbus_ctx_open(struct mbus_ctx *c, unsigned int retries)
{
	int ret = mbus_nl_open(&c->nl);

	if (!ret)
		ret = mbus_nl_bus_find(c->nl, c->bus_name, &c->bus);
	if (ret) {
		mbus_ctx_error(c, "%s", mbus_nl_errmsg(c->nl));
		mbus_nl_close(c->nl);
		c->nl = NULL;
		return 1;
	}
	c->link.xfer = link_xfer;
	c->link.ctx = c;
	c->link.retries = c->retries >= 0 ? (unsigned int)c->retries : retries;
	c->link.probe_retries = c->retries >= 0 ? (unsigned int)c->retries : 0;
	return 0;
}

void mbus_ctx_close(struct mbus_ctx *c)
{
	mbus_nl_close(c->nl);
	c->nl = NULL;
}

int mbus_ctx_fail(struct mbus_ctx *c, int err __attribute__((unused)))
{
	/* the procedure's message, else the transport's (kernel refused) */
	if (c->link.msg[0])
		return mbus_ctx_error(c, "%s", c->link.msg);
	return mbus_ctx_error(c, "%s", mbus_nl_errmsg(c->nl));
}

void mbus_print_json(struct json_object *j)
{
	printf("%s\n", json_object_to_json_string_ext(j,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
}

struct json_object *mbus_secaddr_json(const struct mbus_secaddr *sa)
{
	struct json_object *o = json_object_new_object();
	char text[MBUS_SECADDR_STRLEN], id[9], man[4];

	mbus_secaddr_format(sa, text);
	snprintf(id, sizeof(id), "%08X", sa->id);
	mbus_manufacturer_code(sa->manufacturer, man);
	json_object_object_add(o, "secondary", json_object_new_string(text));
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "manufacturer", json_object_new_string(man));
	json_object_object_add(o, "version", json_object_new_int(sa->version));
	json_object_object_add(o, "medium",
			       json_object_new_string(mbus_medium_name(sa->medium)));
	json_object_object_add(o, "medium_code", json_object_new_int(sa->medium));
	return o;
}

void mbus_secaddr_text(const struct mbus_secaddr *sa, char *out, size_t size)
{
	char text[MBUS_SECADDR_STRLEN], man[4];

	mbus_secaddr_format(sa, text);
	mbus_manufacturer_code(sa->manufacturer, man);
	snprintf(out, size, "%s  id %08X  %s  version %u  %s", text, sa->id,
		 man, sa->version, mbus_medium_name(sa->medium));
}

struct json_object *mbus_traffic_json(const struct mbus_ctx *c, double secs)
{
	const struct mbus_link_stats *s = &c->link.stats;
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "baud", json_object_new_int64(c->bus.baud));
	json_object_object_add(o, "requests", json_object_new_int64((int64_t)s->requests));
	json_object_object_add(o, "replies", json_object_new_int64((int64_t)s->replies));
	json_object_object_add(o, "timeouts", json_object_new_int64((int64_t)s->timeouts));
	json_object_object_add(o, "damaged", json_object_new_int64((int64_t)s->damaged));
	json_object_object_add(o, "bytes_tx", json_object_new_int64((int64_t)s->bytes_tx));
	json_object_object_add(o, "bytes_rx", json_object_new_int64((int64_t)s->bytes_rx));
	json_object_object_add(o, "elapsed_s", json_object_new_double(secs));
	return o;
}

double mbus_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
