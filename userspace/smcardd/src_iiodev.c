// SPDX-License-Identifier: GPL-2.0
/*
 * [iio NAME]: the input channels of any IIO device, found by name, label,
 * iio:deviceN or the name of its driver through libiio's local context;
 * first user the TI HDC1080 on the card's I2C connector (driver hdc100x,
 * which names its IIO device after the I2C device, e.g. 0-0040:
 * temperature and relative humidity). Each channel is read as its processed 'input' or
 * as (raw + offset) * scale, turned from the IIO ABI's units into the
 * ones people read (m°C -> °C, m% -> %, mV -> V), and published together
 * under BASE/iio/NAME with one Home Assistant sensor per channel.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <iio.h>

#include "daemon.h"

#define MAX_CH	16

/* IIO channel type (the id without its index) -> member, unit, factor, class */
static const struct kind {
	const char *type, *key, *unit;
	double factor;
	const char *device_class;
} kinds[] = {
	{ "temp", "temperature", "°C", 0.001, "temperature" },
	{ "humidityrelative", "humidity", "%", 0.001, "humidity" },
	{ "pressure", "pressure", "kPa", 1, "pressure" },
	{ "illuminance", "illuminance", "lx", 1, "illuminance" },
	{ "voltage", "voltage", "V", 0.001, "voltage" },
	{ "current", "current", "mA", 1, "current" },
	{ "resistance", "resistance", "Ω", 1, "" },
};

struct chan {
	struct iio_channel *ch;
	char key[SD_NAME_MAX];
	const struct kind *kind;	/* NULL: unknown, the value as IIO gives it */
};

struct iiodev_priv {
	const struct sd_iio *lib;
	struct iio_context *ctx;
	struct chan ch[MAX_CH];
	int n;
};

static void dev_close(struct source *s)
{
	struct iiodev_priv *p = s->priv;

	if (!p)
		return;
	if (p->ctx)
		p->lib->context_destroy(p->ctx);
	free(p);
	s->priv = NULL;
}

/* The device called @want: its id, name or label, or its driver's name. */
static struct iio_device *find(const struct sd_iio *l, struct iio_context *ctx,
			       const char *want)
{
	struct iio_device *dev = l->context_find_device(ctx, want);
	unsigned int n = l->context_get_devices_count(ctx);

	for (unsigned int i = 0; !dev && i < n; i++) {
		struct iio_device *d = l->context_get_device(ctx, i);
		char path[128], target[SD_PATH_MAX];
		ssize_t len;

		snprintf(path, sizeof(path), "/sys/bus/iio/devices/%.64s/../driver",
			 l->device_get_id(d));
		len = readlink(path, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = 0;
		if (!strcmp(strrchr(target, '/') ? strrchr(target, '/') + 1 : target, want))
			dev = d;
	}
	return dev;
}

static bool wanted(const struct sd_iiodev *c, const char *id)
{
	char list[sizeof(c->channels)], *save = NULL;

	if (!c->channels[0])
		return true;
	snprintf(list, sizeof(list), "%s", c->channels);
	for (char *t = strtok_r(list, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save))
		if (!strcmp(t, id))
			return true;
	return false;
}

static void describe(struct chan *c, const char *id)
{
	size_t type_len = strcspn(id, "0123456789_");

	c->kind = NULL;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strlen(kinds[i].type) == type_len && !strncmp(id, kinds[i].type, type_len))
			c->kind = &kinds[i];
	/* an indexed channel (voltage0) keeps its id as the member */
	snprintf(c->key, sizeof(c->key), "%s", c->kind && !id[type_len] ? c->kind->key : id);
}

