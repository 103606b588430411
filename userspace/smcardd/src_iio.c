// SPDX-License-Identifier: GPL-2.0
/*
 * Analog inputs (0-10 V, 4-20 mA) through libiio's local context. The
 * channel is found by id (voltageN / currentN), by its label, or by pin
 * number (voltageN or currentN, whichever the pin is configured as).
 * The input is (raw + offset) * scale as IIO defines it, shown in V for
 * voltage channels (IIO gives mV) and mA for current channels; the
 * engineering value comes from the section's scale/offset or two-point
 * input/output mapping. Current loops are checked against NAMUR NE 43.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "logic.h"

struct iio_priv {
	const struct sd_iio *lib;
	struct iio_context *ctx;
	struct iio_channel *ch;
	bool current;
	bool fault;
	struct sd_analog_alarm *alarm;
};

static void an_close(struct source *s)
{
	struct iio_priv *p = s->priv;

	if (!p)
		return;
	sd_analog_alarm_close(p->alarm);
	if (p->ctx)
		p->lib->context_destroy(p->ctx);
	free(p);
	s->priv = NULL;
}

static struct iio_channel *by_label(const struct sd_iio *l, struct iio_device *dev,
				       const char *label)
{
	unsigned int n = l->device_get_channels_count(dev);
	char buf[64];

	for (unsigned int i = 0; i < n; i++) {
		struct iio_channel *ch = l->device_get_channel(dev, i);

		if (l->channel_is_output(ch) ||
		    l->channel_attr_read(ch, "label", buf, sizeof(buf)) <= 0)
			continue;
		buf[strcspn(buf, "\n")] = 0;
		if (!strcmp(buf, label))
			return ch;
	}
	return NULL;
}

static int an_open(struct source *s)
{
	const struct sd_analog *c = s->cfg;
	struct iio_priv *p = calloc(1, sizeof(*p));
	struct iio_device *dev;
	char id[32], sub[96], obj[96];
	const char *cid;
	int ret;

	if (!p)
		return -ENOMEM;
	s->priv = p;
	p->lib = sd_iio_load(s->d);
	if (!p->lib) {
		an_close(s);
		return -ELIBACC;
	}
	p->ctx = p->lib->create_local_context();
	if (!p->ctx) {
		int err = -errno;

		an_close(s);
		return err ? err : -ENODEV;
	}
	dev = p->lib->context_find_device(p->ctx, c->device);
	if (!dev) {
		sd_log(s->d, SD_LOG_DEBUG, "[analog %s] no IIO device '%s'", s->name, c->device);
		an_close(s);
		return -ENODEV;
	}
	if (c->pin) {
		snprintf(id, sizeof(id), "voltage%d", c->pin);
		p->ch = p->lib->device_find_channel(dev, id, false);
		if (!p->ch) {
			snprintf(id, sizeof(id), "current%d", c->pin);
			p->ch = p->lib->device_find_channel(dev, id, false);
		}
	} else {
		p->ch = p->lib->device_find_channel(dev, c->channel, false);
		if (!p->ch)
			p->ch = by_label(p->lib, dev, c->channel);
	}
	if (!p->ch) {
		sd_log(s->d, SD_LOG_ERR, "[analog %s] %s has no input channel %s%s (is the pin in an analog mode in the device tree?)",
		       s->name, c->device, c->pin ? "for pin " : "", c->pin ? "" : c->channel);
		an_close(s);
		return -ENODEV;
	}
	cid = p->lib->channel_get_id(p->ch);
	p->current = !strncmp(cid, "current", 7);
	sd_log(s->d, SD_LOG_INFO, "[analog %s] %s %s (%s)", s->name, c->device, cid,
	       p->current ? "mA" : "V");
	snprintf(sub, sizeof(sub), "analog/%s", s->name);
	snprintf(obj, sizeof(obj), "analog_%s", s->name);
	sd_entity_sensor(s->d, sub, obj, s->name, "value",
			 c->unit[0] ? c->unit : p->current ? "mA" : "V",
			 c->device_class, c->state_class, false);
	ret = sd_analog_alarm_open(s, dev, p->ch, p->current, &p->alarm);
	if (ret) {
		an_close(s);
		return ret;
	}
	s->due = sd_now_ms();
	return 0;
}

struct sd_analog_alarm *sd_analog_alarm_get(struct source *s, struct iio_channel **ch)
{
	struct iio_priv *p = s->priv;

	if (!p)
		return NULL;
	*ch = p->ch;
	return p->alarm;
}

static int attr(const struct sd_iio *l, struct iio_channel *ch, const char *name,
		double *v, double dflt)
{
	int ret;

	if (!l->channel_find_attr(ch, name)) {
		*v = dflt;
		return 0;
	}
	ret = l->channel_attr_read_double(ch, name, v);
	return ret < 0 ? ret : 0;
}

static int an_on_tick(struct source *s)
{
	const struct sd_analog *c = s->cfg;
	struct iio_priv *p = s->priv;
	double raw, scale, offset, in, out;
	const char *fault = NULL;
	struct json_object *o;
	char sub[96];
	int ret;

	s->due = sd_now_ms() + (int64_t)(c->interval * 1000);
	ret = attr(p->lib, p->ch, "raw", &raw, 0);
	if (!ret)
		ret = attr(p->lib, p->ch, "scale", &scale, 1);
	if (!ret)
		ret = attr(p->lib, p->ch, "offset", &offset, 0);
	if (ret)
		return ret;
	sd_analog_alarm_reading(s, p->alarm, raw);
	in = (raw + offset) * scale;
	if (!p->current)
		in /= 1000;	/* mV -> V */
	out = sd_analog_apply(c, in);
	if (p->current)
		fault = sd_namur_fault(in);
	if (!!fault != p->fault)
		sd_log(s->d, fault ? SD_LOG_WARN : SD_LOG_INFO, "[analog %s] loop current %.2f mA: %s",
		       s->name, in, fault ? fault : "back in range");
	p->fault = fault;
	o = json_object_new_object();
	if (o) {
		sd_json_num(o, "value", out);
		sd_json_str(o, "unit", c->unit[0] ? c->unit : p->current ? "mA" : "V");
		sd_json_num(o, "input", in);
		sd_json_str(o, "input_unit", p->current ? "mA" : "V");
		if (fault)
			sd_json_str(o, "fault", fault);
	}
	snprintf(sub, sizeof(sub), "analog/%s", s->name);
	sd_emit(s->d, sub, o, true);
	return 0;
}

const struct source_ops sd_src_analog_ops = {
	.kind = "analog",
	.open = an_open,
	.close = an_close,
	.on_tick = an_on_tick,
};
