// SPDX-License-Identifier: GPL-2.0
/*
 * M-Bus link layer through the mbus generic netlink family, against the
 * simulator's M-Bus UART with mbus_peer playing the meters: transfers to
 * present and absent meters, the EN 13757-2 reply timeout, collisions,
 * over-current, permissions, attribute validation, line noise, unbind
 * during a transfer, the slave role and the monitor group.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "meterbus_nl.h"
#include "stallwatch.h"

/* 10^5 noise bytes take 29 s of wire time at 38400 Bd */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 180

#define SIM "/sys/kernel/debug/smcard-sim"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	int ret;

	if (fd < 0)
		return -1;
	ret = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
	close(fd);
	return ret;
}

/* Characters the M-Bus UART has taken for the wire (the simulator's count) */
static long wire_tx(void)
{
	char line[64];
	long tx = -1;
	FILE *f = fopen(SIM "/mbus/stats", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "tx %ld", &tx) == 1)
			break;
	fclose(f);
	return tx;
}

/*
 * In a child: wait until the UART has taken @n more characters than
 * @before, i.e. a request is on the wire and its transfer under way (at
 * most 30 s), so that what the child does next lands inside the transfer
 * however the guest is scheduled.
 */
static void wait_wire_tx(long before, long n)
{
	int i;

	for (i = 0; i < 30000 && wire_tx() < before + n; i++)
		usleep(1000);
}

/* Run mbus_peer (next to this program) with @args and stdout on @out. */
static void peer_exec(const char *const *args, int out)
{
	const char *argv[8] = { };
	char exe[PATH_MAX];
	ssize_t n;
	int i;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 16);
	if (n < 0)
		_exit(127);
	exe[n] = 0;
	strcpy(strrchr(exe, '/') + 1, "meterbus_peer");
	argv[0] = exe;
	for (i = 0; args[i] && i < 6; i++)
		argv[i + 1] = args[i];
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	dup2(out, 1);
	execv(exe, (char **)argv);
	_exit(127);
}

/* Start mbus_peer with @args once it is ready; returns its pid. */
static pid_t peer_start(const char *const *args)
{
	char buf[8];
	int pfd[2];
	ssize_t n;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (!pid) {
		close(pfd[0]);
		peer_exec(args, pfd[1]);
	}
	close(pfd[1]);
	n = read(pfd[0], buf, sizeof(buf));
	close(pfd[0]);
	return n > 0 ? pid : -1;
}

static void peer_stop(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

static const unsigned char snd_nke5[] = { 0x10, 0x40, 0x05, 0x45, 0x16 };
static const unsigned char snd_nke7[] = { 0x10, 0x40, 0x07, 0x47, 0x16 };
static const unsigned char req_ud2_5[] = { 0x10, 0x7b, 0x05, 0x80, 0x16 };

/*
 * mbus_peer is a userspace process on a shared, loaded TCG host: give it
 * the per-request extra time that slow meters get.
 */
#define XFER(frame) ((struct mbnl_attr []){			\
	MBNL_U32(METERBUS_A_XFER_ID, self->id),			\
	MBNL_BIN(METERBUS_A_XFER_FRAME, frame),			\
	MBNL_U32(METERBUS_A_XFER_TIMEOUT_EXTRA, 1000), MBNL_END })
#define XFER_STRICT(frame) ((struct mbnl_attr []){		\
	MBNL_U32(METERBUS_A_XFER_ID, self->id),			\
	MBNL_BIN(METERBUS_A_XFER_FRAME, frame), MBNL_END })

struct ctx {
	struct mbnl nl;
	__u32 id;
	pid_t peer;
};

/*
 * Every test: the first bus, master at 2400 Bd with the supply on. Peers
 * die with the test process (PR_SET_PDEATHSIG), so a failed assertion
 * leaves nothing behind.
 */
static int setup(struct __test_metadata *_metadata, struct ctx *self)
{
	struct mbnl_reply r;

	self->peer = -1;
	if (mbnl_open(&self->nl))
		SKIP(return -1, "no mbus netlink family");
	r = mbnl_req(&self->nl, METERBUS_CMD_BUS_GET, NLM_F_DUMP, NULL);
	if (!r.done)
		SKIP(return -1, "no M-Bus interface");
	self->id = r.id;
	write_file(SIM "/battery", "0");
	r = mbnl_bus_set(&self->nl, self->id, 2400, 1, METERBUS_ROLE_MASTER);
	EXPECT_EQ(0, r.err) TH_LOG("bus-set: %s", r.ext);
	return r.err;
}

#define MBUS_TEST(name)							\
	static void name##_body(struct __test_metadata *_metadata,	\
				struct ctx *self);			\
	TEST(name)							\
	{								\
		struct ctx c;						\
									\
		if (!setup(_metadata, &c))				\
			name##_body(_metadata, &c);			\
		peer_stop(c.peer);					\
	}								\
	static void name##_body(struct __test_metadata *_metadata,	\
				struct ctx *self)

