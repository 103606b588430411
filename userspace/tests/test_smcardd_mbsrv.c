// SPDX-License-Identifier: GPL-2.0
/*
 * smcardd's Modbus TCP server on the host, end to end: the modbus-meter
 * emulator as the data source, smcardd with [modbus.server] on a free
 * port, and real clients: libmodbus's, mbpoll (Debian's) and raw sockets
 * for what no well-behaved client sends. Checks the register map, the
 * status block, several clients at once, the client limit, a client that
 * stalls mid-request while others are served, malformed requests (each
 * gets a Modbus exception or, for a stream that is not Modbus TCP, a
 * closed connection) and a bounded random-request run after which the
 * daemon is still alive and serving. Every wait is bounded.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <modbus.h>

#include "modbus_regs.h"

#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"

/* the layout of smcardd/mbmap.h, as a client knows it: from the documentation */
#define HDR_VALUES	4
#define SOURCES		100
#define VALUES		1000
#define AGE		20000
#define QUALITY		30000

FIXTURE(srv) {
	char dir[PATH_MAX];
	char bin[PATH_MAX];
	int port, mport;
	pid_t meter, daemon;
};

static int free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	getsockname(fd, (struct sockaddr *)&sa, &len);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static pid_t spawn(const char *log, char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

		dup2(fd, 1);
		dup2(fd, 2);
		setpgid(0, 0);
		/* the harness kills a test that times out: take these along */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static void stop_pid(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	waitpid(*pid, NULL, 0);
	*pid = 0;
}

static void msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static int raw_connect(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static modbus_t *client(FIXTURE_DATA(srv) *self)
{
	modbus_t *ctx = modbus_new_tcp("127.0.0.1", self->port);

	if (!ctx)
		return NULL;
	modbus_set_response_timeout(ctx, 3, 0);
	if (modbus_connect(ctx)) {
		modbus_free(ctx);
		return NULL;
	}
	return ctx;
}

static void client_free(modbus_t *ctx)
{
	if (ctx) {
		modbus_close(ctx);
		modbus_free(ctx);
	}
}

static int read_meter_port(const char *file)
{
	int port = -1;

	for (int i = 0; i < 100 && port <= 0; i++) {
		FILE *f = fopen(file, "r");

		if (f) {
			if (fscanf(f, "%d", &port) != 1)
				port = -1;
			fclose(f);
		}
		if (port <= 0)
			msleep(50);
	}
	return port;
}

FIXTURE_SETUP(srv)
{
	char path[PATH_MAX + 32], portfile[PATH_MAX + 16], exe[PATH_MAX + 16];
	char log[PATH_MAX + 16], conf[PATH_MAX + 16];
	char *margv[] = { exe, "--tcp", "0", "--port-file", portfile, "--quiet", NULL };
	char *dargv[] = { exe, "-f", "-c", conf, NULL };
	modbus_t *ctx = NULL;
	uint16_t q = 0xffff;
	ssize_t n;
	FILE *f;

	n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	ASSERT_GT(n, 0);
	path[n] = 0;
	snprintf(self->bin, sizeof(self->bin), "%s/../bin", dirname(path));
	snprintf(self->dir, sizeof(self->dir), "/tmp/smcardd-mbsrv-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));

	snprintf(exe, sizeof(exe), "%s/modbus-meter", self->bin);
	snprintf(portfile, sizeof(portfile), "%s/mport", self->dir);
	snprintf(log, sizeof(log), "%s/meter.log", self->dir);
	self->meter = spawn(log, margv);
	self->mport = read_meter_port(portfile);
	ASSERT_GT(self->mport, 0);

	self->port = free_port();
	snprintf(conf, sizeof(conf), "%s/smcardd.conf", self->dir);
	f = fopen(conf, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "[general]\nname = test\nlog_level = debug\n"
		"[spool]\npath = %s/spool.db\n"
		"[jsonl]\npath = %s/readings.jsonl\n"
		"[modbus.meter m]\ntransport = tcp\nhost = 127.0.0.1\nport = %d\n"
		"interval = 200ms\ntimeout_ms = 500\n"
		"register = voltage input 0 float32 unit=V\n"
		"register = power input 4 float32 unit=W\n"
		"register = energy input 8 float32 unit=kWh\n"
		"[modbus.server]\nport = %d\nmax_clients = 3\nidle_timeout = 30s\n"
		"map = 1000 modbus/m voltage\n"
		"map = 1002 modbus/m energy type=uint32 scale=1000\n"
		"map_file = %s/map.conf\n",
		self->dir, self->dir, self->mport, self->port, self->dir);
	fclose(f);
	snprintf(exe, sizeof(exe), "%s/smcardd", self->bin);
	snprintf(log, sizeof(log), "%s/smcardd.log", self->dir);
	self->daemon = spawn(log, dargv);
	/* up when the pinned voltage has a good value */
	for (int i = 0; i < 200 && q != 0; i++) {
		if (!ctx)
			ctx = client(self);
		if (ctx && modbus_read_registers(ctx, QUALITY, 1, &q) != 1)
			q = 0xffff;
		if (q)
			msleep(50);
	}
	client_free(ctx);
	ASSERT_EQ(0, q);
}

FIXTURE_TEARDOWN(srv)
{
	char cmd[PATH_MAX + 64];

	stop_pid(&self->daemon);
	stop_pid(&self->meter);
	if (self->dir[0] && !getenv("SMCARDD_E2E_KEEP")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
		system(cmd);
	}
}

static bool alive(FIXTURE_DATA(srv) *self)
{
	return waitpid(self->daemon, NULL, WNOHANG) == 0;
}

TEST_F_TIMEOUT(srv, registers_and_status, 60)
{
	modbus_t *ctx = client(self), *meter = modbus_new_tcp("127.0.0.1", self->mport);
	uint16_t h[16], in[16], r[4], src[4], age, e[2];
	double v, energy, want;
	char cmd[PATH_MAX + 256], out[4096] = "", *at;
	size_t got = 0;
	FILE *p;

	ASSERT_NE(NULL, ctx);
	ASSERT_EQ(15, modbus_read_registers(ctx, 0, 15, h));
	EXPECT_EQ(0x534d, h[0]);			/* "SM" */
	EXPECT_EQ(1, h[1]);				/* layout */
	EXPECT_GE(h[HDR_VALUES], 3);			/* voltage, energy, power */
	EXPECT_EQ(1, h[5]);				/* sources: the meter */
	EXPECT_EQ(0, h[12]);				/* writes refused */
	ASSERT_EQ(15, modbus_read_input_registers(ctx, 0, 15, in));
	EXPECT_EQ(0, memcmp(h, in, 4 * sizeof(h[0])));	/* the same table */

	/* pinned: voltage float32 ABCD, energy uint32 in Wh */
	ASSERT_EQ(4, modbus_read_input_registers(ctx, VALUES, 4, r));
	mbreg_decode(r, MBREG_FLOAT32, MBREG_ABCD, &v);
	EXPECT_TRUE(v > 227 && v < 233);
	mbreg_decode(r + 2, MBREG_UINT32, MBREG_ABCD, &energy);
	ASSERT_EQ(0, modbus_connect(meter));
	ASSERT_EQ(2, modbus_read_input_registers(meter, 8, 2, e));
	mbreg_decode(e, MBREG_FLOAT32, MBREG_ABCD, &want);
	TH_LOG("voltage %.2f V, energy register %.0f Wh, meter %.3f kWh", v, energy, want);
	EXPECT_TRUE(fabs(energy - want * 1000) < 50);
	client_free(meter);

	/* the automatic slot: power, first seen after the pinned ones */
	ASSERT_EQ(2, modbus_read_registers(ctx, VALUES + 4, 2, r));
	mbreg_decode(r, MBREG_FLOAT32, MBREG_ABCD, &v);
	EXPECT_TRUE(v >= 1200 && v <= 2400);
	ASSERT_EQ(1, modbus_read_registers(ctx, AGE + 2, 1, &age));
	EXPECT_LE(age, 2);
	/* the meter's source slot: up, no failures, no alarms, fresh */
	ASSERT_EQ(4, modbus_read_registers(ctx, SOURCES, 4, src));
	EXPECT_EQ(1, src[0]);
	EXPECT_EQ(0, src[1]);
	EXPECT_EQ(0, src[2]);
	EXPECT_LE(src[3], 2);
	/* slots never used: age 65535, quality 3 (no value) */
	ASSERT_EQ(1, modbus_read_registers(ctx, QUALITY + 4000, 1, &age));
	EXPECT_EQ(3, age);
	client_free(ctx);

	/* mbpoll, Debian's client: the voltage as a big-endian float */
	snprintf(cmd, sizeof(cmd), "mbpoll -m tcp -p %d -a 1 -0 -r %d -c 1 -t 3:float -B -1 127.0.0.1 </dev/null 2>&1",
		 self->port, VALUES);
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	while (got < sizeof(out) - 1 && fgets(out + got, (int)(sizeof(out) - got), p))
		got += strlen(out + got);
	EXPECT_EQ(0, pclose(p));
	at = strstr(out, "[1000]:");
	if (at)
		at[strcspn(at, "\n")] = 0;
	TH_LOG("mbpoll: %s", at ? at : out);
	ASSERT_NE(NULL, at);
	v = strtod(at + 7, NULL);
	EXPECT_TRUE(v > 227 && v < 233);

	/* the map as configuration lines, within the 5 s the server waits */
	for (int i = 0; i < 80; i++) {
		snprintf(cmd, sizeof(cmd), "grep -q '^map = 1004 modbus/m power type=float32' %s/map.conf 2>/dev/null",
			 self->dir);
		if (!system(cmd))
			break;
		msleep(100);
	}
	EXPECT_EQ(0, system(cmd));
	EXPECT_TRUE(alive(self));
}

/* Send @req (@len bytes); the answer's function byte, or -1 when closed. */
static int ask(int fd, const uint8_t *req, size_t len, uint8_t *rsp, size_t *rlen)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (send(fd, req, len, MSG_NOSIGNAL) != (ssize_t)len)
		return -1;
	*rlen = 0;
	while (*rlen < 9) {
		if (poll(&p, 1, 5000) != 1)
			return -2;
		n = recv(fd, rsp + *rlen, 260 - *rlen, 0);
		if (n <= 0)
			return -1;
		*rlen += (size_t)n;
	}
	while (*rlen < 6u + (rsp[4] << 8 | rsp[5])) {
		if (poll(&p, 1, 5000) != 1)
			return -2;
		n = recv(fd, rsp + *rlen, 260 - *rlen, 0);
		if (n <= 0)
			return -1;
		*rlen += (size_t)n;
	}
	return rsp[7];
}

/* An MBAP frame around @pdu for unit @unit. */
static size_t frame(uint8_t *out, uint16_t tid, uint8_t unit, const uint8_t *pdu, size_t plen)
{
	out[0] = tid >> 8;
	out[1] = tid & 0xff;
	out[2] = out[3] = 0;
	out[4] = (uint8_t)((plen + 1) >> 8);
	out[5] = (uint8_t)((plen + 1) & 0xff);
	out[6] = unit;
	memcpy(out + 7, pdu, plen);
	return plen + 7;
}

/* Whether the connection was closed by the server. */
static bool closed(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char b;

	return poll(&p, 1, 5000) == 1 && recv(fd, &b, 1, 0) == 0;
}

TEST_F_TIMEOUT(srv, malformed_requests, 60)
{
	static const struct {
		const char *what;
		uint8_t unit;
		uint8_t pdu[12];
		size_t len;
		int exc;		/* expected exception, 0: a normal answer */
	} cases[] = {
		{ "read 2 holding registers", 1, { 3, 0x03, 0xe8, 0, 2 }, 5, 0 },
		{ "unit 255 is the server too", 255, { 4, 0, 0, 0, 1 }, 5, 0 },
		{ "unknown function 0x2b", 1, { 0x2b, 0x0e, 1, 0 }, 4, 1 },
		{ "function 0x41", 1, { 0x41 }, 1, 1 },
		{ "truncated read", 1, { 3, 0, 0 }, 3, 3 },
		{ "read with extra bytes", 1, { 3, 0, 0, 0, 1, 9, 9 }, 7, 3 },
		{ "quantity 0", 1, { 3, 0, 0, 0, 0 }, 5, 3 },
		{ "quantity 126", 1, { 3, 0, 0, 0, 126 }, 5, 3 },
		{ "beyond the map", 1, { 3, 0xfd, 0xe8, 0, 1 }, 5, 2 },
		{ "bits beyond the map", 1, { 1, 0xfd, 0xe8, 0, 1 }, 5, 2 },
		{ "unit 9 is not here", 9, { 3, 0, 0, 0, 1 }, 5, 11 },
		{ "write a holding register", 1, { 6, 0x03, 0xe8, 0, 1 }, 5, 1 },
		{ "write registers", 1, { 16, 0, 0, 0, 1, 2, 0, 1 }, 8, 1 },
		{ "byte count that lies", 1, { 15, 0, 0, 0, 1, 2, 1 }, 7, 3 },
		{ "coil quantity and bytes disagree", 1, { 15, 0, 0, 0, 9, 1, 1 }, 7, 3 },
		{ "coil value 0x1234", 1, { 5, 0, 0, 0x12, 0x34 }, 5, 3 },
		{ "2001 coils", 1, { 1, 0, 0, 0x07, 0xd1 }, 5, 3 },
		{ "read exception status (serial only)", 1, { 7 }, 1, 1 },
		{ "report server id", 1, { 17 }, 1, 0 },
		{ "write a coil (allow_write off)", 1, { 5, 0, 0, 0xff, 0 }, 5, 1 },
		{ "write coils (allow_write off)", 1, { 15, 0, 0, 0, 1, 1, 1 }, 7, 1 },
		{ "read/write registers", 1, { 23, 0, 0, 0, 1, 0, 0, 0, 1, 2, 0, 1 }, 12, 1 },
	};
	uint8_t req[300], rsp[300];
	size_t len, rlen;
	int fd = raw_connect(self->port);

	ASSERT_GE(fd, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int fc;

		len = frame(req, (uint16_t)(0x100 + i), cases[i].unit, cases[i].pdu, cases[i].len);
		fc = ask(fd, req, len, rsp, &rlen);
		if (fc < 0) {
			TH_LOG("%s: no answer (%d)", cases[i].what, fc);
			ASSERT_GE(fc, 0);
		}
		EXPECT_EQ(0x100 + i, rsp[0] << 8 | rsp[1]);	/* its transaction */
		EXPECT_EQ(cases[i].unit, rsp[6]);
		if (cases[i].exc) {
			if (fc != (cases[i].pdu[0] | 0x80) || rsp[8] != cases[i].exc)
				TH_LOG("%s: function 0x%02x, code %d", cases[i].what, fc, rsp[8]);
			EXPECT_EQ(cases[i].pdu[0] | 0x80, fc);
			EXPECT_EQ(cases[i].exc, rsp[8]);
		} else {
			EXPECT_EQ(cases[i].pdu[0], fc);
		}
	}
	close(fd);

	/* pipelined in one segment, a bad one among them: five answers in order */
	fd = raw_connect(self->port);
	ASSERT_GE(fd, 0);
	len = 0;
	for (int i = 0; i < 5; i++) {
		uint8_t good[] = { 4, 0, 0, 0, 2 }, bad_qty[] = { 3, 0, 0, 0, 200 };

		len += frame(req + len, (uint16_t)(0x500 + i), 1, i == 2 ? bad_qty : good, 5);
	}
	ASSERT_EQ((ssize_t)len, send(fd, req, len, MSG_NOSIGNAL));
	for (int i = 0; i < 5; i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		size_t want = i == 2 ? 9 : 13;

		rlen = 0;
		while (rlen < want && poll(&p, 1, 5000) == 1) {
			ssize_t n = recv(fd, rsp + rlen, want - rlen, 0);

			if (n <= 0)
				break;
			rlen += (size_t)n;
		}
		ASSERT_EQ(want, rlen);
		EXPECT_EQ(0x500 + i, rsp[0] << 8 | rsp[1]);
		EXPECT_EQ(i == 2 ? 0x83 : 4, rsp[7]);
	}
	close(fd);

	/* not Modbus TCP: the stream cannot be resynchronised, the client goes */
	{
		static const uint8_t proto1[] = { 0, 1, 0, 1, 0, 6, 1, 3, 0, 0, 0, 1 };
		static const uint8_t len0[] = { 0, 1, 0, 0, 0, 0, 1, 3 };
		static const uint8_t len300[] = { 0, 1, 0, 0, 0x01, 0x2c, 1, 3 };
		static const uint8_t *const streams[] = { proto1, len0, len300 };
		static const size_t lens[] = { sizeof(proto1), sizeof(len0), sizeof(len300) };

		for (int i = 0; i < 3; i++) {
			fd = raw_connect(self->port);
			ASSERT_GE(fd, 0);
			ASSERT_EQ((ssize_t)lens[i], send(fd, streams[i], lens[i], MSG_NOSIGNAL));
			EXPECT_TRUE(closed(fd));
			close(fd);
		}
	}
	EXPECT_TRUE(alive(self));
}

TEST_F_TIMEOUT(srv, clients_at_once_and_a_stalled_one, 90)
{
	modbus_t *c[4] = { 0 };
	uint16_t r;
	uint8_t req[16], rsp[300], part[] = { 3, 0x03, 0xe8, 0, 1 };
	size_t len, rlen;
	int slow, served = 0;
	struct pollfd p = { .events = POLLIN };

	/* max_clients = 3: the slow one and two libmodbus clients */
	slow = raw_connect(self->port);
	ASSERT_GE(slow, 0);
	p.fd = slow;
	c[0] = client(self);
	c[1] = client(self);
	ASSERT_NE(NULL, c[0]);
	ASSERT_NE(NULL, c[1]);
	ASSERT_EQ(1, modbus_read_registers(c[0], 0, 1, &r));
	ASSERT_EQ(1, modbus_read_registers(c[1], 0, 1, &r));
	/* a fourth is accepted by the kernel and closed by the server */
	c[2] = client(self);
	if (c[2]) {
		modbus_set_response_timeout(c[2], 1, 0);
		EXPECT_EQ(-1, modbus_read_registers(c[2], 0, 1, &r));
		client_free(c[2]);
		c[2] = NULL;
	}

	/* the slow client sends 3 bytes of its request and stalls for 3 s */
	len = frame(req, 0x4242, 1, part, sizeof(part));
	ASSERT_EQ(3, send(slow, req, 3, MSG_NOSIGNAL));
	for (struct timespec t0, t; ; ) {
		if (!served)
			clock_gettime(CLOCK_MONOTONIC, &t0);
		if (modbus_read_registers(c[served % 2], 0, 1, &r) == 1 && r == 0x534d)
			served++;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 > 3000)
			break;
	}
	TH_LOG("%d requests of other clients served while one stalled mid-request", served);
	EXPECT_GE(served, 10);
	/* the rest of the stalled request: answered */
	ASSERT_EQ((ssize_t)(len - 3), send(slow, req + 3, len - 3, MSG_NOSIGNAL));
	ASSERT_EQ(1, poll(&p, 1, 5000));
	rlen = (size_t)recv(slow, rsp, sizeof(rsp), 0);
	ASSERT_EQ(11u, rlen);
	EXPECT_EQ(0x4242, rsp[0] << 8 | rsp[1]);
	EXPECT_EQ(3, rsp[7]);
	close(slow);
	/* its slot is free again */
	msleep(200);
	c[3] = client(self);
	ASSERT_NE(NULL, c[3]);
	EXPECT_EQ(1, modbus_read_registers(c[3], 0, 1, &r));
	for (int i = 0; i < 4; i++)
		client_free(c[i]);
	EXPECT_TRUE(alive(self));
}

/* A bounded run of random requests in valid MBAP frames: every one answered. */
TEST_F_TIMEOUT(srv, random_requests, 120)
{
	static const uint8_t fcs[] = { 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 15, 16, 17, 20, 21,
				       22, 23, 24, 43, 0, 0x7f, 0x80, 0xff };
	static const uint8_t units[] = { 1, 1, 1, 255, 0, 9 };
	uint8_t pdu[253], req[300], rsp[300];
	unsigned int seed = 19;
	int fd = raw_connect(self->port), answered = 0, exceptions = 0;
	size_t len, rlen;
	modbus_t *ctx;
	uint16_t r;

	ASSERT_GE(fd, 0);
	for (int i = 0; i < 3000; i++) {
		size_t plen = 1 + (size_t)(rand_r(&seed) % (i % 10 ? 12 : 252));
		uint8_t unit = units[rand_r(&seed) % sizeof(units)];
		int fc;

		for (size_t k = 0; k < plen; k++)
			pdu[k] = (uint8_t)rand_r(&seed);
		pdu[0] = fcs[rand_r(&seed) % sizeof(fcs)];
		if (i % 3 == 0 && plen >= 5)
			pdu[3] = 0;	/* plausible quantities too */
		len = frame(req, (uint16_t)i, unit, pdu, plen);
		fc = ask(fd, req, len, rsp, &rlen);
		if (fc < 0) {
			TH_LOG("request %d (function 0x%02x, %zu bytes, unit %u): no answer (%d)",
			       i, pdu[0], plen, unit, fc);
			break;
		}
		ASSERT_EQ(i & 0xffff, rsp[0] << 8 | rsp[1]);
		answered++;
		exceptions += (fc & 0x80) != 0;
	}
	close(fd);
	TH_LOG("%d random requests answered, %d with an exception", answered, exceptions);
	EXPECT_EQ(3000, answered);
	EXPECT_TRUE(alive(self));
	ctx = client(self);
	ASSERT_NE(NULL, ctx);
	EXPECT_EQ(1, modbus_read_registers(ctx, 0, 1, &r));
	EXPECT_EQ(0x534d, r);
	client_free(ctx);
}

TEST_HARNESS_MAIN