static int dev_open(struct source *s)
{
	const struct sd_iiodev *c = s->cfg;
	struct iiodev_priv *p = calloc(1, sizeof(*p));
	struct iio_device *dev;
	unsigned int n;
	char sub[96];
	int err;

	if (!p)
		return -ENOMEM;
	s->priv = p;
	p->lib = sd_iio_load(s->d);
	if (!p->lib) {
		dev_close(s);
		return -ENOENT;
	}
	p->ctx = p->lib->create_local_context();
	if (!p->ctx) {
		err = errno ? -errno : -ENODEV;
		dev_close(s);
		return err;
	}
	dev = find(p->lib, p->ctx, c->device);
	if (!dev) {
		sd_log(s->d, SD_LOG_DEBUG, "[iio %s] no IIO device '%s'", s->name, c->device);
		dev_close(s);
		return -ENODEV;
	}
	n = p->lib->device_get_channels_count(dev);
	for (unsigned int i = 0; i < n && p->n < MAX_CH; i++) {
		struct iio_channel *ch = p->lib->device_get_channel(dev, i);
		const char *id = p->lib->channel_get_id(ch);

		if (p->lib->channel_is_output(ch) || !strcmp(id, "timestamp") || !wanted(c, id) ||
		    (!p->lib->channel_find_attr(ch, "input") &&
		     !p->lib->channel_find_attr(ch, "raw")))
			continue;
		p->ch[p->n].ch = ch;
		describe(&p->ch[p->n], id);
		p->n++;
	}
	if (!p->n) {
		sd_log(s->d, SD_LOG_ERR, "[iio %s] %s has no input channel%s%s", s->name, c->device,
		       c->channels[0] ? " among " : "", c->channels);
		dev_close(s);
		return -ENODEV;
	}
	snprintf(sub, sizeof(sub), "iio/%s", s->name);
	for (int i = 0; i < p->n; i++) {
		const struct kind *k = p->ch[i].kind;
		char obj[128], name[128];

		snprintf(obj, sizeof(obj), "iio_%s_%s", s->name, p->ch[i].key);
		snprintf(name, sizeof(name), "%s %s", s->name, p->ch[i].key);
		sd_entity_sensor(s->d, sub, obj, name, p->ch[i].key, k ? k->unit : "",
				 k ? k->device_class : "", "measurement", false);
	}
	sd_log(s->d, SD_LOG_INFO, "[iio %s] %s: %d channel(s)", s->name, c->device, p->n);
	s->due = sd_now_ms();
	return 0;
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

static int read_chan(const struct sd_iio *l, const struct chan *c, double *out)
{
	double raw = 0, scale = 1, offset = 0;
	int ret;

	if (l->channel_find_attr(c->ch, "input"))
		ret = attr(l, c->ch, "input", out, 0);
	else {
		ret = attr(l, c->ch, "raw", &raw, 0);
		if (!ret)
			ret = attr(l, c->ch, "scale", &scale, 1);
		if (!ret)
			ret = attr(l, c->ch, "offset", &offset, 0);
		*out = (raw + offset) * scale;
	}
	if (!ret && c->kind)
		*out *= c->kind->factor;
	return ret;
}

static int dev_tick(struct source *s)
{
	const struct sd_iiodev *c = s->cfg;
	struct iiodev_priv *p = s->priv;
	struct json_object *o = json_object_new_object();
	struct json_object *units = json_object_new_object();
	char sub[96];
	int ret = 0;

	s->due = sd_now_ms() + (int64_t)(c->interval * 1000);
	if (!o || !units) {
		json_object_put(o);
		json_object_put(units);
		return -ENOMEM;
	}
	for (int i = 0; i < p->n && !ret; i++) {
		double v;

		ret = read_chan(p->lib, &p->ch[i], &v);
		if (ret)
			break;
		sd_json_num_digits(o, p->ch[i].key, v, 6);
		if (p->ch[i].kind)
			sd_json_str(units, p->ch[i].key, p->ch[i].kind->unit);
	}
	if (ret) {
		json_object_put(o);
		json_object_put(units);
		return ret;
	}
	json_object_object_add(o, "units", units);
	snprintf(sub, sizeof(sub), "iio/%s", s->name);
	sd_emit(s->d, sub, o, true);
	return 0;
}

const struct source_ops sd_src_iiodev_ops = {
	.kind = "iio",
	.open = dev_open,
	.close = dev_close,
	.on_tick = dev_tick,
};