MBUS_TEST(present_and_absent)
{
	const char *args[] = { "meter", "5", NULL };
	struct mbnl_reply r;

	self->peer = peer_start(args);
	ASSERT_LT(0, self->peer);

	r = mbnl_xfer_answered(&self->nl, XFER(snd_nke5));
	ASSERT_EQ(0, r.err) TH_LOG("%s", r.ext);
	EXPECT_EQ(METERBUS_RESULT_OK, r.result);
	EXPECT_EQ(1, r.frame_len);
	EXPECT_EQ(0xe5, r.frame[0]);
	/*
	 * The answer's first byte came before the transfer ended. No lower
	 * bound: the end of the request is stamped when the line driver's
	 * write returns (its transmitter empty), which a stalled guest sees
	 * late (seen: latencies of 0 and 4375 us, below the answer byte's
	 * 4583 us wire time).
	 * How soon the peer answers is the peer's: a process in a loaded guest.
	 */
	EXPECT_GE(r.elapsed, r.latency);

	r = mbnl_xfer_answered(&self->nl, XFER(req_ud2_5));
	ASSERT_EQ(0, r.err);
	EXPECT_EQ(METERBUS_RESULT_OK, r.result);
	EXPECT_EQ(0x68, r.frame[0]);
	EXPECT_EQ(r.frame[1] + 6, r.frame_len);
	EXPECT_EQ(0x05, r.frame[5]);

	r = mbnl_req(&self->nl, METERBUS_CMD_XFER, 0, XFER(snd_nke7));
	ASSERT_EQ(0, r.err);
	EXPECT_EQ(METERBUS_RESULT_TIMEOUT, r.result);
	EXPECT_EQ(0, r.frame_len);
}

static void check_timeout(struct __test_metadata *_metadata,
			  struct ctx *self, int baud)
{
	const char *args[] = { "silent", NULL };
	double window = 330.0 / baud + 0.050;
	double tx = 5 * 11.0 / baud;
	double t0, t, k, late, stalled;
	struct stallwatch sw;
	int64_t due, done;
	struct mbnl_reply r;
	int i;

	ASSERT_EQ(0, mbnl_bus_set(&self->nl, self->id, baud, -1, -1).err);
	self->peer = peer_start(args);
	ASSERT_LT(0, self->peer);

	/*
	 * The kernel's own measure from the request's end is the figure (the
	 * wall clock here adds the write and scheduling); it is never below
	 * the window. Above it, the timer's wakeup is late by what the
	 * emulator stalled after the timer was due: that is taken out (the
	 * control, lib/stallwatch.h), and the best of five is the timer.
	 */
	ASSERT_EQ(0, stallwatch_start(&sw, NULL));
	k = 1e9;
	for (i = 0; i < 5; i++) {
		t0 = now();
		r = mbnl_req(&self->nl, METERBUS_CMD_XFER, 0, XFER_STRICT(snd_nke7));
		done = stallwatch_now();
		/* the timer was due one window after the request's end */
		due = done - (int64_t)r.elapsed * 1000 + (int64_t)(window * 1e9);
		t = now() - t0 - tx;
		ASSERT_EQ(0, r.err);
		EXPECT_EQ(METERBUS_RESULT_TIMEOUT, r.result);
		EXPECT_LE(window, r.elapsed / 1e6);
		EXPECT_LE(window, t);
		stallwatch_settle();
		stalled = stallwatch_stalled(&sw, due, done) / 1e9;
		late = r.elapsed / 1e6 - window - stalled;
		if (late < k)
			k = late;
	}
	stallwatch_stop(&sw);
	TH_LOG("%d Bd: timeout late by %.2f ms beyond the emulator's stalls (last wall clock %.2f ms, %d stalls), window %.2f ms (%+.2f %%)",
	       baud, k * 1e3, t * 1e3, stallwatch_count(&sw), window * 1e3,
	       k / window * 100);
	stallwatch_free(&sw);
	EXPECT_GT(0.02 * window, k);
}

MBUS_TEST(timeout_300)
{
	check_timeout(_metadata, self, 300);
}

MBUS_TEST(timeout_2400)
{
	check_timeout(_metadata, self, 2400);
}

MBUS_TEST(timeout_9600)
{
	check_timeout(_metadata, self, 9600);
}

MBUS_TEST(collision)
{
	const char *args[] = { "collide", NULL };
	struct mbnl_reply r, before = mbnl_bus_get(&self->nl, self->id);

	self->peer = peer_start(args);
	ASSERT_LT(0, self->peer);
	r = mbnl_xfer_answered(&self->nl, XFER(req_ud2_5));
	ASSERT_EQ(0, r.err);
	EXPECT_EQ(METERBUS_RESULT_COLLISION, r.result);
	/* the raw bytes: all of the longer answer, 27 + 10 filler bytes */
	EXPECT_EQ(37, r.frame_len);
	r = mbnl_bus_get(&self->nl, self->id);
	EXPECT_EQ(before.collisions + 1, r.collisions);
}

