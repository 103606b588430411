// SPDX-License-Identifier: GPL-2.0
/*
 * Analog alarms from the IIO threshold events.
 *
 * An [analog] source with alarms programs its channel's rising and
 * falling thresholds (sysfs, events/in_<chan>_thresh_*) as the window of
 * alarms.h and enables them. The event chardev of a device can be opened
 * once, so one source of kind "alarm" per IIO device holds the event fd
 * and hands each event to the analog source of its channel. An event
 * that is older than the window in force (its kernel time stamp is
 * before the last programming) is not trusted: the source judges the
 * state from a fresh reading instead. The periodic reading judges it
 * too, so an event lost to a full event queue costs at most one interval.
 *
 * Each change is published at once under BASE/alarm/analog/NAME with the
 * kernel's event time, handed to the rules and shown in the Modbus map.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <iio.h>
#include <linux/iio/events.h>
#include <linux/iio/types.h>

#include "alarms.h"
#include "daemon.h"
#include "logic.h"
#include "rules.h"

#define SYSFS_IIO	"/sys/bus/iio/devices"

struct sd_analog_alarm {
	char devdir[SD_PATH_MAX];	/* /sys/bus/iio/devices/iio:deviceN */
	char attr[64];			/* in_current2_thresh */
	int chan_type;			/* IIO_CURRENT or IIO_VOLTAGE */
	int channel;
	bool current;
	double scale, offset;		/* raw -> mA / mV */
	struct sd_alarm_set set;
	clockid_t clock;		/* of the event time stamps */
	int64_t written_ns;		/* the window's programming, that clock */
	bool has_rise, has_fall;
	long rise, fall;
	unsigned int reported;		/* mask last published */
	bool published;
	char saved[6][24];		/* the device's settings before us */
};

/* What the source changes, restored when it closes */
static const char *const owned[6] = {
	"rising_value", "falling_value", "rising_hysteresis", "falling_hysteresis",
	"rising_en", "falling_en",
};

/* The clock of the device's event time stamps (current_timestamp_clock). */
static clockid_t event_clock(const char *devdir)
{
	static const struct { const char *name; clockid_t id; } clocks[] = {
		{ "realtime", CLOCK_REALTIME }, { "monotonic", CLOCK_MONOTONIC },
		{ "monotonic_raw", CLOCK_MONOTONIC_RAW },
		{ "realtime_coarse", CLOCK_REALTIME_COARSE },
		{ "monotonic_coarse", CLOCK_MONOTONIC_COARSE },
		{ "boottime", CLOCK_BOOTTIME }, { "tai", CLOCK_TAI },
	};
	char path[SD_PATH_MAX + 32], buf[32];

	snprintf(path, sizeof(path), "%s/current_timestamp_clock", devdir);
	if (!sd_read_file(path, buf, sizeof(buf)))
		for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++)
			if (!strcmp(buf, clocks[i].name))
				return clocks[i].id;
	return CLOCK_REALTIME;
}

static int ev_write(struct sd_analog_alarm *a, const char *what, long v)
{
	char path[SD_PATH_MAX + 128], text[24];

	snprintf(path, sizeof(path), "%s/events/%s_%s", a->devdir, a->attr, what);
	snprintf(text, sizeof(text), "%ld", v);
	return sd_write_file(path, text);
}

/* Program the window of the present state; the writes re-arm the events. */
static void program(struct source *s, struct sd_analog_alarm *a)
{
	bool hr, hf;
	long r = 0, f = 0;

	sd_alarm_window(&a->set, &hr, &r, &hf, &f);
	if (hr && ev_write(a, "rising_value", r))
		hr = false;	/* beyond the device's range: cannot happen */
	if (hf && ev_write(a, "falling_value", f))
		hf = false;
	if (ev_write(a, "rising_en", hr) || ev_write(a, "falling_en", hf))
		sd_log(s->d, SD_LOG_WARN, "[analog %s] cannot enable the threshold events of %s",
		       s->name, a->attr);
	a->has_rise = hr;
	a->has_fall = hf;
	a->rise = r;
	a->fall = f;
	a->written_ns = sd_clock_ns(a->clock);
	sd_log(s->d, SD_LOG_DEBUG, "[analog %s] window: rising %s%ld, falling %s%ld", s->name,
	       hr ? "" : "off ", r, hf ? "" : "off ", f);
}

