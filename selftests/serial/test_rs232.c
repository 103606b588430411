// SPDX-License-Identifier: GPL-2.0
/*
 * The card's serial port as RS232 at full speed with RTS/CTS hardware flow
 * control, through the smcard-serial transceiver driver and the
 * simulator's UART:
 *
 * - 500000 Bd 8N1 with CRTSCTS: a block of 150 KB reaches the far end
 *   unchanged, and from the first write to the return of tcdrain() it
 *   takes its wire time (bytes * 10 / 500000 s) within 5 %, plus the time
 *   the emulator was seen stalled meanwhile (lib/stallwatch.h: a stall
 *   starves the writer, never the simulated wire's clock). Not faster:
 *   that bound has no allowance.
 * - The far end deasserts CTS in the middle of a stream: the character
 *   being shifted out completes, no other one starts (the UART's transmit
 *   count stands still) and nothing arrives for 300 ms while TIOCOUTQ
 *   shows the bytes waiting; CTS asserted again, the rest arrives: every
 *   byte once, in order. TIOCMGET and TIOCGICOUNT see the CTS changes.
 * - CTS deasserted before a write holds back all of it.
 * - Without CRTSCTS a deasserted CTS stops nothing.
 * - RTS and DTR as set with TIOCMBIS / TIOCMBIC / TIOCMSET show on the far
 *   end (the simulator's serial/modem file).
 * - A far end that does not read deasserts CTS when its buffer is nearly
 *   full, as one with RTS/CTS flow control does: nothing is lost.
 *
 * The far end is the simulator's peer device; its CTS is serial/cts in
 * the simulator's debugfs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <linux/serial.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "stallwatch.h"

#define SIM		"/sys/kernel/debug/smcard-sim"
#define PEER		"/dev/smcard-sim-serial"
#define BAUD		500000
#define BIG		(150 * 1000)	/* 3 s on the wire */
#define MID		(100 * 1000)	/* the stream CTS interrupts: 2 s */
#define SMALL		3000		/* fits the UART's transmit buffer */
#define SLOW		30000		/* more than the far end buffers */
#define TOLERANCE	0.05
#define QUIET_MS	300

static char tty_path[PATH_MAX];
static struct stallwatch watch;

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

static int set_cts(int on)
{
	return write_str(SIM "/serial/cts", on ? "1" : "0");
}

/* What the simulator's UART counted: "tx N" of serial/stats */
static long long sim_stat(const char *key)
{
	char line[128];
	long long v = -1;
	size_t klen = strlen(key);
	FILE *f = fopen(SIM "/serial/stats", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ' ')
			v = atoll(line + klen + 1);
	fclose(f);
	return v;
}

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* The smcard-serial device and the tty behind its uart link */
static int find_port(char *knobs, size_t klen, char *tty, size_t tlen)
{
	char uart[PATH_MAX], path[PATH_MAX], real[PATH_MAX];
	struct dirent *de;
	glob_t g;
	DIR *d;
	int ret = -1;

	if (glob("/sys/bus/platform/devices/smcard-serial.*", 0, NULL, &g))
		return -1;
	snprintf(knobs, klen, "%s", g.gl_pathv[0]);
	globfree(&g);
	snprintf(path, sizeof(path), "%s/uart", knobs);
	if (!realpath(path, uart))
		return -1;
	d = opendir("/sys/class/tty");
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		snprintf(path, sizeof(path), "/sys/class/tty/%s", de->d_name);
		if (!realpath(path, real) ||
		    strncmp(real, uart, strlen(uart)) || real[strlen(uart)] != '/')
			continue;
		snprintf(tty, tlen, "/dev/%s", de->d_name);
		ret = 0;
		break;
	}
	closedir(d);
	return ret;
}