MBUS_TEST(over_current)
{
	const char *args[] = { "silent", NULL };
	struct mbnl ev;
	struct mbnl_reply r;
	pid_t trip;
	long tx;

	ASSERT_EQ(0, mbnl_open(&ev));
	ASSERT_EQ(0, mbnl_join(&ev, METERBUS_MCGRP_EVENTS));
	ASSERT_EQ(0, mbnl_bus_set(&self->nl, self->id, 300, -1, -1).err);
	self->peer = peer_start(args);
	ASSERT_LT(0, self->peer);

	tx = wire_tx();
	trip = fork();
	if (!trip) {
		/* trip while the request waits for its (absent) answer */
		wait_wire_tx(tx, sizeof(snd_nke7));
		_exit(write_file(SIM "/mbus_overcurrent", "1") ? 1 : 0);
	}
	r = mbnl_req(&self->nl, METERBUS_CMD_XFER, 0, XFER(snd_nke7));
	waitpid(trip, NULL, 0);
	ASSERT_EQ(0, r.err);
	EXPECT_EQ(METERBUS_RESULT_OVER_CURRENT, r.result);

	do
		r = mbnl_wait_ntf(&ev, METERBUS_CMD_BUS_NTF, 1000);
	while (r.done && r.event != METERBUS_EVENT_OVER_CURRENT);
	EXPECT_EQ(1, r.done);
	EXPECT_EQ(METERBUS_EVENT_OVER_CURRENT, r.event);
	EXPECT_EQ(1, r.over_current);
	EXPECT_EQ(0, r.power);

	/* the bus is off until switched on again */
	r = mbnl_req(&self->nl, METERBUS_CMD_XFER, 0, XFER(snd_nke7));
	EXPECT_EQ(-ENETDOWN, r.err);
	EXPECT_EQ(0, mbnl_bus_set(&self->nl, self->id, 2400, 1, -1).err);
	EXPECT_EQ(0, mbnl_bus_get(&self->nl, self->id).over_current);
	mbnl_close(&ev);
}

MBUS_TEST(battery_refuses_master_supply)
{
	struct mbnl_reply r;

	ASSERT_EQ(0, mbnl_bus_set(&self->nl, self->id, 0, 0, -1).err);
	ASSERT_EQ(0, write_file(SIM "/battery", "1"));
	r = mbnl_bus_set(&self->nl, self->id, 0, 1, -1);
	EXPECT_EQ(-EBUSY, r.err);
	EXPECT_NE(0, r.ext[0]);
	TH_LOG("extack: %s", r.ext);
	/* the refused bus-set measured the supply: bus-get shows the battery */
	EXPECT_EQ(1, mbnl_bus_get(&self->nl, self->id).battery);
	write_file(SIM "/battery", "0");
}

/*
 * Private by default: nobody may read the bus state (bus-get, events) but
 * not transmit, configure or join the monitor group, and sees no frames.
 */
