// SPDX-License-Identifier: GPL-2.0
/*
 * smcard-counter events through the counter character device: a single
 * pulse gives exactly one change-of-state event carrying the new count and
 * a CLOCK_MONOTONIC timestamp taken after the pulse started; in a train,
 * events may coalesce but values and timestamps strictly increase and the
 * last value is the final count; watches the driver cannot serve without
 * I2C under a spinlock are refused.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/counter.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

/*
 * The harness kills a test after 30 s by default; a guest that the host
 * holds back can take longer for what needs a second on a quiet one.
 * Every wait inside is bounded on its own.
 */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 300

#define SIM		"/sys/kernel/debug/smcard-sim"
#define COUNTERS	"/sys/bus/counter/devices"
#define PULSES		20

static int read_str(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fgets(buf, len, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int write_str(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs(val, f) < 0;
	ret |= fclose(f) != 0;
	return ret ? -1 : 0;
}

static unsigned long long read_u64(const char *path)
{
	char buf[64];

	if (read_str(path, buf, sizeof(buf)))
		return ~0ULL;
	return strtoull(buf, NULL, 10);
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Find the smcard counter and the Count of pin IO1 in it. */
static int find_io1(char *dir, size_t len, int *devnum, int *chan)
{
	char path[512], buf[64];
	struct dirent *de;
	DIR *d = opendir(COUNTERS);
	int y, z;

	if (!d)
		return -1;
	*devnum = -1;
	while ((de = readdir(d))) {
		if (sscanf(de->d_name, "counter%d", devnum) != 1)
			continue;
		snprintf(path, sizeof(path), COUNTERS "/%s/name", de->d_name);
		if (!read_str(path, buf, sizeof(buf)) &&
		    !strncmp(buf, "smcard-counter", 14))
			break;
		*devnum = -1;
	}
	closedir(d);
	if (*devnum < 0)
		return -1;

	for (y = 0; y < 5; y++) {
		for (z = 0; z < 5; z++) {
			snprintf(path, sizeof(path),
				 COUNTERS "/counter%d/count%d/signal%d_action",
				 *devnum, y, z);
			if (access(path, F_OK))
				continue;
			snprintf(path, sizeof(path),
				 COUNTERS "/counter%d/signal%d/name", *devnum, z);
			if (read_str(path, buf, sizeof(buf)) || strcmp(buf, "IO1"))
				continue;
			snprintf(dir, len, COUNTERS "/counter%d/count%d",
				 *devnum, y);
			*chan = y;
			return 0;
		}
	}
	return -1;
}

/*
 * The counter core keeps one event FIFO per device, not per open file:
 * events an earlier reader left unread are still queued. Drop them.
 */
static void drain_stale_events(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct counter_event ev;

	while (poll(&pfd, 1, 0) == 1 && read(fd, &ev, sizeof(ev)) == sizeof(ev))
		;
}

FIXTURE(events) {
	char count[256];
	char attr[320];
	int chan;
	int fd;
};

FIXTURE_SETUP(events)
{
	char dev[32];
	int devnum;

	ASSERT_EQ(0, find_io1(self->count, sizeof(self->count), &devnum,
			      &self->chan)) TH_LOG("no smcard counter for IO1");
	snprintf(self->attr, sizeof(self->attr), "%s/spike_filter_ns",
		 self->count);
	ASSERT_EQ(0, write_str(self->attr, "1000000"));
	snprintf(self->attr, sizeof(self->attr), "%s/enable", self->count);
	ASSERT_EQ(0, write_str(self->attr, "1"));
	snprintf(dev, sizeof(dev), "/dev/counter%d", devnum);
	self->fd = open(dev, O_RDWR);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", dev, strerror(errno));
	drain_stale_events(self->fd);
}

FIXTURE_TEARDOWN(events)
{
	close(self->fd);
	snprintf(self->attr, sizeof(self->attr), "%s/spike_filter_ns",
		 self->count);
	write_str(self->attr, "30000000");
}

static struct counter_watch count_watch(int chan, __u8 event)
{
	struct counter_watch w = {
		.component.type = COUNTER_COMPONENT_COUNT,
		.component.scope = COUNTER_SCOPE_COUNT,
		.component.parent = chan,
		.event = event,
		.channel = chan,
	};

	return w;
}

/* Wait up to 30 s for the next event; 0 on success */
static int next_event(int fd, struct counter_event *ev)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, 30000) != 1)
		return -1;
	if (read(fd, ev, sizeof(*ev)) != sizeof(*ev))
		return -1;
	return 0;
}

static int no_event_within(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms) == 0;
}

/*
 * One pulse at a time: each gives exactly one event, with the count after
 * that pulse and a timestamp between the pulse's start and the read.
 */
