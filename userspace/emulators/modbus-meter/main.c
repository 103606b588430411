// SPDX-License-Identifier: GPL-2.0
/*
 * modbus-meter: a Modbus energy meter (libmodbus server) for tests and
 * the demo, over TCP or RTU (a serial port, e.g. the simulator's peer
 * device /dev/smcard-sim-serial).
 *
 * Register map (input registers, float32 ABCD unless noted; the same
 * values are mirrored in holding registers):
 *   0  voltage V        2  current A         4  power W
 *   6  frequency Hz     8  import kWh       10  export kWh
 *  20  uint32 ABCD: read sequence — 1 on the first read of it, then +1
 *      for every read, so a client's readings can be checked for gaps
 *  22  int16 temperature in 0.1 °C
 * Addresses beyond 23 answer with ILLEGAL DATA ADDRESS.
 *
 *   modbus-meter --tcp PORT [--bind ADDR] [--seq-file F] [--port-file F]
 *   modbus-meter --rtu TTY [--baud N] [--parity N|E|O] [--slave ID]
 *   common: --count N (stop after N requests), --quiet
 *   modbus-meter --tcp PORT --silent: accepts connections and never
 *   answers (a meter that hangs), for tests of the client's timeouts
 * With --tcp 0 a free port is chosen and written to --port-file. The
 * last sequence value served is written to --seq-file after each read.
 *
 * libmodbus's RTU backend needs a tty (it sets the line with tcsetattr()).
 * The simulator's peer devices (/dev/smcard-sim-*) are plain character
 * devices that follow whatever the card's tty is set to, so for a device
 * that is not a tty the meter serves on a pseudo-terminal and a bridge
 * thread copies bytes between it and the device. The bytes keep the
 * peer's wire pacing, so libmodbus sees the frame timing of the line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <modbus.h>

#include "modbus_regs.h"

#define NREGS 24

struct meter {
	modbus_mapping_t *map;
	uint32_t seq;
	double import_kwh, export_kwh;
	struct timespec last;
	const char *seq_file;
	bool quiet;
	bool silent;
};

static void put_float(struct meter *m, int addr, double v)
{
	mbreg_encode(v, MBREG_FLOAT32, MBREG_ABCD, &m->map->tab_input_registers[addr]);
}

/* Advance the model to now and refresh the register file. */
static void update(struct meter *m)
{
	struct timespec now;
	double dt, t, p;

	clock_gettime(CLOCK_MONOTONIC, &now);
	dt = (double)(now.tv_sec - m->last.tv_sec) + (now.tv_nsec - m->last.tv_nsec) / 1e9;
	m->last = now;
	t = (double)now.tv_sec;
	p = 1800 + 600 * sin(t / 60);
	m->import_kwh += p * dt / 3.6e6;
	put_float(m, 0, 230.0 + 2 * sin(t / 7));
	put_float(m, 2, p / 230.0);
	put_float(m, 4, p);
	put_float(m, 6, 50.0 + 0.02 * sin(t / 11));
	put_float(m, 8, m->import_kwh);
	put_float(m, 10, m->export_kwh);
	mbreg_encode(m->seq, MBREG_UINT32, MBREG_ABCD, &m->map->tab_input_registers[20]);
	m->map->tab_input_registers[22] = (uint16_t)(int16_t)215;
	memcpy(m->map->tab_registers, m->map->tab_input_registers, NREGS * sizeof(uint16_t));
}

/* Does request @req (without the ADU header) read register 20? */
static bool reads_seq(const uint8_t *pdu)
{
	unsigned int fn = pdu[0], addr = (unsigned int)pdu[1] << 8 | pdu[2];
	unsigned int n = (unsigned int)pdu[3] << 8 | pdu[4];

	return (fn == 3 || fn == 4) && addr <= 20 && addr + n > 20;
}

static void write_seq(const struct meter *m)
{
	char tmp[512];
	FILE *f;

	if (!m->seq_file)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", m->seq_file);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "%u\n", m->seq);
	fclose(f);
	rename(tmp, m->seq_file);
}