/* Publish the state after @changed (mask) moved; @how: rising, falling, reading. */
static void report(struct source *s, struct sd_analog_alarm *a, unsigned int changed,
		   const char *how, double raw, int64_t event_ns)
{
	const struct sd_analog *c = s->cfg;
	unsigned int mask = sd_alarm_active(&a->set);
	struct json_object *o, *list;
	double in = (raw + a->offset) * a->scale / (a->current ? 1 : 1000);
	char sub[96], when[40];

	if (a->published && mask == a->reported)
		return;
	o = json_object_new_object();
	list = json_object_new_array();
	if (o && list) {
		sd_json_str(o, "state", mask ? "ON" : "OFF");
		for (int i = 0; i < SD_ALARM_N; i++)
			if (mask & (1u << i))
				json_object_array_add(list, json_object_new_string(sd_alarm_name(i)));
		json_object_object_add(o, "active", list);
		list = json_object_new_array();
		for (int i = 0; list && i < SD_ALARM_N; i++)
			if (changed & (1u << i))
				json_object_array_add(list, json_object_new_string(sd_alarm_name(i)));
		json_object_object_add(o, "changed", list);
		sd_json_str(o, "by", how);
		sd_json_num(o, "value", sd_analog_apply(c, in));
		sd_json_str(o, "unit", c->unit[0] ? c->unit : a->current ? "mA" : "V");
		sd_json_num(o, "input", in);
		sd_json_str(o, "input_unit", a->current ? "mA" : "V");
		if (event_ns) {
			sd_event_iso(a->clock, event_ns, when, sizeof(when));
			sd_json_str(o, "event_time", when);
		}
	} else {
		json_object_put(list);
	}
	for (int i = 0; i < SD_ALARM_N; i++)
		if (changed & (1u << i))
			sd_log(s->d, mask & (1u << i) ? SD_LOG_WARN : SD_LOG_INFO,
			       "[analog %s] alarm %s %s at %.3f %s (%s)", s->name, sd_alarm_name(i),
			       mask & (1u << i) ? "raised" : "cleared", in,
			       a->current ? "mA" : "V", how);
	a->reported = mask;
	a->published = true;
	snprintf(sub, sizeof(sub), "alarm/analog/%s", s->name);
	sd_emit(s->d, sub, o, true);
	sd_mbsrv_alarms(s->d, "analog", s->name, mask);
	sd_rules_input(s->d, "analog", s->name, mask);
}

/* libiio is loaded: every alarm belongs to an open analog source */
static int read_raw(const struct sd_iio *l, struct iio_channel *ch, double *raw)
{
	int ret = l->channel_attr_read_double(ch, "raw", raw);

	return ret < 0 ? ret : 0;
}

int sd_analog_alarm_open(struct source *s, struct iio_device *dev,
			 struct iio_channel *ch, bool current,
			 struct sd_analog_alarm **out)
{
	const struct sd_analog *c = s->cfg;
	const struct sd_iio *l = &s->d->iio;
	struct sd_analog_alarm *a;
	struct sd_entity e = { .component = "binary_sensor" };
	const char *id = l->channel_get_id(ch);
	char err[160], path[SD_PATH_MAX + 128];
	double raw;
	int ret;

