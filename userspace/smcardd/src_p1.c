// SPDX-License-Identifier: GPL-2.0
/*
 * P1 / DSMR: telegrams from the P1 tty, continuously, with P1_REQ held
 * asserted through libgpiod v2 while the source is open (released on
 * close, so the meter falls silent). Times are read in [p1] timezone.
 * Each good telegram is published whole (p1_publish.c): BASE/p1 with
 * every value, sub-topics for M-Bus devices and profile buffers when they
 * change, Home Assistant entities when the set of values changes. What
 * the decoder had to forgive is logged once per kind. No telegram for
 * [p1] timeout seconds: the source is reopened.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <gpiod.h>

#include "daemon.h"
#include "gpio_find.h"
#include "p1.h"
#include "p1_publish.h"

#define SEEN_MAX	128	/* kinds of warning logged per open */

struct p1_priv {
	int fd;
	struct gpiod_chip *chip;
	struct gpiod_line_request *req;
	unsigned int offset;
	struct p1_framer fr;
	bool framer;
	int64_t last_emit;
	unsigned long bad;
	struct p1_tz *tz;
	struct sd_p1_filter filter;
	uint64_t entities;		/* signature of the entities registered */
	char *last[SD_P1_MSGS];		/* sub-topics as last sent */
	char last_sub[SD_P1_MSGS][64];
	uint64_t seen[SEEN_MAX];	/* kinds of warning already logged */
	size_t nseen;
};

static void p1_close(struct source *s)
{
	struct p1_priv *p = s->priv;

	if (!p)
		return;
	if (p->req) {
		gpiod_line_request_set_value(p->req, p->offset, GPIOD_LINE_VALUE_INACTIVE);
		gpiod_line_request_release(p->req);
	}
	if (p->chip)
		gpiod_chip_close(p->chip);
	if (p->fd >= 0)
		close(p->fd);
	if (p->framer)
		p1_framer_free(&p->fr);
	p1_tz_free(p->tz);
	for (size_t i = 0; i < SD_P1_MSGS; i++)
		free(p->last[i]);
	free(p);
	s->priv = NULL;
}

static int assert_req(struct source *s)
{
	const struct sd_p1 *c = s->cfg;
	struct p1_priv *p = s->priv;
	struct gpiod_line_settings *ls = gpiod_line_settings_new();
	struct gpiod_line_config *lc = gpiod_line_config_new();
	struct gpiod_request_config *rc = gpiod_request_config_new();
	int ret;

	if (!ls || !lc || !rc) {
		ret = -ENOMEM;
		goto out;
	}
	ret = sd_gpio_find(c->gpiochip, c->request_line, &p->chip, &p->offset);
	if (ret) {
		sd_log(s->d, SD_LOG_ERR, "[p1] no GPIO line '%s'%s%s; set request_line = (empty) if the request pin is tied",
		       c->request_line, c->gpiochip[0] ? " on " : "", c->gpiochip);
		goto out;
	}
	gpiod_line_settings_set_direction(ls, GPIOD_LINE_DIRECTION_OUTPUT);
	gpiod_line_settings_set_output_value(ls, GPIOD_LINE_VALUE_ACTIVE);
	gpiod_request_config_set_consumer(rc, "smcardd-p1");
	if (gpiod_line_config_add_line_settings(lc, &p->offset, 1, ls)) {
		ret = -errno;
		goto out;
	}
	p->req = gpiod_chip_request_lines(p->chip, rc, lc);
	if (!p->req)
		ret = -errno;
out:
	gpiod_request_config_free(rc);
	gpiod_line_config_free(lc);
	gpiod_line_settings_free(ls);
	return ret;
}

