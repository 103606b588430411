// SPDX-License-Identifier: GPL-2.0
/*
 * mbus-master: an M-Bus master on the far end of the line, for testing
 * the card in the slave role. Runs on the simulator's UART peer
 * (/dev/smcard-sim-mbus, which follows the card's baud rate and 8E1) or
 * on a real serial port (set to --baud 8E1); the master procedures are
 * the library's (mbus_scan.h), the link layer is here: send a request,
 * wait until it has left the wire, then time the answer.
 *
 * Each answer's gap is measured from the end of the request's last stop
 * bit to the start bit of the answer's first character (its arrival
 * minus one character time) and reported in bit times, so the
 * EN 13757-2 window (11 bit times .. 330 bit times + 50 ms) can be
 * checked. The end of the request is when fsync/tcdrain returned; when
 * that was more than one bit time after the earliest the request could
 * have left (this process woke up late), the gap would look shorter than
 * it was, so such an answer does not count for the shortest gap.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <linux/meterbus.h>

#include "mbus.h"

#define CHAR_BITS	11	/* start, 8 data, parity, stop */

struct master {
	int fd;
	unsigned int baud;
	unsigned int wait_ms;	/* how long to wait for a first byte */
	bool verbose;
	bool json;
	struct json_object *xfers;
	unsigned long n_gaps;
	unsigned long n_timed;	/* answers whose gap start is exact to a bit */
	double min_gap_us, max_gap_us;
	struct mbus_link link;
};

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static double bit_us(const struct master *m)
{
	return 1e6 / m->baud;
}

static void hex(const uint8_t *p, size_t n, char *out)
{
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		sprintf(out + 3 * i, i + 1 < n ? "%02X " : "%02X", p[i]);
}

/* Wait up to @ms for a byte; 1 with *@b, 0 on timeout, -errno. */
static int get_byte(struct master *m, int ms, uint8_t *b)
{
	struct pollfd p = { .fd = m->fd, .events = POLLIN };
	int ret = poll(&p, 1, ms);

	if (ret < 0)
		return -errno;
	if (ret == 0)
		return 0;
	ret = (int)read(m->fd, b, 1);
	if (ret < 0)
		return errno == EAGAIN ? 0 : -errno;
	return ret;
}

static void drain_input(struct master *m)
{
	uint8_t b;

	while (get_byte(m, 0, &b) == 1)
		;
}

static int put_frame(struct master *m, const uint8_t *req, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t w = write(m->fd, req + off, len - off);

		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		off += (size_t)w;
	}
	/* until the last stop bit has left: fsync on the peer, tcdrain on a tty */
	if (isatty(m->fd))
		return tcdrain(m->fd) ? -errno : 0;
	return fsync(m->fd) ? -errno : 0;
}

static int xfer(void *ctx, const uint8_t *req, size_t len, bool no_reply,
		struct mbus_reply *r)
{
	struct master *m = ctx;
	int64_t start, end, first = 0;
	int gap_ms = (int)(CHAR_BITS * bit_us(m) / 1000) + 50;
	struct json_object *o;
	char h[3 * MBUS_MAX_FRAME + 1];
	uint8_t b;
	int ret;

	r->len = 0;
	r->latency_us = 0;
	r->result = METERBUS_RESULT_TIMEOUT;
	drain_input(m);
	start = now_us();
	ret = put_frame(m, req, len);
	if (ret)
		return ret;
	end = now_us();
	if (no_reply) {
		usleep((useconds_t)(CHAR_BITS * bit_us(m)) + 20000);
		drain_input(m);
		r->result = METERBUS_RESULT_OK;
		return 0;
	}
	ret = get_byte(m, (int)m->wait_ms, &b);
	if (ret < 0)
		return ret;
	if (ret == 1) {
		first = now_us();
		r->buf[r->len++] = b;
		/* the rest of the frame, then a quiet line */
		for (;;) {
			struct mbus_frame f;
			int n = mbus_frame_parse(r->buf, r->len, &f, NULL);

			if (n > 0 || (n < 0 && n != -ENODATA)) {
				int more = get_byte(m, (int)(CHAR_BITS * bit_us(m) / 1000) + 20, &b);

				if (more == 1 && r->len < sizeof(r->buf)) {
					r->buf[r->len++] = b;
					r->result = METERBUS_RESULT_COLLISION;
					continue;
				}
				if (r->result != METERBUS_RESULT_COLLISION)
					r->result = n > 0 ? METERBUS_RESULT_OK :
							    METERBUS_RESULT_BAD_CHECKSUM;
				break;
			}
			ret = get_byte(m, gap_ms, &b);
			if (ret <= 0 || r->len >= sizeof(r->buf)) {
				r->result = METERBUS_RESULT_INCOMPLETE;
				break;
			}
			r->buf[r->len++] = b;
		}
	}
	o = json_object_new_object();
	hex(req, len, h);
	json_object_object_add(o, "request", json_object_new_string(h));
	json_object_object_add(o, "result", json_object_new_string(
		r->result == METERBUS_RESULT_OK ? "ok" :
		r->result == METERBUS_RESULT_TIMEOUT ? "timeout" :
		r->result == METERBUS_RESULT_COLLISION ? "collision" : "bad-frame"));
	if (r->len) {
		/* first byte arrived one character after its start bit */
		double gap = (double)(first - end) - CHAR_BITS * bit_us(m);

		r->latency_us = (uint32_t)(first - end);
		hex(r->buf, r->len, h);
		json_object_object_add(o, "reply", json_object_new_string(h));
		json_object_object_add(o, "gap_us", json_object_new_int64((int64_t)gap));
		json_object_object_add(o, "gap_bits",
				       json_object_new_double(gap / bit_us(m)));
		if (end - start <= (len * CHAR_BITS + 1) * bit_us(m) &&
		    (!m->n_timed++ || gap < m->min_gap_us))
			m->min_gap_us = gap;
		if (!m->n_gaps || gap > m->max_gap_us)
			m->max_gap_us = gap;
		m->n_gaps++;
	}
	json_object_array_add(m->xfers, o);
	if (m->verbose)
		fprintf(stderr, "mbus-master: %s\n", json_object_to_json_string_ext(o,
			JSON_C_TO_STRING_PLAIN));
	return 0;
}