	*out = NULL;
	if (!c->range_alarm && !c->has_alarm_low && !c->has_alarm_high)
		return 0;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	snprintf(a->devdir, sizeof(a->devdir), SYSFS_IIO "/%.64s", l->device_get_id(dev));
	snprintf(a->attr, sizeof(a->attr), "in_%s_thresh", id);
	a->current = current;
	a->chan_type = current ? IIO_CURRENT : IIO_VOLTAGE;
	a->channel = atoi(id + strcspn(id, "0123456789"));
	a->clock = event_clock(a->devdir);
	a->scale = 1;
	if (l->channel_find_attr(ch, "scale") &&
	    l->channel_attr_read_double(ch, "scale", &a->scale) < 0)
		a->scale = 1;
	if (l->channel_find_attr(ch, "offset") &&
	    l->channel_attr_read_double(ch, "offset", &a->offset) < 0)
		a->offset = 0;
	snprintf(path, sizeof(path), "%s/events/%s_rising_en", a->devdir, a->attr);
	if (access(path, W_OK)) {
		sd_log(s->d, SD_LOG_WARN, "[analog %s] %s has no threshold events for %s (%s); alarms off",
		       s->name, l->device_get_name(dev) ? l->device_get_name(dev) : "the device",
		       id, strerror(errno));
		free(a);
		return 0;
	}
	if (sd_alarm_setup(&a->set, c, current, a->scale, a->offset, err, sizeof(err))) {
		sd_log(s->d, SD_LOG_ERR, "[analog %s] alarms: %s", s->name, err);
		free(a);
		return 0;
	}
	ret = read_raw(&s->d->iio, ch, &raw);
	if (ret) {
		free(a);
		return ret;
	}
	for (int i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), "%s/events/%s_%s", a->devdir, a->attr, owned[i]);
		if (sd_read_file(path, a->saved[i], sizeof(a->saved[i])))
			a->saved[i][0] = '\0';
	}
	/* we keep the hysteresis ourselves */
	ev_write(a, "rising_hysteresis", 0);
	ev_write(a, "falling_hysteresis", 0);
	sd_alarm_eval(&a->set, raw);
	program(s, a);
	snprintf(e.object_id, sizeof(e.object_id), "alarm_analog_%s", s->name);
	snprintf(e.name, sizeof(e.name), "%s alarm", s->name);
	snprintf(e.state_topic, sizeof(e.state_topic), "%s/alarm/analog/%s", s->d->base, s->name);
	snprintf(e.key, sizeof(e.key), "state");
	snprintf(e.device_class, sizeof(e.device_class), "problem");
	sd_entity_add(s->d, &e);
	*out = a;
	report(s, a, sd_alarm_active(&a->set), "reading", raw, 0);
	return 0;
}

/* Events off, then the thresholds as the source found them (others' defaults) */
void sd_analog_alarm_close(struct sd_analog_alarm *a)
{
	char path[SD_PATH_MAX + 128];

	if (!a)
		return;
	ev_write(a, "rising_en", 0);
	ev_write(a, "falling_en", 0);
	for (int i = 0; i < 6; i++) {
		if (!a->saved[i][0])
			continue;
		snprintf(path, sizeof(path), "%s/events/%s_%s", a->devdir, a->attr, owned[i]);
		sd_write_file(path, a->saved[i]);
	}
	free(a);
}

void sd_analog_alarm_reading(struct source *s, struct sd_analog_alarm *a, double raw)
{
	unsigned int changed;

	if (!a)
		return;
	changed = sd_alarm_eval(&a->set, raw);
	if (!changed)
		return;
	report(s, a, changed, "reading", raw, 0);
	program(s, a);
}

/* An event of the alarm source for this analog source. */
static void on_event(struct source *s, struct sd_analog_alarm *a,
		     struct iio_channel *ch, bool rising, int64_t ts)
{
	unsigned int changed;
	double raw = 0;
	bool fresh = ts >= a->written_ns, have = !read_raw(&s->d->iio, ch, &raw);

	/*
	 * A fresh event moves the state across the point it was programmed
	 * for, and the reading on across any further points that way. A
	 * stale one says nothing about the window in force: the reading
	 * decides.
	 */
	if (fresh) {
		changed = sd_alarm_event(&a->set, rising);
		if (have)
			changed |= sd_alarm_follow(&a->set, raw, rising);
		else
			raw = rising ? a->rise + 1 : a->fall - 1;
	} else {
		changed = have ? sd_alarm_eval(&a->set, raw) : 0;
	}
	sd_log(s->d, SD_LOG_DEBUG, "[analog %s] %s event%s, raw %.0f", s->name,
	       rising ? "rising" : "falling", fresh ? "" : " (stale)", raw);
	if (!changed)
		return;
	/* publish first: the new window can wait for the message to leave */
	report(s, a, changed, !fresh ? "reading" : rising ? "rising" : "falling", raw,
	       fresh ? ts : 0);
	program(s, a);
}

/* --- the event source of one IIO device -------------------------------- */

struct ev_priv {
	char devdir[SD_PATH_MAX];
};