MBUS_TEST(not_admin)
{
	const char *args[] = { "meter", "5", NULL };
	int status, ready[2], go[2];
	struct mbnl_reply r;
	char c = 0;
	pid_t pid;

	self->peer = peer_start(args);
	ASSERT_LT(0, self->peer);
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	if (!pid) {
		struct mbnl nl, ev;

		if (setgid(65534) || setuid(65534) || mbnl_open(&nl) ||
		    mbnl_open(&ev))
			_exit(10);
		r = mbnl_bus_get(&nl, self->id);
		if (r.err || !r.done)
			_exit(11);
		r = mbnl_req(&nl, METERBUS_CMD_XFER, 0, XFER(snd_nke5));
		if (r.err != -EPERM)
			_exit(12);
		r = mbnl_bus_set(&nl, self->id, 9600, -1, -1);
		if (r.err != -EPERM)
			_exit(13);
		if (mbnl_join(&ev, METERBUS_MCGRP_MONITOR) != -NLE_PERM)
			_exit(14);
		if (mbnl_join(&ev, METERBUS_MCGRP_EVENTS))
			_exit(15);
		/* a transfer by root: this socket sees none of its frames */
		if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(16);
		_exit(mbnl_wait_ntf(&ev, METERBUS_CMD_MONITOR_NTF, 1000).done ? 17 : 0);
	}
	close(ready[1]);
	close(go[0]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	r = mbnl_req(&self->nl, METERBUS_CMD_XFER, 0, XFER(snd_nke5));
	EXPECT_EQ(0, r.err);
	EXPECT_EQ(METERBUS_RESULT_OK, r.result);
	EXPECT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(ready[0]);
	close(go[1]);
}

/*
 * bus-get is served from what the kernel keeps: with every I2C transfer
 * failing, it still answers, and no injected fault is used up.
 */
MBUS_TEST(bus_get_cached)
{
	char buf[32] = "";
	struct mbnl_reply r;
	int fd, i;

	ASSERT_EQ(0, write_file(SIM "/i2c_fail", "1000 nack"));
	for (i = 0; i < 10; i++) {
		r = mbnl_bus_get(&self->nl, self->id);
		EXPECT_EQ(0, r.err);
		r = mbnl_req(&self->nl, METERBUS_CMD_BUS_GET, NLM_F_DUMP, NULL);
		EXPECT_EQ(1, r.done);
	}
	fd = open(SIM "/i2c_fail", O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_LT(0, read(fd, buf, sizeof(buf) - 1));
	close(fd);
	write_file(SIM "/i2c_fail", "0");
	EXPECT_EQ(0, strncmp(buf, "1000 ", 5)) TH_LOG("i2c_fail: %s", buf);
}

MBUS_TEST(malformed)
{
	static const unsigned char bad_cs[] = { 0x10, 0x40, 0x05, 0x46, 0x16 };
	static const unsigned char bad_stop[] = { 0x10, 0x40, 0x05, 0x45, 0x17 };
	static const unsigned char bad_len[] = { 0x68, 0x03, 0x04, 0x68, 0x53,
						 0xfe, 0x51, 0xa2, 0x16 };
	static const unsigned char tail[] = { 0x10, 0x40, 0x05, 0x45, 0x16, 0 };
	static const unsigned char ack[] = { 0xe5 };
	static const unsigned char u8v[] = { 1 };
	struct mbnl_reply r;

	r = mbnl_req(&self->nl, METERBUS_CMD_XFER, 0, XFER(bad_cs));
	EXPECT_EQ(-EINVAL, r.err);
	EXPECT_STREQ("frame: bad checksum", r.ext);
	r = mbnl_req(&self->nl, METERBUS_CMD_XFER, 0, XFER(bad_stop));
	EXPECT_EQ(-EINVAL, r.err);
	EXPECT_STREQ("frame: bad stop byte", r.ext);
	r = mbnl_req(&self->nl, METERBUS_CMD_XFER, 0, XFER(bad_len));
	EXPECT_EQ(-EINVAL, r.err);
	EXPECT_STREQ("frame: bad length field", r.ext);
	r = mbnl_req(&self->nl, METERBUS_CMD_XFER, 0, XFER(tail));
	EXPECT_EQ(-EINVAL, r.err);
	EXPECT_STREQ("frame: bytes after the frame", r.ext);
	r = mbnl_req(&self->nl, METERBUS_CMD_XFER, 0, XFER(ack));
	EXPECT_EQ(-ERANGE, r.err);
	EXPECT_NE(0, r.ext[0]);

	/* missing frame, missing bus, unknown bus */
	r = mbnl_req(&self->nl, METERBUS_CMD_XFER, 0, (struct mbnl_attr []){
		MBNL_U32(METERBUS_A_XFER_ID, self->id), MBNL_END });
	EXPECT_EQ(-EINVAL, r.err);
	r = mbnl_req(&self->nl, METERBUS_CMD_XFER, 0, (struct mbnl_attr []){
		MBNL_BIN(METERBUS_A_XFER_FRAME, snd_nke5), MBNL_END });
	EXPECT_EQ(-EINVAL, r.err);
	EXPECT_STREQ("bus id or name required", r.ext);
	r = mbnl_req(&self->nl, METERBUS_CMD_XFER, 0, (struct mbnl_attr []){
		MBNL_U32(METERBUS_A_XFER_ID, 999),
		MBNL_BIN(METERBUS_A_XFER_FRAME, snd_nke5), MBNL_END });
	EXPECT_EQ(-ENODEV, r.err);
	EXPECT_STREQ("no such bus", r.ext);

	/* policy: ranges and types */
	r = mbnl_req(&self->nl, METERBUS_CMD_XFER, 0, (struct mbnl_attr []){
		MBNL_U32(METERBUS_A_XFER_ID, self->id),
		MBNL_BIN(METERBUS_A_XFER_FRAME, snd_nke5),
		MBNL_U32(METERBUS_A_XFER_TIMEOUT_EXTRA, 10001), MBNL_END });
	EXPECT_EQ(-ERANGE, r.err);
	EXPECT_NE(0, r.ext[0]);
	r = mbnl_bus_set(&self->nl, self->id, 100, -1, -1);
	EXPECT_EQ(-ERANGE, r.err);
	EXPECT_NE(0, r.ext[0]);
	r = mbnl_bus_set(&self->nl, self->id, 1234, -1, -1);
	EXPECT_EQ(-EINVAL, r.err);
	EXPECT_TRUE(strstr(r.ext, "baud") != NULL);
	r = mbnl_bus_set(&self->nl, self->id, 0, 2, -1);
	EXPECT_EQ(-ERANGE, r.err);
	r = mbnl_bus_set(&self->nl, self->id, 0, -1, 7);
	EXPECT_EQ(-ERANGE, r.err);
	r = mbnl_req(&self->nl, METERBUS_CMD_BUS_SET, 0, (struct mbnl_attr []){
		MBNL_U32(METERBUS_A_BUS_ID, self->id),
		MBNL_BIN(METERBUS_A_BUS_BAUD, u8v), MBNL_END });
	EXPECT_GT(0, r.err);
	EXPECT_NE(0, r.ext[0]);
	TH_LOG("wrong type: %d %s", r.err, r.ext);
	/* power is a u32 (it was a u8): one byte is refused */
	r = mbnl_req(&self->nl, METERBUS_CMD_BUS_SET, 0, (struct mbnl_attr []){
		MBNL_U32(METERBUS_A_BUS_ID, self->id),
		MBNL_U8(METERBUS_A_BUS_POWER, 1), MBNL_END });
	EXPECT_EQ(-EINVAL, r.err);
	/* still working */
	EXPECT_EQ(2400, mbnl_bus_get(&self->nl, self->id).baud);
}

/* One attribute of an operation's policy, as the kernel reports it. */
struct pol_attr {
	int type;			/* NL_ATTR_TYPE_*, 0: absent */
	__u64 min, max;			/* integer range */
	__u32 min_len, max_len;		/* binary and string lengths */
};

#define POL_MAX 16
struct policy {
	int do_idx[METERBUS_CMD_MAX + 1];	/* the do policy of each command */
	struct pol_attr attr[POL_MAX][POL_MAX];
};

static int on_policy(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1], *op, *pol, *at, *x;
	struct policy *p = arg;
	int r1, r2, r3;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CTRL_ATTR_MAX, NULL))
		return NL_SKIP;
	if (tb[CTRL_ATTR_OP_POLICY])
		nla_for_each_nested(op, tb[CTRL_ATTR_OP_POLICY], r1) {
			struct nlattr *d[CTRL_ATTR_POLICY_DUMP_MAX + 1];

			if (nla_type(op) > METERBUS_CMD_MAX ||
			    nla_parse_nested(d, CTRL_ATTR_POLICY_DUMP_MAX, op, NULL))
				continue;
			if (d[CTRL_ATTR_POLICY_DO])
				p->do_idx[nla_type(op)] =
					nla_get_u32(d[CTRL_ATTR_POLICY_DO]);
		}
	if (tb[CTRL_ATTR_POLICY])
		nla_for_each_nested(pol, tb[CTRL_ATTR_POLICY], r1)
			nla_for_each_nested(at, pol, r2) {
				struct pol_attr *a;

				if (nla_type(pol) >= POL_MAX || nla_type(at) >= POL_MAX)
					continue;
				a = &p->attr[nla_type(pol)][nla_type(at)];
				nla_for_each_nested(x, at, r3) {
					switch (nla_type(x)) {
					case NL_POLICY_TYPE_ATTR_TYPE:
						a->type = nla_get_u32(x);
						break;
					case NL_POLICY_TYPE_ATTR_MIN_VALUE_U:
						a->min = nla_get_u64(x);
						break;
					case NL_POLICY_TYPE_ATTR_MAX_VALUE_U:
						a->max = nla_get_u64(x);
						break;
					case NL_POLICY_TYPE_ATTR_MIN_LENGTH:
						a->min_len = nla_get_u32(x);
						break;
					case NL_POLICY_TYPE_ATTR_MAX_LENGTH:
						a->max_len = nla_get_u32(x);
						break;
					}
				}
			}
	return NL_OK;
}

