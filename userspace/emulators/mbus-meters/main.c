// SPDX-License-Identifier: GPL-2.0
/*
 * mbus-meters: many M-Bus meters (slaves) on one line, for the card's
 * M-Bus master. Runs on the simulator's UART peer (/dev/smcard-sim-mbus:
 * the peer follows the tty's baud rate and 8E1, so nothing is set here)
 * or on a real serial port (set to --baud, 8E1).
 *
 * Every meter sees every request; the answers of all meters that reply
 * are combined as a wired-AND (mbus_meterset.h) and sent after the reply
 * delay, measured from the arrival of the request's last byte. With
 * --realistic each meter answers after a delay of its own that changes
 * with every request (11..330 bit times), and collisions are the garbage
 * a UART reads from the overlapping answers.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "mbus.h"

/* Bytes of a request that stop coming: drop them after this long. */
#define GAP_MS	100

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

struct opts {
	const char *device;
	unsigned int baud;
	long delay_us;		/* -1: 11 bit times, or per meter (realistic) */
	bool verbose;
	bool list;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mbus-meters [--device PATH] [--baud N] [--delay MS]\n"
		"                   [--generate N [--seed S] [--no-primary]]\n"
		"                   [--meter [PRIMARY=]FILE[,FILE...]]... [--ignore-fcb]\n"
		"                   [--drop-every K] [--realistic] [--list] [-v]\n\n"
		"  --device PATH        the line (default /dev/smcard-sim-mbus); a tty is set\n"
		"                       to --baud 8E1, the simulator's peer needs nothing\n"
		"  --baud N             line rate (2400); on the peer it only sets the default\n"
		"                       reply delay\n"
		"  --delay MS           reply delay after the request (default 11 bit times)\n"
		"  --generate N         N generated meters with unique secondary addresses\n"
		"  --seed S             seed of the generator (1)\n"
		"  --no-primary         generated meters keep primary address 0\n"
		"  --meter [P=]FILES    a meter replaying the RSP_UD frames in the hex FILES\n"
		"                       (comma-separated, one per telegram), primary address P\n"
		"  --ignore-fcb         meters ignore FCV/FCB (always the first telegram)\n"
		"  --drop-every K       every Kth RSP_UD is lost on the wire\n"
		"  --realistic          each meter answers after its own delay, 11..330 bit\n"
		"                       times, new jitter per request; collisions are garbage\n"
		"  --list               print the meters (secondary address first) and exit\n"
		"  -v                   log requests and answers on stderr\n");
}

static int add_meter(struct mbus_meterset *s, char *spec)
{
	const char *paths[16];
	struct mbus_error err = { 0 };
	unsigned long primary = 0;
	size_t n = 0;
	char *eq = strchr(spec, '='), *tok, *save;
	int ret;

	if (eq) {
		char *end;

		*eq = '\0';
		primary = strtoul(spec, &end, 10);
		if (*end || primary > 250) {
			fprintf(stderr, "mbus-meters: bad primary address '%s'\n",
				spec);
			return -EINVAL;
		}
		spec = eq + 1;
	}
	for (tok = strtok_r(spec, ",", &save); tok && n < 16;
	     tok = strtok_r(NULL, ",", &save))
		paths[n++] = tok;
	ret = mbus_meterset_load(s, (uint8_t)primary, paths, n, &err);
	if (ret)
		fprintf(stderr, "mbus-meters: %s\n",
			err.msg[0] ? err.msg : strerror(-ret));
	return ret;
}

static speed_t speed(unsigned int baud)
{
	switch (baud) {
	case 300: return B300;
	case 600: return B600;
	case 1200: return B1200;
	case 2400: return B2400;
	case 4800: return B4800;
	case 9600: return B9600;
	case 19200: return B19200;
	case 38400: return B38400;
	default: return 0;
	}
}

/* A tty gets raw 8E1 at @baud; the simulator's peer is no tty. */
static int line_setup(int fd, unsigned int baud)
{
	struct termios tio;

	if (tcgetattr(fd, &tio))
		return 0;
	cfmakeraw(&tio);
	tio.c_cflag &= ~(tcflag_t)(CSIZE | PARODD | CSTOPB | CRTSCTS);
	tio.c_cflag |= CS8 | PARENB | CLOCAL | CREAD;
	tio.c_iflag &= ~(tcflag_t)(INPCK | IGNPAR);
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	cfsetispeed(&tio, speed(baud));
	cfsetospeed(&tio, speed(baud));
	return tcsetattr(fd, TCSANOW, &tio) ? -errno : 0;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void log_bytes(const char *what, const uint8_t *p, size_t n)
{
	fprintf(stderr, "%s", what);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, " %02X", p[i]);
	fputc('\n', stderr);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_until(long long t)
{
	struct timespec ts = { .tv_sec = t / 1000000000LL,
			       .tv_nsec = t % 1000000000LL };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR && !stop)
		;
}