/* The sysfs directory of IIO device @want (name, label or iio:deviceN). */
static int find_device(const char *want, char *dir, size_t size)
{
	DIR *d = opendir(SYSFS_IIO);
	struct dirent *de;
	int ret = -ENODEV;

	if (!d)
		return -errno;
	while (ret && (de = readdir(d))) {
		char path[SD_PATH_MAX + 300], buf[SD_NAME_MAX + 16];

		if (strncmp(de->d_name, "iio:device", 10))
			continue;
		snprintf(path, sizeof(path), SYSFS_IIO "/%s/name", de->d_name);
		if (strcmp(de->d_name, want) && (sd_read_file(path, buf, sizeof(buf)) ||
						  strcmp(buf, want))) {
			snprintf(path, sizeof(path), SYSFS_IIO "/%s/label", de->d_name);
			if (sd_read_file(path, buf, sizeof(buf)) || strcmp(buf, want))
				continue;
		}
		snprintf(dir, size, SYSFS_IIO "/%.64s", de->d_name);
		ret = 0;
	}
	closedir(d);
	return ret;
}

static void ev_close(struct source *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->priv);
	s->priv = NULL;
}

static int ev_open(struct source *s)
{
	struct ev_priv *p = calloc(1, sizeof(*p));
	char dev[SD_PATH_MAX + 16];
	int fd, efd = -1, ret;

	if (!p)
		return -ENOMEM;
	s->priv = p;
	ret = find_device(s->name, p->devdir, sizeof(p->devdir));
	if (ret) {
		ev_close(s);
		return ret;
	}
	snprintf(dev, sizeof(dev), "/dev/%s", strrchr(p->devdir, '/') + 1);
	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, IIO_GET_EVENT_FD_IOCTL, &efd) < 0) {
		ret = -errno;
		if (fd >= 0)
			close(fd);
		ev_close(s);
		return ret;
	}
	/* the event fd lives on its own; the chardev stays free for buffers */
	close(fd);
	fcntl(efd, F_SETFL, fcntl(efd, F_GETFL) | O_NONBLOCK);
	s->fd = efd;
	s->events = POLLIN;
	sd_log(s->d, SD_LOG_INFO, "[alarm %s] listening to the threshold events of %s", s->name,
	       dev);
	/* what happened while nobody listened */
	for (size_t i = 0; i < s->d->nsrc; i++) {
		struct source *a = &s->d->src[i];
		struct sd_analog_alarm *al;
		struct iio_channel *ch;

		if (a->ops == &sd_src_analog_ops && a->up &&
		    (al = sd_analog_alarm_get(a, &ch)) && !strcmp(al->devdir, p->devdir)) {
			double raw;

			if (!read_raw(&s->d->iio, ch, &raw))
				sd_analog_alarm_reading(a, al, raw);
		}
	}
	return 0;
}

static int ev_on_fd(struct source *s, short revents)
{
	struct ev_priv *p = s->priv;
	struct iio_event_data ev[16];
	ssize_t n = read(s->fd, ev, sizeof(ev));

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (n == 0 || (revents & (POLLERR | POLLHUP)))
		return -ENODEV;
	for (size_t k = 0; k < (size_t)n / sizeof(ev[0]); k++) {
		uint64_t id = ev[k].id;
		int dir = IIO_EVENT_CODE_EXTRACT_DIR(id);

		if (IIO_EVENT_CODE_EXTRACT_TYPE(id) != IIO_EV_TYPE_THRESH ||
		    (dir != IIO_EV_DIR_RISING && dir != IIO_EV_DIR_FALLING))
			continue;
		for (size_t i = 0; i < s->d->nsrc; i++) {
			struct source *a = &s->d->src[i];
			struct sd_analog_alarm *al;
			struct iio_channel *ch;

			if (a->ops != &sd_src_analog_ops || !a->up ||
			    !(al = sd_analog_alarm_get(a, &ch)) || strcmp(al->devdir, p->devdir) ||
			    al->chan_type != (int)IIO_EVENT_CODE_EXTRACT_CHAN_TYPE(id) ||
			    al->channel != IIO_EVENT_CODE_EXTRACT_CHAN(id))
				continue;
			on_event(a, al, ch, dir == IIO_EV_DIR_RISING, ev[k].timestamp);
		}
	}
	return 0;
}

const struct source_ops sd_src_alarm_ops = {
	.kind = "alarm",
	.open = ev_open,
	.close = ev_close,
	.on_fd = ev_on_fd,
};