static int serve_one(struct meter *m, modbus_t *ctx)
{
	uint8_t req[MODBUS_TCP_MAX_ADU_LENGTH];
	int hdr = modbus_get_header_length(ctx);
	int n = modbus_receive(ctx, req);

	if (n <= 0)
		return n < 0 ? -1 : 0;	/* 0: not for us (RTU) */
	if (n > hdr + 4 && reads_seq(req + hdr))
		m->seq++;
	update(m);
	if (modbus_reply(ctx, req, n, m->map) < 0)
		return -1;
	if (n > hdr + 4 && reads_seq(req + hdr))
		write_seq(m);
	return 1;
}

static int run_tcp(struct meter *m, const char *bind_addr, int port,
		   const char *port_file, long count)
{
	modbus_t *ctx = modbus_new_tcp(bind_addr, port);
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int lfd, cfd = -1;
	long served = 0;

	if (!ctx)
		return 1;
	lfd = modbus_tcp_listen(ctx, 4);
	if (lfd < 0) {
		fprintf(stderr, "modbus-meter: listen: %s\n", modbus_strerror(errno));
		return 1;
	}
	getsockname(lfd, (struct sockaddr *)&sa, &len);
	if (port_file) {
		FILE *f = fopen(port_file, "w");

		if (f) {
			fprintf(f, "%d\n", ntohs(sa.sin_port));
			fclose(f);
		}
	}
	if (!m->quiet)
		fprintf(stderr, "modbus-meter: listening on %s:%d\n", bind_addr, ntohs(sa.sin_port));
	while (m->silent) {
		/* keep every connection open, read nothing, answer nothing */
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0 && errno != EINTR)
			break;
	}
	while (!count || served < count) {
		struct pollfd p[2] = { { .fd = lfd, .events = POLLIN }, { .fd = cfd, .events = POLLIN } };

		if (poll(p, cfd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents & POLLIN) {
			int fd = accept(lfd, NULL, NULL);

			if (fd >= 0) {
				if (cfd >= 0)
					close(cfd);	/* one client at a time: the newest */
				cfd = fd;
			}
			continue;
		}
		if (cfd >= 0 && p[1].revents) {
			modbus_set_socket(ctx, cfd);
			if (serve_one(m, ctx) < 0) {
				close(cfd);
				cfd = -1;
			} else {
				served++;
			}
		}
	}
	if (cfd >= 0)
		close(cfd);
	close(lfd);
	modbus_free(ctx);
	return 0;
}

/* Copy bytes both ways between the device and the pty master. */
struct bridge {
	int dev, pty;
};

static int copy(int from, int to)
{
	uint8_t buf[512];
	ssize_t n = read(from, buf, sizeof(buf)), off = 0;

	if (n < 0)
		return errno == EAGAIN || errno == EINTR || errno == EIO ? 0 : -1;
	if (n == 0)
		return -1;
	while (off < n) {
		ssize_t w = write(to, buf + off, (size_t)(n - off));

		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR) {
				usleep(1000);
				continue;
			}
			return -1;
		}
		off += w;
	}
	return 0;
}

static void *bridge_run(void *arg)
{
	struct bridge *b = arg;

	for (;;) {
		struct pollfd p[2] = { { .fd = b->dev, .events = POLLIN },
				       { .fd = b->pty, .events = POLLIN } };

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if ((p[0].revents & POLLIN) && copy(b->dev, b->pty))
			break;
		/* POLLHUP on the master: no slave open right now */
		if ((p[1].revents & POLLIN) && copy(b->pty, b->dev))
			break;
		if ((p[1].revents & POLLHUP) && !(p[1].revents & POLLIN))
			usleep(10000);
	}
	return NULL;
}

/*
 * @path is a tty: use it. Otherwise open it, create a pty whose slave
 * name goes to @out, and bridge the two. 0 or -1 (message printed).
 */
