// SPDX-License-Identifier: GPL-2.0
/*
 * S0 pulse counters through the Linux counter subsystem. The raw count
 * comes from sysfs (countN/count); the counter character device, when it
 * can be opened, wakes us on change-of-state and overflow events so that
 * a new pulse is published within a second instead of at the next
 * interval. The total is
 *
 *     initial + pulses * weight
 *
 * where pulses accumulate in the store (logic.c: wrap-around at
 * the count's ceiling, restarts after a reboot, an IO controller reset or
 * a driver reload); it is saved before every reading is published.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/counter.h>

#include "daemon.h"
#include "logic.h"

struct cnt_priv {
	char sysfs[SD_PATH_MAX + 128];	/* .../counterN/countM */
	char boot_id[40];
	uint64_t ceiling;
	struct sd_count_state st;
	int fd;
	int64_t last_emit;
};

/* /sys/bus/counter/devices/counterN for @dev (path, counterN or name). */
static int find_device(const char *dev, char *dir, size_t size)
{
	const char *base = "/sys/bus/counter/devices";
	char path[SD_PATH_MAX + 64], name[SD_PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (!strncmp(dev, "/dev/", 5))
		dev += 5;
	snprintf(dir, size, "%s/%s", base, dev);
	if (!strncmp(dev, "counter", 7) && !access(dir, F_OK))
		return 0;
	d = opendir(base);
	if (!d)
		return -ENOENT;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "counter", 7))
			continue;
		snprintf(path, sizeof(path), "%s/%s/name", base, de->d_name);
		/*
		 * The driver names the device after its platform device,
		 * e.g. "smcard-counter.5.auto": "smcard-counter" matches it.
		 */
		if (!sd_read_file(path, name, sizeof(name)) &&
		    (!strcmp(name, dev) ||
		     (!strncmp(name, dev, strlen(dev)) && name[strlen(dev)] == '.'))) {
			snprintf(dir, size, "%s/%s", base, de->d_name);
			closedir(d);
			return 0;
		}
	}
	closedir(d);
	return -ENOENT;
}

static int read_u64(const char *dir, const char *file, uint64_t *v)
{
	char path[SD_PATH_MAX + 96], buf[32], *end;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	ret = sd_read_file(path, buf, sizeof(buf));
	if (ret)
		return ret;
	errno = 0;
	*v = strtoull(buf, &end, 10);
	return end == buf || *end || errno ? -EINVAL : 0;
}

static void cnt_close(struct source *s)
{
	struct cnt_priv *p = s->priv;

	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	free(p);
	s->priv = NULL;
}

/* Ask for change-of-state and overflow events on our Count; optional. */
static void watch_events(struct source *s, const char *devdir, int count)
{
	struct cnt_priv *p = s->priv;
	const char *dev = strrchr(devdir, '/') + 1;
	char path[SD_PATH_MAX];
	struct counter_watch w = {
		.component = {
			.type = COUNTER_COMPONENT_COUNT,
			.scope = COUNTER_SCOPE_COUNT,
			.parent = (uint8_t)count,
		},
	};

	snprintf(path, sizeof(path), "/dev/%s", dev);
	p->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (p->fd < 0) {
		sd_log(s->d, SD_LOG_DEBUG, "[counter %s] %s: %s; polling every interval",
		       s->name, path, strerror(errno));
		return;
	}
	w.event = COUNTER_EVENT_CHANGE_OF_STATE;
	if (ioctl(p->fd, COUNTER_ADD_WATCH_IOCTL, &w) == 0) {
		w.event = COUNTER_EVENT_OVERFLOW;
		ioctl(p->fd, COUNTER_ADD_WATCH_IOCTL, &w);	/* nice to have */
		if (ioctl(p->fd, COUNTER_ENABLE_EVENTS_IOCTL) == 0) {
			s->fd = p->fd;
			s->events = POLLIN;
			return;
		}
	}
	sd_log(s->d, SD_LOG_DEBUG, "[counter %s] %s: no events (%s); polling every interval",
	       s->name, path, strerror(errno));
	close(p->fd);
	p->fd = -1;
}