/*
 * The policies are written by hand (the 6.12 ynl-gen cannot generate a
 * binary attribute with both a minimum and a maximum length): the kernel's
 * own policy dump must show the spec's limits, which reach this test
 * through the uapi header generated from the spec. Input attributes are
 * u32, uint, flag, binary or string, never u8/u16/u64.
 */
MBUS_TEST(policy_matches_spec)
{
	static const struct {
		int cmd, attr, type;
		__u64 min, max;
		__u32 min_len, max_len;
	} want[] = {
		/* command, attribute, type, min, max, min length, max length */
		{ METERBUS_CMD_BUS_GET, METERBUS_A_BUS_ID, NL_ATTR_TYPE_U32,
		  0, UINT32_MAX, 0, 0 },
		{ METERBUS_CMD_BUS_GET, METERBUS_A_BUS_NAME, NL_ATTR_TYPE_NUL_STRING,
		  0, 0, 0, METERBUS_NAME_MAX_LEN },
		{ METERBUS_CMD_BUS_SET, METERBUS_A_BUS_NAME, NL_ATTR_TYPE_NUL_STRING,
		  0, 0, 0, METERBUS_NAME_MAX_LEN },
		{ METERBUS_CMD_BUS_SET, METERBUS_A_BUS_ROLE, NL_ATTR_TYPE_U32,
		  0, METERBUS_ROLE_SLAVE, 0, 0 },
		{ METERBUS_CMD_BUS_SET, METERBUS_A_BUS_BAUD, NL_ATTR_TYPE_U32,
		  METERBUS_BAUD_MIN, METERBUS_BAUD_MAX, 0, 0 },
		{ METERBUS_CMD_BUS_SET, METERBUS_A_BUS_POWER, NL_ATTR_TYPE_U32,
		  0, 1, 0, 0 },
		{ METERBUS_CMD_XFER, METERBUS_A_XFER_FRAME, NL_ATTR_TYPE_BINARY,
		  0, 0, 5, METERBUS_FRAME_MAX },
		{ METERBUS_CMD_XFER, METERBUS_A_XFER_TIMEOUT_EXTRA, NL_ATTR_TYPE_U32,
		  0, METERBUS_TIMEOUT_EXTRA_MAX, 0, 0 },
		{ METERBUS_CMD_XFER, METERBUS_A_XFER_NO_REPLY, NL_ATTR_TYPE_FLAG,
		  0, 0, 0, 0 },
		{ METERBUS_CMD_SLAVE_LISTEN, METERBUS_A_SLAVE_ID, NL_ATTR_TYPE_U32,
		  0, UINT32_MAX, 0, 0 },
		{ METERBUS_CMD_SLAVE_REPLY, METERBUS_A_SLAVE_FRAME, NL_ATTR_TYPE_BINARY,
		  0, 0, 1, METERBUS_FRAME_MAX },
	};
	struct policy *p = calloc(1, sizeof(*p));
	struct nl_msg *msg = nlmsg_alloc();
	int ctrl, i, j, cmd;

	ASSERT_NE(NULL, p);
	memset(p->do_idx, -1, sizeof(p->do_idx));
	ctrl = genl_ctrl_resolve(self->nl.sk, "nlctrl");
	ASSERT_LT(0, ctrl);
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, ctrl, 0, NLM_F_DUMP,
		    CTRL_CMD_GETPOLICY, 1);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, METERBUS_FAMILY_NAME);
	nl_socket_modify_cb(self->nl.sk, NL_CB_VALID, NL_CB_CUSTOM, on_policy, p);
	ASSERT_LE(0, nl_send_auto(self->nl.sk, msg));
	ASSERT_EQ(0, nl_wait_for_ack(self->nl.sk));
	nlmsg_free(msg);

	for (i = 0; i < (int)(sizeof(want) / sizeof(want[0])); i++) {
		int idx = p->do_idx[want[i].cmd];
		struct pol_attr *a;

		ASSERT_LE(0, idx) TH_LOG("command %d has no do policy", want[i].cmd);
		ASSERT_GT(POL_MAX, idx);
		a = &p->attr[idx][want[i].attr];
		EXPECT_TRUE(want[i].type == a->type && want[i].min == a->min &&
			    want[i].max == a->max && want[i].min_len == a->min_len &&
			    want[i].max_len == a->max_len)
			TH_LOG("cmd %d attr %d: type %d range %llu..%llu length %u..%u",
			       want[i].cmd, want[i].attr, a->type,
			       (unsigned long long)a->min, (unsigned long long)a->max,
			       a->min_len, a->max_len);
	}
	/* no narrow or fixed 64-bit integers among the inputs */
	for (cmd = 1; cmd <= METERBUS_CMD_MAX; cmd++) {
		if (p->do_idx[cmd] < 0 || p->do_idx[cmd] >= POL_MAX)
			continue;
		for (j = 0; j < POL_MAX; j++) {
			int t = p->attr[p->do_idx[cmd]][j].type;

			EXPECT_TRUE(t != NL_ATTR_TYPE_U8 && t != NL_ATTR_TYPE_U16 &&
				    t != NL_ATTR_TYPE_U64)
				TH_LOG("cmd %d attr %d has type %d", cmd, j, t);
		}
	}
	free(p);
}