/* Raw 8N1 at @speed, CRTSCTS as asked; blocking. */
static int tty_open(speed_t speed, int crtscts)
{
	struct termios t;
	int fd;

	fd = open(tty_path, O_RDWR | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (tcgetattr(fd, &t))
		goto fail;
	cfmakeraw(&t);
	t.c_cflag &= ~(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
	t.c_cflag |= CS8 | CREAD | CLOCAL | (crtscts ? CRTSCTS : 0);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	if (cfsetispeed(&t, speed) || cfsetospeed(&t, speed) ||
	    tcsetattr(fd, TCSANOW, &t) || tcflush(fd, TCIOFLUSH))
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

/* Close without waiting for what CTS may still hold back. */
static void tty_close(int fd)
{
	tcflush(fd, TCOFLUSH);
	close(fd);
}

static int peer_open(void)
{
	unsigned char junk[1024];
	int fd = open(PEER, O_RDWR | O_NONBLOCK);

	if (fd >= 0)
		while (read(fd, junk, sizeof(junk)) > 0)
			;
	return fd;
}

/* The far end: reads everything that arrives, counting as it goes. */
struct reader {
	pthread_t thread;
	int fd;
	unsigned char *buf;
	size_t len;
	size_t got;		/* atomic */
	volatile int stop;
	int64_t last;		/* arrival of the last byte */
};

static void *reader_run(void *arg)
{
	struct reader *r = arg;
	size_t got = 0;
	ssize_t n;

	while (!r->stop && got < r->len) {
		struct pollfd p = { .fd = r->fd, .events = POLLIN };

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = read(r->fd, r->buf + got, r->len - got);
		if (n > 0) {
			got += n;
			r->last = stallwatch_now();
			__atomic_store_n(&r->got, got, __ATOMIC_RELEASE);
		} else if (n < 0 && errno != EAGAIN) {
			break;
		}
	}
	return NULL;
}

static size_t reader_got(struct reader *r)
{
	return __atomic_load_n(&r->got, __ATOMIC_ACQUIRE);
}

/* Wait up to @ms for @want bytes; the number there is. */
static size_t reader_wait(struct reader *r, size_t want, int ms)
{
	int64_t end = stallwatch_now() + ms * 1000000LL;

	while (reader_got(r) < want && stallwatch_now() < end)
		msleep(5);
	return reader_got(r);
}

static int reader_start(struct reader *r, int fd, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->len = len;
	r->buf = malloc(len);
	if (!r->buf)
		return -1;
	return pthread_create(&r->thread, NULL, reader_run, r) ? -1 : 0;
}

static void reader_stop(struct reader *r)
{
	r->stop = 1;
	pthread_join(r->thread, NULL);
	free(r->buf);
}

/* The tty side: one blocking write of the whole block, then tcdrain(). */
struct writer {
	pthread_t thread;
	int fd;
	const unsigned char *buf;
	size_t len;
	int err;
	int64_t start, drained;
};

static void *writer_run(void *arg)
{
	struct writer *w = arg;
	size_t done = 0;
	ssize_t n;

	w->start = stallwatch_now();
	while (done < w->len) {
		n = write(w->fd, w->buf + done, w->len - done);
		if (n < 0) {
			w->err = errno;
			return NULL;
		}
		done += n;
	}
	if (tcdrain(w->fd))
		w->err = errno;
	w->drained = stallwatch_now();
	return NULL;
}

static unsigned char *pattern(size_t len, unsigned int seed)
{
	unsigned char *buf = malloc(len);
	size_t i;

	for (i = 0; buf && i < len; i++)
		buf[i] = (i * 7 + seed) ^ (i >> 8);
	return buf;
}

/* Index of the first difference, or -1 */
static long differs(const unsigned char *a, const unsigned char *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (a[i] != b[i])
			return i;
	return -1;
}

static void modem_lines(char *buf, size_t len)
{
	if (read_str(SIM "/serial/modem", buf, len))
		snprintf(buf, len, "?");
}

/* (4) RTS and DTR reach the far end */
static void test_rts_dtr(void)
{
	static const struct {
		const char *what;
		int req, bits;
		const char *want;
	} steps[] = {
		{ "TIOCMBIC RTS", TIOCMBIC, TIOCM_RTS, "rts 0 dtr 1" },
		{ "TIOCMBIS RTS", TIOCMBIS, TIOCM_RTS, "rts 1 dtr 1" },
		{ "TIOCMBIC DTR", TIOCMBIC, TIOCM_DTR, "rts 1 dtr 0" },
		{ "TIOCMSET DTR", TIOCMSET, TIOCM_DTR, "rts 0 dtr 1" },
		{ "TIOCMSET RTS|DTR", TIOCMSET, TIOCM_RTS | TIOCM_DTR, "rts 1 dtr 1" },
	};
	char got[64];
	size_t i;
	int fd, ok = 1;

	fd = tty_open(B500000, 1);
	if (fd < 0) {
		ksft_test_result_fail("RTS/DTR: open %s: %s\n", tty_path,
				      strerror(errno));
		return;
	}
	modem_lines(got, sizeof(got));
	if (strncmp(got, "rts 1 dtr 1", 11)) {
		ksft_print_msg("after open: '%s', want RTS and DTR asserted\n", got);
		ok = 0;
	}
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		int bits = steps[i].bits;

		if (ioctl(fd, steps[i].req, &bits)) {
			ksft_print_msg("%s: %s\n", steps[i].what, strerror(errno));
			ok = 0;
			continue;
		}
		modem_lines(got, sizeof(got));
		if (strncmp(got, steps[i].want, strlen(steps[i].want))) {
			ksft_print_msg("%s: far end sees '%s', want '%s'\n",
				       steps[i].what, got, steps[i].want);
			ok = 0;
		}
	}
	tty_close(fd);
	ksft_test_result(ok, "RTS and DTR from TIOCMBIS/TIOCMBIC/TIOCMSET reach the far end\n");
}

/* CTS as the far end drives it, in TIOCMGET */
static void test_cts_seen(void)
{
	int fd, m0 = 0, m1 = 0, ok;

	fd = tty_open(B500000, 1);
	if (fd < 0) {
		ksft_test_result_fail("CTS: open %s: %s\n", tty_path, strerror(errno));
		return;
	}
	ok = !set_cts(0) && !ioctl(fd, TIOCMGET, &m0) &&
	     !set_cts(1) && !ioctl(fd, TIOCMGET, &m1);
	if (!ok)
		ksft_print_msg("serial/cts or TIOCMGET: %s\n", strerror(errno));
	ok = ok && !(m0 & TIOCM_CTS) && (m1 & TIOCM_CTS);
	tty_close(fd);
	ksft_test_result(ok, "TIOCMGET follows the far end's CTS (0x%x, 0x%x)\n",
			 m0, m1);
}

/* (1) a block at 500000 Bd takes its wire time */
static void test_full_speed(void)
{
	struct writer w = { 0 };
	struct reader r;
	unsigned char *buf = pattern(BIG, 3);
	double wire = 1e9 * BIG * 10 / BAUD, took, stalled;
	long long drop0 = sim_stat("peer_dropped"), held0 = sim_stat("peer_held");
	char termios[64] = "?";
	int tty = -1, peer = -1, ok = 0;
	size_t got;
	long bad;

	tty = tty_open(B500000, 1);
	peer = peer_open();
	if (!buf || tty < 0 || peer < 0 || set_cts(1) ||
	    reader_start(&r, peer, BIG)) {
		ksft_print_msg("setup: %s\n", strerror(errno));
		goto out;
	}
	read_str(SIM "/serial/termios", termios, sizeof(termios));
	if (strcmp(termios, "500000 8N1"))
		ksft_print_msg("the simulator's UART runs at '%s'\n", termios);
	w.fd = tty;
	w.buf = buf;
	w.len = BIG;
	if (pthread_create(&w.thread, NULL, writer_run, &w))
		goto out_reader;
	pthread_join(w.thread, NULL);
	got = reader_wait(&r, BIG, 2000);
	bad = differs(buf, r.buf, BIG);
	if (w.err)
		ksft_print_msg("write/tcdrain: %s\n", strerror(w.err));
	if (got != BIG || bad >= 0) {
		ksft_print_msg("the far end got %zu of %d bytes, first difference at %ld; peer_dropped %lld -> %lld\n",
			       got, BIG, bad, drop0, sim_stat("peer_dropped"));
		goto out_reader;
	}
	stallwatch_settle();
	took = w.drained - w.start;
	stalled = stallwatch_stalled(&watch, w.start, w.drained);
	ksft_print_msg("%d bytes at %s: %.1f ms from the first write to tcdrain(), wire time %.1f ms (%+.2f %%); the emulator stalled %.1f ms (%.2f %%); the far end's buffer held the stream %lld times\n",
		       BIG, termios, took / 1e6, wire / 1e6, (took / wire - 1) * 100,
		       stalled / 1e6, stalled / wire * 100,
		       sim_stat("peer_held") - held0);
	ok = !w.err && !strcmp(termios, "500000 8N1") &&
	     took >= wire * (1 - TOLERANCE) &&
	     took <= wire * (1 + TOLERANCE) + stalled;
out_reader:
	reader_stop(&r);
out:
	if (tty >= 0)
		tty_close(tty);
	if (peer >= 0)
		close(peer);
	free(buf);
	ksft_test_result(ok, "500000 Bd 8N1 with CRTSCTS: %d bytes intact, within 5%% of wire time (emulator stalls excepted)\n",
			 BIG);
}

static int tty_outq(int fd)
{
	int n = -1;

	return ioctl(fd, TIOCOUTQ, &n) ? -1 : n;
}

/* (2) CTS deasserted in the middle of a stream pauses it, losing nothing */
static void test_cts_pause(void)
{
	struct serial_icounter_struct ic0 = { 0 }, ic1 = { 0 };
	unsigned char *buf = pattern(MID, 11);
	struct writer w = { 0 };
	struct reader r;
	size_t got0, got1, got2;
	long long txs, tx0, tx1, tx2, drop0, held0, held;
	int tty = -1, peer = -1, ok = 0, outq, mctrl = 0, started = 0, changes;
	long bad;

	tty = tty_open(B500000, 1);
	peer = peer_open();
	if (!buf || tty < 0 || peer < 0 || set_cts(1) ||
	    reader_start(&r, peer, MID)) {
		ksft_print_msg("setup: %s\n", strerror(errno));
		goto out;
	}
	ioctl(tty, TIOCGICOUNT, &ic0);
	txs = sim_stat("tx");
	drop0 = sim_stat("peer_dropped");
	held0 = sim_stat("peer_held");
	w.fd = tty;
	w.buf = buf;
	w.len = MID;
	if (pthread_create(&w.thread, NULL, writer_run, &w))
		goto out_reader;
	started = 1;
	/* a tenth of the way */
	reader_wait(&r, MID / 10, 3000);
	set_cts(0);
	tx0 = sim_stat("tx");
	msleep(50);
	got0 = reader_got(&r);
	tx1 = sim_stat("tx");
	msleep(QUIET_MS);
	got1 = reader_got(&r);
	tx2 = sim_stat("tx");
	outq = tty_outq(tty);
	ioctl(tty, TIOCMGET, &mctrl);
	ksft_print_msg("CTS dropped: the UART had started %lld characters then, %lld after 50 ms and %lld after %d ms more; the far end had %zu and %zu, TIOCOUTQ %d\n",
		       tx0 - txs, tx1 - txs, tx2 - txs, QUIET_MS, got0, got1,
		       outq);
	/* all that started arrived: the one in flight too, nothing after */
	ok = got0 > 0 && got0 < MID && tx1 == tx0 && tx2 == tx0 &&
	     (long long)got0 == tx0 - txs && got1 == got0 && outq > 0 &&
	     !(mctrl & TIOCM_CTS);
	if (got0 >= MID)
		ksft_print_msg("the stream had ended before CTS dropped\n");

	set_cts(1);
	pthread_join(w.thread, NULL);
	started = 0;
	got2 = reader_wait(&r, MID, 3000);
	ioctl(tty, TIOCGICOUNT, &ic1);
	bad = differs(buf, r.buf, MID);
	if (w.err)
		ksft_print_msg("write/tcdrain: %s\n", strerror(w.err));
	if (got2 != MID || bad >= 0)
		ksft_print_msg("CTS asserted again: the far end got %zu of %d bytes, first difference at %ld; it missed %lld, its buffer held the stream %lld times\n",
			       got2, MID, bad, sim_stat("peer_dropped") - drop0,
			       sim_stat("peer_held") - held0);
	/*
	 * Down and up again: two changes, and up to two more each time the
	 * far end's buffer held the stream.
	 */
	changes = ic1.cts - ic0.cts;
	held = sim_stat("peer_held") - held0;
	if (changes < 2 || changes % 2 || changes > 2 + 2 * held)
		ksft_print_msg("TIOCGICOUNT counted %d CTS changes, the far end's buffer held the stream %lld times\n",
			       changes, held);
	ok = ok && !w.err && got2 == MID && bad < 0 && changes >= 2 &&
	     !(changes % 2) && changes <= 2 + 2 * held;
out_reader:
	if (started) {
		set_cts(1);
		pthread_join(w.thread, NULL);
	}
	reader_stop(&r);
out:
	set_cts(1);
	if (tty >= 0)
		tty_close(tty);
	if (peer >= 0)
		close(peer);
	free(buf);
	ksft_test_result(ok, "CTS deasserted mid-stream: the character in flight completes, then nothing for %d ms; asserted again, all %d bytes arrive once\n",
			 QUIET_MS, MID);
}

/*
 * Write @len bytes to @tty (they fit its buffer) with CTS deasserted.
 * Returns how many arrived within @ms, and the tty's TIOCOUTQ then.
 */
static size_t write_with_cts_off(int tty, struct reader *r,
				 const unsigned char *buf, size_t len, int ms,
				 int *outq)
{
	ssize_t n;

	n = write(tty, buf, len);
	if (n != (ssize_t)len)
		ksft_print_msg("write: %zd of %zu bytes\n", n, len);
	msleep(ms);
	*outq = tty_outq(tty);
	return reader_got(r);
}

/* (2) with CTS deasserted before the write, nothing goes out */
static void test_cts_hold(void)
{
	unsigned char *buf = pattern(SMALL, 5);
	int tty = -1, peer = -1, ok = 0, outq = -1;
	size_t quiet, got;
	struct reader r;
	long bad;

	tty = tty_open(B500000, 1);
	peer = peer_open();
	if (!buf || tty < 0 || peer < 0 || reader_start(&r, peer, SMALL)) {
		ksft_print_msg("setup: %s\n", strerror(errno));
		goto out;
	}
	set_cts(0);
	quiet = write_with_cts_off(tty, &r, buf, SMALL, QUIET_MS, &outq);
	set_cts(1);
	got = reader_wait(&r, SMALL, 2000);
	bad = differs(buf, r.buf, SMALL);
	ksft_print_msg("CTS off: %zu bytes arrived in %d ms, TIOCOUTQ %d; CTS on: %zu bytes, first difference at %ld\n",
		       quiet, QUIET_MS, outq, got, bad);
	ok = quiet == 0 && outq == SMALL && got == SMALL && bad < 0 &&
	     !tcdrain(tty);
	reader_stop(&r);
out:
	set_cts(1);
	if (tty >= 0)
		tty_close(tty);
	if (peer >= 0)
		close(peer);
	free(buf);
	ksft_test_result(ok, "CTS deasserted before a write with CRTSCTS: all %d bytes wait, then arrive\n",
			 SMALL);
}

/* (3) without CRTSCTS the port ignores CTS */
static void test_no_crtscts(void)
{
	unsigned char *buf = pattern(SMALL, 9);
	int tty = -1, peer = -1, ok = 0, outq = -1, mctrl = 0;
	struct reader r;
	size_t got;
	long bad;

	tty = tty_open(B500000, 0);
	peer = peer_open();
	if (!buf || tty < 0 || peer < 0 || reader_start(&r, peer, SMALL)) {
		ksft_print_msg("setup: %s\n", strerror(errno));
		goto out;
	}
	set_cts(0);
	ioctl(tty, TIOCMGET, &mctrl);
	/* 60 ms of wire time; 300 ms to arrive */
	if (write(tty, buf, SMALL) != SMALL)
		ksft_print_msg("write: %s\n", strerror(errno));
	got = reader_wait(&r, SMALL, QUIET_MS);
	outq = tty_outq(tty);
	bad = differs(buf, r.buf, SMALL);
	ksft_print_msg("CTS off, no CRTSCTS: %zu bytes arrived, TIOCOUTQ %d, first difference at %ld\n",
		       got, outq, bad);
	ok = got == SMALL && outq == 0 && bad < 0 && !(mctrl & TIOCM_CTS);
	reader_stop(&r);
out:
	set_cts(1);
	if (tty >= 0)
		tty_close(tty);
	if (peer >= 0)
		close(peer);
	free(buf);
	ksft_test_result(ok, "without CRTSCTS a deasserted CTS stops nothing\n");
}

/*
 * The far end's own flow control: while its buffer (16 KiB) is nearly
 * full it deasserts CTS, so with CRTSCTS a reader that does not keep up
 * loses nothing.
 */
static void test_slow_reader(void)
{
	unsigned char *buf = pattern(SLOW, 13), *rbuf = malloc(SLOW);
	long long drop0 = sim_stat("peer_dropped"), held0 = sim_stat("peer_held");
	struct writer w = { 0 };
	int tty = -1, peer = -1, ok = 0, outq = -1, started = 0;
	size_t got = 0;
	ssize_t n;
	long bad;

	tty = tty_open(B500000, 1);
	peer = peer_open();
	if (!buf || !rbuf || tty < 0 || peer < 0 || set_cts(1)) {
		ksft_print_msg("setup: %s\n", strerror(errno));
		goto out;
	}
	w.fd = tty;
	w.buf = buf;
	w.len = SLOW;
	if (pthread_create(&w.thread, NULL, writer_run, &w))
		goto out;
	started = 1;
	/* the wire time of the whole block, and nobody reads */
	msleep(SLOW * 10 / (BAUD / 1000) + QUIET_MS);
	outq = tty_outq(tty);
	while (got < SLOW) {
		struct pollfd p = { .fd = peer, .events = POLLIN };

		if (poll(&p, 1, 3000) <= 0)
			break;
		n = read(peer, rbuf + got, SLOW - got);
		if (n < 0 && errno != EAGAIN)
			break;
		if (n > 0)
			got += n;
	}
	pthread_join(w.thread, NULL);
	started = 0;
	bad = differs(buf, rbuf, got);
	ksft_print_msg("nobody reading: TIOCOUTQ %d; then %zu of %d bytes read, first difference at %ld; the far end missed %lld, its buffer held the stream %lld times\n",
		       outq, got, SLOW, bad, sim_stat("peer_dropped") - drop0,
		       sim_stat("peer_held") - held0);
	ok = outq > 0 && got == SLOW && bad < 0 && !w.err &&
	     sim_stat("peer_dropped") == drop0 && sim_stat("peer_held") > held0;
out:
	if (started) {
		/* let the writer finish: the far end drops what comes */
		close(peer);
		peer = -1;
		pthread_join(w.thread, NULL);
	}
	if (tty >= 0)
		tty_close(tty);
	if (peer >= 0)
		close(peer);
	free(buf);
	free(rbuf);
	ksft_test_result(ok, "a far end that does not read holds the stream with CTS: %d bytes, none lost\n",
			 SLOW);
}

static void restore_cts(void)
{
	set_cts(1);
}

int main(void)
{
	char knobs[512], path[PATH_MAX], mode[32] = "?", sim[32] = "?";

	ksft_print_header();
	ksft_set_plan(7);
	if (find_port(knobs, sizeof(knobs), tty_path, sizeof(tty_path)))
		ksft_exit_fail_msg("no smcard-serial device with a tty behind its uart link\n");
	if (access(SIM "/serial/cts", W_OK))
		ksft_exit_fail_msg("%s/serial/cts: %s\n", SIM, strerror(errno));
	atexit(restore_cts);
	/* RS232: the transceiver's mode through the card's driver */
	snprintf(path, sizeof(path), "%s/serial_mode", knobs);
	if (write_str(path, "rs232") || read_str(path, mode, sizeof(mode)) ||
	    read_str(SIM "/serial_mode", sim, sizeof(sim)) ||
	    strcmp(mode, "rs232") || strcmp(sim, "rs232"))
		ksft_exit_fail_msg("serial_mode rs232: the knob reads '%s', the controller '%s'\n",
				   mode, sim);
	ksft_print_msg("%s behind %s, RS232\n", tty_path, knobs);
	if (stallwatch_start(&watch, NULL))
		ksft_exit_fail_msg("stallwatch: cannot start its threads\n");

	test_rts_dtr();
	test_cts_seen();
	test_full_speed();
	test_cts_pause();
	test_cts_hold();
	test_no_crtscts();
	test_slow_reader();
	ksft_print_msg("the emulator stalled %d times\n", stallwatch_count(&watch));
	ksft_finished();
}