static int cnt_open(struct source *s)
{
	const struct sd_counter *c = s->cfg;
	struct cnt_priv *p = calloc(1, sizeof(*p));
	char devdir[SD_PATH_MAX + 64], name[96], obj[128];
	int ret;

	if (!p)
		return -ENOMEM;
	p->fd = -1;
	s->priv = p;
	ret = find_device(c->device, devdir, sizeof(devdir));
	if (ret) {
		sd_log(s->d, SD_LOG_DEBUG, "[counter %s] no counter device '%s'", s->name, c->device);
		goto fail;
	}
	snprintf(p->sysfs, sizeof(p->sysfs), "%s/count%d", devdir, c->count);
	if (read_u64(p->sysfs, "ceiling", &p->ceiling) || !p->ceiling)
		p->ceiling = UINT32_MAX;
	if (sd_read_file("/proc/sys/kernel/random/boot_id", p->boot_id, sizeof(p->boot_id)))
		p->boot_id[0] = 0;
	ret = sd_store_counter_get(s->d->store, s->name, &p->st);
	if (ret == -ENOENT) {
		memset(&p->st, 0, sizeof(p->st));
	} else if (ret) {
		sd_log(s->d, SD_LOG_ERR, "[counter %s] store: %s", s->name,
		       sd_store_error(s->d->store));
		goto fail;
	}
	watch_events(s, devdir, c->count);
	snprintf(name, sizeof(name), "counter/%s", s->name);
	snprintf(obj, sizeof(obj), "counter_%s", s->name);
	sd_entity_sensor(s->d, name, obj, s->name, "value", c->unit, c->device_class,
			 c->state_class[0] ? c->state_class : "total_increasing", true);
	s->due = sd_now_ms();
	return 0;
fail:
	cnt_close(s);
	return ret;
}

static int cnt_on_tick(struct source *s)
{
	const struct sd_counter *c = s->cfg;
	struct cnt_priv *p = s->priv;
	struct json_object *o;
	enum sd_count_step step;
	char sub[96];
	uint64_t raw;
	bool rebooted;
	int ret;

	ret = read_u64(p->sysfs, "count", &raw);
	if (ret)
		return ret;
	rebooted = p->st.has_raw && p->boot_id[0] && p->st.boot_id[0] &&
		   strcmp(p->boot_id, p->st.boot_id);
	step = sd_count_update(&p->st, raw, p->ceiling, rebooted);
	snprintf(p->st.boot_id, sizeof(p->st.boot_id), "%s", p->boot_id);
	if (step == SD_COUNT_FIRST)
		sd_log(s->d, SD_LOG_INFO, "[counter %s] baseline at raw count %llu, total %g %s",
		       s->name, (unsigned long long)raw, c->initial, c->unit);
	else if (step != SD_COUNT_NORMAL)
		sd_log(s->d, SD_LOG_WARN, "[counter %s] raw count %s (now %llu); total kept at %llu pulses",
		       s->name, step == SD_COUNT_WRAP ? "wrapped" : "restarted from zero",
		       (unsigned long long)raw, (unsigned long long)p->st.pulses);
	if (sd_store_counter_put(s->d->store, s->name, &p->st))
		sd_log(s->d, SD_LOG_ERR, "[counter %s] cannot save the total: %s", s->name,
		       sd_store_error(s->d->store));
	o = json_object_new_object();
	if (o) {
		sd_json_num(o, "value", c->initial + (double)p->st.pulses * c->weight);
		sd_json_str(o, "unit", c->unit);
		json_object_object_add(o, "pulses", json_object_new_int64((int64_t)p->st.pulses));
	}
	snprintf(sub, sizeof(sub), "counter/%s", s->name);
	sd_emit(s->d, sub, o, true);
	p->last_emit = sd_now_ms();
	s->due = p->last_emit + (int64_t)(c->interval * 1000);
	return 0;
}

static int cnt_on_fd(struct source *s, short revents)
{
	struct cnt_priv *p = s->priv;
	struct counter_event ev[16];
	ssize_t n;
	int64_t soon;

	if (revents & (POLLERR | POLLHUP | POLLNVAL))
		return -ENODEV;
	n = read(p->fd, ev, sizeof(ev));
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	for (ssize_t i = 0; i < n / (ssize_t)sizeof(ev[0]); i++)
		if (ev[i].status)
			return -ev[i].status;
	/* a pulse: publish soon, but not more than once a second */
	soon = p->last_emit + 1000;
	if (soon < s->due)
		s->due = soon;
	return 0;
}

const struct source_ops sd_src_counter_ops = {
	.kind = "counter",
	.open = cnt_open,
	.close = cnt_close,
	.on_fd = cnt_on_fd,
	.on_tick = cnt_on_tick,
};
