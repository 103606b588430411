// SPDX-License-Identifier: GPL-2.0
/*
 * smcard-sim UARTs: a byte stream written on the peer device comes out of
 * the tty, and one written on the tty comes out of the peer, unchanged and
 * taking the wire time of the configured baud rate and character frame
 * (start + data + parity + stop bits) within 5 %.
 *
 * Not faster: from the first write to the arrival of the last byte takes
 * at least n character times (less 5 %); nothing can shorten that. Not
 * slower: from the arrival of the first byte to that of the last takes at
 * most (n - 1) character times (plus 5 %) plus the time the emulator was
 * seen stalled meanwhile. The guest is an emulated machine on a shared
 * host that deschedules it now and then; a stall can starve the writer or
 * delay the reader, never the simulator's clock, so the stalls recorded in
 * the same run by lib/stallwatch.h are the control.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "stallwatch.h"

#define TOLERANCE	0.05

struct link {
	const char *name;	/* label of the UART node */
	const char *tty;
	const char *peer;
};

struct mode {
	const char *name;	/* as the simulator's termios file shows it */
	speed_t speed;
	unsigned int baud;
	tcflag_t cflag;
	unsigned int bits;	/* per character on the wire */
	size_t len;		/* 2.5 s of data */
};

static const struct link links[] = {
	{ "serial", "/dev/ttySIM0", "/dev/smcard-sim-serial" },
	{ "p1", "/dev/ttySIM2", "/dev/smcard-sim-p1" },
};

static const struct mode modes[] = {
	{ "2400 8E1", B2400, 2400, CS8 | PARENB, 11, 550 },
	{ "115200 8N1", B115200, 115200, CS8, 10, 28800 },
};

static struct stallwatch watch;

/* What one stream took, CLOCK_MONOTONIC ns */
struct timing {
	int64_t start;		/* the first write */
	int64_t first, last;	/* arrival of the first and the last byte */
};

static int tty_setup(int fd, const struct mode *m)
{
	struct termios t;

	if (tcgetattr(fd, &t))
		return -1;
	cfmakeraw(&t);
	t.c_cflag &= ~(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
	t.c_cflag |= m->cflag | CREAD | CLOCAL;
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	if (cfsetispeed(&t, m->speed) || cfsetospeed(&t, m->speed))
		return -1;
	if (tcsetattr(fd, TCSANOW, &t))
		return -1;
	return tcflush(fd, TCIOFLUSH);
}

/* Empty whatever an earlier run left in a non-blocking fd. */
static void drain(int fd)
{
	unsigned char junk[256];

	while (read(fd, junk, sizeof(junk)) > 0)
		;
}

struct writer {
	int fd;
	const unsigned char *buf;
	size_t len;
	int err;
};

/* Blocking writes, so the kernel refills the transmitter without delay. */
static void *writer_run(void *arg)
{
	struct writer *w = arg;
	size_t done = 0;
	ssize_t n;

	while (done < w->len) {
		n = write(w->fd, w->buf + done, w->len - done);
		if (n < 0) {
			w->err = errno;
			break;
		}
		done += n;
	}
	return NULL;
}

/*
 * Write @len bytes to @wfd while reading them back from @rfd; fills @t.
 * Returns 0, or -1 if the bytes did not all come back.
 */
static int pump(int wfd, int rfd, const unsigned char *buf,
		unsigned char *rbuf, size_t len, struct timing *t)
{
	struct writer w = { .fd = wfd, .buf = buf, .len = len };
	pthread_t thread;
	size_t rd = 0;
	ssize_t n;

	if (fcntl(wfd, F_SETFL, 0))
		return -1;
	t->start = stallwatch_now();
	if (pthread_create(&thread, NULL, writer_run, &w))
		return -1;
	while (rd < len) {
		struct pollfd p = { .fd = rfd, .events = POLLIN };

		if (poll(&p, 1, 3000) <= 0) {
			ksft_print_msg("stalled after %zu of %zu bytes\n", rd, len);
			break;
		}
		n = read(rfd, rbuf + rd, len - rd);
		if (n < 0 && errno != EAGAIN)
			break;
		if (n > 0) {
			t->last = stallwatch_now();
			if (!rd)
				t->first = t->last;
			rd += n;
		}
	}
	pthread_join(thread, NULL);
	if (w.err)
		ksft_print_msg("write: %s\n", strerror(w.err));
	return rd == len && !w.err ? 0 : -1;
}

static void check_termios(const struct link *l, const struct mode *m)
{
	char path[128], line[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/smcard-sim/%s/termios",
		 l->name);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		fclose(f);
	}
	line[strcspn(line, "\n")] = '\0';
	if (strcmp(line, m->name))
		ksft_print_msg("%s: simulator reports '%s'\n", l->name, line);
}