struct out {
	struct master *m;
	struct json_object *res;	/* the command's result object */
	struct json_object *telegrams;
	struct json_object *found;
};

static void print_telegram_text(const struct mbus_telegram *t)
{
	char sa[MBUS_SECADDR_STRLEN], v[2 * MBUS_VALUE_MAX_BYTES + 1];

	mbus_secaddr_format(&(struct mbus_secaddr){ t->header.id,
		t->header.manufacturer, t->header.version, t->header.medium }, sa);
	printf("telegram address %u secondary %s access %u status 0x%02X%s\n",
	       t->frame.a, sa, t->header.access_number, t->header.status,
	       t->more_records ? " more" : "");
	for (size_t i = 0; i < t->n_records; i++) {
		const struct mbus_record *r = &t->records[i];

		mbus_value_format(&r->value, v, sizeof(v));
		printf("record %zu %s %s %s subunit %u function %s\n", i,
		       r->quantity, v, r->unit[0] ? r->unit : "-", r->subunit,
		       mbus_function_name(r->function));
	}
}

static int on_telegram(void *arg, const uint8_t *frame, size_t len)
{
	struct out *o = arg;
	struct mbus_telegram t;
	struct json_object *j = json_object_new_object();
	char h[3 * MBUS_MAX_FRAME + 1];

	hex(frame, len, h);
	json_object_object_add(j, "raw", json_object_new_string(h));
	mbus_telegram_init(&t);
	if (mbus_telegram_parse(frame, len, &t, NULL) == 0) {
		json_object_object_add(j, "decoded", mbus_telegram_to_json(&t));
		if (!o->m->json)
			print_telegram_text(&t);
	} else if (!o->m->json) {
		printf("telegram (undecodable) %s\n", h);
	}
	mbus_telegram_free(&t);
	json_object_array_add(o->telegrams, j);
	return 0;
}

static int on_found(void *arg, const struct mbus_found *f)
{
	struct out *o = arg;
	struct json_object *j = json_object_new_object();
	char sa[MBUS_SECADDR_STRLEN] = "";

	if (f->has_secaddr)
		mbus_secaddr_format(&f->sa, sa);
	json_object_object_add(j, "primary", json_object_new_int(f->primary));
	json_object_object_add(j, "secondary", json_object_new_string(sa));
	json_object_object_add(j, "collision", json_object_new_boolean(f->collision));
	json_object_array_add(o->found, j);
	if (!o->m->json)
		printf("found primary %u secondary %s%s\n", f->primary, sa,
		       f->collision ? " collision" : "");
	return 0;
}

static int target(const char *s, struct mbus_target *t)
{
	if (mbus_target_parse(s, t)) {
		fprintf(stderr, "mbus-master: bad address '%s'\n", s);
		return -EINVAL;
	}
	return 0;
}

