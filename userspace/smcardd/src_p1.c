// SPDX-License-Identifier: GPL-2.0
/*
 * P1 / DSMR: telegrams from the P1 tty, continuously, with P1_REQ held
 * asserted through libgpiod v2 while the source is open (released on
 * close, so the meter falls silent). Each good telegram becomes one
 * reading BASE/p1 with the normalised summary (lib/p1/p1.h); entities for
 * Home Assistant are registered for the values the meter actually sends.
 * No telegram for [p1] timeout seconds: the source is reopened.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
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

struct p1_priv {
	int fd;
	struct gpiod_chip *chip;
	struct gpiod_line_request *req;
	unsigned int offset;
	struct p1_framer fr;
	bool framer;
	int64_t last_emit;
	unsigned long bad;
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
	if (c->request_line[0]) {
		ret = assert_req(s);
		if (ret)
			goto fail;
	}
	s->fd = p->fd;
	s->events = POLLIN;
	s->due = sd_now_ms() + (int64_t)(c->timeout * 1000);
	sd_log(s->d, SD_LOG_INFO, "[p1] reading %s%s%s", c->device,
	       c->request_line[0] ? ", asserted " : "", c->request_line);
	return 0;
fail:
	p1_close(s);
	return ret;
}

static int decode(const struct sd_p1 *c, const uint8_t *frame, size_t len,
		  struct p1_telegram *t, struct p1_error *err)
{
	char *plain;
	size_t plain_len, start;
	int ret;

	if (!c->has_key)
		return p1_parse((const char *)frame, len, 0, t, err);
	memset(t, 0, sizeof(*t));
	ret = p1_smarty_decrypt(frame, len, c->key, NULL, &plain, &plain_len, err);
	if (ret)
		return ret;
	for (start = 0; start < plain_len && plain[start] != '/'; start++)
		;
	ret = p1_parse(plain + start, plain_len - start, 0, t, err);
	free(plain);
	return ret;
}

/*
 * The summary's members in publication order: key, entity, unit, where
 * the value is. Names and keys are constants, so a telegram whose
 * entities are known costs no formatting beyond its numbers.
 */
#define F(key, name, unit, member) \
	{ key, "p1_" key, name, unit, offsetof(struct p1_summary, member) }
static const struct p1_field {
	const char *key, *obj, *name, *unit;	/* unit NULL: no entity */
	size_t off;
} fields[] = {
	F("import_kwh", "P1 energy import", "kWh", import_kwh),
	F("export_kwh", "P1 energy export", "kWh", export_kwh),
	F("import_t1_kwh", "P1 energy import tariff 1", "kWh", import_tariff_kwh[0]),
	F("export_t1_kwh", "P1 energy export tariff 1", "kWh", export_tariff_kwh[0]),
	F("import_t2_kwh", "P1 energy import tariff 2", "kWh", import_tariff_kwh[1]),
	F("export_t2_kwh", "P1 energy export tariff 2", "kWh", export_tariff_kwh[1]),
	F("tariff", NULL, NULL, tariff),
	F("power_import_w", "P1 power import", "W", power_import_w),
	F("power_export_w", "P1 power export", "W", power_export_w),
#define PHASE(n, i) \
	F("voltage_l" #n "_v", "P1 voltage l" #n, "V", voltage_v[i]), \
	F("current_l" #n "_a", "P1 current l" #n, "A", current_a[i]), \
	F("power_l" #n "_import_w", "P1 power import l" #n, "W", phase_import_w[i]), \
	F("power_l" #n "_export_w", "P1 power export l" #n, "W", phase_export_w[i])
	PHASE(1, 0), PHASE(2, 1), PHASE(3, 2),
#undef PHASE
};
#undef F

static struct json_object *summary_json(struct source *s, const struct p1_telegram *t)
{
	struct json_object *o = json_object_new_object();
	struct p1_summary sum;
	char key[48], name[96], iso[21];

	if (!o)
		return NULL;
	p1_summarize(t, &sum);
	if (sum.has_time) {
		p1_time_iso(sum.time, iso);
		sd_json_str(o, "meter_time", iso);
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct p1_field *f = &fields[i];
		double v;

		memcpy(&v, (const char *)&sum + f->off, sizeof(v));
		if (isnan(v))
			continue;
		sd_json_num(o, f->key, v);
		if (f->unit)
			sd_entity_sensor(s->d, "p1", f->obj, f->name, f->key, f->unit,
					 NULL, NULL, true);
	}
	for (size_t i = 0; i < sum.nmbus; i++) {
		const struct p1_mbus_device *m = &sum.mbus[i];
		const char *type = p1_mbus_type_name(m->type);
		bool gas = m->type == 3, water = m->type == 7;
		char obj[96];

		if (isnan(m->value) || !m->unit)
			continue;
		snprintf(key, sizeof(key), "mbus%u_%s", m->channel,
			 gas ? "gas_m3" : water ? "water_m3" : "value");
		snprintf(name, sizeof(name), "P1 %s (M-Bus %u)", type ? type : "meter", m->channel);
		sd_json_num(o, key, m->value);
		snprintf(obj, sizeof(obj), "p1_%s", key);
		sd_entity_sensor(s->d, "p1", obj, name, key, m->unit,
				 gas ? "gas" : water ? "water" : NULL, NULL, true);
	}
	return o;
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
		ret = decode(c, frame, len, &t, &err);
		if (ret) {
			if (!p->bad++ || p->bad % 100 == 0)
				sd_log(s->d, SD_LOG_WARN, "[p1] bad telegram (%lu so far): byte %zu: %s",
				       p->bad, err.pos, err.msg);
		} else {
			int64_t now = sd_now_ms();

			s->due = now + (int64_t)(c->timeout * 1000);
			if (now - p->last_emit >= (int64_t)(c->interval * 1000)) {
				p->last_emit = now;
				sd_emit(s->d, "p1", summary_json(s, &t), true);
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