/* One stream; returns 1 if it took the wire time, 0 if not, -1 on error. */
static int stream(const struct link *l, const struct mode *m, int to_tty,
		  const char *dir)
{
	unsigned char *buf = malloc(m->len), *rbuf = malloc(m->len);
	double ch = 1e9 * m->bits / m->baud;	/* ns per character */
	double total, span, stalled;
	int tty = -1, peer = -1, ret = -1;
	struct timing t;
	size_t i;

	tty = open(l->tty, O_RDWR | O_NOCTTY | O_NONBLOCK);
	peer = open(l->peer, O_RDWR | O_NONBLOCK);
	if (tty < 0 || peer < 0 || !buf || !rbuf || tty_setup(tty, m)) {
		ksft_print_msg("%s %s %s: setup: %s\n", l->name, m->name, dir,
			       strerror(errno));
		goto out;
	}
	check_termios(l, m);
	drain(peer);
	for (i = 0; i < m->len; i++)
		buf[i] = i * 7 + 3;

	if (to_tty ? pump(peer, tty, buf, rbuf, m->len, &t) :
		     pump(tty, peer, buf, rbuf, m->len, &t)) {
		ksft_print_msg("%s %s %s: transfer failed\n", l->name, m->name,
			       dir);
		goto out;
	}
	if (memcmp(buf, rbuf, m->len)) {
		ksft_print_msg("%s %s %s: data differs\n", l->name, m->name,
			       dir);
		goto out;
	}
	stallwatch_settle();
	/* from the first write: n characters at least */
	total = (t.last - t.start) / (m->len * ch) - 1;
	/* first to last arrival: n - 1 characters, plus what stalls took */
	span = (t.last - t.first) / ((m->len - 1) * ch) - 1;
	stalled = stallwatch_stalled(&watch, t.first, t.last) /
		  ((m->len - 1) * ch);
	ksft_print_msg("%s %s %s: %zu bytes in %.1f ms, wire time %.1f ms (%+.2f %%; from the first write %+.2f %%); the emulator stalled %.1f ms (%.2f %%)\n",
		       l->name, m->name, dir, m->len, (t.last - t.first) / 1e6,
		       (m->len - 1) * ch / 1e6, span * 100, total * 100,
		       stalled * (m->len - 1) * ch / 1e6, stalled * 100);
	ret = total >= -TOLERANCE && span <= TOLERANCE + stalled;
out:
	if (tty >= 0)
		close(tty);
	if (peer >= 0)
		close(peer);
	free(buf);
	free(rbuf);
	return ret;
}

static void run(const struct link *l, const struct mode *m, int to_tty)
{
	const char *dir = to_tty ? "peer->tty" : "tty->peer";

	if (access(l->tty, F_OK)) {
		ksft_test_result_skip("%s %s %s: no %s (serdev?)\n", l->name,
				      m->name, dir, l->tty);
		return;
	}
	ksft_test_result(stream(l, m, to_tty, dir) == 1,
			 "%s %s %s within 5%% of wire time (emulator stalls excepted)\n",
			 l->name, m->name, dir);
}

int main(void)
{
	size_t l, m;

	ksft_print_header();
	ksft_set_plan(ARRAY_SIZE(links) * ARRAY_SIZE(modes) * 2);
	if (stallwatch_start(&watch, NULL))
		ksft_exit_fail_msg("stallwatch: cannot start its threads\n");
	for (l = 0; l < ARRAY_SIZE(links); l++)
		for (m = 0; m < ARRAY_SIZE(modes); m++) {
			run(&links[l], &modes[m], 1);
			run(&links[l], &modes[m], 0);
		}
	ksft_print_msg("the emulator stalled %d times\n", stallwatch_count(&watch));
	ksft_finished();
}