static int p1_open(struct source *s)
{
	const struct sd_p1 *c = s->cfg;
	struct p1_priv *p = calloc(1, sizeof(*p));
	struct p1_error err;
	int ret;

	if (!p)
		return -ENOMEM;
	s->priv = p;
	p->fd = open(c->device, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (p->fd < 0) {
		ret = -errno;
		goto fail;
	}
	ret = p1_tty_setup(p->fd, c->dsmr22);
	if (ret)
		goto fail;
	ret = p1_framer_init(&p->fr, c->has_key ? P1_FRAME_SMARTY : P1_FRAME_TEXT, 0);
	if (ret)
		goto fail;
	p->framer = true;
	ret = p1_tz_load(c->timezone, &p->tz, &err);
	if (ret && !strcmp(c->timezone, P1_DEFAULT_TZ)) {
		/* the default is the EU's CET rule, which the library has built in */
		sd_log(s->d, SD_LOG_WARN, "[p1] %s: using the built-in CET rule", err.msg);
		ret = 0;
	} else if (ret) {
		sd_log(s->d, SD_LOG_ERR, "[p1] %s", err.msg);
		goto fail;
	}
	sd_p1_filter_init(&p->filter, c);
	if (c->request_line[0]) {
		ret = assert_req(s);
		if (ret)
			goto fail;
	}
	s->fd = p->fd;
	s->events = POLLIN;
	s->due = sd_now_ms() + (int64_t)(c->timeout * 1000);
	sd_log(s->d, SD_LOG_INFO, "[p1] reading %s%s%s, meter time in %s", c->device,
	       c->request_line[0] ? ", asserted " : "", c->request_line, c->timezone);
	return 0;
fail:
	p1_close(s);
	return ret;
}

static int decode(const struct sd_p1 *c, const struct p1_tz *tz,
		  const uint8_t *frame, size_t len, struct p1_telegram *t,
		  struct p1_error *err)
{
	char *plain;
	size_t plain_len, start;
	int ret;

	if (!c->has_key)
		return p1_parse((const char *)frame, len, 0, tz, t, err);
	memset(t, 0, sizeof(*t));
	ret = p1_smarty_decrypt(frame, len, c->key, NULL, &plain, &plain_len, err);
	if (ret)
		return ret;
	for (start = 0; start < plain_len && plain[start] != '/'; start++)
		;
	ret = p1_parse(plain + start, plain_len - start, 0, tz, t, err);
	free(plain);
	if (!ret)
		t->variant = P1_VARIANT_SMARTY;
	return ret;
}

/* Warnings of the decoder, each kind once: the digits of times differ. */
static void warn_notes(struct source *s, const struct p1_telegram *t)
{
	struct p1_priv *p = s->priv;

	for (size_t i = 0; i < t->nnotes; i++) {
		const struct p1_note *n = &t->notes[i];
		uint64_t h = 0xcbf29ce484222325ull;
		size_t k;

		if (!n->warning)
			continue;
		for (const char *c = n->msg; *c; c++)
			if (*c < '0' || *c > '9')
				h = (h ^ (unsigned char)*c) * 0x100000001b3ull;
		for (k = 0; k < p->nseen && p->seen[k] != h; k++)
			;
		if (k < p->nseen || p->nseen == SEEN_MAX)
			continue;
		p->seen[p->nseen++] = h;
		sd_log(s->d, SD_LOG_WARN, "[p1] %s%s", n->msg,
		       p->nseen == SEEN_MAX ? " (further kinds of warning not logged)" : "");
	}
}

/* Sub-topics go out when they change; BASE/p1 with every telegram. */
static bool changed(struct p1_priv *p, const char *sub, const char *text)
{
	size_t i;

	for (i = 0; i < SD_P1_MSGS && p->last[i]; i++)
		if (!strcmp(p->last_sub[i], sub))
			break;
	if (i == SD_P1_MSGS)
		return true;
	if (p->last[i] && !strcmp(p->last[i], text))
		return false;
	free(p->last[i]);
	p->last[i] = strdup(text);
	snprintf(p->last_sub[i], sizeof(p->last_sub[i]), "%s", sub);
	return true;
}

static void publish(struct source *s, const struct p1_telegram *t)
{
	struct p1_priv *p = s->priv;
	struct sd_p1_pub pub;

	if (sd_p1_build_known(t, &p->filter, s->d->base, p->entities, &pub)) {
		sd_log(s->d, SD_LOG_ERR, "[p1] out of memory building a reading");
		sd_p1_pub_free(&pub);
		return;
	}
	if (pub.signature != p->entities) {
		for (size_t i = 0; i < pub.nent; i++)
			sd_entity_add(s->d, &pub.ent[i]);
		p->entities = pub.signature;
	}
	for (size_t i = 0; i < pub.nmsg; i++) {
		struct sd_p1_msg *m = &pub.msg[i];

		if (strcmp(m->sub, "p1") &&
		    !changed(p, m->sub, json_object_to_json_string_ext(m->payload,
								   JSON_C_TO_STRING_PLAIN)))
			continue;
		sd_emit(s->d, m->sub, m->payload, true);
		m->payload = NULL;
	}
	sd_p1_pub_free(&pub);
}

static int drain(struct source *s, bool eof)
{
	const struct sd_p1 *c = s->cfg;
	struct p1_priv *p = s->priv;
	const uint8_t *frame;
	size_t len;
	int ret;

	for (;;) {
		struct p1_telegram t;
		struct p1_error err = { 0 };

		ret = p1_framer_next(&p->fr, eof, &frame, &len, &err);
		if (ret == 0)
			return 0;
		if (ret < 0) {
			sd_log(s->d, SD_LOG_WARN, "[p1] %s", err.msg);
			continue;
		}
		ret = decode(c, p->tz, frame, len, &t, &err);
		if (ret) {
			if (!p->bad++ || p->bad % 100 == 0)
				sd_log(s->d, SD_LOG_WARN, "[p1] bad telegram (%lu so far): byte %zu: %s",
				       p->bad, err.pos, err.msg);
		} else {
			int64_t now = sd_now_ms();

			s->due = now + (int64_t)(c->timeout * 1000);
			warn_notes(s, &t);
			if (now - p->last_emit >= (int64_t)(c->interval * 1000)) {
				p->last_emit = now;
				publish(s, &t);
			}
		}
		p1_telegram_free(&t);
	}
}

static int p1_on_fd(struct source *s, short revents)
{
	struct p1_priv *p = s->priv;
	uint8_t buf[4096];
	ssize_t n;

	n = read(p->fd, buf, sizeof(buf));
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (n == 0)
		return (revents & POLLHUP) ? -ENODEV : 0;
	if (p1_framer_push(&p->fr, buf, (size_t)n))
		return -ENOMEM;
	return drain(s, false);
}

static int p1_on_tick(struct source *s)
{
	const struct sd_p1 *c = s->cfg;

	sd_log(s->d, SD_LOG_WARN, "[p1] no telegram on %s for %g s%s", c->device, c->timeout,
	       c->request_line[0] ? " although P1_REQ is asserted" : "");
	return -ETIMEDOUT;
}

const struct source_ops sd_src_p1_ops = {
	.kind = "p1",
	.open = p1_open,
	.close = p1_close,
	.on_fd = p1_on_fd,
	.on_tick = p1_on_tick,
};