TEST_F(events, change_of_state_per_pulse)
{
	struct counter_watch w = count_watch(self->chan,
					     COUNTER_EVENT_CHANGE_OF_STATE);
	unsigned long long start, t0, t1, last_ts = 0;
	struct counter_event ev;
	char path[320], done[8];
	int i;

	ASSERT_EQ(0, ioctl(self->fd, COUNTER_ADD_WATCH_IOCTL, &w));
	ASSERT_EQ(0, ioctl(self->fd, COUNTER_ENABLE_EVENTS_IOCTL));

	snprintf(path, sizeof(path), "%s/count", self->count);
	start = read_u64(path);
	for (i = 1; i <= 5; i++) {
		t0 = now_ns();
		ASSERT_EQ(0, write_str(SIM "/io1/pulses", "1 20 5000"));
		ASSERT_EQ(0, next_event(self->fd, &ev))
			TH_LOG("no event for pulse %d", i);
		t1 = now_ns();
		ASSERT_EQ(0, ev.status);
		ASSERT_EQ(COUNTER_EVENT_CHANGE_OF_STATE, ev.watch.event);
		ASSERT_EQ(self->chan, ev.watch.channel);
		ASSERT_EQ(start + i, ev.value);
		ASSERT_LT(t0, ev.timestamp);
		ASSERT_GT(t1, ev.timestamp);
		ASSERT_LT(last_ts, ev.timestamp);
		last_ts = ev.timestamp;
		ASSERT_EQ(0, read_str(SIM "/io1/pulses_wait", done,
				      sizeof(done)));
		EXPECT_TRUE(no_event_within(self->fd, 100))
			TH_LOG("a second event for pulse %d", i);
	}
	ASSERT_EQ(start + 5, read_u64(path));
}

/*
 * A fast train: events may coalesce (one refresh of the interrupt thread
 * for several edges), but values and timestamps strictly increase, no
 * value exceeds what was sent, and the last one is the final count.
 */
TEST_F(events, change_of_state_train)
{
	struct counter_watch w = count_watch(self->chan,
					     COUNTER_EVENT_CHANGE_OF_STATE);
	unsigned long long start, t0, t1, last_ts, last_val;
	struct counter_event ev;
	char path[320];
	int n = 0;

	ASSERT_EQ(0, ioctl(self->fd, COUNTER_ADD_WATCH_IOCTL, &w));
	ASSERT_EQ(0, ioctl(self->fd, COUNTER_ENABLE_EVENTS_IOCTL));

	snprintf(path, sizeof(path), "%s/count", self->count);
	start = read_u64(path);
	last_val = start;
	t0 = now_ns();
	last_ts = t0;
	/* 20 pulses of 5 ms at 20 Hz, asynchronously */
	ASSERT_EQ(0, write_str(SIM "/io1/pulses", "20 20 5000"));

	while (last_val < start + PULSES) {
		ASSERT_EQ(0, next_event(self->fd, &ev))
			TH_LOG("no event after %d events, count %llu", n,
			       last_val);
		ASSERT_EQ(0, ev.status);
		ASSERT_EQ(COUNTER_EVENT_CHANGE_OF_STATE, ev.watch.event);
		ASSERT_EQ(self->chan, ev.watch.channel);
		ASSERT_LT(last_ts, ev.timestamp);
		ASSERT_LT(last_val, ev.value);
		ASSERT_GE(start + PULSES, ev.value);
		last_ts = ev.timestamp;
		last_val = ev.value;
		n++;
	}
	t1 = now_ns();
	ASSERT_GE(t1, last_ts);
	ASSERT_EQ(start + PULSES, read_u64(path));
	ASSERT_TRUE(no_event_within(self->fd, 200));
	TH_LOG("%d events for %d pulses", n, PULSES);
}

TEST_F(events, refused_watches)
{
	struct counter_watch w;

	/* Signal levels are read over I2C: not under the event spinlock */
	w = count_watch(self->chan, COUNTER_EVENT_CHANGE_OF_STATE);
	w.component.type = COUNTER_COMPONENT_SIGNAL;
	w.component.scope = COUNTER_SCOPE_SIGNAL;
	EXPECT_EQ(-1, ioctl(self->fd, COUNTER_ADD_WATCH_IOCTL, &w));
	EXPECT_EQ(EINVAL, errno);

	w = count_watch(self->chan, COUNTER_EVENT_INDEX);
	EXPECT_EQ(-1, ioctl(self->fd, COUNTER_ADD_WATCH_IOCTL, &w));
	EXPECT_EQ(EINVAL, errno);

	w = count_watch(self->chan, COUNTER_EVENT_OVERFLOW);
	w.channel = 5;
	EXPECT_EQ(-1, ioctl(self->fd, COUNTER_ADD_WATCH_IOCTL, &w));
	EXPECT_EQ(EINVAL, errno);

	w = count_watch(self->chan, COUNTER_EVENT_OVERFLOW);
	EXPECT_EQ(0, ioctl(self->fd, COUNTER_ADD_WATCH_IOCTL, &w));
}

TEST_HARNESS_MAIN