MBUS_TEST(random_bytes)
{
	const char *noise[] = { "random", "100000", "7", NULL };
	const char *meter[] = { "meter", "5", NULL };
	struct mbnl_reply r, before;
	int status;

	ASSERT_EQ(0, mbnl_bus_set(&self->nl, self->id, 38400, -1, -1).err);
	before = mbnl_bus_get(&self->nl, self->id);
	self->peer = peer_start(noise);
	ASSERT_LT(0, self->peer);
	ASSERT_EQ(self->peer, waitpid(self->peer, &status, 0));
	self->peer = -1;
	EXPECT_EQ(0, WEXITSTATUS(status));
	usleep(100000);

	r = mbnl_bus_get(&self->nl, self->id);
	EXPECT_LT(before.bad_frames + 1000, r.bad_frames);
	TH_LOG("noise: %llu bad, %llu valid frames",
	       (unsigned long long)(r.bad_frames - before.bad_frames),
	       (unsigned long long)(r.frames_rx - before.frames_rx));

	self->peer = peer_start(meter);
	ASSERT_LT(0, self->peer);
	r = mbnl_xfer_answered(&self->nl, XFER(req_ud2_5));
	ASSERT_EQ(0, r.err);
	EXPECT_EQ(METERBUS_RESULT_OK, r.result);
}

MBUS_TEST(monitor)
{
	const char *args[] = { "meter", "5", NULL };
	struct mbnl_reply r;
	struct mbnl mon;

	ASSERT_EQ(0, mbnl_open(&mon));
	ASSERT_EQ(0, mbnl_join(&mon, METERBUS_MCGRP_MONITOR));
	self->peer = peer_start(args);
	ASSERT_LT(0, self->peer);
	r = mbnl_xfer_answered(&self->nl, XFER(snd_nke5));
	ASSERT_EQ(METERBUS_RESULT_OK, r.result);

	/* the request, and its answer after it (once asked again if the
	 * peer missed the window while the emulator stalled) */
	r = mbnl_wait_ntf(&mon, METERBUS_CMD_MONITOR_NTF, 1000);
	EXPECT_EQ(METERBUS_DIRECTION_TX, r.direction);
	EXPECT_EQ(sizeof(snd_nke5), r.frame_len);
	EXPECT_EQ(0, memcmp(r.frame, snd_nke5, sizeof(snd_nke5)));
	do
		r = mbnl_wait_ntf(&mon, METERBUS_CMD_MONITOR_NTF, 1000);
	while (r.done && r.direction == METERBUS_DIRECTION_TX);
	EXPECT_EQ(METERBUS_DIRECTION_RX, r.direction);
	EXPECT_EQ(METERBUS_RESULT_OK, r.result);
	EXPECT_EQ(1, r.frame_len);
	mbnl_close(&mon);
}

/*
 * A fast meter's answer can arrive while the line driver still waits for
 * its transmitter to drain: monitors must see every request before its
 * answer all the same. 38400 Bd, answers at once: a short turnaround.
 * The events of a transfer are queued before its reply: an answered
 * transfer's last event is its answer. (A late answer of the transfer
 * before may come first; it does not end a transfer's events.)
 */