static int run(struct mbus_meterset *s, int fd, struct opts *o, bool tty)
{
	uint8_t buf[2 * MBUS_MAX_FRAME], out[MBUS_MAX_FRAME];
	size_t len = 0;
	long long last = 0;

	while (!stop) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct mbus_frame f;
		ssize_t n;
		int ret;

		ret = poll(&p, 1, len ? GAP_MS : 500);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return -errno;
		if (ret == 0) {
			if (len && o->verbose)
				log_bytes("dropped", buf, len);
			len = 0;
			continue;
		}
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) {
			usleep(10000);
			continue;
		}
		last = now_ns();
		len += (size_t)n;
		/* take frames off the front; skip bytes that start none */
		while (len) {
			unsigned int answered = 0, ev = 0, baud = 0;
			size_t used;
			long delay;

			if (buf[0] != MBUS_START_SHORT &&
			    buf[0] != MBUS_START_LONG) {
				memmove(buf, buf + 1, --len);
				continue;
			}
			ret = mbus_frame_parse(buf, len, &f, NULL);
			if (ret == -ENODATA)
				break;
			if (ret < 0) {
				memmove(buf, buf + 1, --len);
				continue;
			}
			used = (size_t)ret;
			if (o->verbose)
				log_bytes("request", buf, used);
			ret = mbus_meterset_handle(s, buf, used, out, sizeof(out),
						   &answered, &ev, &baud);
			memmove(buf, buf + used, len - used);
			len -= used;
			if (ret < 0) {
				fprintf(stderr, "mbus-meters: building a reply: %s\n",
					strerror(-ret));
				continue;
			}
			if (!ret)
				continue;
			delay = o->delay_us >= 0 ? o->delay_us :
				(long)(s->delay_bits * 1000000L / o->baud);
			sleep_until(last + delay * 1000LL);
			if (o->verbose) {
				char what[32];

				snprintf(what, sizeof(what), "answer (%u)",
					 answered);
				log_bytes(what, out, (size_t)ret);
			}
			ret = write_all(fd, out, (size_t)ret);
			if (ret)
				return ret;
			if (ev & MBUS_METER_EV_BAUD && baud) {
				/* the meter acknowledged at the old rate */
				if (tty) {
					tcdrain(fd);
					line_setup(fd, baud);
				}
				o->baud = baud;
			}
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "baud", required_argument, NULL, 'b' },
		{ "delay", required_argument, NULL, 'D' },
		{ "generate", required_argument, NULL, 'g' },
		{ "seed", required_argument, NULL, 's' },
		{ "no-primary", no_argument, NULL, 'P' },
		{ "meter", required_argument, NULL, 'm' },
		{ "ignore-fcb", no_argument, NULL, 'F' },
		{ "drop-every", required_argument, NULL, 'k' },
		{ "realistic", no_argument, NULL, 'R' },
		{ "list", no_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct opts o = { .device = "/dev/smcard-sim-mbus", .baud = 2400,
			  .delay_us = -1 };
	struct sigaction sa = { .sa_handler = on_signal };
	struct mbus_meterset s;
	unsigned long generate = 0, seed = 1;
	bool primary = true, tty;
	char *end;
	int opt, fd, ret;

	mbus_meterset_init(&s);
	while ((opt = getopt_long(argc, argv, "vh", lopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			o.device = optarg;
			break;
		case 'b':
			o.baud = (unsigned int)strtoul(optarg, &end, 10);
			if (*end || !speed(o.baud)) {
				fprintf(stderr, "mbus-meters: --baud: 300..38400, an M-Bus rate\n");
				return 2;
			}
			break;
		case 'D':
			o.delay_us = (long)(strtod(optarg, &end) * 1000);
			if (*end || o.delay_us < 0 || o.delay_us > 10000000) {
				fprintf(stderr, "mbus-meters: --delay: 0..10000 ms\n");
				return 2;
			}
			break;
		case 'g':
			generate = strtoul(optarg, &end, 10);
			if (*end || generate > 2000) {
				fprintf(stderr, "mbus-meters: --generate: 0..2000\n");
				return 2;
			}
			break;
		case 's':
			seed = strtoul(optarg, &end, 10);
			if (*end) {
				fprintf(stderr, "mbus-meters: --seed: a number\n");
				return 2;
			}
			break;
		case 'P':
			primary = false;
			break;
		case 'm':
			if (add_meter(&s, optarg))
				return 1;
			break;
		case 'F':
			s.ignore_fcb = true;
			break;
		case 'k':
			s.drop_every = (unsigned int)strtoul(optarg, &end, 10);
			if (*end) {
				fprintf(stderr, "mbus-meters: --drop-every: a number\n");
				return 2;
			}
			break;
		case 'R':
			s.realistic = true;
			break;
		case 'l':
			o.list = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	s.rng = seed;
	if (generate && mbus_meterset_generate(&s, generate, seed, primary)) {
		fprintf(stderr, "mbus-meters: out of memory\n");
		return 1;
	}
	if (!s.n) {
		fprintf(stderr, "mbus-meters: no meters (--generate or --meter)\n");
		return 2;
	}
	if (o.list) {
		for (size_t i = 0; i < s.n; i++) {
			char line[160];

			mbus_sim_meter_format(s.meters[i], line, sizeof(line));
			printf("%s\n", line);
		}
		mbus_meterset_free(&s);
		return 0;
	}
	fd = open(o.device, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "mbus-meters: %s: %s\n", o.device, strerror(errno));
		mbus_meterset_free(&s);
		return 1;
	}
	tty = isatty(fd);
	ret = tty ? line_setup(fd, o.baud) : 0;
	if (ret) {
		fprintf(stderr, "mbus-meters: %s: %s\n", o.device, strerror(-ret));
		close(fd);
		mbus_meterset_free(&s);
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (o.verbose)
		fprintf(stderr, "mbus-meters: %zu meters on %s\n", s.n, o.device);
	ret = run(&s, fd, &o, tty);
	if (ret)
		fprintf(stderr, "mbus-meters: %s: %s\n", o.device, strerror(-ret));
	close(fd);
	mbus_meterset_free(&s);
	return ret ? 1 : 0;
}