static int rtu_path(const char *path, char *out, size_t size)
{
	static struct bridge b;
	struct termios tio;
	pthread_t th;
	int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "modbus-meter: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (isatty(fd)) {
		close(fd);
		snprintf(out, size, "%s", path);
		return 0;
	}
	b.dev = fd;
	b.pty = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (b.pty < 0 || grantpt(b.pty) || unlockpt(b.pty) || !ptsname(b.pty)) {
		fprintf(stderr, "modbus-meter: pseudo-terminal: %s\n", strerror(errno));
		return -1;
	}
	/* the master side passes bytes through untouched */
	if (!tcgetattr(b.pty, &tio)) {
		cfmakeraw(&tio);
		tcsetattr(b.pty, TCSANOW, &tio);
	}
	snprintf(out, size, "%s", ptsname(b.pty));
	if (pthread_create(&th, NULL, bridge_run, &b)) {
		fprintf(stderr, "modbus-meter: bridge thread failed\n");
		return -1;
	}
	pthread_detach(th);
	return 0;
}

static int run_rtu(struct meter *m, const char *path, int baud, char parity,
		   int slave, long count)
{
	char tty[256];
	modbus_t *ctx;
	long served = 0;

	if (rtu_path(path, tty, sizeof(tty)))
		return 1;
	ctx = modbus_new_rtu(tty, baud, parity, 8, 1);

	if (!ctx || modbus_set_slave(ctx, slave) || modbus_connect(ctx)) {
		fprintf(stderr, "modbus-meter: %s: %s\n", tty, modbus_strerror(errno));
		return 1;
	}
	if (!m->quiet)
		fprintf(stderr, "modbus-meter: slave %d on %s%s%s, %d %c\n", slave, path,
			strcmp(tty, path) ? " through " : "", strcmp(tty, path) ? tty : "",
			baud, parity);
	while (!count || served < count) {
		int r = serve_one(m, ctx);

		if (r > 0)
			served++;
		else if (r < 0 && errno != ETIMEDOUT && errno != EMBBADCRC && errno != EMBBADDATA)
			break;
	}
	modbus_close(ctx);
	modbus_free(ctx);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tcp", required_argument, NULL, 't' },
		{ "bind", required_argument, NULL, 'b' },
		{ "port-file", required_argument, NULL, 'P' },
		{ "seq-file", required_argument, NULL, 's' },
		{ "rtu", required_argument, NULL, 'r' },
		{ "baud", required_argument, NULL, 'B' },
		{ "parity", required_argument, NULL, 'p' },
		{ "slave", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "silent", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct meter m = { .import_kwh = 12345.6, .export_kwh = 789.0 };
	const char *tty = NULL, *bind_addr = "127.0.0.1", *port_file = NULL;
	int port = -1, baud = 9600, slave = 1, opt, ret;
	char parity = 'E';
	long count = 0;

	while ((opt = getopt_long(argc, argv, "t:b:P:s:r:B:p:i:c:qSh", opts, NULL)) != -1) {
		switch (opt) {
		case 't': port = atoi(optarg); break;
		case 'b': bind_addr = optarg; break;
		case 'P': port_file = optarg; break;
		case 's': m.seq_file = optarg; break;
		case 'r': tty = optarg; break;
		case 'B': baud = atoi(optarg); break;
		case 'p': parity = optarg[0]; break;
		case 'i': slave = atoi(optarg); break;
		case 'c': count = atol(optarg); break;
		case 'q': m.quiet = true; break;
		case 'S': m.silent = true; break;
		case 'h':
			printf("usage: modbus-meter --tcp PORT [--bind ADDR] [--port-file F] | --rtu TTY [--baud N] [--parity N|E|O] [--slave ID]\n"
			       "       [--seq-file F] [--count N] [--quiet] [--silent]\n");
			return 0;
		default:
			return 2;
		}
	}
	if ((port < 0) == !tty) {
		fprintf(stderr, "modbus-meter: give --tcp PORT or --rtu TTY\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	m.map = modbus_mapping_new(NREGS, NREGS, NREGS, NREGS);
	if (!m.map)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &m.last);
	update(&m);
	ret = tty ? run_rtu(&m, tty, baud, parity, slave, count) :
		    run_tcp(&m, bind_addr, port, port_file, count);
	modbus_mapping_free(m.map);
	return ret;
}