MBUS_TEST(monitor_order)
{
	const char *args[] = { "meter", "5", NULL };
	int i, answered = 0, tx = 0, rx = 0, reversed = 0;
	struct mbnl_reply r, x;
	struct mbnl mon;

	ASSERT_EQ(0, mbnl_bus_set(&self->nl, self->id, 38400, -1, -1).err);
	ASSERT_EQ(0, mbnl_open(&mon));
	ASSERT_EQ(0, mbnl_join(&mon, METERBUS_MCGRP_MONITOR));
	self->peer = peer_start(args);
	ASSERT_LT(0, self->peer);
	for (i = 0; i <= 100; i++) {
		int last = -1;

		if (i < 100) {
			x = mbnl_req(&self->nl, METERBUS_CMD_XFER, 0, XFER(snd_nke5));
			ASSERT_EQ(0, x.err);
			answered += x.result == METERBUS_RESULT_OK;
		}
		/* read as we go: the socket's buffer holds a few dozen */
		for (;;) {
			r = mbnl_wait_ntf(&mon, METERBUS_CMD_MONITOR_NTF,
					  i < 100 ? 0 : 500);
			if (!r.done)
				break;
			last = r.direction;
			if (r.direction == METERBUS_DIRECTION_TX)
				tx++;
			else
				rx++;
		}
		if (i < 100 && x.result == METERBUS_RESULT_OK)
			reversed += last != METERBUS_DIRECTION_RX;
	}
	TH_LOG("%d transfers answered; monitor: %d requests, %d answers, %d answers before their request",
	       answered, tx, rx, reversed);
	/* enough answered transfers to tell (a stalled peer misses some) */
	EXPECT_LE(50, answered);
	EXPECT_EQ(100, tx);
	EXPECT_LE(answered, rx);
	EXPECT_EQ(0, reversed);
	mbnl_close(&mon);
}

MBUS_TEST(slave_role)
{
	const char *args[] = { "master", "107b0b8616", NULL };
	static const unsigned char ack[] = { 0xe5 };
	struct stallwatch sw;
	int64_t t0, stalled;
	int pfd[2], attempt;
	char out[64] = "";
	struct mbnl_reply r;
	struct mbnl sl = { };
	ssize_t n = 0;
	pid_t pid;

	ASSERT_EQ(0, mbnl_bus_set(&self->nl, self->id, 0, -1, METERBUS_ROLE_SLAVE).err);
	EXPECT_EQ(0, mbnl_bus_get(&self->nl, self->id).power);
	r = mbnl_req(&self->nl, METERBUS_CMD_XFER, 0, XFER(snd_nke5));
	EXPECT_EQ(-EBUSY, r.err);

	ASSERT_EQ(0, mbnl_open(&sl));
	nl_socket_disable_seq_check(sl.sk);
	r = mbnl_req(&sl, METERBUS_CMD_SLAVE_LISTEN, 0, (struct mbnl_attr []){
		MBNL_U32(METERBUS_A_SLAVE_ID, self->id), MBNL_END });
	ASSERT_EQ(0, r.err);

	/*
	 * The external master: REQ_UD2 to address 11, reply on stdout. This
	 * process answers for the card; the core refuses an answer once the
	 * window has closed, as it must. If that happens while the emulator
	 * stalled (the control, lib/stallwatch.h), the lateness was not the
	 * core's: the master asks again, as masters do, up to three times.
	 */
	ASSERT_EQ(0, stallwatch_start(&sw, NULL));
	for (attempt = 1; attempt <= 3; attempt++) {
		t0 = stallwatch_now();
		memset(out, 0, sizeof(out));
		ASSERT_EQ(0, pipe(pfd));
		pid = fork();
		if (!pid) {
			close(pfd[0]);
			peer_exec(args, pfd[1]);
		}
		close(pfd[1]);

		r = mbnl_wait_ntf(&sl, METERBUS_CMD_SLAVE_FRAME, 10000);
		ASSERT_EQ(1, r.done);
		EXPECT_EQ(5, r.frame_len);
		EXPECT_EQ(0x0b, r.frame[2]);
		r = mbnl_req(&sl, METERBUS_CMD_SLAVE_REPLY, 0, (struct mbnl_attr []){
			MBNL_U32(METERBUS_A_SLAVE_ID, self->id),
			MBNL_U32(METERBUS_A_SLAVE_SEQ, r.seq),
			MBNL_BIN(METERBUS_A_SLAVE_FRAME, ack), MBNL_END });
		stallwatch_settle();
		stalled = stallwatch_stalled(&sw, t0, stallwatch_now());

		waitpid(pid, NULL, 0);
		n = read(pfd[0], out, sizeof(out) - 1);
		close(pfd[0]);
		if (r.err != -ETIME || !stalled)
			break;
		TH_LOG("attempt %d: answer refused after the window, the emulator stalled %.1f ms meanwhile",
		       attempt, stalled / 1e6);
	}
	stallwatch_stop(&sw);
	stallwatch_free(&sw);
	EXPECT_EQ(0, r.err) TH_LOG("%s", r.ext);
	EXPECT_LT(0, n);
	EXPECT_EQ(0, strncmp(out, "ready\ne5\n", 9)) TH_LOG("peer: %s", out);
	mbnl_close(&sl);
	EXPECT_EQ(0, mbnl_bus_set(&self->nl, self->id, 0, 1, METERBUS_ROLE_MASTER).err);
}

/*
 * Listener sockets close while the master's requests keep arriving: the
 * close must not race the delivery (a request for a listener that has
 * just gone must not be sent elsewhere), and the next listener gets them.
 */