/* ud2 ADDR [fcb0|fcb1|nofcv]: one REQ_UD2 with the FCB as given. */
static int cmd_ud2(struct master *m, struct out *o, int argc, char **argv)
{
	struct mbus_reply r;
	uint8_t f[8], c = MBUS_C_REQ_UD2 & ~(MBUS_C_FCB | MBUS_C_FCV);
	unsigned long a;
	char *end;
	int ret;

	if (argc < 2)
		return -EINVAL;
	a = strtoul(argv[1], &end, 0);
	if (*end || a > 255)
		return -EINVAL;
	if (argc > 2 && !strcmp(argv[2], "fcb1"))
		c |= MBUS_C_FCV | MBUS_C_FCB;
	else if (argc > 2 && !strcmp(argv[2], "fcb0"))
		c |= MBUS_C_FCV;
	mbus_frame_build_short(f, sizeof(f), c, (uint8_t)a);
	ret = mbus_link_xfer(&m->link, f, 5, false, &r);
	if (ret)
		return ret;
	if (r.result != METERBUS_RESULT_OK) {
		if (!m->json)
			printf("no answer\n");
		return -ETIMEDOUT;
	}
	return on_telegram(o, r.buf, r.len);
}

/* raw HEX...: one frame as given, the answer printed. */
static int cmd_raw(struct master *m, struct out *o, int argc, char **argv)
{
	uint8_t f[MBUS_MAX_FRAME];
	struct mbus_reply r;
	char h[3 * MBUS_MAX_FRAME + 1];
	size_t n = 0;
	int ret;

	for (int i = 1; i < argc; i++)
		for (char *p = argv[i]; *p && n < sizeof(f);) {
			unsigned int b;
			int used;

			if (sscanf(p, "%2x%n", &b, &used) != 1)
				return -EINVAL;
			f[n++] = (uint8_t)b;
			p += used;
			while (*p == ' ')
				p++;
		}
	if (!n)
		return -EINVAL;
	ret = mbus_link_xfer(&m->link, f, n, false, &r);
	if (ret)
		return ret;
	hex(r.buf, r.len, h);
	json_object_object_add(o->res, "reply", json_object_new_string(h));
	if (!m->json)
		printf("reply %s\n", r.len ? h : "none");
	return r.result == METERBUS_RESULT_OK ? 0 : -ETIMEDOUT;
}