MBUS_TEST(slave_listener_closes)
{
	const char *args[] = { "flood", "107b0b8616", NULL };
	int i, cycles = 0, frames = 0, one = 1, big = 4 << 20;
	struct mbnl_reply r;
	double end;
	struct mbnl sl = { };

	ASSERT_EQ(0, mbnl_bus_set(&self->nl, self->id, 38400, -1,
				  METERBUS_ROLE_SLAVE).err);
	self->peer = peer_start(args);
	ASSERT_LT(0, self->peer);

	/* new sockets in a fast loop: the family is already resolved */
	sl.family = self->nl.family;
	sl.timeout_ms = 10000;
	end = now() + 3;
	for (i = 0; now() < end; i++) {
		sl.sk = nl_socket_alloc();
		ASSERT_NE(NULL, sl.sk);
		ASSERT_EQ(0, genl_connect(sl.sk));
		/*
		 * A slow loop may find its queue full: drop, do not fail. The
		 * flood starts with the listen, before its ACK, which must
		 * still find room (a stalled VM queues many requests first):
		 * a queue of seconds of flood.
		 */
		setsockopt(nl_socket_get_fd(sl.sk), SOL_NETLINK,
			   NETLINK_NO_ENOBUFS, &one, sizeof(one));
		setsockopt(nl_socket_get_fd(sl.sk), SOL_SOCKET,
			   SO_RCVBUFFORCE, &big, sizeof(big));
		r = mbnl_req(&sl, METERBUS_CMD_SLAVE_LISTEN, 0, (struct mbnl_attr []){
			MBNL_U32(METERBUS_A_SLAVE_ID, self->id), MBNL_END });
		ASSERT_EQ(0, r.err) TH_LOG("listen %d: %s", i, r.ext);
		/* every 16th socket reads a request, the others close at once */
		if (!(i & 15)) {
			nl_socket_disable_seq_check(sl.sk);
			frames += mbnl_wait_ntf(&sl, METERBUS_CMD_SLAVE_FRAME, 20).done;
		}
		mbnl_close(&sl);
		cycles++;
	}
	TH_LOG("%d listeners opened and closed, %d requests read", cycles,
	       frames);

	ASSERT_EQ(0, mbnl_open(&sl));
	nl_socket_disable_seq_check(sl.sk);
	r = mbnl_req(&sl, METERBUS_CMD_SLAVE_LISTEN, 0, (struct mbnl_attr []){
		MBNL_U32(METERBUS_A_SLAVE_ID, self->id), MBNL_END });
	ASSERT_EQ(0, r.err);
	r = mbnl_wait_ntf(&sl, METERBUS_CMD_SLAVE_FRAME, 2000);
	EXPECT_EQ(1, r.done);
	EXPECT_EQ(5, r.frame_len);
	mbnl_close(&sl);
	peer_stop(self->peer);
	self->peer = -1;
	EXPECT_EQ(0, mbnl_bus_set(&self->nl, self->id, 2400, 1,
				  METERBUS_ROLE_MASTER).err);
}

MBUS_TEST(unbind_during_transfer)
{
	const char *args[] = { "silent", NULL };
	const char *drv = "/sys/bus/serial/drivers/smcard-mbus";
	char link[PATH_MAX], dev[64];
	struct mbnl_reply r;
	pid_t pid;
	ssize_t n;
	char *name;
	long tx;

	n = readlink("/sys/class/meterbus/mbus0/device", link, sizeof(link) - 1);
	if (n < 0) {
		/* the bus has another number after an earlier rebind */
		char p[64];

		snprintf(p, sizeof(p), "/sys/class/meterbus/mbus%u/device", self->id);
		n = readlink(p, link, sizeof(link) - 1);
	}
	ASSERT_LT(0, n);
	link[n] = 0;
	name = strrchr(link, '/') + 1;
	snprintf(dev, sizeof(dev), "%s", name);

	ASSERT_EQ(0, mbnl_bus_set(&self->nl, self->id, 300, -1, -1).err);
	self->peer = peer_start(args);
	ASSERT_LT(0, self->peer);
	tx = wire_tx();
	pid = fork();
	if (!pid) {
		char path[PATH_MAX];

		/* unbind while the request waits for its (absent) answer */
		wait_wire_tx(tx, sizeof(snd_nke7));
		snprintf(path, sizeof(path), "%s/unbind", drv);
		_exit(write_file(path, dev) ? 1 : 0);
	}
	r = mbnl_req(&self->nl, METERBUS_CMD_XFER, 0, XFER(snd_nke7));
	waitpid(pid, NULL, 0);
	EXPECT_EQ(-ENODEV, r.err) TH_LOG("result %u", r.result);
	EXPECT_EQ(-ENODEV, mbnl_bus_get(&self->nl, self->id).err);

	snprintf(link, sizeof(link), "%s/bind", drv);
	ASSERT_EQ(0, write_file(link, dev));
	r = mbnl_req(&self->nl, METERBUS_CMD_BUS_GET, NLM_F_DUMP, NULL);
	ASSERT_EQ(1, r.done);
	EXPECT_EQ(0, mbnl_bus_set(&self->nl, r.id, 2400, 1, -1).err);
}

TEST_HARNESS_MAIN