static int run(struct master *m, struct out *o, int argc, char **argv)
{
	const char *cmd = argv[0];
	struct mbus_target t;
	struct mbus_scan_opts so = { .first = 0, .last = 250, .read_id = true,
				     .found = on_found, .arg = o };
	uint8_t a;
	int ret;

	if (!strcmp(cmd, "read") && argc == 2) {
		if (target(argv[1], &t))
			return -EINVAL;
		ret = mbus_read(&m->link, &t, 16, on_telegram, o);
		return ret < 0 ? ret : 0;
	}
	if (!strcmp(cmd, "nke") && argc == 2) {
		if (target(argv[1], &t))
			return -EINVAL;
		return mbus_target_open(&m->link, &t, &a);
	}
	if (!strcmp(cmd, "select") && argc == 2) {
		if (target(argv[1], &t) || !t.secondary)
			return -EINVAL;
		return mbus_target_open(&m->link, &t, &a);
	}
	if (!strcmp(cmd, "set-address") && argc == 3) {
		if (target(argv[1], &t))
			return -EINVAL;
		return mbus_set_primary(&m->link, &t, (uint8_t)atoi(argv[2]));
	}
	if (!strcmp(cmd, "set-baud") && argc == 3) {
		if (target(argv[1], &t))
			return -EINVAL;
		/* the E5 comes at the old rate: the timing stays at --baud */
		return mbus_set_baud(&m->link, &t, (unsigned int)atoi(argv[2]));
	}
	if (!strcmp(cmd, "reset") && argc == 2) {
		if (target(argv[1], &t))
			return -EINVAL;
		return mbus_app_reset(&m->link, &t);
	}
	if (!strcmp(cmd, "scan-primary") && (argc == 1 || argc == 3)) {
		if (argc == 3) {
			so.first = (unsigned int)atoi(argv[1]);
			so.last = (unsigned int)atoi(argv[2]);
		}
		ret = mbus_scan_primary(&m->link, &so);
		return ret < 0 ? ret : 0;
	}
	if (!strcmp(cmd, "scan-secondary") && argc == 1) {
		struct mbus_secaddr all = MBUS_SECADDR_WILDCARD;

		ret = mbus_scan_secondary(&m->link, &all, &so);
		return ret < 0 ? ret : 0;
	}
	if (!strcmp(cmd, "ud2"))
		return cmd_ud2(m, o, argc, argv);
	if (!strcmp(cmd, "raw") && argc > 1)
		return cmd_raw(m, o, argc, argv);
	return -EINVAL;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mbus-master [--device PATH] [--baud N] [--wait MS] [--json] [-v] COMMAND\n\n"
		"  read ADDRESS            all telegrams of a slave (primary or 16 hex digits)\n"
		"  nke ADDRESS             SND_NKE (secondary: deselect, then select)\n"
		"  select SECONDARY        selection by secondary address (wildcards F)\n"
		"  ud2 ADDRESS [fcb0|fcb1] one REQ_UD2 with the FCB given (FCV clear without)\n"
		"  set-address ADDRESS N   SND_UD with VIF 7A\n"
		"  set-baud ADDRESS BAUD   SND_UD CI B8..BF (follow with --baud BAUD)\n"
		"  reset ADDRESS           application reset (CI 50)\n"
		"  scan-primary [FIRST LAST], scan-secondary\n"
		"  raw HEX...              one frame as given\n\n"
		"  --device PATH   the line (default /dev/smcard-sim-mbus)\n"
		"  --baud N        line rate, for the timing (2400)\n"
		"  --wait MS       how long to wait for an answer (1000; the standard\n"
		"                  window is 330 bit times + 50 ms, the gap is reported)\n"
		"Prints the gap before each answer in bit times; --json: one object.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "baud", required_argument, NULL, 'b' },
		{ "wait", required_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct master m = { .baud = 2400, .wait_ms = 1000 };
	struct out o = { .m = &m };
	const char *dev = "/dev/smcard-sim-mbus";
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': dev = optarg; break;
		case 'b': m.baud = (unsigned int)atoi(optarg); break;
		case 'w': m.wait_ms = (unsigned int)atoi(optarg); break;
		case 'j': m.json = true; break;
		case 'v': m.verbose = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc || m.baud < 300 || m.baud > 38400) {
		usage(stderr);
		return 2;
	}
	m.fd = open(dev, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (m.fd < 0) {
		fprintf(stderr, "mbus-master: %s: %s\n", dev, strerror(errno));
		return 1;
	}
	if (isatty(m.fd)) {
		struct termios tio;

		if (tcgetattr(m.fd, &tio) == 0) {
			cfmakeraw(&tio);
			tio.c_cflag |= PARENB | CLOCAL | CREAD;
			tio.c_cflag &= ~(PARODD | CSTOPB | CRTSCTS);
			cfsetspeed(&tio, m.baud == 300 ? B300 : m.baud == 600 ? B600 :
				   m.baud == 1200 ? B1200 : m.baud == 4800 ? B4800 :
				   m.baud == 9600 ? B9600 : m.baud == 19200 ? B19200 :
				   m.baud == 38400 ? B38400 : B2400);
			tcsetattr(m.fd, TCSANOW, &tio);
		}
	}
	m.xfers = json_object_new_array();
	o.res = json_object_new_object();
	o.telegrams = json_object_new_array();
	o.found = json_object_new_array();
	m.link.xfer = xfer;
	m.link.ctx = &m;
	m.link.retries = 1;
	ret = run(&m, &o, argc - optind, argv + optind);
	if (ret == -EINVAL && !m.link.msg[0])
		usage(stderr);
	json_object_object_add(o.res, "ok", json_object_new_boolean(!ret));
	if (ret)
		json_object_object_add(o.res, "error", json_object_new_string(
			m.link.msg[0] ? m.link.msg : strerror(-ret)));
	json_object_object_add(o.res, "telegrams", o.telegrams);
	json_object_object_add(o.res, "found", o.found);
	json_object_object_add(o.res, "transactions", m.xfers);
	if (m.n_gaps) {
		struct json_object *t = json_object_new_object();

		json_object_object_add(t, "answers", json_object_new_int64((int64_t)m.n_gaps));
		json_object_object_add(t, "timed_answers", json_object_new_int64((int64_t)m.n_timed));
		if (m.n_timed)
			json_object_object_add(t, "min_gap_bits",
					       json_object_new_double(m.min_gap_us / bit_us(&m)));
		json_object_object_add(t, "max_gap_us", json_object_new_int64((int64_t)m.max_gap_us));
		json_object_object_add(t, "window_us", json_object_new_int64(
			(int64_t)(330 * bit_us(&m)) + 50000));
		json_object_object_add(o.res, "timing", t);
	}
	if (m.json)
		printf("%s\n", json_object_to_json_string_ext(o.res, JSON_C_TO_STRING_PLAIN |
			JSON_C_TO_STRING_NOSLASHESCAPE));
	else if (m.n_gaps)
		printf("timing answers %lu min_gap_bits %.1f max_gap_us %.0f window_us %.0f timed %lu\n",
		       m.n_gaps, m.n_timed ? m.min_gap_us / bit_us(&m) : NAN,
		       m.max_gap_us, 330 * bit_us(&m) + 50000, m.n_timed);
	if (ret && !m.json)
		fprintf(stderr, "mbus-master: %s: %s\n", argv[optind],
			m.link.msg[0] ? m.link.msg : strerror(-ret));
	json_object_put(o.res);
	close(m.fd);
	return ret ? 1 : 0;
}
